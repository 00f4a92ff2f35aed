/* SPDX-License-Identifier: GPL-3.0-or-later
 * Direct law over parameters and tokens (Krajewski et al. 2025, Eq. 4), for runs at several
 * token/parameter ratios:
 *     -log Q' = A N^-alpha + B D^-beta,
 * fitted in log-sum-exp form  log(-log Q') = LSE(a - alpha log N, b - beta log D)  (A = e^a,
 * B = e^b) with a Huber(1e-3) loss from the paper's 81-start grid: alpha, beta in
 * {0.5, 1, 1.5}, a, b in {5, 10, 15}. */
#include "fit/fit_internal.h"
#include "laws/direct_util.h"

#include <math.h>
#include <stdio.h>

static const char *const param_names[] = {"a", "alpha", "b", "beta"};
static const char *const shown_names[] = {"A", "alpha", "B", "beta"};
static const char *const x_names[] = {"N", "D"};

static void mt_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = sc_lse2(theta[0] - theta[1] * log(x[2 * i]),
                         theta[2] - theta[3] * log(x[2 * i + 1]), NULL, NULL);
}

static void mt_jac(const double *theta, const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; i++) {
        double ln = log(x[2 * i]), ld = log(x[2 * i + 1]), wn, wd;
        (void)sc_lse2(theta[0] - theta[1] * ln, theta[2] - theta[3] * ld, &wn, &wd);
        J[i * 4 + 0] = wn;
        J[i * 4 + 1] = -wn * ln;
        J[i * 4 + 2] = wd;
        J[i * 4 + 3] = -wd * ld;
    }
}

/* Second derivatives: f = LSE(a - alpha log N, b - beta log D), v = (1, -log N, -1, log D),
 * Hess f = s1 s2 v v^T (direct_util.h). */
static void mt_hess(const double *theta, const double *x, size_t n, double *H)
{
    for (size_t i = 0; i < n; i++) {
        double ln = log(x[2 * i]), ld = log(x[2 * i + 1]), wn, wd;
        (void)sc_lse2(theta[0] - theta[1] * ln, theta[2] - theta[3] * ld, &wn, &wd);
        const double v[4] = {1.0, -ln, -1.0, ld};
        sc_lse2_hess(wn * wd, v, 4, H + 10 * i);
    }
}

/* Fast path: covariates log N - cN, log D - cD (centres: the means over the data), internal
 * parameters z = (a - alpha cN, alpha, b - beta cD, beta); one vectorisable pass gives model,
 * Jacobian and second derivatives. */
static void mt_prep(const double *x, size_t n, double *xp, double *ctx)
{
    double cn = 0.0, cd = 0.0;
    for (size_t i = 0; i < n; i++) {
        xp[2 * i] = log(x[2 * i]);
        xp[2 * i + 1] = log(x[2 * i + 1]);
        cn += xp[2 * i];
        cd += xp[2 * i + 1];
    }
    cn = n ? cn / (double)n : 0.0;
    cd = n ? cd / (double)n : 0.0;
    for (size_t i = 0; i < n; i++) {
        xp[2 * i] -= cn;
        xp[2 * i + 1] -= cd;
    }
    ctx[0] = cn;
    ctx[1] = cd;
}

static void mt_to_internal(const double *ctx, const double *theta, double *z)
{
    z[0] = theta[0] - theta[1] * ctx[0];
    z[1] = theta[1];
    z[2] = theta[2] - theta[3] * ctx[1];
    z[3] = theta[3];
}

static void mt_from_internal(const double *ctx, const double *z, double *theta)
{
    theta[0] = z[0] + z[1] * ctx[0];
    theta[1] = z[1];
    theta[2] = z[2] + z[3] * ctx[1];
    theta[3] = z[3];
}

