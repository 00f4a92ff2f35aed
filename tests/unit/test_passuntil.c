/* SPDX-License-Identifier: GPL-3.0-or-later
 * PassUntil instance estimates and their exact negative-binomial intervals, censoring, task
 * estimates, and the sampling schedule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* P(F <= f; p) for F ~ NegBin(r, p) (failures before the r-th pass), by direct summation of
 * the probability mass function C(r + j - 1, j) p^r (1 - p)^j. */
static double nb_cdf(unsigned f, unsigned r, double p)
{
    double s = 0.0;
    for (unsigned j = 0; j <= f; j++)
        s += gsl_sf_choose(r + j - 1, j) * pow(p, r) * pow(1.0 - p, j);
    return s;
}

/* Root of g(p) = target for g monotone on (0, 1), by bisection. */
static double solve(unsigned f, unsigned r, double target, int upper_tail)
{
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        /* P(F <= f) increases with p; P(F >= f) = 1 - P(F <= f - 1) decreases with p. */
        double g = upper_tail ? 1.0 - (f ? nb_cdf(f - 1, r, mid) : 0.0) : nb_cdf(f, r, mid);
        int increasing = !upper_tail;
        if ((g < target) == increasing) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The interval matches the direct computation from the negative-binomial tails. */
static void test_interval_direct(void **state)
{
    (void)state;
    const double level = 0.9, a = 0.1;
    for (unsigned r = 1; r <= 3; r++)
        for (unsigned K = r; K <= 30; K++) {
            sc_pu_est e;
            assert_int_equal(sc_pu_estimate(K, r, r, 100, level, &e, NULL), SC_OK);
            unsigned f = K - r;
            double lo = solve(f, r, a / 2.0, 0);
            double hi = f == 0 ? 1.0 : solve(f, r, a / 2.0, 1);
            assert_false(e.censored);
            assert_true(fabs(e.pu - (double)r / K) < 1e-15);
            assert_true(fabs(e.lo - lo) < 1e-9);
            assert_true(fabs(e.hi - hi) < 1e-9);
        }
}

/* Exact coverage: the sum over K of P(K) for the K whose interval holds p. */
static double coverage(double p, unsigned r, double level)
{
    double cov = 0.0, mass = 0.0;
    for (unsigned K = r; mass < 1.0 - 1e-10 && K < 200000; K++) {
        double pk = gsl_ran_negative_binomial_pdf(K - r, p, r);
        sc_pu_est e;
        if (sc_pu_estimate(K, r, r, 1000000, level, &e, NULL) != SC_OK) return -1.0;
        mass += pk;
        if (e.lo <= p && p <= e.hi) cov += pk;
    }
    return cov;
}

static void test_interval_coverage(void **state)
{
    (void)state;
    const double ps[] = {0.5, 0.2, 0.05, 0.01, 0.002};
    for (unsigned r = 1; r <= 3; r++)
        for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
            double c = coverage(ps[i], r, 0.9);
            printf("# exact coverage of the 90%% interval: r = %u, p = %g: %.4f\n", r, ps[i], c);
            assert_true(c >= 0.9);
        }
    /* Monte Carlo over a spread of small p with r = 2 (the coverage simulation). */
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    size_t hit = 0, n = 4000;
    for (size_t t = 0; t < n; t++) {
        double p = pow(10.0, -1.0 - 4.0 * gsl_rng_uniform(rng)); /* 1e-5 .. 1e-1 */
        unsigned K = gsl_ran_negative_binomial(rng, p, 2.0) + 2;
        sc_pu_est e;
        assert_int_equal(sc_pu_estimate(K, 2, 2, 100000000, 0.9, &e, NULL), SC_OK);
        hit += e.lo <= p && p <= e.hi;
    }
    gsl_rng_free(rng);
    printf("# simulated coverage, r = 2, p log-uniform in [1e-5, 1e-1]: %zu / %zu\n", hit, n);
    /* 0.9 minus 3 binomial standard errors (0.014): the exact sums above show >= 0.9. */
    assert_true((double)hit / (double)n >= 0.886);
}

