/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Chinchilla pretraining-loss law (Hoffmann et al. 2022, "Training Compute-Optimal Large
 * Language Models", Approach 3, eq. 2):
 *     L(N, D) = E + A / N^alpha + B / D^beta
 * fitted, as in the paper's Appendix D.2 and in Besiroglu et al. 2024 (arXiv 2404.10102), in
 * log space with the scale constants in log form (A = e^a, B = e^b, E = e^e):
 *     log L = LSE(a - alpha log N, b - beta log D, e)
 * where LSE is log-sum-exp. Parameters theta = (a, b, e, alpha, beta); covariates x = (N, D).
 */
#include "fit/fastmath.h"
#include "fit/fit_internal.h"

#include <math.h>
#include <stdio.h>

static const char *const param_names[] = {"a", "b", "e", "alpha", "beta"};
static const char *const shown_names[] = {"A", "B", "E", "alpha", "beta"};
static const char *const x_names[] = {"N", "D"};

/* Model and softmax weights for one point from u1 = a - alpha log N, u2 = b - beta log D,
 * u3 = e. The direct sum is exact enough and cheaper whenever no term can overflow and the
 * constant term e^e cannot underflow; otherwise the maximum is factored out. */
static inline double lse3(double u1, double u2, double u3, double E, double *s1, double *s2,
                          double *s3)
{
    double t1, t2, t3, m = 0.0;
    if (u1 < 700.0 && u2 < 700.0 && u3 < 700.0 && u3 > -700.0) {
        t1 = exp(u1);
        t2 = exp(u2);
        t3 = E;
    } else {
        m = u1 > u2 ? u1 : u2;
        if (u3 > m) m = u3;
        t1 = exp(u1 - m);
        t2 = exp(u2 - m);
        t3 = exp(u3 - m);
    }
    double s = t1 + t2 + t3;
    double inv = 1.0 / s;
    *s1 = t1 * inv;
    *s2 = t2 * inv;
    *s3 = t3 * inv;
    return m + log(s);
}

static void fj_prepared(const double *theta, const double *xp, size_t n, double *f, double *J)
{
    const double a = theta[0], b = theta[1], e = theta[2], alpha = theta[3], beta = theta[4];
    const double E = (e < 700.0 && e > -700.0) ? exp(e) : 0.0;
    for (size_t i = 0; i < n; i++) {
        const double lnN = xp[2 * i], lnD = xp[2 * i + 1];
        double s1, s2, s3;
        f[i] = lse3(a - alpha * lnN, b - beta * lnD, e, E, &s1, &s2, &s3);
        if (J != NULL) {
            double *row = J + 5 * i;
            row[0] = s1;
            row[1] = s2;
            row[2] = s3;
            row[3] = -s1 * lnN;
            row[4] = -s2 * lnD;
        }
    }
}

static void logs(const double *x, size_t n, double *xp)
{
    for (size_t i = 0; i < 2 * n; i++) xp[i] = log(x[i]);
}

/* Fast path: covariates log N - cN and log D - cD with the centres cN, cD the means over the
 * data, and internal parameters z = (a - alpha cN, b - beta cD, e, alpha, beta). The model is
 * unchanged (a - alpha log N = z0 - alpha (log N - cN)), but a and alpha (b and beta) are no
 * longer almost collinear, which cuts BFGS iterations severalfold. */
static void prep(const double *x, size_t n, double *xp, double *ctx)
{
    logs(x, n, xp);
    double cN = 0.0, cD = 0.0;
    for (size_t i = 0; i < n; i++) {
        cN += xp[2 * i];
        cD += xp[2 * i + 1];
    }
    cN = n ? cN / (double)n : 0.0;
    cD = n ? cD / (double)n : 0.0;
    for (size_t i = 0; i < n; i++) {
        xp[2 * i] -= cN;
        xp[2 * i + 1] -= cD;
    }
    /* Ranges of the centred covariates, for the overflow guard of the fused objective. */
    double lo1 = INFINITY, hi1 = -INFINITY, lo2 = INFINITY, hi2 = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        lo1 = fmin(lo1, xp[2 * i]);
        hi1 = fmax(hi1, xp[2 * i]);
        lo2 = fmin(lo2, xp[2 * i + 1]);
        hi2 = fmax(hi2, xp[2 * i + 1]);
    }
    ctx[0] = cN;
    ctx[1] = cD;
    ctx[2] = lo1;
    ctx[3] = hi1;
    ctx[4] = lo2;
    ctx[5] = hi2;
}

