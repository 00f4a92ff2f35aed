/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fixed sampling budgets: binomial instance estimates, the task mean with zero-pass problems,
 * sizes without information, the beta-binomial fit of the distribution of pass rates (recovery
 * and forecast coverage on simulated data), the task curve 1 - B(a, b + k) / B(a, b) and Eq. 5
 * in k. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_budget_estimate(void **state)
{
    (void)state;
    sc_pu_est e;
    sc_error err;
    assert_int_equal(sc_pu_estimate_budget(200, 7, 0.9, &e, NULL), SC_OK);
    assert_true(e.budget && !e.censored);
    assert_true(fabs(e.pu - 7.0 / 200.0) < 1e-15 && e.value == e.pu);
    /* Clopper-Pearson: P(Bin(200, lo) >= 7) = 0.05 and P(Bin(200, hi) <= 7) = 0.05. */
    assert_true(fabs(gsl_cdf_binomial_Q(6, e.lo, 200) - 0.05) < 1e-9);
    assert_true(fabs(gsl_cdf_binomial_P(7, e.hi, 200) - 0.05) < 1e-9);
    /* No pass: value exactly 0, censored at the budget with the one-sided bound. */
    assert_int_equal(sc_pu_estimate_budget(1000, 0, 0.9, &e, NULL), SC_OK);
    assert_true(e.censored && e.value == 0.0 && e.lo == 0.0);
    assert_true(fabs(pow(1.0 - e.hi, 1000.0) - 0.1) < 1e-12);
    assert_int_equal(sc_pu_estimate_budget(5, 5, 0.9, &e, NULL), SC_OK);
    assert_true(e.hi == 1.0 && e.pu == 1.0);
    assert_int_equal(sc_pu_estimate_budget(0, 0, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "no samples (n = 0)");
    assert_int_equal(sc_pu_estimate_budget(3, 4, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "correct c (4) > samples n (3)");
}

/* The task PU of fixed-budget problems is the empirical mean of c / n, with zero-pass problems
 * counted as 0 (no imputation), and equals it exactly when every problem passed. */
static void test_task_is_empirical_mean(void **state)
{
    (void)state;
    const size_t n[6] = {100, 100, 250, 1000, 10000, 128}, c[6] = {3, 1, 9, 50, 2, 128};
    sc_pu_est e[6];
    double mean = 0.0;
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(sc_pu_estimate_budget(n[i], c[i], 0.9, &e[i], NULL), SC_OK);
        mean += (double)c[i] / (double)n[i] / 6.0;
    }
    sc_pu_task t;
    assert_int_equal(sc_pu_task_estimate(e, 6, 500, 1, 0.9, &t, NULL), SC_OK);
    assert_true(fabs(t.pu - mean) < 1e-15);
    assert_true(fabs(sc_pu_empirical(e, 1, 6) - mean) < 1e-15);
    assert_true(t.lo <= t.pu && t.pu <= t.hi);
    /* With zero-pass problems: still the plain mean, the zeros counted as 0. */
    assert_int_equal(sc_pu_estimate_budget(100, 0, 0.9, &e[1], NULL), SC_OK);
    assert_int_equal(sc_pu_estimate_budget(10000, 0, 0.9, &e[4], NULL), SC_OK);
    mean = (3.0 / 100 + 9.0 / 250 + 50.0 / 1000 + 1.0) / 6.0;
    assert_int_equal(sc_pu_task_estimate(e, 6, 500, 1, 0.9, &t, NULL), SC_OK);
    assert_true(fabs(t.pu - mean) < 1e-15);
    assert_int_equal((int)t.ncensored, 2);
}

/* A size where no problem passed is flagged with a valid upper bound and refused as a point. */
static void test_zero_size(void **state)
{
    (void)state;
    /* 3 problems x 4 sizes; size 0 all zero. */
    const size_t S = 3, M = 4;
    const size_t c[3][4] = {{0, 1, 5, 20}, {0, 0, 2, 9}, {0, 3, 8, 30}};
    sc_pu_est est[12];
    double N[4] = {1e8, 3e8, 1e9, 3e9};
    for (size_t s = 0; s < S; s++)
        for (size_t m = 0; m < M; m++)
            assert_int_equal(sc_pu_estimate_budget(100, c[s][m], 0.9, &est[s * M + m], NULL), SC_OK);
    unsigned char flag[4];
    double bound[4];
    assert_int_equal((int)sc_pu_zero_sizes(est, S, M, 0.9, flag, bound), 1);
    assert_true(flag[0] && !flag[1] && !flag[2] && !flag[3]);
    assert_true(fabs(bound[0] - (1.0 - pow(0.1, 1.0 / 300.0))) < 1e-15);
    assert_true(isnan(bound[1]));
    sc_pu_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_pu_fit_task(N, M, est, S, NULL, &fit, &err), SC_EDOMAIN);
    assert_non_null(strstr(err.message, "no instance passed at N = 1e+08"));
    /* Without it the law is fitted on the three informative sizes. */
    sc_pu_est est3[9];
    for (size_t s = 0; s < S; s++)
        for (size_t m = 1; m < M; m++) est3[s * 3 + m - 1] = est[s * M + m];
    assert_int_equal(sc_pu_fit_task(N + 1, 3, est3, S, NULL, &fit, NULL), SC_OK);
    assert_true(fit->alpha > 0.0);
    sc_pu_fit_free(fit);
}

