/* SPDX-License-Identifier: GPL-3.0-or-later
 * The direct power law with a ceiling (Krajewski et al. 2025, Eq. 10): descriptor, Jacobian,
 * start grid; fits are in test_law_fits.c. */
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
    const sc_law *law = &sc_law_powerlaw_qmax;
    assert_string_equal(law->name, "powerlaw-qmax");
    assert_int_equal(law->nparam, 3);
    assert_int_equal(law->space, SC_SPACE_LOGLOG);
    const double x[4] = {1e18, 1e20, 3e21, 3e22};
    const double t1[3] = {14.8, 0.32, -2.27}, t2[3] = {5.0, 0.1, 1.0};
    assert_true(test_jacobian_error(law, t1, x, 4) < 1e-6);
    assert_true(test_jacobian_error(law, t2, x, 4) < 1e-6);
    /* log(-log Q') = log(A C^-alpha + E) */
    double f;
    law->f(t1, &x[1], 1, &f);
    assert_true(fabs(f - log(exp(14.8) * pow(1e20, -0.32) + exp(-2.27))) < 1e-12);
}

static void test_start_grid(void **state)
{
    (void)state;
    const sc_law *law = &sc_law_powerlaw_qmax;
    assert_int_equal(law->starts(NULL, NULL, 0, NULL, 0), 150);
    double s[150 * 3];
    assert_int_equal(law->starts(NULL, NULL, 0, s, 150), 150);
    /* alpha in {0, ..., 2}, a in {0, ..., 25}, e in {-1, ..., 1}; first and last start. */
    assert_true(s[0] == 0.0 && s[1] == 0.0 && s[2] == -1.0);
    assert_true(s[149 * 3] == 25.0 && s[149 * 3 + 1] == 2.0 && s[149 * 3 + 2] == 1.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_start_grid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
