/* SPDX-License-Identifier: GPL-3.0-or-later
 * The fitting engine: NIST StRD certified problems, synthetic data with known parameters
 * (least squares and Huber), linear least squares, gradients, multistart bookkeeping,
 * independence from the number of threads, bootstrap reproducibility and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "scalecast.h"

#define REL(a, b) (fabs((a) - (b)) / fabs(b))

/* ---- NIST StRD nonlinear regression problems (https://www.itl.nist.gov/div898/strd/nls/)
 * typed from the NIST data pages; certified values and standard deviations from the same pages.
 * Both are fitted through the generic path: a law descriptor defined here, raw space. ---- */

/* Rat43 (Ratkowsky 1983; higher difficulty): y = b1 / (1 + exp(b2 - b3 x))^(1/b4). */
static const double rat43_y[15] = {16.08,  33.83,  65.80,  97.20,  191.55,
                                   326.20, 386.87, 520.53, 590.03, 651.92,
                                   724.93, 699.56, 689.96, 637.56, 717.41};
static const double rat43_b[4] = {6.9964151270E+02, 5.2771253025E+00, 7.5962938329E-01,
                                  1.2792483859E+00};
static const double rat43_sd[4] = {1.6302297817E+01, 2.0828735829E+00, 1.9566123451E-01,
                                   6.8761936385E-01};
static const double rat43_rss = 8.7864049080E+03;

static void rat43_f(const double *b, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) out[i] = b[0] / pow(1.0 + exp(b[1] - b[2] * x[i]), 1.0 / b[3]);
}

static void rat43_jac(const double *b, const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; i++) {
        const double e = exp(b[1] - b[2] * x[i]), t1 = 1.0 + e, t2 = pow(t1, -1.0 / b[3]);
        J[4 * i] = t2;
        J[4 * i + 1] = -b[0] / b[3] * e * t2 / t1;
        J[4 * i + 2] = b[0] / b[3] * x[i] * e * t2 / t1;
        J[4 * i + 3] = b[0] / (b[3] * b[3]) * log(t1) * t2;
    }
}

static const char *const b4_names[] = {"b1", "b2", "b3", "b4"};
static const char *const x1_names[] = {"x"};
static const sc_law rat43_law = {.name = "rat43", .formula = "b1/(1+exp(b2-b3 x))^(1/b4)",
                                 .nparam = 4, .nx = 1, .param_names = b4_names,
                                 .x_names = x1_names, .space = SC_SPACE_RAW, .f = rat43_f,
                                 .jac = rat43_jac};

/* Thurber (1979; higher difficulty): a rational function of degree (3, 3). */
static const double thurber_x[37] = {
    -3.067, -2.981, -2.921, -2.912, -2.840, -2.797, -2.702, -2.699, -2.633, -2.481,
    -2.363, -2.322, -1.501, -1.460, -1.274, -1.212, -1.100, -1.046, -0.915, -0.714,
    -0.566, -0.545, -0.400, -0.309, -0.109, -0.103, 0.010,  0.119,  0.377,  0.790,
    0.963,  1.006,  1.115,  1.572,  1.841,  2.047,  2.200};
static const double thurber_y[37] = {
    80.574,   84.248,   87.264,   87.195,   89.076,   89.608,   89.868,   90.101,
    92.405,   95.854,   100.696,  101.060,  401.672,  390.724,  567.534,  635.316,
    733.054,  759.087,  894.206,  990.785,  1090.109, 1080.914, 1122.643, 1178.351,
    1260.531, 1273.514, 1288.339, 1327.543, 1353.863, 1414.509, 1425.208, 1421.384,
    1442.962, 1464.350, 1468.705, 1447.894, 1457.628};
static const double thurber_b[7] = {1.2881396800E+03, 1.4910792535E+03, 5.8323836877E+02,
                                    7.5416644291E+01, 9.6629502864E-01, 3.9797285797E-01,
                                    4.9727297349E-02};
static const double thurber_sd[7] = {4.6647963344E+00, 3.9571156086E+01, 2.8698696102E+01,
                                     5.5675370270E+00, 3.1333340687E-02, 1.4984928198E-02,
                                     6.5842344623E-03};
static const double thurber_rss = 5.6427082397E+03;

static void thurber_f(const double *b, const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) {
        const double t = x[i];
        out[i] = (b[0] + b[1] * t + b[2] * t * t + b[3] * t * t * t) /
                 (1.0 + b[4] * t + b[5] * t * t + b[6] * t * t * t);
    }
}

