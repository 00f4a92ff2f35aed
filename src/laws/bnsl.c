/* SPDX-License-Identifier: GPL-3.0-or-later
 * Broken neural scaling law with one break (Caballero et al. 2023, as used by Krajewski et al.
 * 2025, Eq. 1), fitted to raw accuracy:
 *     Q = a + b C^-c0 (1 + (C/d1)^(1/f1))^(-c1 f1).
 * The break point is fitted in log space, g1 = log10 d1, so theta = (a, b, c0, c1, f1, g1).
 * The term is evaluated in logs, b exp(-c0 log C - c1 f1 softplus(u)), u = (log C - g1 ln 10)/f1,
 * so that no power overflows. The sharpness f1 enters as |f1| (floored at 1e-8): the law is then
 * defined for every theta an unconstrained minimiser may try, and equal at f1 and -f1.
 * Fitted with Huber(1e-3) from 100 seeded random starts in sc_bnsl_box (the paper's box, with
 * d1 drawn in log space). */
#include "fit/fastmath.h"
#include "fit/fit_internal.h"

#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SC_LN10 2.30258509299404568402

static const char *const param_names[] = {"a", "b", "c0", "c1", "f1", "g1"};
static const char *const shown_names[] = {"a", "b", "c0", "c1", "f1", "d1"};
static const char *const x_names[] = {"C"};

static const double box_lo[6] = {-2.0, 0.0, 0.1, 0.1, 0.1, 18.0};
static const double box_hi[6] = {5.0, 50.0, 3.0, 3.0, 3.0, 24.0};

void sc_bnsl_box(double *lo, double *hi)
{
    for (int k = 0; k < 6; k++) {
        lo[k] = box_lo[k];
        hi[k] = box_hi[k];
    }
}

static void bn_f(const double *theta, const double *x, size_t n, double *out);

sc_status sc_bnsl_starts(const double *C, const double *y, size_t n, size_t k, uint64_t seed,
                         double *theta0, size_t *nout)
{
    if ((n > 0 && (C == NULL || y == NULL)) || theta0 == NULL || nout == NULL) return SC_EINVAL;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *E = sc_malloc_array(n ? n : 1, sizeof *E);
    if (!r || !E) {
        gsl_rng_free(r);
        free(E);
        return SC_ENOMEM;
    }
    gsl_rng_set(r, (unsigned long)sc_seed_mix(seed, 0));
    for (size_t s = 0; s < k; s++)
        for (int q = 0; q < 6; q++)
            theta0[s * 6 + q] = box_lo[q] + (box_hi[q] - box_lo[q]) * gsl_rng_uniform(r);
    size_t m = k;
    for (size_t s = 0; s < k && n >= 2; s++) {
        /* Variable projection: Q = a + b E(C) is linear in (a, b) for a fixed shape
         * E(C) = C^-c0 (1 + (C/d1)^(1/f1))^(-c1 f1); take its least-squares (a, b). */
        double shape[6];
        for (int q = 0; q < 6; q++) shape[q] = theta0[s * 6 + q];
        shape[0] = 0.0;
        shape[1] = 1.0;
        bn_f(shape, C, n, E);
        double a, b, c00, c01, c11, chisq;
        if (gsl_fit_linear(E, 1, y, 1, n, &a, &b, &c00, &c01, &c11, &chisq) != 0 || !isfinite(a) ||
            !isfinite(b))
            continue;
        for (int q = 0; q < 6; q++) theta0[m * 6 + q] = shape[q];
        theta0[m * 6 + 0] = a;
        theta0[m * 6 + 1] = b;
        m++;
    }
    gsl_rng_free(r);
    free(E);
    *nout = m;
    return SC_OK;
}

