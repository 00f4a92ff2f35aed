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
#include <string.h>

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

/* Per point of objective_hessian: psi s and the entries of M (see there). */
static inline void hess_terms(double psi, double dpsi, double t1, double t2, double E, double L,
                              size_t i, double *q1, double *q2, double *q3, double *m11,
                              double *m12, double *m13, double *m22, double *m23, double *m33)
{
    const double inv = 1.0 / L;
    const double s1 = t1 * inv, s2 = t2 * inv, s3 = E * inv;
    const double k = dpsi + psi;
    q1[i] = psi * s1;
    q2[i] = psi * s2;
    q3[i] = psi * s3;
    m11[i] = (k * s1 - psi) * s1;
    m12[i] = k * s1 * s2;
    m13[i] = k * s1 * s3;
    m22[i] = (k * s2 - psi) * s2;
    m23[i] = k * s2 * s3;
    m33[i] = (k * s3 - psi) * s3;
}

/* Loss, gradient and Hessian with respect to z in one pass, for the damped Newton solver of the
 * engine. With s = (t1, t2, E) / L the softmax weights of the log-sum-exp, the model
 * f = LSE(u), u = A z (A is 3 x 5: u1 = z0 - alpha x1, u2 = z1 - beta x2, u3 = e), has
 *     grad f = A^T s,   Hess f = A^T (diag(s) - s s^T) A
 * (the derivatives of log-sum-exp, e.g. Boyd and Vandenberghe 2004, "Convex Optimization",
 * sec. 3.1.5). For loss = sum w rho(r), r = y - f, psi = rho', psi' = rho'':
 *     grad = -sum w psi grad f,
 *     Hess = sum w (psi' grad f grad f^T - psi Hess f) = sum w A^T M A,
 *     M = (psi' + psi) s s^T - psi diag(s)   (3 x 3).
 * Huber: psi = clamp(r, -delta, delta), psi' = 1 inside (|r| < delta), 0 outside (the loss is
 * piecewise quadratic/linear in r, so this is its exact Hessian away from |r| = delta); least
 * squares: psi = 2 r, psi' = 2. hess is the full symmetric 5 x 5 matrix, row-major. Same range
 * guard as objective(); returns 0 (writing nothing) outside it. */
