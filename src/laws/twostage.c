/* SPDX-License-Identifier: GPL-3.0-or-later
 * The two stages of the two-stage baselines of Krajewski et al. 2025 (Sec. 5):
 *   stage 1, loss from compute:  L = (C/Cn)^alpha, fitted as log L = c + alpha log C by least
 *            squares in log-log space (Cn = e^(-c/alpha));
 *   stage 2, accuracy from loss: linear, Q = a + b L (least squares), or logistic,
 *            Q = a / (1 + exp(-k (L - L0))) + b (least squares, Levenberg-Marquardt).
 * A prediction chains stage 1 into stage 2 (methods/backtest.c). */
#include "core/internal.h"
#include "laws/direct_util.h"

#include <gsl/gsl_fit.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- stage 1: loss power law in compute ---- */
static const char *const lp_params[] = {"c", "alpha"};
static const char *const lp_shown[] = {"Cn", "alpha"};
static const char *const lp_x[] = {"C"};

static void lp_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) out[i] = theta[0] + theta[1] * log(x[i]);
}

static void lp_jac(const double *theta, const double *x, size_t n, double *J)
{
    (void)theta;
    for (size_t i = 0; i < n; i++) {
        J[i * 2 + 0] = 1.0;
        J[i * 2 + 1] = log(x[i]);
    }
}

/* The stage-1 and linear stage-2 laws are linear in theta: zero second derivatives. */
static void zero_hess2(const double *theta, const double *x, size_t n, double *H)
{
    (void)theta;
    (void)x;
    for (size_t i = 0; i < 3 * n; i++) H[i] = 0.0;
}

static sc_status lp_linear(const double *x, const double *y, const double *w, size_t n,
                           double *theta)
{
    return sc_lsq_logline(x, y, w, n, log, &theta[0], &theta[1]);
}

static sc_status lp_check(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0.0) || !isfinite(x[0]) || !(y > 0.0) || !isfinite(y)) {
        snprintf(why, whysize, "compute and loss must be > 0 (got %g, %g)", x[0], y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

static void lp_natural(const double *theta, double *shown)
{
    shown[0] = theta[1] != 0.0 ? exp(-theta[0] / theta[1]) : NAN;
    shown[1] = theta[1];
}

const sc_law sc_law_loss_power = {
    .name = "loss-power",
    .formula = "L = (C/Cn)^alpha  (two-stage baseline, stage 1)",
    .nparam = 2,
    .nx = 1,
    .param_names = lp_params,
    .x_names = lp_x,
    .space = SC_SPACE_LOG,
    .f = lp_f,
    .jac = lp_jac,
    .starts = NULL,
    .linear = lp_linear,
    .check = lp_check,
    .natural = lp_natural,
    .shown_names = lp_shown,
    .hess = zero_hess2,
};

/* ---- stage 2, linear ---- */
static const char *const al_params[] = {"a", "b"};
static const char *const al_x[] = {"L"};

static void al_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) out[i] = theta[0] + theta[1] * x[i];
}

static void al_jac(const double *theta, const double *x, size_t n, double *J)
{
    (void)theta;
    for (size_t i = 0; i < n; i++) {
        J[i * 2 + 0] = 1.0;
        J[i * 2 + 1] = x[i];
    }
}

static sc_status al_linear(const double *x, const double *y, const double *w, size_t n,
                           double *theta)
{
    if (n < 2) return SC_ETOOFEW;
    return sc_lsq_line(x, y, w, n, &theta[0], &theta[1]);
}

