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
#include "core/internal.h"

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
     * Huber(1e-3) objective hides behind kinks; its optimum joins the Huber starts. */
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_LS;
    o.starts = st;
    o.nstarts = ns;
    o.threads = threads;
    o.no_covariance = 1;
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
    s = sc_fit_run(&sc_law_bnsl, C, y, n, &o, out, err);
    free(st);
    return s;
}

static double softplus(double u)
{
    return u > 0.0 ? u + log1p(exp(-u)) : log1p(exp(u));
}

static double sigmoid(double u)
{
    if (u >= 0.0) return 1.0 / (1.0 + exp(-u));
    double e = exp(u);
    return e / (1.0 + e);
}

static void bn_f(const double *theta, const double *x, size_t n, double *out)
{
    double f1 = fmax(fabs(theta[4]), 1e-8);
    double lnd1 = theta[5] * SC_LN10;
    for (size_t i = 0; i < n; i++) {
        double lc = log(x[i]);
        double u = (lc - lnd1) / f1;
        out[i] = theta[0] + theta[1] * exp(-theta[2] * lc - theta[3] * f1 * softplus(u));
    }
}

static void bn_jac(const double *theta, const double *x, size_t n, double *J)
{
    double sgn = theta[4] < 0.0 ? -1.0 : 1.0;
    double f1 = fmax(fabs(theta[4]), 1e-8);
    double lnd1 = theta[5] * SC_LN10;
    double b = theta[1], c1 = theta[3];
    for (size_t i = 0; i < n; i++) {
        double lc = log(x[i]);
        double u = (lc - lnd1) / f1;
        double sp = softplus(u), s = sigmoid(u);
        double E = exp(-theta[2] * lc - c1 * f1 * sp);
        double *row = J + i * 6;
        row[0] = 1.0;
        row[1] = E;
        row[2] = -b * E * lc;
        row[3] = -b * E * f1 * sp;
        /* d(f1 sp(u))/df1 = sp + f1 s du/df1 with du/df1 = -u/f1. */
        row[4] = sgn * (-b * E * c1 * (sp - s * u));
        /* du/dg1 = -ln10 / f1. */
        row[5] = b * E * c1 * s * SC_LN10;
    }
}

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
};
