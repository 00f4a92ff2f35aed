/* SPDX-License-Identifier: GPL-3.0-or-later
 * Direct power law with a ceiling (Krajewski et al. 2025, Eq. 10):
 *     -log Q' = A C^-alpha + E,  so that Q' -> Q'max = e^-E as C grows,
 * fitted in log-sum-exp form  log(-log Q') = LSE(a - alpha log C, e)  (A = e^a, E = e^e) with a
 * Huber(1e-3) loss from a 150-start grid (alpha in {0, 0.5, ..., 2}, a in {0, 5, ..., 25},
 * e in {-1, -0.5, ..., 1}), as in the paper's code. */
#include "core/internal.h"
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
};
