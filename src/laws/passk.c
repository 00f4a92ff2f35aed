/* SPDX-License-Identifier: GPL-3.0-or-later
 * The pass@k law of Krajewski et al. 2025 (Eq. 5):
 *     log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3
 * linear in its parameters, fitted by least squares in log(-log) space.
 * Parameters theta = (c0, c1, c2, c3); covariates (C, k) with C > 0 (training compute, FLOPs)
 * and k >= 1; pass@k in (0, 1).
 */
#include "fit/fit_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static const char *const param_names[] = {"c0", "c1", "c2", "c3"};
static const char *const x_names[] = {"C", "k"};

static void passk_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) {
        const double lc = log(x[2 * i]), lk = log(x[2 * i + 1]);
        out[i] = theta[0] * lc + theta[1] * lk + theta[2] * lc * lk + theta[3];
    }
}

static void passk_jac(const double *theta, const double *x, size_t n, double *J)
{
    (void)theta;
    for (size_t i = 0; i < n; i++) {
        const double lc = log(x[2 * i]), lk = log(x[2 * i + 1]);
        J[4 * i] = lc;
        J[4 * i + 1] = lk;
        J[4 * i + 2] = lc * lk;
        J[4 * i + 3] = 1.0;
    }
}

/* Linear in theta: the second derivatives are zero. */
static void passk_hess(const double *theta, const double *x, size_t n, double *H)
{
    (void)theta;
    (void)x;
    for (size_t i = 0; i < 10 * n; i++) H[i] = 0.0;
}

/* Closed form: weighted linear least squares on the design (log C, log k, log C log k, 1). */
static sc_status passk_linear(const double *x, const double *y, const double *w, size_t n,
                              double *theta)
{
    if (n < 4) return SC_ETOOFEW;
    double *X = sc_malloc_array(n * 4, sizeof *X);
    if (X == NULL) return SC_ENOMEM;
    passk_jac(NULL, x, n, X);
    sc_status st = sc_linfit(X, y, w, n, 4, theta, NULL, NULL);
    free(X);
    return st;
}

/* One start: the closed-form fit of the data in fit space (the objective is quadratic, so the
 * solver only confirms it). Points outside the domain are skipped; with fewer than 4 usable
 * points the start is a flat law through the mean. */
static size_t passk_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    if (theta0 == NULL || max == 0) return 1;
    double *xs = sc_malloc_array(n * 2, sizeof *xs), *ys = sc_malloc_array(n, sizeof *ys);
    size_t m = 0;
    double mean = 0.0;
    for (size_t i = 0; xs && ys && i < n; i++) {
        if (!(x[2 * i] > 0) || !(x[2 * i + 1] >= 1) || !(y[i] > 0 && y[i] < 1)) continue;
        xs[2 * m] = x[2 * i];
        xs[2 * m + 1] = x[2 * i + 1];
        ys[m] = log(-log(y[i]));
        mean += ys[m];
        m++;
    }
    theta0[0] = theta0[1] = theta0[2] = 0.0;
    theta0[3] = m ? mean / (double)m : 0.0;
    if (m >= 4 && passk_linear(xs, ys, NULL, m, theta0) != SC_OK) {
        theta0[0] = theta0[1] = theta0[2] = 0.0;
        theta0[3] = mean / (double)m;
    }
    free(xs);
    free(ys);
    return 1;
}

static sc_status passk_check(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0) || !isfinite(x[0])) {
        snprintf(why, whysize, "C must be > 0, got %g", x[0]);
        return SC_EDOMAIN;
    }
    if (!(x[1] >= 1) || !isfinite(x[1])) {
        snprintf(why, whysize, "k must be >= 1, got %g", x[1]);
        return SC_EDOMAIN;
    }
    if (!(y > 0 && y < 1)) {
        snprintf(why, whysize, "pass@k must be in (0, 1) for log(-log pass@k), got %g", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

const sc_law sc_law_passk = {
    .name = "passk",
    .formula = "log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3",
    .nparam = 4,
    .nx = 2,
    .param_names = param_names,
    .x_names = x_names,
    .space = SC_SPACE_LOGLOG,
    .f = passk_f,
    .jac = passk_jac,
    .starts = passk_starts,
    .linear = passk_linear,
    .check = passk_check,
    .natural = NULL,
    .shown_names = param_names,
    .hess = passk_hess,
};