static sc_status acc_check(const double *x, double y, char *why, size_t whysize)
{
    if (!isfinite(x[0])) {
        snprintf(why, whysize, "loss must be finite (got %g)", x[0]);
        return SC_EDOMAIN;
    }
    if (!(y >= 0.0 && y <= 1.0)) {
        snprintf(why, whysize, "accuracy must lie in [0, 1] (got %g)", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

const sc_law sc_law_acc_linear = {
    .name = "acc-linear",
    .formula = "Q = a + b L  (two-stage baseline, stage 2)",
    .nparam = 2,
    .nx = 1,
    .param_names = al_params,
    .x_names = al_x,
    .space = SC_SPACE_RAW,
    .f = al_f,
    .jac = al_jac,
    .starts = NULL,
    .linear = al_linear,
    .check = acc_check,
    .natural = NULL,
    .shown_names = al_params,
    .hess = zero_hess2,
};

/* ---- stage 2, logistic ---- */
static const char *const ag_params[] = {"a", "b", "k", "L0"};

static double sigmoid(double u)
{
    if (u >= 0.0) return 1.0 / (1.0 + exp(-u));
    double e = exp(u);
    return e / (1.0 + e);
}

static void ag_f(const double *theta, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = theta[0] * sigmoid(theta[2] * (x[i] - theta[3])) + theta[1];
}

static void ag_jac(const double *theta, const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; i++) {
        double d = x[i] - theta[3];
        double s = sigmoid(theta[2] * d);
        double ds = s * (1.0 - s);
        J[i * 4 + 0] = s;
        J[i * 4 + 1] = 1.0;
        J[i * 4 + 2] = theta[0] * ds * d;
        J[i * 4 + 3] = -theta[0] * ds * theta[2];
    }
}

/* Second derivatives of f = a sigma(k d) + b, d = L - L0, with sigma' = sigma (1 - sigma),
 * sigma'' = sigma' (1 - 2 sigma): f_ak = sigma' d, f_aL0 = -sigma' k, f_kk = a sigma'' d^2,
 * f_kL0 = -a (sigma'' k d + sigma'), f_L0L0 = a sigma'' k^2; the rest are zero. */
static void ag_hess(const double *theta, const double *x, size_t n, double *H)
{
    const double a = theta[0], k = theta[2];
    for (size_t i = 0; i < n; i++) {
        const double d = x[i] - theta[3];
        const double s = sigmoid(k * d), ds = s * (1.0 - s), dds = ds * (1.0 - 2.0 * s);
        double *h = H + 10 * i;
        /* (a,a) (a,b) (a,k) (a,L0) (b,b) (b,k) (b,L0) (k,k) (k,L0) (L0,L0) */
        h[0] = 0.0;
        h[1] = 0.0;
        h[2] = ds * d;
        h[3] = -ds * k;
        h[4] = 0.0;
        h[5] = 0.0;
        h[6] = 0.0;
        h[7] = a * dds * d * d;
        h[8] = -a * (dds * k * d + ds);
        h[9] = a * dds * k * k;
    }
}

/* Starts: the paper's (a = max Q, b = min Q, k = 1, L0 = median L), then a grid of slopes
 * k in {-1, -3, -10, -30} (accuracy rises as the loss falls) and midpoints L0 at the quartiles
 * of L, each with the (a, b) that minimise the squared error for its (k, L0) (the model is
 * linear in a and b). */
#define AG_NK 4
#define AG_NL 3
static size_t ag_starts(const double *x, const double *y, size_t n, double *theta0, size_t max)
{
    static const double ks[AG_NK] = {-1.0, -3.0, -10.0, -30.0};
    static const double qs[AG_NL] = {0.25, 0.5, 0.75};
    const size_t count = 1 + AG_NK * AG_NL;
    if (theta0 == NULL || n == 0) return count;
    double ymax = y[0], ymin = y[0];
    for (size_t i = 1; i < n; i++) {
        ymax = fmax(ymax, y[i]);
        ymin = fmin(ymin, y[i]);
    }
    double *xs = sc_malloc_array(n, sizeof *xs), *s = sc_malloc_array(n, sizeof *s);
    if (!xs || !s) {
        free(xs);
        free(s);
        return 0;
    }
    memcpy(xs, x, n * sizeof *xs);
    gsl_sort(xs, 1, n);
    size_t k = 0;
    if (k < max) {
        theta0[0] = ymax;
        theta0[1] = ymin;
        theta0[2] = 1.0;
        theta0[3] = gsl_stats_median_from_sorted_data(xs, 1, n);
        k++;
    }
    for (size_t ik = 0; ik < AG_NK; ik++)
        for (size_t il = 0; il < AG_NL && k < max; il++) {
            double L0 = gsl_stats_quantile_from_sorted_data(xs, 1, n, qs[il]);
            for (size_t i = 0; i < n; i++) s[i] = sigmoid(ks[ik] * (x[i] - L0));
            double a = ymax - ymin, b = ymin, c00, c01, c11, chisq;
            /* Q = b + a s: intercept b, slope a. */
            if (gsl_fit_linear(s, 1, y, 1, n, &b, &a, &c00, &c01, &c11, &chisq) != 0 ||
                !isfinite(a) || !isfinite(b)) {
                a = ymax - ymin;
                b = ymin;
            }
            theta0[k * 4 + 0] = a;
            theta0[k * 4 + 1] = b;
            theta0[k * 4 + 2] = ks[ik];
            theta0[k * 4 + 3] = L0;
            k++;
        }
    free(xs);
    free(s);
    return count;
}

const sc_law sc_law_acc_logistic = {
    .name = "acc-logistic",
    .formula = "Q = a / (1 + exp(-k (L - L0))) + b  (two-stage baseline, stage 2)",
    .nparam = 4,
    .nx = 1,
    .param_names = ag_params,
    .x_names = al_x,
    .space = SC_SPACE_RAW,
    .f = ag_f,
    .jac = ag_jac,
    .starts = ag_starts,
    .linear = NULL,
    .check = acc_check,
    .natural = NULL,
    .shown_names = ag_params,
    .hess = ag_hess,
};