static void thurber_jac(const double *b, const double *x, size_t n, double *J)
{
    for (size_t i = 0; i < n; i++) {
        const double t = x[i], num = b[0] + b[1] * t + b[2] * t * t + b[3] * t * t * t;
        const double den = 1.0 + b[4] * t + b[5] * t * t + b[6] * t * t * t;
        double *row = J + 7 * i;
        row[0] = 1.0 / den;
        row[1] = t / den;
        row[2] = t * t / den;
        row[3] = t * t * t / den;
        row[4] = -t * num / (den * den);
        row[5] = -t * t * num / (den * den);
        row[6] = -t * t * t * num / (den * den);
    }
}

static const char *const b7_names[] = {"b1", "b2", "b3", "b4", "b5", "b6", "b7"};
static const sc_law thurber_law = {.name = "thurber", .formula = "rational (3,3)", .nparam = 7,
                                   .nx = 1, .param_names = b7_names, .x_names = x1_names,
                                   .space = SC_SPACE_RAW, .f = thurber_f, .jac = thurber_jac};
static const sc_law thurber_law_fd = {.name = "thurber-fd", .formula = "rational (3,3)",
                                      .nparam = 7, .nx = 1, .param_names = b7_names,
                                      .x_names = x1_names, .space = SC_SPACE_RAW,
                                      .f = thurber_f, .jac = NULL};

static void check_certified(const sc_fit *fit, const double *b, const double *sd, double rss,
                            double tol_b, double tol_sd)
{
    assert_true(fit->converged);
    assert_true(REL(fit->loss, rss) < tol_b);
    assert_true(REL(fit->rss, rss) < tol_b);
    assert_non_null(fit->cov);
    for (size_t j = 0; j < fit->p; j++) {
        assert_true(REL(fit->theta[j], b[j]) < tol_b);
        assert_true(REL(sqrt(fit->cov[j * fit->p + j]), sd[j]) < tol_sd);
        assert_true(fabs(fit->corr[j * fit->p + j] - 1.0) < 1e-12);
    }
}

static void test_nist_rat43(void **state)
{
    (void)state;
    double x[15];
    for (size_t i = 0; i < 15; i++) x[i] = (double)(i + 1);
    /* NIST's two starting points. */
    const double starts[2][4] = {{100, 10, 1, 1}, {700, 5, 0.75, 1.3}};
    for (int s = 0; s < 2; s++) {
        sc_fit_opts o;
        sc_fit_opts_init(&o);
        o.starts = starts[s];
        o.nstarts = 1;
        sc_fit *fit = NULL;
        sc_error err;
        assert_int_equal(sc_fit_run(&rat43_law, x, rat43_y, 15, &o, &fit, &err), SC_OK);
        check_certified(fit, rat43_b, rat43_sd, rat43_rss, 1e-6, 1e-4);
        assert_int_equal(fit->nstarts, 1);
        assert_int_equal(fit->nbest, 1);
        assert_int_equal(fit->nfailed, 0);
        assert_true(fit->iterations > 0);
        sc_fit_free(fit);
    }
}

static void test_nist_thurber(void **state)
{
    (void)state;
    const double starts[2][7] = {{1000, 1000, 400, 40, 0.7, 0.3, 0.03},
                                 {1300, 1500, 500, 75, 1.0, 0.4, 0.05}};
    for (int s = 0; s < 2; s++) {
        sc_fit_opts o;
        sc_fit_opts_init(&o);
        o.starts = starts[s];
        o.nstarts = 1;
        sc_fit *fit = NULL;
        assert_int_equal(sc_fit_run(&thurber_law, thurber_x, thurber_y, 37, &o, &fit, NULL),
                         SC_OK);
        check_certified(fit, thurber_b, thurber_sd, thurber_rss, 1e-6, 1e-4);
        sc_fit_free(fit);
        /* Without an analytic Jacobian: central differences. */
        assert_int_equal(sc_fit_run(&thurber_law_fd, thurber_x, thurber_y, 37, &o, &fit, NULL),
                         SC_OK);
        check_certified(fit, thurber_b, thurber_sd, thurber_rss, 1e-6, 1e-3);
        sc_fit_free(fit);
    }
}

/* ---- linear least squares ---- */

