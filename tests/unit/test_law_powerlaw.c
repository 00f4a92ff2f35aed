/* SPDX-License-Identifier: GPL-3.0-or-later
 * The direct log-accuracy power law (Krajewski et al. 2025, Eq. 2), closed-form fit.
 * Pinned values were computed once with this code and cross-checked independently with
 * numpy.linalg.lstsq on the same points (Debian python3-numpy 1.24): they agree to 1e-13. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include "direct_testdata.h"
#include "scalecast.h"

static void rel_eq(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want))) fail_msg("got %.17g, want %.17g", got, want);
}

static void test_descriptor(void **state)
{
    (void)state;
    assert_string_equal(sc_law_powerlaw.name, "powerlaw");
    assert_int_equal(sc_law_powerlaw.nparam, 2);
    assert_int_equal(sc_law_powerlaw.space, SC_SPACE_LOGLOG);
    const double theta[2] = {12.0, 0.27}, x[3] = {1e18, 1e20, 3e22};
    assert_true(test_jacobian_error(&sc_law_powerlaw, theta, x, 3) < 1e-6);
    char why[96];
    double bad = 0.0;
    assert_int_equal(sc_law_powerlaw.check(&bad, 0.5, why, sizeof why), SC_EDOMAIN);
    double ok = 1e20;
    assert_int_equal(sc_law_powerlaw.check(&ok, 1.0, why, sizeof why), SC_EDOMAIN);
    assert_int_equal(sc_law_powerlaw.check(&ok, 0.5, why, sizeof why), SC_OK);
}

/* HellaSwag acc_norm, every third tpr-20 DCLM run, chance 0.25 (all 18 points above it). */
static void test_real_subset_pinned(void **state)
{
    (void)state;
    double C[18], qn[18], theta[2];
    for (int i = 0; i < 18; i++) {
        C[i] = test_flops(hs_tokens[i], 20.0);
        qn[i] = sc_chance_normalise(hs_acc[i], 0.25);
    }
    assert_int_equal(sc_law_powerlaw.linear(C, qn, NULL, 18, theta), SC_OK);
    rel_eq(theta[0], 12.474145841961816, 1e-6);
    rel_eq(theta[1], 0.26743366993182754, 1e-6);
    double at = 1e22, f;
    sc_law_powerlaw.f(theta, &at, 1, &f);
    rel_eq(sc_chance_denormalise(exp(-exp(f)), 0.25), 0.7828090353477215, 1e-6);
}

/* Exact data from known parameters are recovered (noise-free: to rounding). */
static void test_recovers_synthetic(void **state)
{
    (void)state;
    const double a = 9.5, alpha = 0.21;
    double C[10], qn[10], theta[2];
    for (int i = 0; i < 10; i++) {
        C[i] = 1e18 * pow(10.0, 0.4 * i);
        qn[i] = exp(-exp(a) * pow(C[i], -alpha));
    }
    assert_int_equal(sc_law_powerlaw.linear(C, qn, NULL, 10, theta), SC_OK);
    rel_eq(theta[0], a, 1e-9);
    rel_eq(theta[1], alpha, 1e-9);
    double shown[2];
    sc_law_powerlaw.natural(theta, shown);
    rel_eq(shown[0], exp(a), 1e-8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_descriptor),
        cmocka_unit_test(test_real_subset_pinned),
        cmocka_unit_test(test_recovers_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