static void test_censored(void **state)
{
    (void)state;
    sc_pu_est e;
    assert_int_equal(sc_pu_estimate(1000, 0, 1, 1000, 0.9, &e, NULL), SC_OK);
    assert_true(e.censored);
    assert_true(isnan(e.pu));
    assert_true(e.lo == 0.0);
    /* One-sided 90% bound with no pass in K draws: 1 - 0.1^(1/K). */
    assert_true(fabs(e.hi - (1.0 - pow(0.1, 1.0 / 1000.0))) < 1e-12);
    /* Median-unbiased value: 1 - 0.5^(1/K) > 0. */
    assert_true(e.value > 0.0);
    assert_true(fabs(e.value - (1.0 - pow(0.5, 1.0 / 1000.0))) < 1e-12);
    /* One pass of r = 2 in 500 draws (budget reached before K_max). */
    assert_int_equal(sc_pu_estimate(500, 1, 2, 1000, 0.9, &e, NULL), SC_OK);
    assert_true(e.censored);
    assert_true(e.hi > 1.0 / 500.0 && e.hi < 0.01);
    assert_true(e.value > 0.0);
    /* Resolved with r = 2: the mean uses the unbiased (r - 1) / (K - 1). */
    assert_int_equal(sc_pu_estimate(101, 2, 2, 1000, 0.9, &e, NULL), SC_OK);
    assert_false(e.censored);
    assert_true(fabs(e.pu - 2.0 / 101.0) < 1e-15);
    assert_true(fabs(e.value - 1.0 / 100.0) < 1e-15);
}

