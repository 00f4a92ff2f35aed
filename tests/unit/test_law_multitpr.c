/* SPDX-License-Identifier: GPL-3.0-or-later
 * The multi token/parameter law (Krajewski et al. 2025, Eq. 4): descriptor, Jacobian, start
 * grid; fits are in test_law_fits.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "direct_testdata.h"
#include "scalecast.h"

static void test_descriptor(void **state)
{
    (void)state;
    const sc_law *law = &sc_law_multitpr;
    assert_string_equal(law->name, "multitpr");
    assert_int_equal(law->nparam, 4);
    assert_int_equal(law->nx, 2);
    const double x[6] = {1e8, 2e9, 1e9, 1e11, 3e9, 6e10};
    const double t[4] = {7.0, 0.36, 7.4, 0.36};
    assert_true(test_jacobian_error(law, t, x, 3) < 1e-6);
    double f;
    law->f(t, x, 1, &f);
    assert_true(fabs(f - log(exp(7.0) * pow(1e8, -0.36) + exp(7.4) * pow(2e9, -0.36))) < 1e-12);
    char why[96];
    const double bad[2] = {1e9, 0.0};
    assert_int_equal(law->check(bad, 0.5, why, sizeof why), SC_EDOMAIN);
}

static void test_start_grid(void **state)
{
    (void)state;
    const sc_law *law = &sc_law_multitpr;
    assert_int_equal(law->starts(NULL, NULL, 0, NULL, 0), 81);
    double s[81 * 4];
    assert_int_equal(law->starts(NULL, NULL, 0, s, 81), 81);
    for (int k = 0; k < 81; k++) {
        assert_true(s[4 * k] == 5.0 || s[4 * k] == 10.0 || s[4 * k] == 15.0);
        assert_true(s[4 * k + 1] == 0.5 || s[4 * k + 1] == 1.0 || s[4 * k + 1] == 1.5);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_start_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
