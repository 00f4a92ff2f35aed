/* SPDX-License-Identifier: GPL-3.0-or-later
 * Direct log-accuracy power law (Krajewski et al. 2025, Eq. 2):
 *     -log Q' = A C^-alpha,  i.e.  log(-log Q') = a - alpha log C,  A = e^a,
 * fitted by least squares of log(-log Q') on log C (closed form). Q' is the chance-normalised
 * accuracy (prep/chance.c); predictions map back with Q = Q0 + (1 - Q0) exp(-A C^-alpha). */
#include "core/internal.h"
#include "laws/direct_util.h"

#include <gsl/gsl_fit.h>
#include <stdlib.h>
#include <math.h>
#include <stdio.h>

static const char *const param_names[] = {"a", "alpha"};
static const char *const shown_names[] = {"A", "alpha"};
static const char *const x_names[] = {"C"};

static void pl_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) out[i] = theta[0] - theta[1] * log(x[i]);
}

static void pl_jac(const double *theta, const double *x, size_t n, double *J)
{
    (void)theta;
    for (size_t i = 0; i < n; i++) {
        J[i * 2 + 0] = 1.0;
        J[i * 2 + 1] = -log(x[i]);
    }
}

/* Linear in theta: the second derivatives are zero. */
static void pl_hess(const double *theta, const double *x, size_t n, double *H)
{
    (void)theta;
    (void)x;
    for (size_t i = 0; i < 3 * n; i++) H[i] = 0.0;
}

/* Ordinary (or weighted) least squares of log(-log y) on log C, as the paper's code does. */
static sc_status pl_linear(const double *x, const double *y, const double *w, size_t n,
                           double *theta)
{
    double c1 = 0;
    SC_TRY(sc_lsq_logline(x, y, w, n, sc_loglog, &theta[0], &c1));
    theta[1] = -c1;
    return SC_OK;
}

static void pl_natural(const double *theta, double *shown)
{
    shown[0] = exp(theta[0]);
    shown[1] = theta[1];
}

const sc_law sc_law_powerlaw = {
    .name = "powerlaw",
    .formula = "-log Q' = A C^-alpha  (Krajewski et al. 2025, Eq. 2)",
    .nparam = 2,
    .nx = 1,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOGLOG,
    .f = pl_f,
    .jac = pl_jac,
    .starts = NULL,
    .linear = pl_linear,
    .check = sc_check_c_qnorm,
    .natural = pl_natural,
    .shown_names = shown_names,
    .hess = pl_hess,
};
