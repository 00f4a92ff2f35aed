/* SPDX-License-Identifier: GPL-3.0-or-later
 * Direct power law with a ceiling (Krajewski et al. 2025, Eq. 10):
 *     -log Q' = A C^-alpha + E,  so that Q' -> Q'max = e^-E as C grows,
 * fitted in log-sum-exp form  log(-log Q') = LSE(a - alpha log C, e)  (A = e^a, E = e^e) with a
 * Huber(1e-3) loss from a 150-start grid (alpha in {0, 0.5, ..., 2}, a in {0, 5, ..., 25},
 * e in {-1, -0.5, ..., 1}), as in the paper's code. */
#include "fit/fit_internal.h"
#include "laws/direct_util.h"

#include <math.h>
#include <stdio.h>

static const char *const param_names[] = {"a", "alpha", "e"};
static const char *const shown_names[] = {"A", "alpha", "E"};
static const char *const x_names[] = {"C"};

static void qm_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = sc_lse2(theta[0] - theta[1] * log(x[i]), theta[2], NULL, NULL);
}

static void qm_jac(const double *theta, const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; i++) {
        double lc = log(x[i]), wu, we;
        (void)sc_lse2(theta[0] - theta[1] * lc, theta[2], &wu, &we);
        J[i * 3 + 0] = wu;
        J[i * 3 + 1] = -wu * lc;
        J[i * 3 + 2] = we;
    }
}

/* Second derivatives: f = LSE(u1, u2), u1 = a - alpha log C, u2 = e, so with
 * v = grad u1 - grad u2 = (1, -log C, -1), Hess f = s1 s2 v v^T (direct_util.h). */
static void qm_hess(const double *theta, const double *x, size_t n, double *H)
{
    for (size_t i = 0; i < n; i++) {
        double lc = log(x[i]), wu, we;
        (void)sc_lse2(theta[0] - theta[1] * lc, theta[2], &wu, &we);
        const double v[3] = {1.0, -lc, -1.0};
        sc_lse2_hess(wu * we, v, 3, H + 6 * i);
    }
}

/* Fast path: covariate log C - c (c the mean of log C over the data), internal parameters
 * z = (a - alpha c, alpha, e), which decorrelates a and alpha; model, Jacobian and second
 * derivatives in one vectorisable pass (fit/fastmath.h). */
static void qm_prep(const double *x, size_t n, double *xp, double *ctx)
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

static void qm_to_internal(const double *ctx, const double *theta, double *z)
{
    z[0] = theta[0] - theta[1] * ctx[0];
    z[1] = theta[1];
    z[2] = theta[2];
}

static void qm_from_internal(const double *ctx, const double *z, double *theta)
{
    theta[0] = z[0] + z[1] * ctx[0];
    theta[1] = z[1];
    theta[2] = z[2];
}

/* By blocks: the log-sum-exp and its weights vectorised (sc_lse2_block), then the rows. */
SC_CLONES
static void qm_fjh(const double *z, const double *xp, size_t n, double *f, double *J, double *H)
{
    const double z0 = z[0], alpha = z[1], e = z[2];
    double u[SC_CHUNK], v[SC_CHUNK], w1[SC_CHUNK], w2[SC_CHUNK];
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        const double *x = xp + i0;
        for (size_t i = 0; i < m; i++) {
            u[i] = z0 - alpha * x[i];
            v[i] = e;
        }
        sc_lse2_block(u, v, m, f + i0, w1, w2);
        if (J == NULL) continue;
        double *Jb = J + 3 * i0;
        for (size_t i = 0; i < m; i++) {
            const double s1 = w1[i], s2 = w2[i], xc = x[i];
            Jb[3 * i] = s1;
            Jb[3 * i + 1] = -s1 * xc;
            Jb[3 * i + 2] = s2;
        }
        if (H == NULL) continue;
        double *Hb = H + 6 * i0;
        for (size_t i = 0; i < m; i++) {
            const double q = w1[i] * w2[i], xc = x[i];
            double *h = Hb + 6 * i;
            h[0] = q;
            h[1] = -q * xc;
            h[2] = -q;
            h[3] = q * xc * xc;
            h[4] = q * xc;
            h[5] = q;
        }
    }
}

static void qm_fj(const double *z, const double *xp, size_t n, double *f, double *J)
{
    qm_fjh(z, xp, n, f, J, NULL);
}

extern const sc_law_fast sc_law_fast_powerlaw_qmax;

static size_t qm_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    (void)x;
    (void)y;
    (void)n;
    size_t k = 0;
    for (int ia = 0; ia < 5; ia++)          /* alpha: 0, 0.5, ..., 2 */
        for (int ib = 0; ib < 6; ib++)      /* a: 0, 5, ..., 25 */
            for (int ie = 0; ie < 5; ie++) { /* e: -1, -0.5, ..., 1 */
                if (theta0 && k < max) {
                    theta0[k * 3 + 0] = 5.0 * ib;
                    theta0[k * 3 + 1] = 0.5 * ia;
                    theta0[k * 3 + 2] = -1.0 + 0.5 * ie;
                }
                k++;
            }
    return k;
}

static void qm_natural(const double *theta, double *shown)
{
    shown[0] = exp(theta[0]);
    shown[1] = theta[1];
    shown[2] = exp(theta[2]);
}

const sc_law sc_law_powerlaw_qmax = {
    .name = "powerlaw-qmax",
    .formula = "-log Q' = A C^-alpha + E  (Krajewski et al. 2025, Eq. 10)",
    .nparam = 3,
    .nx = 1,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOGLOG,
    .f = qm_f,
    .jac = qm_jac,
    .starts = qm_starts,
    .linear = NULL,
    .check = sc_check_c_qnorm,
    .natural = qm_natural,
    .shown_names = shown_names,
    .hess = qm_hess,
    .fast = &sc_law_fast_powerlaw_qmax,
};

const sc_law_fast sc_law_fast_powerlaw_qmax = {
    .law = &sc_law_powerlaw_qmax,
    .nxp = 1,
    .prep = qm_prep,
    .to_internal = qm_to_internal,
    .from_internal = qm_from_internal,
    .fj = qm_fj,
    .fjh = qm_fjh,
};