static void test_linfit(void **state)
{
    (void)state;
    /* y = 1 + 2 t + noise with known noise: compare with the normal equations by hand. */
    const double t[6] = {0, 1, 2, 3, 4, 5}, e[6] = {0.1, -0.2, 0.05, 0.0, 0.15, -0.1};
    double X[12], y[6];
    for (size_t i = 0; i < 6; i++) {
        X[2 * i] = 1.0;
        X[2 * i + 1] = t[i];
        y[i] = 1.0 + 2.0 * t[i] + e[i];
    }
    double beta[2], cov[4], chisq;
    assert_int_equal(sc_linfit(X, y, NULL, 6, 2, beta, cov, &chisq), SC_OK);
    /* Closed form for a straight line: slope = Sxy / Sxx, intercept = ybar - slope tbar. */
    double tb = 2.5, yb = 0, sxy = 0, sxx = 0;
    for (size_t i = 0; i < 6; i++) yb += y[i] / 6.0;
    for (size_t i = 0; i < 6; i++) {
        sxy += (t[i] - tb) * (y[i] - yb);
        sxx += (t[i] - tb) * (t[i] - tb);
    }
    const double slope = sxy / sxx, icpt = yb - slope * tb;
    assert_true(fabs(beta[1] - slope) < 1e-12);
    assert_true(fabs(beta[0] - icpt) < 1e-12);
    double rss = 0;
    for (size_t i = 0; i < 6; i++) {
        const double r = y[i] - icpt - slope * t[i];
        rss += r * r;
    }
    assert_true(fabs(chisq - rss) < 1e-12);
    /* var(slope) = s^2 / Sxx with s^2 = rss / (n - 2). */
    assert_true(REL(cov[3], rss / 4.0 / sxx) < 1e-10);
    /* Weights: a zero weight removes a point. */
    const double w[6] = {1, 1, 1, 1, 1, 0};
    assert_int_equal(sc_linfit(X, y, w, 6, 2, beta, NULL, NULL), SC_OK);
    double beta5[2];
    assert_int_equal(sc_linfit(X, y, NULL, 5, 2, beta5, NULL, NULL), SC_OK);
    assert_true(fabs(beta[0] - beta5[0]) < 1e-10 && fabs(beta[1] - beta5[1]) < 1e-10);
    assert_int_equal(sc_linfit(X, y, NULL, 1, 2, beta, NULL, NULL), SC_ETOOFEW);
    y[2] = NAN;
    assert_int_equal(sc_linfit(X, y, NULL, 6, 2, beta, NULL, NULL), SC_EDOMAIN);
}

/* ---- synthetic data with known parameters ---- */

/* Deterministic pseudo-noise in [-1, 1]. */
static double noise(size_t i)
{
    return sin(12.9898 * (double)i + 78.233 * (double)(i * i % 17));
}

/* Chinchilla-type data on a 6 x 5 grid of (N, D) from known parameters (a, b, e, alpha, beta)
 * with multiplicative noise of relative size rel; returns n. */
static size_t chin_data(const double *theta, double rel, double *x, double *y)
{
    const sc_law *law = sc_law_find("chinchilla");
    size_t n = 0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 5; j++, n++) {
            x[2 * n] = 5e7 * pow(3.0, i);
            x[2 * n + 1] = 1e9 * pow(4.0, j);
        }
    sc_law_predict(law, theta, x, n, y);
    for (size_t i = 0; i < n; i++) y[i] *= 1.0 + rel * noise(i);
    return n;
}

static const double chin_true[5] = {6.0, 7.2, 0.5, 0.34, 0.29};
static const double chin_lo[5] = {0, 0, -1, 0, 0}, chin_hi[5] = {15, 15, 1, 1, 1};

