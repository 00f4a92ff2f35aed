/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unbiased pass@k (Chen et al. 2021, Eq. 1) against the binomial-coefficient formula. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <gsl/gsl_sf_gamma.h>
#include <math.h>
#include <string.h>

static void test_matches_binomials(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 40; n++)
        for (unsigned c = 0; c <= n; c++)
            for (unsigned k = 1; k <= n; k++) {
                double want = n - c < k ? 1.0 : 1.0 - gsl_sf_choose(n - c, k) / gsl_sf_choose(n, k);
                double got = -1.0;
                assert_int_equal(sc_passk(n, c, k, &got, NULL), SC_OK);
                assert_true(fabs(got - want) <= 1e-12);
            }
}

static void test_edges(void **state)
{
    (void)state;
    double v = -1.0;
    assert_int_equal(sc_passk(200, 0, 128, &v, NULL), SC_OK);
    assert_true(v == 0.0);
    assert_int_equal(sc_passk(200, 200, 128, &v, NULL), SC_OK);
    assert_true(v == 1.0);
    assert_int_equal(sc_passk(200, 1, 1, &v, NULL), SC_OK);
    assert_true(fabs(v - 0.005) < 1e-15);
    /* pass@1 is c / n exactly. */
    assert_int_equal(sc_passk(200, 37, 1, &v, NULL), SC_OK);
    assert_true(fabs(v - 37.0 / 200.0) < 1e-15);
    /* k = n: 1 unless every sample failed. */
    assert_int_equal(sc_passk(10, 1, 10, &v, NULL), SC_OK);
    assert_true(v == 1.0);
    /* A tiny pass@k stays accurate (no 1 - (1 - tiny) cancellation): n = 10^6, c = 1, k = 1. */
    assert_int_equal(sc_passk(1000000, 1, 1, &v, NULL), SC_OK);
    assert_true(fabs(v / 1e-6 - 1.0) < 1e-12);
}

/* Many samples, many correct, small k: the k-factor product form (n = 4e9, c = 2e9, k = 1 once
 * summed 2e9 terms and gave 0.49999999999998174). */
static void test_large_counts(void **state)
{
    (void)state;
    double v = -1.0;
    assert_int_equal(sc_passk(4000000000u, 2000000000u, 1, &v, NULL), SC_OK);
    assert_true(fabs(v - 0.5) <= 1e-16);
    assert_int_equal(sc_passk(4000000000u, 2000000000u, 2, &v, NULL), SC_OK);
    double q = (2e9 / 4e9) * ((2e9 - 1.0) / (4e9 - 1.0));
    assert_true(fabs(v - (1.0 - q)) <= 1e-15);
    /* n - c < k: exactly 1 on the k-factor side as well; c = 0: exactly 0. */
    assert_int_equal(sc_passk(4000000000u, 3999999999u, 2, &v, NULL), SC_OK);
    assert_true(v == 1.0);
    assert_int_equal(sc_passk(4000000000u, 0, 1000, &v, NULL), SC_OK);
    assert_true(v == 0.0);
    /* pass@1 is c / n on the k-factor side too (both sides are checked against the binomials
     * above for n <= 40). */
    assert_int_equal(sc_passk(3000000000u, 123456789u, 1, &v, NULL), SC_OK);
    assert_true(fabs(v - 123456789.0 / 3e9) <= 1e-16);
}

static void test_errors(void **state)
{
    (void)state;
    sc_error err;
    double v = 0.0;
    assert_int_equal(sc_passk(100, 3, 128, &v, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "pass@128: k > n: pass@k needs at least k samples (n = 100)");
    assert_int_equal(sc_passk(10, 11, 1, &v, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "pass@k: 11 correct out of 10 samples (correct > samples)");
    assert_int_equal(sc_passk(10, 1, 0, &v, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "pass@k: k must be >= 1");
    assert_int_equal(sc_passk(0, 0, 1, &v, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "pass@k: n = 0 samples");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_binomials),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_large_counts),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