/* Coverage of the bound: all-zero outcomes for pass rates at the bound happen at most 10%. */
static void test_zero_bound_valid(void **state)
{
    (void)state;
    /* Unequal rates with mean equal to the bound: P(all fail) must be <= 1 - level. */
    const double level = 0.9;
    const size_t S = 4, K = 50;
    double u = 1.0 - pow(1.0 - level, 1.0 / (double)(S * K));
    const double w[4] = {0.1, 0.5, 1.2, 2.2}; /* mean 1 */
    double logP = 0.0;
    for (size_t s = 0; s < S; s++) logP += (double)K * log1p(-u * w[s]);
    assert_true(exp(logP) <= 1.0 - level + 1e-12);
}

static void test_counts_read(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_error err;
    char path[512];
    snprintf(path, sizeof path, "%s/passuntil/counts_mixed.csv", SC_TEST_DATA_DIR);
    assert_int_equal(sc_csv_read(path, NULL, &t, &err), SC_OK);
    sc_count_row *rows = NULL;
    size_t nr, nb;
    assert_int_equal(sc_counts_read(t, NULL, &rows, &nr, &nb, &err), SC_OK);
    assert_true(nr > nb && nb > 0);
    assert_true(rows[0].budget == 1);
    sc_counts_free(rows, nr);
    sc_table_free(t);
}

/* Draws a fixed-budget data set: S problems with p ~ Beta(a, b), c ~ Bin(n, p). */
static void simulate(gsl_rng *rng, double a, double b, size_t S, size_t n, double *p, size_t *nn,
                     size_t *c)
{
    for (size_t i = 0; i < S; i++) {
        p[i] = gsl_ran_beta(rng, a, b);
        nn[i] = n;
        c[i] = gsl_ran_binomial(rng, p[i], (unsigned)n);
    }
}

/* Simulation: three sizes with known Beta(a, b) of pass rates and budgets 100 to 10,000,
 * 128 problems, 100 repetitions each. The fit recovers a and b (mean of the estimates near the
 * truth, Wald intervals cover), and the forecast of the problems' own pass@k at k = 10 x the
 * budget is inside its 90% interval in at least 85 of 100 repetitions. */
static void test_bb_simulation(void **state)
{
    (void)state;
    const struct {
        double a, b;
        size_t n;
    } cfg[3] = {{0.3, 30.0, 100}, {0.4, 200.0, 1000}, {0.25, 2000.0, 10000}};
    const size_t S = 128, R = 100;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    double p[128];
    size_t n[128], c[128];
    for (size_t g = 0; g < 3; g++) {
        gsl_rng_set(rng, 1000 + g);
        size_t cov_a = 0, cov_b = 0, cov_f = 0, nz = 0;
        double sum_la = 0.0, sum_lb = 0.0;
        for (size_t rep = 0; rep < R; rep++) {
            simulate(rng, cfg[g].a, cfg[g].b, S, cfg[g].n, p, n, c);
            sc_bb_fit fit;
            sc_error err;
            sc_status st = sc_bb_fit_counts(n, c, S, 0.9, &fit, &err);
            if (st != SC_OK) fprintf(stderr, "fit: %s\n", err.message);
            assert_int_equal(st, SC_OK);
            nz += fit.nzero;
            sum_la += log(fit.a) / (double)R;
            sum_lb += log(fit.b) / (double)R;
            cov_a += fit.a_lo <= cfg[g].a && cfg[g].a <= fit.a_hi;
            cov_b += fit.b_lo <= cfg[g].b && cfg[g].b <= fit.b_hi;
            double k = 10.0 * (double)cfg[g].n, truth = 0.0;
            for (size_t i = 0; i < S; i++) truth += -expm1(k * log1p(-p[i])) / (double)S;
            sc_bb_forecast f;
            assert_int_equal(sc_bb_forecast_k(&fit, n, c, S, k, 1000, rep + 1, &f, NULL), SC_OK);
            assert_true(f.lo <= f.passk && f.passk <= f.hi);
            cov_f += f.lo <= truth && truth <= f.hi;
        }
        printf("Beta(%g, %g), n = %zu, %zu problems: mean zero-pass %.1f; geometric mean a %.4g "
               "b %.4g; 90%% intervals cover a %zu/%zu, b %zu/%zu; pass@%g forecast %zu/%zu\n",
               cfg[g].a, cfg[g].b, cfg[g].n, S, (double)nz / (double)R, exp(sum_la), exp(sum_lb),
               cov_a, R, cov_b, R, 10.0 * (double)cfg[g].n, cov_f, R);
        assert_true(fabs(sum_la - log(cfg[g].a)) < 0.1);
        assert_true(fabs(sum_lb - log(cfg[g].b)) < 0.25);
        assert_true(cov_a >= 80 && cov_b >= 80);
        assert_true(cov_f >= 85);
    }
    gsl_rng_free(rng);
}