static void test_synthetic_ls(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    double x[60], y[30];
    size_t n = chin_data(chin_true, 0.0, x, y);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.nrandom = 40;
    o.lo = chin_lo;
    o.hi = chin_hi;
    o.seed = 7;
    sc_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_OK);
    for (size_t j = 0; j < 5; j++) assert_true(fabs(fit->theta[j] - chin_true[j]) < 1e-6);
    assert_true(fit->loss < 1e-20);
    assert_true(fit->nbest >= 1);
    assert_int_equal(fit->nstarts, 40);
    assert_true(fit->inside_share == 1.0);
    /* Predictions reproduce the data. */
    double yp[30];
    sc_fit_predict(fit, x, n, yp);
    for (size_t i = 0; i < n; i++) assert_true(REL(yp[i], y[i]) < 1e-9);
    sc_fit_free(fit);

    /* One-variable law with noise: parameters close, covariance present. */
    const sc_law *sat = sc_law_find("satpower");
    const double st[3] = {log(1.8), log(1e5), 0.25};
    double xs[20], ys[20];
    for (size_t i = 0; i < 20; i++) xs[i] = 1e18 * pow(1.6, (double)i);
    sc_law_predict(sat, st, xs, 20, ys);
    for (size_t i = 0; i < 20; i++) ys[i] *= 1.0 + 1e-4 * noise(i);
    sc_fit_opts_init(&o);
    assert_int_equal(sc_fit_run(sat, xs, ys, 20, NULL, &fit, &err), SC_OK);
    assert_true(fabs(fit->theta[0] - st[0]) < 1e-2);
    assert_true(fabs(fit->theta[2] - st[2]) < 1e-2);
    assert_non_null(fit->cov);
    sc_fit_free(fit);
}

static void test_synthetic_huber(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    double x[60], y[30];
    size_t n = chin_data(chin_true, 1e-4, x, y);
    /* Three gross outliers: least squares is pulled away, Huber is not. */
    y[3] *= 1.3;
    y[11] *= 0.8;
    y[22] *= 1.25;
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 1e-3;
    o.nrandom = 40;
    o.lo = chin_lo;
    o.hi = chin_hi;
    sc_fit *hub = NULL, *ls = NULL;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &hub, NULL), SC_OK);
    o.loss = SC_LOSS_LS;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &ls, NULL), SC_OK);
    assert_true(fabs(hub->theta[3] - chin_true[3]) < 5e-3);
    assert_true(fabs(hub->theta[4] - chin_true[4]) < 5e-3);
    assert_true(fabs(hub->theta[2] - chin_true[2]) < 5e-3);
    assert_true(fabs(ls->theta[3] - chin_true[3]) > fabs(hub->theta[3] - chin_true[3]));
    /* Residuals: the outliers are outside delta, most others inside. */
    assert_true(fabs(hub->resid[3]) > 0.1 && fabs(hub->resid[11]) > 0.1);
    assert_true(hub->inside_share > 0.8 && hub->inside_share < 1.0);
    assert_int_equal(hub->loss_kind, SC_LOSS_HUBER);
    /* The reported loss is the objective at theta, sum (not mean) of Huber terms. */
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const double r = fabs(hub->resid[i]);
        sum += r <= 1e-3 ? 0.5 * r * r : 1e-3 * (r - 0.5e-3);
    }
    assert_true(REL(hub->loss, sum) < 1e-12);
    assert_true(REL(sc_fit_objective(law, x, y, NULL, n, SC_LOSS_HUBER, 1e-3, hub->theta, NULL),
                    hub->loss) < 1e-12);
    sc_fit_free(hub);
    sc_fit_free(ls);
}

/* The analytic gradient of the objective agrees with central differences. */
static void test_gradient(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    double x[60], y[30];
    size_t n = chin_data(chin_true, 0.02, x, y);
    const double th[5] = {5.5, 7.9, 0.3, 0.3, 0.33};
    for (int loss = 0; loss < 2; loss++) {
        double g[5], w[30];
        for (size_t i = 0; i < n; i++) w[i] = 0.5 + 0.05 * (double)i;
        const double delta = 0.01;
        double f0 = sc_fit_objective(law, x, y, w, n, (sc_loss)loss, delta, th, g);
        assert_true(isfinite(f0));
        for (size_t j = 0; j < 5; j++) {
            double tp[5], tm[5];
            memcpy(tp, th, sizeof tp);
            memcpy(tm, th, sizeof tm);
            const double h = 1e-6;
            tp[j] += h;
            tm[j] -= h;
            const double fd = (sc_fit_objective(law, x, y, w, n, (sc_loss)loss, delta, tp, NULL) -
                               sc_fit_objective(law, x, y, w, n, (sc_loss)loss, delta, tm, NULL)) /
                              (2 * h);
            assert_true(fabs(fd - g[j]) <= 1e-6 * fmax(fabs(g[j]), 1e-3));
        }
    }
}

/* ---- determinism ---- */