sc_status sc_bnsl_fit(const double *C, const double *y, size_t n, size_t k, uint64_t seed,
                      int threads, sc_fit **out, sc_error *err)
{
    if (out == NULL || k == 0) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "bnsl: no starts");
    *out = NULL;
    double *st = sc_malloc_array((2 * k + 1) * 6, sizeof *st);
    if (!st) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t ns = 0;
    sc_status s = sc_bnsl_starts(C, y, n, k, seed, st, &ns);
    if (s != SC_OK) {
        free(st);
        return sc_fail(err, s, NULL, 0, 0, "bnsl: cannot make starts");
    }
    /* Least squares first: smooth, so Levenberg-Marquardt finds the basin that the nearly-L1
     * Huber(1e-3) objective hides behind kinks; its optimum joins the Huber starts. Both phases
     * screen their starts (SC_SCREEN_ON): Huber with the damped Newton method, every start to
     * a loose tolerance, the best quarter further, the best 16 to tol 1e-12. */
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_LS;
    o.starts = st;
    o.nstarts = ns;
    o.threads = threads;
    o.no_covariance = 1;
    o.screen = SC_SCREEN_ON;
    /* The least-squares optimum only adds a start: 100 iterations per start are enough (the
     * Huber optima on the DCLM benchmarks are the same with 30, 100 or 1000; bench/RESULTS.md),
     * and starts drifting towards the degenerate limit (a -> inf, b -> -inf) stop there. */
    o.max_iter = 100;
    sc_fit *ls = NULL;
    if (sc_fit_run(&sc_law_bnsl, C, y, n, &o, &ls, NULL) == SC_OK) {
        for (int q = 0; q < 6; q++) st[ns * 6 + q] = ls->theta[q];
        ns++;
    }
    sc_fit_free(ls);
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 1e-3;
    o.tol = 1e-12;
    o.max_iter = 20000;
    o.starts = st;
    o.nstarts = ns;
    o.threads = threads;
    o.screen = SC_SCREEN_ON;
    s = sc_fit_run(&sc_law_bnsl, C, y, n, &o, out, err);
    free(st);
    return s;
}

/* One point of the law from x (log C, or log C - c on the fast path) and lnd1 (ln d1, or
 * ln d1 - c): the model and, when J != NULL, the Jacobian and, when H != NULL, the packed second
 * derivatives. With F = |f1|, u = (x - lnd1) / F, h = -c0 x - c1 F sp(u) (sp = softplus,
 * s = sigmoid = sp', s' = s (1 - s)), f = a + b e^h:
 *   h_c0 = -x, h_c1 = -F sp, h_F = -c1 (sp - s u), h_g = c1 s ln10   (g = g1, u_g = -ln10 / F)
 *   h_c1F = -(sp - s u), h_c1g = s ln10, h_FF = -c1 s' u^2 / F, h_Fg = -c1 s' u ln10 / F,
 *   h_gg = -c1 s' ln10^2 / F (the others are zero);
 *   f_b = e^h, f_j = b e^h h_j, f_bj = e^h h_j, f_jk = b e^h (h_j h_k + h_jk),
 * and d/df1 = sign(f1) d/dF. exp and log are the branch-free ones of fit/fastmath.h when fast. */
static inline void bn_point(const double *theta, double F, double sgn, double lnd1, double x,
                            int fast, double *f, double *J, double *H)
{
    const double b = theta[1], c0 = theta[2], c1 = theta[3];
    const double u = (x - lnd1) / F;
    double au = u < 0 ? -u : u;
    double t;
    if (fast) {
        au = au < 708.0 ? au : 708.0;
        t = sc_fast_exp(-au);
    } else {
        t = exp(-au);
    }
    const double l1p = fast ? sc_fast_log(1.0 + t) : log1p(t);
    const double sp = (u > 0 ? u : 0.0) + l1p;
    const double s = u >= 0 ? 1.0 / (1.0 + t) : t / (1.0 + t);
    const double h = -c0 * x - c1 * F * sp;
    double E;
    if (fast)
        E = h > 708.0 ? INFINITY : sc_fast_exp(h > -708.0 ? h : -708.0);
    else
        E = exp(h);
    *f = theta[0] + b * E;
    if (J == NULL) return;
    const double hj[4] = {-x, -F * sp, -c1 * (sp - s * u), c1 * s * SC_LN10};
    const double sg[4] = {1.0, 1.0, sgn, 1.0};
    J[0] = 1.0;
    J[1] = E;
    for (int j = 0; j < 4; j++) J[2 + j] = sg[j] * b * E * hj[j];
    if (H == NULL) return;
    const double ds = s * (1.0 - s);
    /* h_jk for (c0, c1, F, g), upper triangle */
    const double hjk[4][4] = {
        {0.0, 0.0, 0.0, 0.0},
        {0.0, 0.0, -(sp - s * u), s * SC_LN10},
        {0.0, 0.0, -c1 * ds * u * u / F, -c1 * ds * u * SC_LN10 / F},
        {0.0, 0.0, 0.0, -c1 * ds * SC_LN10 * SC_LN10 / F},
    };
    /* packed 6 x 6: row a (6 zeros), row b (b,b) and (b, j), then the 4 x 4 block */
    for (int k = 0; k < 6; k++) H[k] = 0.0;
    H[6] = 0.0;
    for (int j = 0; j < 4; j++) H[7 + j] = sg[j] * E * hj[j];
    size_t t2 = 11;
    for (int j = 0; j < 4; j++)
        for (int k = j; k < 4; k++, t2++)
            H[t2] = sg[j] * sg[k] * b * E * (hj[j] * hj[k] + hjk[j][k]);
}