SC_CLONES
static int objective_hessian(const double *z, const double *ctx, const double *xp,
                             const double *yf, const double *w, size_t n, sc_loss loss,
                             double delta, double *value, double *grad, double *hess)
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
    /* Per point: loss term, w psi s (3), w M (6 distinct entries). */
    double term[SC_CHUNK], q1[SC_CHUNK], q2[SC_CHUNK], q3[SC_CHUNK];
    double m11[SC_CHUNK], m12[SC_CHUNK], m13[SC_CHUNK], m22[SC_CHUNK], m23[SC_CHUNK],
        m33[SC_CHUNK];
    double xa[SC_CHUNK], xb[SC_CHUNK];
    /* Partial sums of: the loss terms, psi s (3), psi s1 x1, psi s2 x2, and the M entries times
     * 1, x1, x2, x1^2, x1 x2, x2^2 as needed by A^T M A (15). */
    double acc[21][SC_LANES];
    memset(acc, 0, sizeof acc);
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *restrict x = xp + 2 * i0;
        const double *restrict y = yf + i0;
        if (huber) {
            for (size_t i = 0; i < m; i++) {
                double t1, t2, L;
                const double r = y[i] - model(z0, z1, alpha, beta, E, x[2 * i], x[2 * i + 1],
                                              &t1, &t2, &L);
                double psi = r < delta ? r : delta;
                psi = psi > -delta ? psi : -delta;
                const double dpsi = (r < delta && r > -delta) ? 1.0 : 0.0;
                term[i] = psi * (r - 0.5 * psi);
                hess_terms(psi, dpsi, t1, t2, E, L, i, q1, q2, q3, m11, m12, m13, m22, m23, m33);
            }
        } else {
            for (size_t i = 0; i < m; i++) {
                double t1, t2, L;
                const double r = y[i] - model(z0, z1, alpha, beta, E, x[2 * i], x[2 * i + 1],
                                              &t1, &t2, &L);
                term[i] = r * r;
                hess_terms(2.0 * r, 2.0, t1, t2, E, L, i, q1, q2, q3, m11, m12, m13, m22, m23,
                           m33);
            }
        }
        if (w != NULL)
            for (size_t i = 0; i < m; i++) {
                const double wi = w[i0 + i];
                term[i] *= wi;
                q1[i] *= wi;
                q2[i] *= wi;
                q3[i] *= wi;
                m11[i] *= wi;
                m12[i] *= wi;
                m13[i] *= wi;
                m22[i] *= wi;
                m23[i] *= wi;
                m33[i] *= wi;
            }
        /* Sums over the block in SC_LANES interleaved partial sums (point i goes to lane
         * i mod SC_LANES), each in point order: the same operations in the same order for any
         * vector width, so the result does not depend on it. The block is padded with zeros to
         * a multiple of SC_LANES. */
        const size_t m4 = (m + SC_LANES - 1) / SC_LANES * SC_LANES;
        for (size_t i = m; i < m4; i++) {
            term[i] = q1[i] = q2[i] = q3[i] = 0.0;
            m11[i] = m12[i] = m13[i] = m22[i] = m23[i] = m33[i] = 0.0;
            xa[i] = xb[i] = 0.0;
        }
        for (size_t i = 0; i < m; i++) {
            xa[i] = x[2 * i];
            xb[i] = x[2 * i + 1];
        }
        for (size_t i = 0; i < m4; i += SC_LANES)
            for (size_t l = 0; l < SC_LANES; l++) {
                const size_t k = i + l;
                const double x1 = xa[k], x2 = xb[k];
                acc[0][l] += term[k];
                acc[1][l] += q1[k];
                acc[2][l] += q2[k];
                acc[3][l] += q3[k];
                acc[4][l] += q1[k] * x1;
                acc[5][l] += q2[k] * x2;
                acc[6][l] += m11[k];
                acc[7][l] += m12[k];
                acc[8][l] += m13[k];
                acc[9][l] += m22[k];
                acc[10][l] += m23[k];
                acc[11][l] += m33[k];
                acc[12][l] += m11[k] * x1;
                acc[13][l] += m12[k] * x1;
                acc[14][l] += m12[k] * x2;
                acc[15][l] += m22[k] * x2;
                acc[16][l] += m13[k] * x1;
                acc[17][l] += m23[k] * x2;
                acc[18][l] += m11[k] * x1 * x1;
                acc[19][l] += m12[k] * x1 * x2;
                acc[20][l] += m22[k] * x2 * x2;
            }
    }
    double t[21];
    for (int k = 0; k < 21; k++) t[k] = (acc[k][0] + acc[k][1]) + (acc[k][2] + acc[k][3]);
    const double sum = t[0];
    const double g[5] = {-t[1], -t[2], -t[3], t[4], t[5]};
    const double h11 = t[6], h12 = t[7], h13 = t[8], h22 = t[9], h23 = t[10], h33 = t[11],
                 h11x = t[12], h12x1 = t[13], h12x2 = t[14], h22x = t[15], h13x = t[16],
                 h23x = t[17], h11xx = t[18], h12xx = t[19], h22xx = t[20];
    *value = sum;
    for (int j = 0; j < 5; j++) grad[j] = g[j];
    /* A^T M A with the columns of A: z0 (1,0,0), z1 (0,1,0), e (0,0,1), alpha (-x1,0,0),
     * beta (0,-x2,0). */
    const double H[25] = {
        h11,   h12,    h13,   -h11x,  -h12x2, /* z0 */
        h12,   h22,    h23,   -h12x1, -h22x,  /* z1 */
        h13,   h23,    h33,   -h13x,  -h23x,  /* e */
        -h11x, -h12x1, -h13x, h11xx,  h12xx,  /* alpha */
        -h12x2, -h22x, -h23x, h12xx,  h22xx,  /* beta */
    };
    for (int j = 0; j < 25; j++) hess[j] = H[j];
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

/* Second derivatives of f = LSE(u), u = A theta (u1 = a - alpha log N, u2 = b - beta log D,
 * u3 = e): Hess f = A^T (diag(s) - s s^T) A (Boyd and Vandenberghe 2004, sec. 3.1.5). Column j
 * of A is sigma_j times the unit vector of term t_j: t = (1, 2, 3, 1, 2) and
 * sigma = (1, 1, 1, -log N, -log D) for (a, b, e, alpha, beta), so
 * H_jk = sigma_j sigma_k M[t_j][t_k] with M = diag(s) - s s^T. */
static void chin_hess(const double *theta, const double *x, size_t n, double *H)
{
    static const int term[5] = {0, 1, 2, 0, 1};
    double xp[2 * BLOCK], f[BLOCK], J[5 * BLOCK];
    for (size_t i0 = 0; i0 < n; i0 += BLOCK) {
        size_t m = n - i0 < BLOCK ? n - i0 : BLOCK;
        logs(x + 2 * i0, m, xp);
        fj_prepared(theta, xp, m, f, J);
        for (size_t i = 0; i < m; i++) {
            const double s[3] = {J[5 * i], J[5 * i + 1], J[5 * i + 2]};
            const double sig[5] = {1.0, 1.0, 1.0, -xp[2 * i], -xp[2 * i + 1]};
            double *h = H + 15 * (i0 + i);
            size_t t = 0;
            for (int j = 0; j < 5; j++)
                for (int k = j; k < 5; k++, t++) {
                    const int tj = term[j], tk = term[k];
                    const double Mjk = (tj == tk ? s[tj] : 0.0) - s[tj] * s[tk];
                    h[t] = sig[j] * sig[k] * Mjk;
                }
        }
    }
}

extern const sc_law_fast sc_law_fast_chinchilla;

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
    .hess = chin_hess,
    .fast = &sc_law_fast_chinchilla,
};

const sc_law_fast sc_law_fast_chinchilla = {
    .law = &sc_law_chinchilla,
    .nxp = 2,
    .prep = prep,
    .to_internal = to_internal,
    .from_internal = from_internal,
    .fj = fj_prepared,
    .objective = objective,
    .hessian = objective_hessian,
};