static sc_fit *fit_threads(int threads, sc_loss loss)
{
    const sc_law *law = sc_law_find("chinchilla");
    double x[60], y[30];
    size_t n = chin_data(chin_true, 3e-3, x, y);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = loss;
    o.nrandom = 64;
    o.lo = chin_lo;
    o.hi = chin_hi;
    o.seed = 99;
    o.threads = threads;
    omp_set_num_threads(threads);
    sc_fit *fit = NULL;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, NULL), SC_OK);
    return fit;
}

static void test_threads(void **state)
{
    (void)state;
    for (int loss = 0; loss < 2; loss++) {
        sc_fit *a = fit_threads(1, (sc_loss)loss), *b = fit_threads(2, (sc_loss)loss);
        assert_memory_equal(a->theta, b->theta, 5 * sizeof(double));
        assert_memory_equal(&a->loss, &b->loss, sizeof(double));
        assert_memory_equal(a->resid, b->resid, a->n * sizeof(double));
        assert_memory_equal(a->cov, b->cov, 25 * sizeof(double));
        assert_int_equal(a->nbest, b->nbest);
        assert_int_equal(a->nfailed, b->nfailed);
        assert_int_equal(a->iterations, b->iterations);
        assert_string_equal(a->reason, b->reason);
        sc_fit_free(a);
        sc_fit_free(b);
    }
}

static sc_boot *boot_run(int threads, uint64_t seed, const size_t *cluster)
{
    const sc_law *law = sc_law_find("chinchilla");
    double x[60], y[30];
    size_t n = chin_data(chin_true, 3e-3, x, y);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.starts = chin_true;
    o.nstarts = 1;
    o.no_covariance = 1;
    o.threads = threads;
    omp_set_num_threads(threads);
    sc_boot *boot = NULL;
    assert_int_equal(sc_bootstrap(law, x, y, n, cluster, 200, seed, &o, &boot, NULL), SC_OK);
    assert_int_equal(boot->B, 200);
    assert_int_equal(boot->p, 5);
    return boot;
}

static void test_bootstrap(void **state)
{
    (void)state;
    sc_boot *a = boot_run(1, 5, NULL), *b = boot_run(2, 5, NULL), *c = boot_run(2, 6, NULL);
    assert_memory_equal(a->theta, b->theta, 200 * 5 * sizeof(double));
    assert_int_equal(a->nfailed, b->nfailed);
    assert_true(memcmp(a->theta, c->theta, 200 * 5 * sizeof(double)) != 0);
    assert_true(a->nfailed < 10);
    double lo, hi, lo2, hi2;
    assert_int_equal(sc_boot_param_interval(a, 3, 0.8, &lo, &hi), SC_OK);
    /* The interval brackets the estimate on the full data. */
    double x[60], y[30];
    size_t n = chin_data(chin_true, 3e-3, x, y);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.starts = chin_true;
    o.nstarts = 1;
    sc_fit *fit = NULL;
    assert_int_equal(sc_fit_run(sc_law_find("chinchilla"), x, y, n, &o, &fit, NULL), SC_OK);
    assert_true(lo < fit->theta[3] && fit->theta[3] < hi && hi - lo < 0.05);
    sc_fit_free(fit);
    assert_int_equal(sc_boot_param_interval(a, 3, 0.5, &lo2, &hi2), SC_OK);
    assert_true(lo <= lo2 && hi2 <= hi);
    const double at[2] = {1e11, 1e12};
    double plo, phi, yt;
    assert_int_equal(sc_boot_predict_interval(a, sc_law_find("chinchilla"), at, 0.8, &plo, &phi),
                     SC_OK);
    sc_law_predict(sc_law_find("chinchilla"), chin_true, at, 1, &yt);
    assert_true(plo < phi && fabs(0.5 * (plo + phi) - yt) < 0.02 * yt);
    assert_int_equal(sc_boot_param_interval(a, 5, 0.8, &lo, &hi), SC_EINVAL);
    assert_int_equal(sc_boot_param_interval(a, 0, 1.5, &lo, &hi), SC_EINVAL);
    sc_boot_free(a);
    sc_boot_free(b);
    sc_boot_free(c);

    /* Cluster bootstrap (6 clusters: the model sizes), also thread independent. */
    size_t cl[30];
    for (size_t i = 0; i < 30; i++) cl[i] = 100 - i / 5;
    a = boot_run(1, 5, cl);
    b = boot_run(2, 5, cl);
    assert_memory_equal(a->theta, b->theta, 200 * 5 * sizeof(double));
    sc_boot_free(a);
    sc_boot_free(b);
    sc_boot_free(NULL);
}

