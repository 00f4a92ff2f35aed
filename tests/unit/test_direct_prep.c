/* SPDX-License-Identifier: GPL-3.0-or-later
 * Chance levels, Q' normalisation and the at-chance exclusion (prep/chance.c); error metrics
 * (eval/metrics.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "scalecast.h"

static void test_chance_table(void **state)
{
    (void)state;
    double q0 = -1;
    assert_int_equal(sc_chance_level("arc_easy:acc_norm", &q0), SC_OK);
    assert_true(q0 == 0.25);
    assert_int_equal(sc_chance_level("ARC_Challenge", &q0), SC_OK);
    assert_true(q0 == 0.25);
    assert_int_equal(sc_chance_level("mmlu_stem_val:acc_norm", &q0), SC_OK);
    assert_true(q0 == 0.25);
    assert_int_equal(sc_chance_level("winogrande:acc", &q0), SC_OK);
    assert_true(q0 == 0.5);
    assert_int_equal(sc_chance_level("piqa_val:acc_norm", &q0), SC_OK);
    assert_true(q0 == 0.5);
    assert_int_equal(sc_chance_level("csqa_val", &q0), SC_OK);
    assert_true(q0 == 0.2);
    assert_int_equal(sc_chance_level("socialiqa_val", &q0), SC_OK);
    assert_true(fabs(q0 - 1.0 / 3.0) < 1e-15);
    assert_int_equal(sc_chance_level("humaneval-py:pass@1", &q0), SC_OK);
    assert_true(q0 == 0.0);
    assert_int_equal(sc_chance_level("frobnicate", &q0), SC_EUNKNOWN);
}

static void test_normalise_roundtrip(void **state)
{
    (void)state;
    assert_true(fabs(sc_chance_normalise(0.625, 0.25) - 0.5) < 1e-15);
    assert_true(fabs(sc_chance_denormalise(0.5, 0.25) - 0.625) < 1e-15);
    for (double q = 0.3; q < 1.0; q += 0.07)
        assert_true(fabs(sc_chance_denormalise(sc_chance_normalise(q, 0.5), 0.5) - q) < 1e-15);
}

static void test_filter_counts(void **state)
{
    (void)state;
    const double q[] = {0.20, 0.25, 0.29, 0.31, 0.5, 1.0};
    unsigned char keep[6];
    size_t nex = 99;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_chance_filter(q, 6, 0.25, 0.05, keep, &nex, &e), SC_OK);
    /* 0.20, 0.25, 0.29 at or below 0.30 are excluded and counted; 1.0 is excluded (Q' = 1 has
     * no log(-log)) but it is not an at-chance point. */
    assert_int_equal(nex, 3);
    const unsigned char want[] = {0, 0, 0, 1, 1, 0};
    assert_memory_equal(keep, want, 6);
}

static void test_filter_errors(void **state)
{
    (void)state;
    unsigned char keep[3];
    size_t nex = 0;
    sc_error e;
    sc_error_clear(&e);
    const double bad[] = {0.5, 1.2, 0.4};
    assert_int_equal(sc_chance_filter(bad, 3, 0.25, 0.0, keep, &nex, &e), SC_EDOMAIN);
    assert_int_equal(e.line, 2);
    assert_non_null(strstr(e.message, "outside [0, 1]"));
    const double nanv[] = {0.5, NAN};
    assert_int_equal(sc_chance_filter(nanv, 2, 0.25, 0.0, keep, &nex, &e), SC_EDOMAIN);
    const double low[] = {0.25, 0.26, 0.2};
    assert_int_equal(sc_chance_filter(low, 3, 0.25, 0.05, keep, &nex, &e), SC_ECHANCE);
    assert_non_null(strstr(e.message, "all 3 points are at or below chance"));
}

static void test_metrics_by_hand(void **state)
{
    (void)state;
    const double y[] = {0.5, 0.6, 0.8};
    const double yhat[] = {0.55, 0.57, 0.8};
    sc_metrics m;
    assert_int_equal(sc_metrics_compute(y, yhat, 3, &m), SC_OK);
    /* |e| = 0.05, 0.03, 0; relative 0.1, 0.05, 0 -> MRE 5%. */
    assert_true(fabs(m.mre - 5.0) < 1e-12);
    assert_true(fabs(m.mae - 0.08 / 3.0) < 1e-15);
    assert_true(fabs(m.mse - (0.0025 + 0.0009) / 3.0) < 1e-15);
    assert_true(fabs(m.rmse - sqrt((0.0025 + 0.0009) / 3.0)) < 1e-15);
    /* mean 0.633.., SST = 0.0466.. ; R^2 = 1 - 0.0034 / SST */
    double mean = 1.9 / 3.0, sst = 0.0;
    for (int i = 0; i < 3; i++) sst += (y[i] - mean) * (y[i] - mean);
    assert_true(fabs(m.r2 - (1.0 - 0.0034 / sst)) < 1e-12);
    assert_int_equal(m.n, 3);
}

static void test_metrics_edge(void **state)
{
    (void)state;
    sc_metrics m;
    const double y[] = {0.5, 0.5};
    const double yh[] = {0.4, 0.6};
    assert_int_equal(sc_metrics_compute(y, yh, 2, &m), SC_OK);
    assert_true(isnan(m.r2)); /* constant observations */
    const double z[] = {0.0, 0.5};
    assert_int_equal(sc_metrics_compute(z, yh, 2, &m), SC_EDOMAIN);
    const double nanv[] = {NAN, 0.5};
    assert_int_equal(sc_metrics_compute(y, nanv, 2, &m), SC_EINVAL);
    assert_int_equal(sc_metrics_compute(y, yh, 0, &m), SC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chance_table),   cmocka_unit_test(test_normalise_roundtrip),
        cmocka_unit_test(test_filter_counts),  cmocka_unit_test(test_filter_errors),
        cmocka_unit_test(test_metrics_by_hand), cmocka_unit_test(test_metrics_edge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