static void test_bad_input(void **state)
{
    (void)state;
    sc_pu_est e;
    sc_error err;
    assert_int_equal(sc_pu_estimate(10, 0, 0, 100, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "r must be >= 1 (got 0)");
    assert_int_equal(sc_pu_estimate(10, 1, 5, 3, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "K_max (3) must be >= r (5)");
    assert_int_equal(sc_pu_estimate(10, 11, 20, 100, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "passes (11) > draws (10)");
    assert_int_equal(sc_pu_estimate(200, 1, 1, 100, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "draws (200) > K_max (100)");
    assert_int_equal(sc_pu_estimate(10, 3, 2, 100, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "passes (3) > r (2): sampling stops at the r-th pass");
    assert_int_equal(sc_pu_estimate(0, 0, 1, 100, 0.9, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "no draws (K = 0)");
    assert_int_equal(sc_pu_estimate(10, 1, 1, 100, 1.0, &e, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "level must be in (0, 1), got 1");
}

static void test_task_bootstrap(void **state)
{
    (void)state;
    sc_pu_est e[8];
    const size_t K[8] = {10, 40, 100, 400, 1000, 20, 50, 5000};
    for (size_t s = 0; s < 8; s++) assert_int_equal(sc_pu_estimate(K[s], 2, 2, 100000, 0.9, &e[s], NULL), SC_OK);
    sc_pu_task a, b;
    assert_int_equal(sc_pu_task_estimate(e, 8, 2000, 5, 0.9, &a, NULL), SC_OK);
    assert_int_equal(sc_pu_task_estimate(e, 8, 2000, 5, 0.9, &b, NULL), SC_OK);
    double mean = 0.0;
    for (size_t s = 0; s < 8; s++) mean += 1.0 / (double)(K[s] - 1) / 8.0;
    assert_true(fabs(a.pu - mean) < 1e-15);
    assert_true(a.lo < a.pu && a.pu < a.hi);
    assert_true(a.lo == b.lo && a.hi == b.hi); /* same seed, same interval */
    assert_true(a.sd_loglog > 0.0);
}

/* With one instance, or identical ones, the bootstrap over instances has zero width: the task
 * interval is then the one implied by sd_loglog (F +- z sd, F = log(-log PU)), never [PU, PU]. */
static void test_task_measurement_floor(void **state)
{
    (void)state;
    sc_pu_est e[4];
    for (size_t s = 0; s < 4; s++)
        assert_int_equal(sc_pu_estimate(49, 1, 1, 100000, 0.9, &e[s], NULL), SC_OK);
    sc_pu_task one, four;
    assert_int_equal(sc_pu_task_estimate(e, 1, 1000, 1, 0.9, &one, NULL), SC_OK);
    assert_int_equal(sc_pu_task_estimate(e, 4, 1000, 1, 0.9, &four, NULL), SC_OK);
    assert_true(fabs(one.pu - 1.0 / 49.0) < 1e-15);
    const double z = 1.6448536269514722;
    double F = log(-log(one.pu));
    assert_true(fabs(one.lo - exp(-exp(F + z * one.sd_loglog))) < 1e-15);
    assert_true(fabs(one.hi - exp(-exp(F - z * one.sd_loglog))) < 1e-15);
    assert_true(one.lo < one.pu && one.pu < one.hi);
    /* The measurement sd of a mean of 4 independent measurements is half that of one. */
    assert_true(fabs(four.sd_loglog - one.sd_loglog / 2.0) < 1e-12 * one.sd_loglog);
    assert_true(one.lo < four.lo && four.lo < four.pu && four.pu < four.hi && four.hi < one.hi);
}

/* Draw numbers up to the K_max limit are stored sparsely: a record near 1e9 costs one cell, a
 * gap filled at the end advances the prefix over every recorded draw; K_max above the limit is
 * refused. */
static void test_schedule_large_draws(void **state)
{
    (void)state;
    const char *names[1] = {"a"};
    sc_pu_sched *s = NULL;
    sc_error err;
    assert_int_equal(sc_pu_sched_new(names, 1, 1, 1000000001, 0, &s, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "K_max (1000000001) above the limit of 1000000000 draws");
    assert_int_equal(sc_pu_sched_new(names, 1, 2, 1000000000, 0, &s, &err), SC_OK);
    assert_int_equal(sc_pu_sched_record(s, 0, 999999999, SC_PU_PASS, NULL, &err), SC_OK);
    size_t i, d, K, c;
    assert_int_equal(sc_pu_sched_state(s, 0, &K, &c, NULL, NULL), SC_PU_RUNNING);
    assert_int_equal(K, 0);
    assert_true(sc_pu_sched_next(s, &i, &d));
    assert_int_equal(d, 1);
    assert_int_equal(sc_pu_sched_record(s, 0, 1, SC_PU_PASS, NULL, &err), SC_OK);
    for (size_t k = 1000; k >= 2; k--)
        assert_int_equal(sc_pu_sched_record(s, 0, k, SC_PU_FAIL, NULL, &err), SC_OK);
    assert_int_equal(sc_pu_sched_state(s, 0, &K, &c, NULL, NULL), SC_PU_RUNNING);
    assert_int_equal(K, 1000);
    assert_int_equal(c, 1);
    assert_int_equal(sc_pu_sched_record(s, 0, 500, SC_PU_FAIL, NULL, &err), SC_EDUP);
    assert_true(sc_pu_sched_next(s, &i, &d));
    assert_int_equal(d, 1001);
    sc_pu_sched_cancel(s, 0, 1001);
    assert_true(sc_pu_sched_next(s, &i, &d));
    assert_int_equal(d, 1001);
    assert_int_equal(sc_pu_sched_record(s, 0, 1001, SC_PU_PASS, NULL, &err), SC_OK);
    assert_int_equal(sc_pu_sched_state(s, 0, &K, &c, NULL, NULL), SC_PU_RESOLVED);
    assert_int_equal(K, 1001);
    assert_int_equal(c, 2);
    assert_int_equal(sc_pu_sched_issued(s), 1002);
    sc_pu_sched_free(s);
}

/* With draws in parallel, no new draw starts once r passes are recorded, even while earlier
 * draws still run (those may overshoot, at most J - 1 per instance). */
static void test_schedule_no_draw_after_r_passes(void **state)
{
    (void)state;
    const char *names[1] = {"a"};
    sc_pu_sched *s = NULL;
    sc_error err;
    assert_int_equal(sc_pu_sched_new(names, 1, 2, 100, 0, &s, &err), SC_OK);
    size_t i, d, K, c;
    for (size_t k = 1; k <= 4; k++) {
        assert_true(sc_pu_sched_next(s, &i, &d));
        assert_int_equal(d, k);
    }
    assert_int_equal(sc_pu_sched_record(s, 0, 3, SC_PU_PASS, NULL, &err), SC_OK);
    assert_true(sc_pu_sched_next(s, &i, &d)); /* one pass known: draw 5 may still matter */
    assert_int_equal(d, 5);
    assert_int_equal(sc_pu_sched_record(s, 0, 2, SC_PU_PASS, NULL, &err), SC_OK);
    assert_false(sc_pu_sched_next(s, &i, &d)); /* the 2nd pass is at draw 3 or earlier */
    /* A cancelled draw before the r-th pass is issued again. */
    sc_pu_sched_cancel(s, 0, 1);
    assert_true(sc_pu_sched_next(s, &i, &d));
    assert_int_equal(d, 1);
    assert_false(sc_pu_sched_next(s, &i, &d));
    assert_int_equal(sc_pu_sched_record(s, 0, 5, SC_PU_FAIL, NULL, &err), SC_OK);
    assert_int_equal(sc_pu_sched_record(s, 0, 4, SC_PU_PASS, NULL, &err), SC_OK);
    assert_int_equal(sc_pu_sched_record(s, 0, 1, SC_PU_FAIL, NULL, &err), SC_OK);
    assert_int_equal(sc_pu_sched_state(s, 0, &K, &c, NULL, NULL), SC_PU_RESOLVED);
    assert_int_equal(K, 3);
    assert_int_equal(c, 2);
    assert_true(sc_pu_sched_done(s));
    assert_int_equal(sc_pu_sched_issued(s), 5);
    sc_pu_sched_free(s);
}

/* A large r (3e9, beyond int) in the instance-level law: trigamma is evaluated at the double r,
 * no overflow and no abort. */
static void test_instance_fit_large_r(void **state)
{
    (void)state;
    const double N[3] = {1e8, 1e9, 1e10}, p[3] = {0.2, 0.4, 0.6};
    sc_pu_est est[3];
    for (size_t m = 0; m < 3; m++) {
        memset(&est[m], 0, sizeof est[m]);
        est[m].r = 3000000000u;
        est[m].passes = est[m].r;
        est[m].draws = (size_t)((double)est[m].r / p[m]);
        est[m].pu = est[m].value = (double)est[m].r / (double)est[m].draws;
        est[m].lo = est[m].pu * 0.99;
        est[m].hi = est[m].pu * 1.01;
    }
    sc_pu_inst_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_pu_fit_instances(N, 3, est, 1, &fit, &err), SC_OK);
    assert_int_equal(fit->kind[0], 2);
    assert_true(isfinite(fit->alpha[0]) && fit->alpha[0] > 0.0);
    sc_pu_inst_fit_free(fit);
}

/* The schedule: outcomes recorded in any order give the same result; errors stop only their
 * instance; unknown instances and duplicate records are refused; the budget goes to the
 * unresolved instances. */
static void test_schedule(void **state)
{
    (void)state;
    const char *names[3] = {"a", "b", "c"};
    sc_pu_sched *s = NULL;
    sc_error err;
    assert_int_equal(sc_pu_sched_new(names, 3, 0, 10, 0, &s, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "r must be >= 1 (got 0)");
    assert_int_equal(sc_pu_sched_new(names, 3, 3, 2, 0, &s, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "K_max (2) must be >= r (3)");
    const char *dup[2] = {"a", "a"};
    assert_int_equal(sc_pu_sched_new(dup, 2, 1, 10, 0, &s, &err), SC_EDUP);
    assert_string_equal(err.message, "instance \"a\" is listed twice");

    assert_int_equal(sc_pu_sched_new(names, 3, 1, 6, 0, &s, &err), SC_OK);
    size_t i;
    assert_int_equal(sc_pu_sched_find(s, "zz", &i, &err), SC_ENOCOL);
    assert_string_equal(err.message, "unknown instance \"zz\"");
    /* Issue 6 draws (two per instance, fewest-draws order), complete them out of order. */
    size_t inst[6], draw[6];
    for (int k = 0; k < 6; k++) assert_true(sc_pu_sched_next(s, &inst[k], &draw[k]));
    assert_int_equal(inst[0], 0);
    assert_int_equal(inst[1], 1);
    assert_int_equal(inst[2], 2);
    assert_int_equal(draw[3], 2);
    /* a: draw 2 passes, draw 1 fails -> resolved at K = 2 whatever the order.
     * b: draw 1 errors. c: draws fail until K_max. */
    for (int k = 5; k >= 0; k--) {
        sc_pu_outcome o = SC_PU_FAIL;
        if (inst[k] == 0 && draw[k] == 2) o = SC_PU_PASS;
        if (inst[k] == 1 && draw[k] == 1) o = SC_PU_ERROR;
        assert_int_equal(sc_pu_sched_record(s, inst[k], draw[k], o, o == SC_PU_ERROR ? "exit status 3" : NULL, &err), SC_OK);
    }
    assert_int_equal(sc_pu_sched_record(s, 0, 1, SC_PU_PASS, NULL, &err), SC_EDUP);
    assert_string_equal(err.message, "instance \"a\": draw 1 recorded twice");
    assert_int_equal(sc_pu_sched_record(s, 0, 7, SC_PU_PASS, NULL, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "instance \"a\": draw 7 outside 1..K_max (6)");
    size_t K, c, ed;
    const char *msg;
    assert_int_equal(sc_pu_sched_state(s, 0, &K, &c, &msg, &ed), SC_PU_RESOLVED);
    assert_int_equal(K, 2);
    assert_int_equal(c, 1);
    assert_int_equal(sc_pu_sched_state(s, 1, &K, &c, &msg, &ed), SC_PU_FAILED);
    assert_string_equal(msg, "exit status 3");
    assert_int_equal(ed, 1);
    /* Only c still needs draws. */
    while (sc_pu_sched_next(s, &i, &K)) {
        assert_int_equal(i, 2);
        assert_int_equal(sc_pu_sched_record(s, i, K, SC_PU_FAIL, NULL, &err), SC_OK);
    }
    assert_true(sc_pu_sched_done(s));
    assert_int_equal(sc_pu_sched_state(s, 2, &K, &c, NULL, NULL), SC_PU_CENSORED);
    assert_int_equal(K, 6);
    assert_int_equal(c, 0);
    sc_pu_sched_free(s);

    /* A budget of 7 draws over 3 instances: "a" resolves on draw 1, the rest goes to b, c. */
    assert_int_equal(sc_pu_sched_new(names, 3, 1, 100, 7, &s, &err), SC_OK);
    size_t per[3] = {0, 0, 0};
    while (sc_pu_sched_next(s, &i, &K)) {
        per[i]++;
        assert_int_equal(sc_pu_sched_record(s, i, K, i == 0 ? SC_PU_PASS : SC_PU_FAIL, NULL, &err), SC_OK);
    }
    assert_true(sc_pu_sched_done(s));
    assert_int_equal(per[0], 1);
    assert_int_equal(per[1], 3);
    assert_int_equal(per[2], 3);
    assert_int_equal(sc_pu_sched_state(s, 1, &K, &c, NULL, NULL), SC_PU_CENSORED);
    assert_int_equal(K, 3);
    sc_pu_sched_free(s);
}

/* Parallel completion order does not change results: simulate J outstanding draws completing
 * in a random order and compare with the sequential run. */
static void test_schedule_order_free(void **state)
{
    (void)state;
    const char *names[5] = {"p0", "p1", "p2", "p3", "p4"};
    sc_pu_sim sim = {SC_PU_SIM_LAW, 1, {50.0}, {0.3}, {1.0}, 0.5, 0.05, 11};
    sc_pu_est seq[5];
    assert_int_equal(sc_pu_sim_run(&sim, names, 5, 1e6, 2, 5000, 0, 0.9, seq, NULL), SC_OK);
    sc_pu_sched *s = NULL;
    assert_int_equal(sc_pu_sched_new(names, 5, 2, 5000, 0, &s, NULL), SC_OK);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    size_t pi[8], pd[8], np = 0, i, k;
    for (;;) {
        while (np < 8 && sc_pu_sched_next(s, &i, &k)) {
            pi[np] = i;
            pd[np++] = k;
        }
        if (np == 0) break;
        size_t j = gsl_rng_uniform_int(rng, (unsigned long)np);
        int pass = sc_pu_sim_draw(&sim, names[pi[j]], 1e6, pd[j]);
        assert_int_equal(sc_pu_sched_record(s, pi[j], pd[j], pass ? SC_PU_PASS : SC_PU_FAIL, NULL, NULL), SC_OK);
        pi[j] = pi[--np];
        pd[j] = pd[np];
    }
    gsl_rng_free(rng);
    assert_true(sc_pu_sched_done(s));
    for (size_t t = 0; t < 5; t++) {
        size_t K, c;
        sc_pu_state st = sc_pu_sched_state(s, t, &K, &c, NULL, NULL);
        assert_int_equal(st, seq[t].censored ? SC_PU_CENSORED : SC_PU_RESOLVED);
        assert_int_equal(K, seq[t].draws);
        assert_int_equal(c, seq[t].passes);
    }
    sc_pu_sched_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_interval_direct),   cmocka_unit_test(test_interval_coverage),
        cmocka_unit_test(test_censored),          cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_task_bootstrap),    cmocka_unit_test(test_schedule),
        cmocka_unit_test(test_schedule_order_free),
        cmocka_unit_test(test_task_measurement_floor),
        cmocka_unit_test(test_schedule_large_draws),
        cmocka_unit_test(test_instance_fit_large_r),
        cmocka_unit_test(test_schedule_no_draw_after_r_passes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