/* ---- bad input ---- */

static void test_bad_input(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    assert_null(sc_law_find("no-such-law"));
    assert_null(sc_law_find(NULL));
    double x[60], y[30];
    size_t n = chin_data(chin_true, 0.0, x, y);
    sc_fit *fit = (sc_fit *)1;
    sc_error err;
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.nrandom = 4;
    o.lo = chin_lo;
    o.hi = chin_hi;

    assert_int_equal(sc_fit_run(law, x, y, 4, &o, &fit, &err), SC_ETOOFEW);
    assert_null(fit);
    assert_string_equal(err.message,
                        "law chinchilla has 5 parameters but only 4 points were given");

    y[6] = NAN;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 7: y is not a finite number (nan)");
    assert_int_equal(err.line, 7);
    y[6] = 2.5;

    x[2 * 4] = 0.0;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 5: N must be > 0, got 0");
    x[2 * 4] = 1e8;
    x[2 * 9 + 1] = -3;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 10: D must be > 0, got -3");
    x[2 * 9 + 1] = 1e9;
    y[0] = -1;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 1: loss L must be > 0, got -1");
    y[0] = 3;
    x[1] = INFINITY;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 1: D is not a finite number (inf)");
    x[1] = 1e9;

    double w[30];
    for (size_t i = 0; i < n; i++) w[i] = 1;
    w[3] = -1;
    o.w = w;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "point 4: weight must be finite and >= 0, got -1");
    o.w = NULL;

    o.lo = NULL;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EINVAL);
    assert_string_equal(err.message, "random starts need a box: lo and hi must be given");
    o.lo = chin_lo;

    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 0;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_EINVAL);
    assert_string_equal(err.message, "Huber delta must be > 0, got 0");
    o.huber_delta = 1e-3;

    /* Every start stopped by the iteration limit: no convergence, with the reasons. */
    o.max_iter = 1;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_ENOCONV);
    assert_null(fit);
    assert_string_equal(err.message,
                        "law chinchilla: no start converged (4 starts): start 1: maximum number "
                        "of iterations reached; start 2: maximum number of iterations reached; "
                        "start 3: maximum number of iterations reached");
    /* Starts at which the objective cannot be evaluated. */
    o.max_iter = 0;
    const double bad[10] = {NAN, 0, 0, 0, 0, 0, INFINITY, 0, 0, 0};
    o.starts = bad;
    o.nstarts = 2;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_ENOCONV);
    assert_non_null(strstr(err.message, "start 1: NaN objective or gradient at the start"));

    assert_int_equal(sc_fit_run(NULL, x, y, n, &o, &fit, &err), SC_EINVAL);
    sc_boot *boot = (sc_boot *)1;
    assert_int_equal(sc_bootstrap(law, x, y, 3, NULL, 10, 1, NULL, &boot, &err), SC_ETOOFEW);
    assert_null(boot);
    sc_fit_free(NULL);
}

static void test_spaces(void **state)
{
    (void)state;
    const double ys[3] = {0.2, 0.5, 0.93};
    for (int s = 0; s < 3; s++)
        for (size_t i = 0; i < 3; i++)
            assert_true(fabs(sc_space_from((sc_space)s, sc_space_to((sc_space)s, ys[i])) - ys[i]) <
                        1e-14);
    assert_true(isnan(sc_space_to(SC_SPACE_LOG, -1.0)));
    assert_true(isnan(sc_space_to(SC_SPACE_LOGLOG, 1.0)));
    assert_true(fabs(sc_space_to(SC_SPACE_LOGLOG, exp(-1.0))) < 1e-15);
    const sc_law *const *laws = sc_laws();
    size_t k = 0;
    for (; laws[k] != NULL; k++) assert_ptr_equal(sc_law_find(laws[k]->name), laws[k]);
    assert_true(k >= 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_rat43),     cmocka_unit_test(test_nist_thurber),
        cmocka_unit_test(test_linfit),         cmocka_unit_test(test_synthetic_ls),
        cmocka_unit_test(test_synthetic_huber), cmocka_unit_test(test_gradient),
        cmocka_unit_test(test_threads),        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_bad_input),      cmocka_unit_test(test_spaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
