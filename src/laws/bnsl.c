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
#include <string.h>

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
    o.ls_newton = 1;
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

/* The shape terms of bn_point for one block of m <= SC_CHUNK points x (log C - c): u, the
 * softplus sp and sigmoid s of u, e^h (h clamped below at -708) and whether h passed 708
 * (e^h overflows there). Loops of plain arithmetic and stored selects, which the compiler
 * vectorises (in one loop it turns the clamps into branches and does not); the same operations
 * in the same order as bn_point, so the same numbers. */
typedef struct bn_block {
    double u[SC_CHUNK], sp[SC_CHUNK], s[SC_CHUNK], E[SC_CHUNK], over[SC_CHUNK];
} bn_block;

static inline void bn_shape(const double *restrict x, size_t m, double lnd1, double F, double c0,
                            double c1, bn_block *restrict k)
{
    double ac[SC_CHUNK], hc[SC_CHUNK];
    for (size_t i = 0; i < m; i++) {
        const double u = (x[i] - lnd1) / F;
        const double au = u < 0 ? -u : u;
        k->u[i] = u;
        ac[i] = au < 708.0 ? au : 708.0;
    }
    for (size_t i = 0; i < m; i++) {
        const double u = k->u[i], t = sc_fast_exp(-ac[i]);
        const double sp = (u > 0 ? u : 0.0) + sc_fast_log(1.0 + t);
        const double h = -c0 * x[i] - c1 * F * sp;
        k->sp[i] = sp;
        k->s[i] = (u >= 0 ? 1.0 : t) / (1.0 + t); /* bn_point's s, the same division */
        k->over[i] = h > 708.0 ? 1.0 : 0.0;
        hc[i] = h > -708.0 ? h : -708.0;
    }
    for (size_t i = 0; i < m; i++) k->E[i] = sc_fast_exp(hc[i]);
}

/* bn_point without second derivatives, by blocks (bn_shape): the least-squares and objective
 * passes; the same numbers as bn_point. */
SC_CLONES
static void bn_fj(const double *z, const double *xp, size_t n, double *f, double *J)
{
    const double a = z[0], b = z[1], c0 = z[2], c1 = z[3];
    const double F = fmax(fabs(z[4]), 1e-8), sgn = z[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = z[5] * SC_LN10, sb = sgn * b;
    bn_block k;
    double *uu = k.u, *spv = k.sp, *sv = k.s, *ev = k.E;
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *restrict x = xp + i0;
        bn_shape(x, m, lnd1, F, c0, c1, &k);
        for (size_t i = 0; i < m; i++) ev[i] = k.over[i] != 0.0 ? INFINITY : ev[i];
        double *restrict fo = f + i0;
        for (size_t i = 0; i < m; i++) fo[i] = a + b * ev[i];
        if (J == NULL) continue;
        double *restrict Jo = J + 6 * i0;
        for (size_t i = 0; i < m; i++) {
            const double E = ev[i], u = uu[i], sp = spv[i], s = sv[i];
            Jo[6 * i + 0] = 1.0;
            Jo[6 * i + 1] = E;
            Jo[6 * i + 2] = b * E * -x[i];
            Jo[6 * i + 3] = b * E * (-F * sp);
            Jo[6 * i + 4] = sb * E * (-c1 * (sp - s * u));
            Jo[6 * i + 5] = b * E * (c1 * s * SC_LN10);
        }
    }
}

/* Loss, gradient and Hessian with respect to z in one pass, for the damped Newton solver: the
 * engine's sum (sc_problem_hessian from bn_fjh) computed the same way, bit for bit, but fast.
 * For loss = sum w rho(r), r = y - f, c = w psi, d = w psi' (psi = rho'; Huber: clamp(r,
 * -delta, delta) and 1 inside, else 0; least squares: 2 r and 2):
 *     grad_j = -sum c J_j,   Hess_jk = sum (d J_j J_k - c Hess f_jk),
 * with J and Hess f of bn_point (packed upper triangle, 21 entries). Per block of points, loops
 * of plain arithmetic and stored selects compute J, Hess f and the 28 terms per point (the
 * compiler vectorises them; in one loop it turns the clamps into branches and does not), and
 * a last loop adds the terms in point order, as the engine does. Returns 0 (writing nothing)
 * where e^h overflows (the engine's sum would not be finite there either). */