/* The task curve: exact values, the power law of its tail, and its recovery by the fit. */
static void test_bb_curve(void **state)
{
    (void)state;
    const double a = 0.35, b = 4.0;
    /* 1 - B(a, b + 1) / B(a, b) = a / (a + b): pass@1 is the mean pass rate. */
    assert_true(fabs(sc_bb_passk(a, b, 1.0) - a / (a + b)) < 1e-14);
    /* -log pass@k ~ Gamma(a + b) / Gamma(b) k^-a for large k (Schaeffer et al. 2025). */
    double pref = exp(gsl_sf_lngamma(a + b) - gsl_sf_lngamma(b)), k = 1e7;
    double y = sc_bb_passk(a, b, k);
    assert_true(fabs((1.0 - y) / (pref * pow(k, -a)) - 1.0) < 1e-5);
    k = 1e14;
    assert_true(fabs(-log(sc_bb_passk(a, b, k)) / (pref * pow(k, -a)) - 1.0) < 1e-4);
    double ks[5] = {1, 2, 4, 8, 16}, ys[5];
    for (size_t j = 0; j < 5; j++) ys[j] = sc_bb_passk(a, b, ks[j]);
    sc_bb_fit f;
    assert_int_equal(sc_bb_fit_curve(ks, ys, 5, &f, NULL), SC_OK);
    assert_true(fabs(f.a / a - 1.0) < 1e-3 && fabs(f.b / b - 1.0) < 1e-3);
    assert_true(fabs(f.exponent - f.a) == 0.0);
    /* Eq. 5 at one compute: exact on a pure power law of -log pass@k. */
    for (size_t j = 0; j < 5; j++) ys[j] = exp(-0.9 * pow(ks[j], -0.4));
    double c1, c3;
    assert_int_equal(sc_passk_line_k(ks, ys, 5, &c1, &c3, NULL), SC_OK);
    assert_true(fabs(c1 + 0.4) < 1e-12 && fabs(c3 - log(0.9)) < 1e-12);
    assert_true(fabs(sc_passk_line_predict(c1, c3, 64.0) - exp(-0.9 * pow(64.0, -0.4))) < 1e-12);
}

static void test_bb_errors(void **state)
{
    (void)state;
    size_t n[3] = {100, 100, 100}, c[3] = {0, 0, 0};
    sc_bb_fit f;
    sc_error err;
    assert_int_equal(sc_bb_fit_counts(n, c, 3, 0.9, &f, &err), SC_EDOMAIN);
    assert_non_null(strstr(err.message, "no problem has a correct sample"));
    c[1] = 101;
    assert_int_equal(sc_bb_fit_counts(n, c, 3, 0.9, &f, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "problem 2: correct c (101) > samples n (100)");
    /* Identical pass rates (no spread beyond binomial noise): no Beta, an error. */
    size_t nn[50], cc[50];
    for (size_t i = 0; i < 50; i++) {
        nn[i] = 1000;
        cc[i] = 100;
    }
    assert_int_equal(sc_bb_fit_counts(nn, cc, 50, 0.9, &f, &err), SC_ENOCONV);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_estimate),
        cmocka_unit_test(test_task_is_empirical_mean),
        cmocka_unit_test(test_zero_size),
        cmocka_unit_test(test_zero_bound_valid),
        cmocka_unit_test(test_counts_read),
        cmocka_unit_test(test_bb_simulation),
        cmocka_unit_test(test_bb_curve),
        cmocka_unit_test(test_bb_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