static void bn_f(const double *theta, const double *x, size_t n, double *out)
{
    const double F = fmax(fabs(theta[4]), 1e-8), sgn = theta[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = theta[5] * SC_LN10;
    for (size_t i = 0; i < n; i++) bn_point(theta, F, sgn, lnd1, log(x[i]), 0, out + i, NULL, NULL);
}

static void bn_jac(const double *theta, const double *x, size_t n, double *J)
{
    const double F = fmax(fabs(theta[4]), 1e-8), sgn = theta[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = theta[5] * SC_LN10;
    double f;
    for (size_t i = 0; i < n; i++) bn_point(theta, F, sgn, lnd1, log(x[i]), 0, &f, J + 6 * i, NULL);
}

static void bn_hess(const double *theta, const double *x, size_t n, double *H)
{
    const double F = fmax(fabs(theta[4]), 1e-8), sgn = theta[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = theta[5] * SC_LN10;
    double f, J[6];
    for (size_t i = 0; i < n; i++) bn_point(theta, F, sgn, lnd1, log(x[i]), 0, &f, J, H + 21 * i);
}

/* Fast path: covariate log C - c (c the mean of log C over the data) and internal parameters
 * z = (a, b e^(-c0 c), c0, c1, f1, g1): b C^-c0 = z1 e^(-c0 (log C - c)), which removes the
 * near-collinearity of b and c0 (log C spans a few units around c = 40-50), as the centring of
 * the Chinchilla law does for a and alpha. */
static void bn_prep(const double *x, size_t n, double *xp, double *ctx)
{
    double c = 0.0;
    for (size_t i = 0; i < n; i++) {
        xp[i] = log(x[i]);
        c += xp[i];
    }
    c = n ? c / (double)n : 0.0;
    for (size_t i = 0; i < n; i++) xp[i] -= c;
    ctx[0] = c;
}

static void bn_to_internal(const double *ctx, const double *theta, double *z)
{
    for (int k = 0; k < 6; k++) z[k] = theta[k];
    z[1] = theta[1] * exp(-theta[2] * ctx[0]);
    z[5] = theta[5] - ctx[0] / SC_LN10;
}

static void bn_from_internal(const double *ctx, const double *z, double *theta)
{
    for (int k = 0; k < 6; k++) theta[k] = z[k];
    theta[1] = z[1] * exp(z[2] * ctx[0]);
    theta[5] = z[5] + ctx[0] / SC_LN10;
}

/* In z the law reads as in theta with log C - c for log C (u = (log C - c - z5 ln10) / F). */
static void bn_fjh(const double *z, const double *xp, size_t n, double *f, double *J, double *H)
{
    const double F = fmax(fabs(z[4]), 1e-8), sgn = z[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = z[5] * SC_LN10;
    for (size_t i = 0; i < n; i++)
        bn_point(z, F, sgn, lnd1, xp[i], 1, f + i, J ? J + 6 * i : NULL, H ? H + 21 * i : NULL);
}

static void bn_fj(const double *z, const double *xp, size_t n, double *f, double *J)
{
    bn_fjh(z, xp, n, f, J, NULL);
}

extern const sc_law_fast sc_law_fast_bnsl;

static sc_status bn_check(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0.0) || !isfinite(x[0])) {
        snprintf(why, whysize, "C must be > 0 (got %g)", x[0]);
        return SC_EDOMAIN;
    }
    if (!(y >= 0.0 && y <= 1.0)) {
        snprintf(why, whysize, "accuracy must lie in [0, 1] (got %g)", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

static void bn_natural(const double *theta, double *shown)
{
    for (int k = 0; k < 5; k++) shown[k] = theta[k];
    shown[4] = fabs(theta[4]);
    shown[5] = pow(10.0, theta[5]);
}

const sc_law sc_law_bnsl = {
    .name = "bnsl",
    .formula = "Q = a + b C^-c0 (1 + (C/d1)^(1/f1))^(-c1 f1)  (Krajewski et al. 2025, Eq. 1)",
    .nparam = 6,
    .nx = 1,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_RAW,
    .f = bn_f,
    .jac = bn_jac,
    .starts = NULL,
    .linear = NULL,
    .check = bn_check,
    .natural = bn_natural,
    .shown_names = shown_names,
    .hess = bn_hess,
    .fast = &sc_law_fast_bnsl,
};

const sc_law_fast sc_law_fast_bnsl = {
    .law = &sc_law_bnsl,
    .nxp = 1,
    .prep = bn_prep,
    .to_internal = bn_to_internal,
    .from_internal = bn_from_internal,
    .fj = bn_fj,
    .fjh = bn_fjh,
};