/* Loss and gradient in one pass. A first, vectorisable loop per block of points computes the
 * model with the branch-free exp and log of fit/fastmath.h, the loss terms and the gradient
 * weights; a second loop sums them in point order (so the result does not depend on the
 * vector width). Used when a - alpha log N, b - beta log D (over the range of the data) and e
 * all lie in (-700, 700), where sc_fast_exp is exact enough and nothing overflows; otherwise
 * the engine falls back to fj. */
static inline double model(double z0, double z1, double alpha, double beta, double E, double x1,
                           double x2, double *t1, double *t2, double *L)
{
    const double u1 = z0 - alpha * x1, u2 = z1 - beta * x2;
    *t1 = sc_fast_exp(u1);
    *t2 = sc_fast_exp(u2);
    *L = *t1 + *t2 + E;
    return sc_fast_log(*L);
}

/* On x86-64 an AVX2 version is compiled as well and chosen at load time when the processor has
 * it (GCC function multiversioning); both compute the same numbers (no fused multiply-add). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SC_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SC_CLONES
#endif

SC_CLONES
static int objective(const double *z, const double *ctx, const double *xp, const double *yf,
                     const double *w, size_t n, sc_loss loss, double delta, double *value,
                     double *grad, double *buf)
{
    const double z0 = z[0], z1 = z[1], e = z[2], alpha = z[3], beta = z[4];
    const double u1max = z0 - alpha * (alpha >= 0 ? ctx[2] : ctx[3]);
    const double u1min = z0 - alpha * (alpha >= 0 ? ctx[3] : ctx[2]);
    const double u2max = z1 - beta * (beta >= 0 ? ctx[4] : ctx[5]);
    const double u2min = z1 - beta * (beta >= 0 ? ctx[5] : ctx[4]);
    if (!(u1max < 700.0 && u2max < 700.0 && u1min > -700.0 && u2min > -700.0 && e < 700.0 &&
          e > -700.0))
        return 0;
    const double E = exp(e);
    const int huber = loss == SC_LOSS_HUBER;
    double *restrict term = buf, *restrict c1 = buf + SC_CHUNK, *restrict c2 = buf + 2 * SC_CHUNK,
                     *restrict c3 = buf + 3 * SC_CHUNK;
    double sum = 0.0, g0 = 0.0, g1 = 0.0, g2 = 0.0, g3 = 0.0, g4 = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *restrict x = xp + 2 * i0;
        const double *restrict y = yf + i0;
        /* r = y - log(L); psi = d term / d r; c = -psi / L is the weight of d L / d z. For
         * Huber, psi = clamp(r, -delta, delta) and term = psi (r - psi / 2) (= r^2 / 2 inside,
         * delta (|r| - delta / 2) outside); for least squares psi = 2 r, term = r^2. */
        if (huber) {
            for (size_t i = 0; i < m; i++) {
                double t1, t2, L;
                const double r = y[i] - model(z0, z1, alpha, beta, E, x[2 * i], x[2 * i + 1],
                                              &t1, &t2, &L);
                double psi = r < delta ? r : delta;
                psi = psi > -delta ? psi : -delta;
                const double c = -psi / L;
                term[i] = psi * (r - 0.5 * psi);
                c1[i] = c * t1;
                c2[i] = c * t2;
                c3[i] = c;
            }
        } else {
            for (size_t i = 0; i < m; i++) {
                double t1, t2, L;
                const double r = y[i] - model(z0, z1, alpha, beta, E, x[2 * i], x[2 * i + 1],
                                              &t1, &t2, &L);
                const double c = -2.0 * r / L;
                term[i] = r * r;
                c1[i] = c * t1;
                c2[i] = c * t2;
                c3[i] = c;
            }
        }
        if (w != NULL) {
            for (size_t i = 0; i < m; i++) {
                const double wi = w[i0 + i];
                term[i] *= wi;
                c1[i] *= wi;
                c2[i] *= wi;
                c3[i] *= wi;
            }
        }
        for (size_t i = 0; i < m; i++) sum += term[i];
        if (grad != NULL)
            for (size_t i = 0; i < m; i++) {
                g0 += c1[i];
                g1 += c2[i];
                g2 += c3[i];
                g3 -= c1[i] * x[2 * i];
                g4 -= c2[i] * x[2 * i + 1];
            }
    }
    *value = sum;
    if (grad != NULL) {
        grad[0] = g0;
        grad[1] = g1;
        grad[2] = g2 * E;
        grad[3] = g3;
        grad[4] = g4;
    }
    return 1;
}

