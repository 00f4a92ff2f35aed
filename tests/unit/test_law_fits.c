/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fits of the direct laws with the engine, as the backtest runs them (Krajewski et al. 2025):
 * Huber(1e-3) from the paper's grids (Eq. 4, 10), BNSL from box + variable-projection starts
 * (Eq. 1), the logistic two-stage baseline by least squares.
 *
 * Pinned values (1e-6 relative) were computed once with this code. They were cross-checked
 * independently with scipy 1.10 (Debian python3-scipy; BFGS from the same grids with an
 * analytic gradient, gtol 1e-14, best of all starts; least_squares(method="lm") for the
 * logistic): the objective values agree to 4e-11 (powerlaw-qmax), 3e-11 (multitpr) and 2e-16
 * (logistic); the parameters to 8e-7, 4e-6 and 2e-9. The Huber(1e-3) valley is flat (a nearly
 * L1 objective), so these parameter pins also move when the minimiser changes. For BNSL
 * (sc_bnsl_fit with 30 box draws: least squares then Huber from box and variable-projection
 * starts) scipy's basin hopping (20 box starts x 100 hops, BFGS) found loss 2.8632e-5 at
 * (0.861, -0.129, -0.0388, 0.440, 1.778, 19.683); ours is 2.8597e-5 (1.2e-3 lower) at
 * parameters within 12% of it: the parameters are weakly identified, so the BNSL pins are
 * this code's values and the cross-check is the loss.
 *
 * The pins were moved once, when the Huber fits changed from BFGS to the damped Newton
 * method with the laws' analytic second derivatives (and screened starts); every loss went
 * down: multitpr 1.8099234977650644e-3 -> 1.8099234977083348e-3 (scipy 1.8099234977083298e-3;
 * the parameters moved by up to 3.6e-6 relative), BNSL 2.8687709330558546e-5
 * -> 2.8596571311732184e-5 (another point of the flat valley, parameters within 35%: b from
 * -0.1155 to -0.1552, c0 from -0.0415 to -0.0341), powerlaw-qmax 7.2173183242552096e-4 ->
 * 7.2173183239691917e-4 (scipy 7.2173183239691678e-4; its pins still hold at 1e-6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "direct_testdata.h"
#include "scalecast.h"

static int print_only = 0; /* set SC_PRINT_PINS=1 to print the values instead of checking */

static void rel_eq(const char *what, double got, double want, double tol)
{
    if (print_only) {
        printf("%s %.17g\n", what, got);
        return;
    }
    if (!(fabs(got - want) <= tol * fabs(want)))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static void huber_opts(sc_fit_opts *o)
{
    sc_fit_opts_init(o);
    o->loss = SC_LOSS_HUBER;
    o->huber_delta = 1e-3;
    o->tol = 1e-12;
    o->max_iter = 20000;
}

static void hs_points(double *C, double *qn)
{
    for (int i = 0; i < 18; i++) {
        C[i] = test_flops(hs_tokens[i], 20.0);
        qn[i] = sc_chance_normalise(hs_acc[i], 0.25);
    }
}

static void test_qmax_real_subset(void **state)
{
    (void)state;
    double C[18], qn[18], at = 1e22, y;
    hs_points(C, qn);
    sc_fit_opts o;
    huber_opts(&o);
    sc_fit *f = NULL;
    assert_int_equal(sc_fit_run(&sc_law_powerlaw_qmax, C, qn, 18, &o, &f, NULL), SC_OK);
    assert_int_equal(f->nstarts, 150);
    rel_eq("qmax.loss", f->loss, 0.00072173183242552096, 1e-6);
    rel_eq("qmax.a", f->theta[0], 14.774602795291967, 1e-6);
    rel_eq("qmax.alpha", f->theta[1], 0.32003441399080385, 1e-6);
    rel_eq("qmax.e", f->theta[2], -2.2709953046482734, 1e-6);
    sc_fit_predict(f, &at, 1, &y);
    rel_eq("qmax.pred", sc_chance_denormalise(y, 0.25), 0.78341774209487425, 1e-6);
    /* scipy's minimum of the same objective (see the header comment). */
    assert_true(f->loss <= 0.00072173183239691678 * (1.0 + 1e-7));
    sc_fit_free(f);
}

static void test_multitpr_real_subset(void **state)
{
    (void)state;
    double x[60], qn[30], nd[2] = {1e9, 2e10}, y;
    for (int i = 0; i < 30; i++) {
        x[2 * i] = mt_tokens[i] / mt_tpr[i];
        x[2 * i + 1] = mt_tokens[i];
        qn[i] = sc_chance_normalise(mt_acc[i], 0.25);
    }
    sc_fit_opts o;
    huber_opts(&o);
    sc_fit *f = NULL;
    assert_int_equal(sc_fit_run(&sc_law_multitpr, x, qn, 30, &o, &f, NULL), SC_OK);
    assert_int_equal(f->nstarts, 81);
    rel_eq("mt.loss", f->loss, 0.0018099234977083348, 1e-6);
    rel_eq("mt.a", f->theta[0], 7.0430734464262672, 1e-6);
    rel_eq("mt.alpha", f->theta[1], 0.36405109698087312, 1e-6);
    rel_eq("mt.b", f->theta[2], 7.3603406881315907, 1e-6);
    rel_eq("mt.beta", f->theta[3], 0.36215013920971767, 1e-6);
    sc_fit_predict(f, nd, 1, &y);
    rel_eq("mt.pred", sc_chance_denormalise(y, 0.25), 0.55547360626166853, 1e-6);
    assert_true(f->loss <= 0.0018099234977083298 * (1.0 + 1e-7));
    sc_fit_free(f);
}

static void test_logistic_real_subset(void **state)
{
    (void)state;
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    sc_fit *f = NULL;
    assert_int_equal(sc_fit_run(&sc_law_acc_logistic, hs_loss, hs_acc, 18, &o, &f, NULL), SC_OK);
    rel_eq("lg.rss", f->rss, 0.00011075696381952683, 1e-6);
    rel_eq("lg.a", f->theta[0], 0.62359250796996024, 1e-6);
    rel_eq("lg.b", f->theta[1], 0.26113136891599664, 1e-6);
    rel_eq("lg.k", f->theta[2], -4.1989386038790375, 1e-6);
    rel_eq("lg.L0", f->theta[3], 2.5828021957932132, 1e-6);
    double L = 2.2, y;
    sc_fit_predict(f, &L, 1, &y);
    rel_eq("lg.pred", y, 0.78061195244801374, 1e-6);
    sc_fit_free(f);
}

static void test_bnsl_real_subset(void **state)
{
    (void)state;
    double C[18], qn[18], at = 1e22, y;
    hs_points(C, qn);
    sc_fit *f = NULL;
    assert_int_equal(sc_bnsl_fit(C, hs_acc, 18, 30, 1, 0, &f, NULL), SC_OK);
    assert_int_equal(f->nstarts, 61);
    rel_eq("bnsl.loss", f->loss, 2.8596571311732184e-05, 1e-6);
    const double want[6] = {0.86269689360604263, -0.15523652243953959, -0.034134391366818631,
                            0.42541518893837804, 1.7149751169527467,   19.667895377588774};
    for (int k = 0; k < 6; k++) {
        char name[32];
        snprintf(name, sizeof name, "bnsl.theta%d", k);
        rel_eq(name, f->theta[k], want[k], 1e-6);
    }
    sc_fit_predict(f, &at, 1, &y);
    rel_eq("bnsl.pred", y, 0.77634031056582642, 1e-6);
    /* At or below scipy basin hopping's best (header comment). */
    assert_true(f->loss <= 2.863191065e-05);
    sc_fit_free(f);
}

/* Synthetic data from known parameters (noise-free) are recovered from the default starts:
 * to 1e-4 relative for the Huber fits (a and alpha are strongly correlated, log C spans only
 * 41-53, and BFGS stops where the loss no longer decreases in double precision), 1e-6 for the
 * least-squares logistic. */
static void test_synthetic_recovery(void **state)
{
    (void)state;
    sc_fit_opts o;
    sc_fit *f = NULL;
    /* powerlaw-qmax */
    {
        const double t[3] = {12.0, 0.25, -2.0};
        double C[15], q[15];
        for (int i = 0; i < 15; i++) C[i] = 1e18 * pow(10.0, 5.0 * i / 14.0);
        sc_law_predict(&sc_law_powerlaw_qmax, t, C, 15, q);
        huber_opts(&o);
        assert_int_equal(sc_fit_run(&sc_law_powerlaw_qmax, C, q, 15, &o, &f, NULL), SC_OK);
        for (int k = 0; k < 3; k++) assert_true(fabs(f->theta[k] - t[k]) < 1e-4 * fabs(t[k]));
        sc_fit_free(f);
    }
    /* multitpr */
    {
        const double t[4] = {7.0, 0.35, 7.5, 0.36};
        const double Ns[3] = {1e8, 3e8, 1e9}, tprs[4] = {10, 20, 40, 80};
        double x[24], q[12];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 4; j++) {
                x[2 * (4 * i + j)] = Ns[i];
                x[2 * (4 * i + j) + 1] = tprs[j] * Ns[i];
            }
        sc_law_predict(&sc_law_multitpr, t, x, 12, q);
        huber_opts(&o);
        assert_int_equal(sc_fit_run(&sc_law_multitpr, x, q, 12, &o, &f, NULL), SC_OK);
        for (int k = 0; k < 4; k++) assert_true(fabs(f->theta[k] - t[k]) < 1e-4 * fabs(t[k]));
        sc_fit_free(f);
    }
    /* logistic stage 2 */
    {
        const double t[4] = {0.6, 0.25, -4.0, 2.6};
        double L[15], q[15];
        for (int i = 0; i < 15; i++) L[i] = 2.0 + 1.8 * i / 14.0;
        sc_law_predict(&sc_law_acc_logistic, t, L, 15, q);
        sc_fit_opts_init(&o);
        assert_int_equal(sc_fit_run(&sc_law_acc_logistic, L, q, 15, &o, &f, NULL), SC_OK);
        for (int k = 0; k < 4; k++) assert_true(fabs(f->theta[k] - t[k]) < 1e-6 * fabs(t[k]));
        sc_fit_free(f);
    }
    /* BNSL with its break inside the data (b < 0: reached through the least-squares (a, b) of
     * the starts). */
    {
        const double t[6] = {0.9, -30.0, 0.1, 0.5, 1.0, 20.0};
        double C[20], q[20], far[2] = {1e23, 1e24}, yf[2], yt[2];
        for (int i = 0; i < 20; i++) C[i] = 1e18 * pow(10.0, 4.0 * i / 19.0);
        sc_law_predict(&sc_law_bnsl, t, C, 20, q);
        assert_int_equal(sc_bnsl_fit(C, q, 20, 30, 1, 0, &f, NULL), SC_OK);
        double worst = 0.0;
        for (int i = 0; i < 20; i++) worst = fmax(worst, fabs(f->resid[i]));
        if (print_only) printf("bnsl synthetic: worst residual %g, theta %g %g %g %g %g %g\n", worst,
                               f->theta[0], f->theta[1], f->theta[2], f->theta[3], f->theta[4], f->theta[5]);
        assert_true(worst < 1e-8);
        for (int k = 0; k < 6; k++) assert_true(fabs(f->theta[k] - t[k]) < 1e-5 * fabs(t[k]));
        sc_fit_predict(f, far, 2, yf);
        sc_law_predict(&sc_law_bnsl, t, far, 2, yt);
        if (print_only) printf("bnsl synthetic: 1e23 %g vs %g, 1e24 %g vs %g\n", yf[0], yt[0], yf[1], yt[1]);
        assert_true(fabs(yf[0] - yt[0]) < 1e-2);
        sc_fit_free(f);
    }
}

int main(void)
{
    print_only = getenv("SC_PRINT_PINS") != NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qmax_real_subset),
        cmocka_unit_test(test_multitpr_real_subset),
        cmocka_unit_test(test_logistic_real_subset),
        cmocka_unit_test(test_bnsl_real_subset),
        cmocka_unit_test(test_synthetic_recovery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
