/* SPDX-License-Identifier: GPL-3.0-or-later
 * Saturating power law in one variable:
 *     y = E + A x^(-alpha)
 * the stage-1 law of two-stage forecasts (compute or size -> loss; e.g. Kaplan et al. 2020,
 * eq. 1.3 with an irreducible term as in Hoffmann et al. 2022, eq. 2). Fitted in log space with
 * the scale constants in log form (E = e^e, A = e^a):
 *     log y = LSE(e, a - alpha log x)
 * Parameters theta = (e, a, alpha); one covariate x > 0; y > 0.
 */
#include "fit/fit_internal.h"

#include <math.h>
#include <stdio.h>

static const char *const param_names[] = {"e", "a", "alpha"};
static const char *const shown_names[] = {"E", "A", "alpha"};
static const char *const x_names[] = {"x"};

static void fj_prepared(const double *theta, const double *xp, size_t n, double *f, double *J)
{
    const double e = theta[0], a = theta[1], alpha = theta[2];
    for (size_t i = 0; i < n; i++) {
        const double lx = xp[i];
        const double u = a - alpha * lx;
        /* LSE(e, u) = max + log(1 + exp(-|e - u|)), stable for any values. */
        const double m = e > u ? e : u;
        const double t = exp(-fabs(e - u));
        f[i] = m + log1p(t);
        if (J != NULL) {
            const double big = 1.0 / (1.0 + t), small = t * big;
            const double se = e > u ? big : small, su = 1.0 - se;
            J[3 * i] = se;
            J[3 * i + 1] = su;
            J[3 * i + 2] = -su * lx;
        }
    }
}

/* Model, Jacobian and second derivatives: f = LSE(e, u), u = a - alpha x, so with
 * v = grad e - grad u = (1, -1, x), Hess f = s_e s_u v v^T (the Hessian of log-sum-exp of two
 * linear terms, Boyd and Vandenberghe 2004, sec. 3.1.5). H: 6 packed values per point. */
static void fjh_prepared(const double *theta, const double *xp, size_t n, double *f, double *J,
                         double *H)
{
    const double e = theta[0], a = theta[1], alpha = theta[2];
    for (size_t i = 0; i < n; i++) {
        const double lx = xp[i];
        const double u = a - alpha * lx;
        const double m = e > u ? e : u;
        const double t = exp(-fabs(e - u));
        f[i] = m + log1p(t);
        const double big = 1.0 / (1.0 + t), small = t * big;
        const double se = e > u ? big : small, su = 1.0 - se;
        J[3 * i] = se;
        J[3 * i + 1] = su;
        J[3 * i + 2] = -su * lx;
        const double q = se * su;
        double *h = H + 6 * i;
        h[0] = q;
        h[1] = -q;
        h[2] = q * lx;
        h[3] = q;
        h[4] = -q * lx;
        h[5] = q * lx * lx;
    }
}

static void logs(const double *x, size_t n, double *xp)
{
    for (size_t i = 0; i < n; i++) xp[i] = log(x[i]);
}

/* Fast path: covariate log x - c with c the mean of log x, internal parameters
 * z = (e, a - alpha c, alpha) (decorrelates a and alpha). */
static void prep(const double *x, size_t n, double *xp, double *ctx)
{
    logs(x, n, xp);
    double c = 0.0;
    for (size_t i = 0; i < n; i++) c += xp[i];
    c = n ? c / (double)n : 0.0;
    for (size_t i = 0; i < n; i++) xp[i] -= c;
    ctx[0] = c;
}

static void to_internal(const double *ctx, const double *theta, double *z)
{
    z[0] = theta[0];
    z[1] = theta[1] - theta[2] * ctx[0];
    z[2] = theta[2];
}

static void from_internal(const double *ctx, const double *z, double *theta)
{
    theta[0] = z[0];
    theta[1] = z[1] + z[2] * ctx[0];
    theta[2] = z[2];
}

#define BLOCK 64
static void sat_f(const double *theta, const double *x, size_t n, double *out)
{
    double xp[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + i0, m, xp);
        fj_prepared(theta, xp, m, out + i0, NULL);
    }
}

static void sat_jac(const double *theta, const double *x, size_t n, double *J)
{
    double xp[BLOCK], f[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + i0, m, xp);
        fj_prepared(theta, xp, m, f, J + 3 * i0);
    }
}

static void sat_hess(const double *theta, const double *x, size_t n, double *H)
{
    double xp[BLOCK], f[BLOCK], J[3 * BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + i0, m, xp);
        fjh_prepared(theta, xp, m, f, J, H + 6 * i0);
    }
}

extern const sc_law_fast sc_law_fast_satpower;

/* Data-adapted grid: E a share {5%, 50%, 90%} of the smallest y; alpha in {0.05, 0.1, 0.2,
 * 0.35, 0.5, 0.75, 1}; A such that E + A xg^-alpha equals the geometric mean of y at the
 * geometric mean xg of x (or 10% of it when E is already above). Order: e outer, alpha inner. */
static size_t sat_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    static const double eshare[] = {0.05, 0.5, 0.9};
    static const double alphas[] = {0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0};
    double ymin = INFINITY, lxg = 0.0, lyg = 0.0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(x[i] > 0) || !(y[i] > 0) || !isfinite(x[i]) || !isfinite(y[i])) continue;
        if (y[i] < ymin) ymin = y[i];
        lxg += log(x[i]);
        lyg += log(y[i]);
        used++;
    }
    if (used == 0) {
        ymin = 1.0;
    } else {
        lxg /= (double)used;
        lyg /= (double)used;
    }
    const double yg = exp(lyg);
    size_t k = 0;
    for (size_t ie = 0; ie < sizeof eshare / sizeof eshare[0]; ie++)
        for (size_t ia = 0; ia < sizeof alphas / sizeof alphas[0]; ia++, k++) {
            if (theta0 == NULL || k >= max) continue;
            double E = eshare[ie] * ymin;
            double rest = yg - E;
            if (rest < 0.1 * yg) rest = 0.1 * yg;
            theta0[3 * k] = log(E);
            theta0[3 * k + 1] = log(rest) + alphas[ia] * lxg;
            theta0[3 * k + 2] = alphas[ia];
        }
    return k;
}

static sc_status sat_check(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0)) {
        snprintf(why, whysize, "x must be > 0, got %g", x[0]);
        return SC_EDOMAIN;
    }
    if (!(y > 0)) {
        snprintf(why, whysize, "y must be > 0, got %g", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

static void sat_natural(const double *theta, double *shown)
{
    shown[0] = exp(theta[0]);
    shown[1] = exp(theta[1]);
    shown[2] = theta[2];
}

const sc_law sc_law_satpower = {
    .name = "satpower",
    .formula = "y = E + A x^-alpha",
    .nparam = 3,
    .nx = 1,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOG,
    .f = sat_f,
    .jac = sat_jac,
    .starts = sat_starts,
    .linear = NULL,
    .check = sat_check,
    .natural = sat_natural,
    .shown_names = shown_names,
    .hess = sat_hess,
    .fast = &sc_law_fast_satpower,
};

const sc_law_fast sc_law_fast_satpower = {
    .law = &sc_law_satpower,
    .nxp = 1,
    .prep = prep,
    .to_internal = to_internal,
    .from_internal = from_internal,
    .fj = fj_prepared,
    .fjh = fjh_prepared,
};