static void to_internal(const double *ctx, const double *theta, double *z)
{
    z[0] = theta[0] - theta[3] * ctx[0];
    z[1] = theta[1] - theta[4] * ctx[1];
    z[2] = theta[2];
    z[3] = theta[3];
    z[4] = theta[4];
}

static void from_internal(const double *ctx, const double *z, double *theta)
{
    theta[0] = z[0] + z[3] * ctx[0];
    theta[1] = z[1] + z[4] * ctx[1];
    theta[2] = z[2];
    theta[3] = z[3];
    theta[4] = z[4];
}

/* The public (unprepared) interface works on blocks of points through the prepared one. */
#define BLOCK 64
static void chin_f(const double *theta, const double *x, size_t n, double *out)
{
    double xp[2 * BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + 2 * i0, m, xp);
        fj_prepared(theta, xp, m, out + i0, NULL);
    }
}

static void chin_jac(const double *theta, const double *x, size_t n, double *J)
{
    double xp[2 * BLOCK], f[BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + 2 * i0, m, xp);
        fj_prepared(theta, xp, m, f, J + 5 * i0);
    }
}

/* The grid of Hoffmann et al. (Appendix D.2) as used by Besiroglu et al.: alpha, beta in
 * {0, 0.5, 1, 1.5, 2}, e in {-1, -0.5, 0, 0.5, 1}, a, b in {0, 5, ..., 25}: 4500 starts,
 * in the order of nested loops a (outermost), b, e, alpha, beta (innermost). */
static size_t chin_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    (void)x;
    (void)y;
    (void)n;
    size_t k = 0;
    for (int ia = 0; ia < 6; ia++)
        for (int ib = 0; ib < 6; ib++)
            for (int ie = 0; ie < 5; ie++)
                for (int ial = 0; ial < 5; ial++)
                    for (int ibe = 0; ibe < 5; ibe++, k++) {
                        if (theta0 == NULL || k >= max) continue;
                        double *t = theta0 + 5 * k;
                        t[0] = 5.0 * ia;
                        t[1] = 5.0 * ib;
                        t[2] = -1.0 + 0.5 * ie;
                        t[3] = 0.5 * ial;
                        t[4] = 0.5 * ibe;
                    }
    return k;
}

static sc_status chin_check(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0)) {
        snprintf(why, whysize, "N must be > 0, got %g", x[0]);
        return SC_EDOMAIN;
    }
    if (!(x[1] > 0)) {
        snprintf(why, whysize, "D must be > 0, got %g", x[1]);
        return SC_EDOMAIN;
    }
    if (!(y > 0)) {
        snprintf(why, whysize, "loss L must be > 0, got %g", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

static void chin_natural(const double *theta, double *shown)
{
    shown[0] = exp(theta[0]);
    shown[1] = exp(theta[1]);
    shown[2] = exp(theta[2]);
    shown[3] = theta[3];
    shown[4] = theta[4];
}

const sc_law sc_law_chinchilla = {
    .name = "chinchilla",
    .formula = "L = E + A / N^alpha + B / D^beta",
    .nparam = 5,
    .nx = 2,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOG,
    .f = chin_f,
    .jac = chin_jac,
    .starts = chin_starts,
    .linear = NULL,
    .check = chin_check,
    .natural = chin_natural,
    .shown_names = shown_names,
};

const sc_law_fast sc_law_fast_chinchilla = {
    .law = &sc_law_chinchilla,
    .nxp = 2,
    .prep = prep,
    .to_internal = to_internal,
    .from_internal = from_internal,
    .fj = fj_prepared,
    .objective = objective,
};