/* By blocks: the log-sum-exp and its weights vectorised (sc_lse2_block), then the rows. */
SC_CLONES
static void mt_fjh(const double *z, const double *xp, size_t n, double *f, double *J, double *H)
{
    double u[SC_CHUNK], v[SC_CHUNK], w1[SC_CHUNK], w2[SC_CHUNK];
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *x = xp + 2 * i0;
        for (size_t i = 0; i < m; i++) {
            u[i] = z[0] - z[1] * x[2 * i];
            v[i] = z[2] - z[3] * x[2 * i + 1];
        }
        sc_lse2_block(u, v, m, f + i0, w1, w2);
        if (J == NULL) continue;
        for (size_t i = 0; i < m; i++) {
            const double s1 = w1[i], s2 = w2[i], x1 = x[2 * i], x2 = x[2 * i + 1];
            double *r = J + 4 * (i0 + i);
            r[0] = s1;
            r[1] = -s1 * x1;
            r[2] = s2;
            r[3] = -s2 * x2;
        }
        if (H == NULL) continue;
        for (size_t i = 0; i < m; i++) {
            const double x1 = x[2 * i], x2 = x[2 * i + 1];
            const double q = w1[i] * w2[i];
            double *h = H + 10 * (i0 + i);
            h[0] = q;
            h[1] = -q * x1;
            h[2] = -q;
            h[3] = q * x2;
            h[4] = q * x1 * x1;
            h[5] = q * x1;
            h[6] = -q * x1 * x2;
            h[7] = q;
            h[8] = -q * x2;
            h[9] = q * x2 * x2;
        }
    }
}

static void mt_fj(const double *z, const double *xp, size_t n, double *f, double *J)
{
    mt_fjh(z, xp, n, f, J, NULL);
}

extern const sc_law_fast sc_law_fast_multitpr;

static size_t mt_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    (void)x;
    (void)y;
    (void)n;
    static const double exps[] = {0.5, 1.0, 1.5}, scales[] = {5.0, 10.0, 15.0};
    size_t k = 0;
    for (int i1 = 0; i1 < 3; i1++)
        for (int i2 = 0; i2 < 3; i2++)
            for (int i3 = 0; i3 < 3; i3++)
                for (int i4 = 0; i4 < 3; i4++) {
                    if (theta0 && k < max) {
                        theta0[k * 4 + 0] = scales[i3];
                        theta0[k * 4 + 1] = exps[i1];
                        theta0[k * 4 + 2] = scales[i4];
                        theta0[k * 4 + 3] = exps[i2];
                    }
                    k++;
                }
    return k;
}

static sc_status mt_check(const double *x, double y, char *why, size_t whysize)
{
    for (int k = 0; k < 2; k++) {
        if (!(x[k] > 0.0) || !isfinite(x[k])) {
            snprintf(why, whysize, "%s must be > 0 (got %g)", k == 0 ? "N" : "D", x[k]);
            return SC_EDOMAIN;
        }
    }
    if (!(y > 0.0 && y < 1.0)) {
        snprintf(why, whysize, "normalised accuracy must lie in (0, 1) (got %g)", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

static void mt_natural(const double *theta, double *shown)
{
    shown[0] = exp(theta[0]);
    shown[1] = theta[1];
    shown[2] = exp(theta[2]);
    shown[3] = theta[3];
}

const sc_law sc_law_multitpr = {
    .name = "multitpr",
    .formula = "-log Q' = A N^-alpha + B D^-beta  (Krajewski et al. 2025, Eq. 4)",
    .nparam = 4,
    .nx = 2,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOGLOG,
    .f = mt_f,
    .jac = mt_jac,
    .starts = mt_starts,
    .linear = NULL,
    .check = mt_check,
    .natural = mt_natural,
    .shown_names = shown_names,
    .hess = mt_hess,
    .fast = &sc_law_fast_multitpr,
};

const sc_law_fast sc_law_fast_multitpr = {
    .law = &sc_law_multitpr,
    .nxp = 2,
    .prep = mt_prep,
    .to_internal = mt_to_internal,
    .from_internal = mt_from_internal,
    .fj = mt_fj,
    .fjh = mt_fjh,
};
