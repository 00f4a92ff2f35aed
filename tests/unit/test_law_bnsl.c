/* SPDX-License-Identifier: GPL-3.0-or-later
 * The broken neural scaling law (Krajewski et al. 2025, Eq. 1): descriptor, Jacobian, the
 * start box; fits are in test_law_fits.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "direct_testdata.h"
#include "scalecast.h"

static double direct_bnsl(const double *t, double C)
{
    double d1 = pow(10.0, t[5]);
    return t[0] + t[1] * pow(C, -t[2]) * pow(1.0 + pow(C / d1, 1.0 / t[4]), -t[3] * t[4]);
}

static void test_formula(void **state)
{
    (void)state;
    const sc_law *law = &sc_law_bnsl;
    assert_string_equal(law->name, "bnsl");
    assert_int_equal(law->nparam, 6);
    assert_int_equal(law->space, SC_SPACE_RAW);
    const double t[6] = {0.86, -0.13, -0.039, 0.44, 1.78, 19.7};
    const double C[4] = {1e18, 5e19, 1e21, 4e22};
    double f[4];
    law->f(t, C, 4, f);
    for (int i = 0; i < 4; i++) assert_true(fabs(f[i] - direct_bnsl(t, C[i])) < 1e-12);
    /* |f1| is used: f1 and -f1 give the same law. */
    const double tm[6] = {0.86, -0.13, -0.039, 0.44, -1.78, 19.7};
    double g[4];
    law->f(tm, C, 4, g);
    for (int i = 0; i < 4; i++) assert_true(fabs(f[i] - g[i]) < 1e-15);
}

static void test_jacobian(void **state)
{
    (void)state;
    const double C[5] = {1e18, 3e19, 1e21, 6e21, 4e22};
    const double t1[6] = {0.86, -0.13, -0.039, 0.44, 1.78, 19.7};
    const double t2[6] = {0.0, 20.0, 0.05, 1.5, 0.7, 21.0}; /* a = 0: no cancellation in the differences */
    const double t3[6] = {0.2, 3.0, 0.2, 2.0, -0.9, 20.5};
    assert_true(test_jacobian_error(&sc_law_bnsl, t1, C, 5) < 1e-5);
    assert_true(test_jacobian_error(&sc_law_bnsl, t2, C, 5) < 1e-5);
    assert_true(test_jacobian_error(&sc_law_bnsl, t3, C, 5) < 1e-5);
}

static void test_box(void **state)
{
    (void)state;
    double lo[6], hi[6];
    sc_bnsl_box(lo, hi);
    const double wlo[6] = {-2, 0, 0.1, 0.1, 0.1, 18}, whi[6] = {5, 50, 3, 3, 3, 24};
    for (int k = 0; k < 6; k++) assert_true(lo[k] == wlo[k] && hi[k] == whi[k]);
    double shown[6];
    const double t[6] = {0.86, -0.13, -0.039, 0.44, -1.78, 19.7};
    sc_law_bnsl.natural(t, shown);
    assert_true(shown[4] == 1.78);
    assert_true(fabs(shown[5] - pow(10.0, 19.7)) < 1e-3 * pow(10.0, 19.7));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_formula),
        cmocka_unit_test(test_jacobian),
        cmocka_unit_test(test_box),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
