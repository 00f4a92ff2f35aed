/* SPDX-License-Identifier: GPL-3.0-or-later
 * The two-stage baselines' stages (Krajewski et al. 2025, Sec. 5): closed forms pinned on a real
 * subset, Jacobians, logistic starts. Pinned values were computed once with this code and
 * cross-checked with numpy.linalg.lstsq (Debian python3-numpy 1.24) on the same points: they
 * agree to 1e-12. The logistic fit is in test_law_fits.c. */
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

static void test_stage1_and_linear_pinned(void **state)
{
    (void)state;
    double C[18], t1[2], t2[2];
    for (int i = 0; i < 18; i++) C[i] = test_flops(hs_tokens[i], 20.0);
    assert_int_equal(sc_law_loss_power.linear(C, hs_loss, NULL, 18, t1), SC_OK);
    rel_eq(t1[0], 3.4385301573704163, 1e-6);
    rel_eq(t1[1], -0.052539857985879033, 1e-6);
    assert_int_equal(sc_law_acc_linear.linear(hs_loss, hs_acc, NULL, 18, t2), SC_OK);
    rel_eq(t2[0], 1.6265870262688817, 1e-6);
    rel_eq(t2[1], -0.40195639934726307, 1e-6);
    /* Chained prediction at 1e22 FLOPs. */
    double at = 1e22, logL, acc;
    sc_law_loss_power.f(t1, &at, 1, &logL);
    double L = exp(logL);
    sc_law_acc_linear.f(t2, &L, 1, &acc);
    rel_eq(acc, 0.75233480433359246, 1e-6);
    double shown[2];
    sc_law_loss_power.natural(t1, shown);
    rel_eq(shown[0], exp(-t1[0] / t1[1]), 1e-12); /* Cn */
}

static void test_jacobians_and_starts(void **state)
{
    (void)state;
    const double C[3] = {1e18, 1e20, 1e22}, L[4] = {2.1, 2.6, 3.0, 3.7};
    const double t1[2] = {3.4, -0.05}, t2[2] = {1.6, -0.4}, t3[4] = {0.62, 0.26, -4.2, 2.58};
    assert_true(test_jacobian_error(&sc_law_loss_power, t1, C, 3) < 1e-6);
    assert_true(test_jacobian_error(&sc_law_acc_linear, t2, L, 4) < 1e-6);
    assert_true(test_jacobian_error(&sc_law_acc_logistic, t3, L, 4) < 1e-6);
    double s[13 * 4];
    const double y[4] = {0.8, 0.6, 0.4, 0.3};
    assert_int_equal(sc_law_acc_logistic.starts(L, y, 4, NULL, 0), 13);
    size_t n = sc_law_acc_logistic.starts(L, y, 4, s, 13);
    assert_int_equal(n, 13);
    /* The grid starts have a negative slope and the (a, b) of least squares for it. */
    for (size_t k = 1; k < 13; k++) assert_true(s[4 * k + 2] < 0.0);
    /* The paper's start: a = max Q, b = min Q, k = 1, L0 = median L. */
    assert_true(s[0] == 0.8 && s[1] == 0.3 && s[2] == 1.0 && fabs(s[3] - 2.8) < 1e-12);
}

static void test_linear_recovers_synthetic(void **state)
{
    (void)state;
    double C[8], L[8], t[2];
    for (int i = 0; i < 8; i++) {
        C[i] = 1e18 * pow(10.0, 0.5 * i);
        L[i] = pow(C[i] / 1e8, -0.06); /* Cn = 1e8, alpha = -0.06 */
    }
    assert_int_equal(sc_law_loss_power.linear(C, L, NULL, 8, t), SC_OK);
    rel_eq(t[1], -0.06, 1e-10);
    double shown[2];
    sc_law_loss_power.natural(t, shown);
    rel_eq(shown[0], 1e8, 1e-8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stage1_and_linear_pinned),
        cmocka_unit_test(test_jacobians_and_starts),
        cmocka_unit_test(test_linear_recovers_synthetic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