SC_CLONES
static int bn_hessian(const double *z, const double *ctx, const double *xp, const double *yf,
                      const double *w, size_t n, sc_loss loss, double delta, double *value,
                      double *grad, double *hess)
{
    (void)ctx;
    enum { NT = 28 }; /* the loss term, 6 gradient terms, 21 Hessian terms */
    const double b = z[1], c0 = z[2], c1 = z[3];
    const double F = fmax(fabs(z[4]), 1e-8), sgn = z[4] < 0.0 ? -1.0 : 1.0;
    const double lnd1 = z[5] * SC_LN10;
    const int huber = loss == SC_LOSS_HUBER;
    const double sg[4] = {1.0, 1.0, sgn, 1.0};
    double q[NT][SC_CHUNK], ones[SC_CHUNK];
    bn_block blk;
    const double *uu = blk.u, *spv = blk.sp, *sv = blk.s, *ev = blk.E;
    double cv[SC_CHUNK], dv[SC_CHUNK];
    double J[6][SC_CHUNK], Hf[21][SC_CHUNK];
    double acc[NT];
    for (size_t i = 0; i < SC_CHUNK; i++) ones[i] = 1.0;
    for (int k = 0; k < 7; k++) /* the rows of a and (b, b): zero */
        for (size_t i = 0; i < SC_CHUNK; i++) Hf[k][i] = 0.0;
    for (size_t k = 0; k < NT; k++) acc[k] = 0.0;
    double bad = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *restrict x = xp + i0;
        const double *restrict y = yf + i0;
        const double *restrict wv = w != NULL ? w + i0 : ones; /* no branch in the loop */
        bn_shape(x, m, lnd1, F, c0, c1, &blk);
        for (size_t i = 0; i < m; i++) bad += blk.over[i];
        /* The residual's weights, as the engine forms them. */
        for (size_t i = 0; i < m; i++) {
            const double r = y[i] - (z[0] + b * ev[i]);
            const double in = (r < delta && r > -delta) ? 1.0 : 0.0;
            const double cl = r > 0 ? delta : -delta;
            const double psi = huber ? (in != 0.0 ? r : cl) : 2.0 * r;
            const double dpsi = huber ? in : 2.0;
            const double term = huber ? psi * (r - 0.5 * psi) : r * r;
            q[0][i] = wv[i] * term;
            cv[i] = wv[i] * psi;
            dv[i] = wv[i] * dpsi;
        }
        /* bn_point's Jacobian and second derivatives (sg: the sign of f1 for h_F). */
        for (size_t i = 0; i < m; i++) {
            const double xi = x[i], u = uu[i], sp = spv[i], s = sv[i], E = ev[i];
            const double h0 = -xi, h1 = -F * sp, h2 = -c1 * (sp - s * u), h3 = c1 * s * SC_LN10;
            const double ds = s * (1.0 - s);
            const double h12 = -(sp - s * u), h13 = s * SC_LN10, h22 = -c1 * ds * u * u / F,
                         h23 = -c1 * ds * u * SC_LN10 / F,
                         h33 = -c1 * ds * SC_LN10 * SC_LN10 / F;
            J[0][i] = 1.0;
            J[1][i] = E;
            J[2][i] = sg[0] * b * E * h0;
            J[3][i] = sg[1] * b * E * h1;
            J[4][i] = sg[2] * b * E * h2;
            J[5][i] = sg[3] * b * E * h3;
            Hf[7][i] = sg[0] * E * h0;
            Hf[8][i] = sg[1] * E * h1;
            Hf[9][i] = sg[2] * E * h2;
            Hf[10][i] = sg[3] * E * h3;
            Hf[11][i] = sg[0] * sg[0] * b * E * (h0 * h0 + 0.0);
            Hf[12][i] = sg[0] * sg[1] * b * E * (h0 * h1 + 0.0);
            Hf[13][i] = sg[0] * sg[2] * b * E * (h0 * h2 + 0.0);
            Hf[14][i] = sg[0] * sg[3] * b * E * (h0 * h3 + 0.0);
            Hf[15][i] = sg[1] * sg[1] * b * E * (h1 * h1 + 0.0);
            Hf[16][i] = sg[1] * sg[2] * b * E * (h1 * h2 + h12);
            Hf[17][i] = sg[1] * sg[3] * b * E * (h1 * h3 + h13);
            Hf[18][i] = sg[2] * sg[2] * b * E * (h2 * h2 + h22);
            Hf[19][i] = sg[2] * sg[3] * b * E * (h2 * h3 + h23);
            Hf[20][i] = sg[3] * sg[3] * b * E * (h3 * h3 + h33);
        }
        /* The terms of the sums, entry by entry. */
        for (int j = 0; j < 6; j++)
            for (size_t i = 0; i < m; i++) q[1 + j][i] = cv[i] * J[j][i];
        for (int j = 0, t = 0; j < 6; j++)
            for (int k = j; k < 6; k++, t++) {
                const double *restrict Jj = J[j], *restrict Jk = J[k], *restrict Ht = Hf[t];
                double *restrict qt = q[7 + t];
                for (size_t i = 0; i < m; i++) qt[i] = dv[i] * Jj[i] * Jk[i] - cv[i] * Ht[i];
            }
        /* In point order, as in sc_problem_hessian (the gradient terms, subtracted there from
         * zero, are added negated here: the same operation), seven sums at a time, held in
         * registers. */
        for (int j = 0; j < 6; j++)
            for (size_t i = 0; i < m; i++) q[1 + j][i] = -q[1 + j][i];
        for (int g = 0; g < NT; g += 7) {
            double a0 = acc[g], a1 = acc[g + 1], a2 = acc[g + 2], a3 = acc[g + 3],
                   a4 = acc[g + 4], a5 = acc[g + 5], a6 = acc[g + 6];
            for (size_t i = 0; i < m; i++) {
                a0 += q[g][i];
                a1 += q[g + 1][i];
                a2 += q[g + 2][i];
                a3 += q[g + 3][i];
                a4 += q[g + 4][i];
                a5 += q[g + 5][i];
                a6 += q[g + 6][i];
            }
            acc[g] = a0;
            acc[g + 1] = a1;
            acc[g + 2] = a2;
            acc[g + 3] = a3;
            acc[g + 4] = a4;
            acc[g + 5] = a5;
            acc[g + 6] = a6;
        }
    }
    if (bad != 0.0) return 0;
    *value = acc[0];
    for (int j = 0; j < 6; j++) grad[j] = acc[1 + j];
    size_t t = 7;
    for (int j = 0; j < 6; j++)
        for (int k = j; k < 6; k++, t++) hess[j * 6 + k] = hess[k * 6 + j] = acc[t];
    return 1;
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
    .hessian = bn_hessian,
};
