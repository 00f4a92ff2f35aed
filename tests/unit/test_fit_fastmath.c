/* SPDX-License-Identifier: GPL-3.0-or-later
 * The branch-free exp and log of src/fit/fastmath.h against the C library. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>

#include "fit/fastmath.h"

/* Deterministic uniform numbers in [0, 1) (SplitMix64). */
static double uniform(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1.0p-53;
}

static void test_exp(void **state)
{
    (void)state;
    uint64_t s = 1;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        const double x = -708.0 + 1416.0 * uniform(&s);
        const double a = sc_fast_exp(x), b = exp(x);
        const double ulps = fabs(a - b) / (b * DBL_EPSILON);
        if (ulps > worst) worst = ulps;
    }
    assert_true(worst <= 2.0);
    assert_true(sc_fast_exp(0.0) == 1.0);
    assert_true(fabs(sc_fast_exp(1.0) - 2.718281828459045) <= 2 * DBL_EPSILON * 2.718281828459045);
    assert_true(fabs(sc_fast_exp(-700.0) / exp(-700.0) - 1.0) <= 4 * DBL_EPSILON);
}

static void test_log(void **state)
{
    (void)state;
    uint64_t s = 2;
    double worst = 0;
    for (int i = 0; i < 200000; i++) {
        /* Wide range and the neighbourhood of 1, where the absolute error matters. */
        const double x = (i % 2) ? exp(-700.0 + 1400.0 * uniform(&s)) : 0.5 + 2.0 * uniform(&s);
        const double a = sc_fast_log(x), b = log(x);
        const double err = fabs(a - b) / (fmax(fabs(b), 1e-300) * DBL_EPSILON);
        if (err > worst) worst = err;
    }
    assert_true(worst <= 2.0);
    assert_true(sc_fast_log(1.0) == 0.0);
    assert_true(fabs(sc_fast_log(2.0) - 0.6931471805599453) <= DBL_EPSILON * 0.6931471805599453);
    assert_true(fabs(sc_fast_log(DBL_MAX) - log(DBL_MAX)) <= 2 * DBL_EPSILON * log(DBL_MAX));
    assert_true(fabs(sc_fast_log(DBL_MIN) - log(DBL_MIN)) <= 2 * DBL_EPSILON * fabs(log(DBL_MIN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exp),
        cmocka_unit_test(test_log),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
