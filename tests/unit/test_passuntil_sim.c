/* SPDX-License-Identifier: GPL-3.0-or-later
 * PassUntil against simulated truth (Hu et al. 2024): a ladder of model sizes drawn from known
 * per-instance laws through the sampling schedule; recovery of alpha, coverage of the held-out
 * prediction, and the emergence classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define S 20
#define M 6
static const double ladder[M] = {1e7, 3e7, 1e8, 3e8, 1e9, 3e9};
static char name_buf[S][8];
static const char *names[S];

static int setup(void **state)
{
    (void)state;
    for (size_t s = 0; s < S; s++) {
        snprintf(name_buf[s], sizeof name_buf[s], "t%02zu", s);
        names[s] = name_buf[s];
    }
    return 0;
}

/* est is S x M. */
static void run_ladder(const sc_pu_sim *sim, size_t r, sc_pu_est *est)
{
    sc_pu_est col[S];
    for (size_t m = 0; m < M; m++) {
        sc_error err;
        sc_status st = sc_pu_sim_run(sim, names, S, ladder[m], r, 1000000, 0, 0.9, col, &err);
        if (st != SC_OK) fail_msg("%s", err.message);
        for (size_t s = 0; s < S; s++) est[s * M + m] = col[s];
    }
}

/* Mean true pass probability of the S instances at N. */
static double true_pu(const sc_pu_sim *sim, double N)
{
    double p = 0.0;
    for (size_t s = 0; s < S; s++) p += sc_pu_sim_p(sim, names[s], N);
    return p / S;
}

/* Task law with per-instance (c_s, alpha_s): p from about 1e-2 at 1e7 to 0.4 at 3e9 (kept
 * moderate so that the test stays fast under the sanitizers; the interval tests in
 * test_passuntil.c go down to 1e-5). The fit
 * uses the 5 smallest sizes; the target alpha is the slope of log(-log true PU) over them (the
 * law the fit estimates when instances differ), and the held-out truth is the mean true pass
 * probability at 3e9. */
static void test_recovery(void **state)
{
    (void)state;
    const size_t R = 40;
    size_t cover_t = 0, cover_b = 0, pred_t = 0, pred_b = 0;
    double mean_err = 0.0;
    for (size_t rep = 0; rep < R; rep++) {
        sc_pu_sim sim = {SC_PU_SIM_LAW, 1, {441.0}, {0.283}, {1.0}, 0.3, 0.02, 1000 + rep};
        sc_pu_est est[S * M], tr[S * (M - 1)];
        run_ladder(&sim, 2, est);
        for (size_t s = 0; s < S; s++)
            for (size_t m = 0; m + 1 < M; m++) tr[s * (M - 1) + m] = est[s * M + m];
        double xb = 0.0, yb = 0.0, sxx = 0.0, sxy = 0.0, tF[M];
        for (size_t m = 0; m + 1 < M; m++) {
            tF[m] = log(-log(true_pu(&sim, ladder[m])));
            xb += log(ladder[m]) / (M - 1);
            yb += tF[m] / (M - 1);
        }
        for (size_t m = 0; m + 1 < M; m++) {
            double u = log(ladder[m]) - xb;
            sxx += u * u;
            sxy += u * (tF[m] - yb);
        }
        double alpha_true = -sxy / sxx, p_true = true_pu(&sim, ladder[M - 1]);
        sc_pu_fit *fit = NULL;
        sc_pu_fit_opts o = {0.9, 400, rep, 0};
        sc_error err;
        if (sc_pu_fit_task(ladder, M - 1, tr, S, &o, &fit, &err) != SC_OK) fail_msg("%s", err.message);
        double pu, lo, hi, blo, bhi;
        sc_pu_fit_predict(fit, ladder[M - 1], &pu, &lo, &hi, &blo, &bhi);
        cover_t += fit->alpha_lo <= alpha_true && alpha_true <= fit->alpha_hi;
        cover_b += fit->alpha_blo <= alpha_true && alpha_true <= fit->alpha_bhi;
        pred_t += lo <= p_true && p_true <= hi;
        pred_b += blo <= p_true && p_true <= bhi;
        mean_err += (fit->alpha - alpha_true) / (double)R;
        sc_pu_fit_free(fit);
    }
    printf("# %zu repetitions, 90%% intervals: alpha covered %zu (t) / %zu (bootstrap); held-out "
           "PU at 3e9 covered %zu (t) / %zu (bootstrap); mean alpha error %+.4f\n",
           R, cover_t, cover_b, pred_t, pred_b, mean_err);
    assert_true(10 * cover_t >= 9 * R);
    assert_true(10 * pred_t >= 8 * R);
    assert_true(4 * pred_b >= 3 * R);
}

/* The instance-level law recovers each instance's alpha_s from its resolved sizes. */
static void test_instances(void **state)
{
    (void)state;
    sc_pu_sim sim = {SC_PU_SIM_LAW, 1, {441.0}, {0.283}, {1.0}, 0.3, 0.05, 77};
    sc_pu_est est[S * M];
    run_ladder(&sim, 3, est);
    sc_pu_inst_fit *fit = NULL;
    sc_error err;
    if (sc_pu_fit_instances(ladder, M, est, S, &fit, &err) != SC_OK) fail_msg("%s", err.message);
    double mae = 0.0;
    for (size_t s = 0; s < S; s++) {
        double c, a;
        sc_pu_sim_params(&sim, names[s], 0, &c, &a);
        if (fit->kind[s] == 2) mae += fabs(fit->alpha[s] - a) / (double)fit->nfull;
    }
    double pred = sc_pu_inst_predict(fit, 1e10), truth = true_pu(&sim, 1e10);
    printf("# instance law: %zu own fits, %zu partial, %zu bounded; mean |alpha_s error| %.4f; "
           "PU(1e10) predicted %.4f, true %.4f\n",
           fit->nfull, fit->npartial, fit->nbounded, mae, pred, truth);
    assert_true(fit->nfull >= S / 2);
    assert_true(mae < 0.08);
    assert_true(fabs(pred - truth) < 0.1);
    sc_pu_inst_fit_free(fit);

    /* Censoring at small N: K_max = 300 leaves the smallest sizes censored. The fit must say how
     * it handled them, and every prediction stays > 0. */
    sc_pu_est col[S];
    for (size_t m = 0; m < M; m++) {
        assert_int_equal(sc_pu_sim_run(&sim, names, S, ladder[m], 2, 300, 0, 0.9, col, NULL), SC_OK);
        for (size_t s = 0; s < S; s++) est[s * M + m] = col[s];
    }
    size_t ncens = 0;
    for (size_t k = 0; k < S * M; k++) {
        ncens += (size_t)est[k].censored;
        assert_true(est[k].value > 0.0);
    }
    assert_true(ncens > 0);
    if (sc_pu_fit_instances(ladder, M, est, S, &fit, &err) != SC_OK) fail_msg("%s", err.message);
    printf("# K_max = 300: %zu censored points; %zu own fits, %zu partial, %zu bounded, %zu "
           "violations\n",
           ncens, fit->nfull, fit->npartial, fit->nbounded, fit->nviolations);
    assert_int_equal(fit->nfull + fit->npartial + fit->nbounded, S);
    sc_pu_inst_fit_free(fit);
}

static sc_pu_class classify(const sc_pu_sim *sim, sc_pu_emergence *e)
{
    sc_pu_est est[S * M];
    run_ladder(sim, 3, est);
    sc_pu_fit_opts o = {0.9, 400, 3, 0};
    sc_error err;
    if (sc_pu_classify(ladder, M, est, S, &o, e, &err) != SC_OK) fail_msg("%s", err.message);
    printf("# %-9s AIC %.2f vs %.2f, BIC %.2f vs %.2f, curvature %.4f [%.4f, %.4f] -> %s\n",
           sim->kind == SC_PU_SIM_LAW ? "law" : sim->kind == SC_PU_SIM_MULTISTEP ? "multistep" : "mixture",
           e->aic_line, e->aic_quad, e->bic_line, e->bic_quad, e->curv, e->curv_lo, e->curv_hi,
           sc_pu_class_name(e->cls));
    return e->cls;
}

static void test_emergence(void **state)
{
    (void)state;
    sc_pu_emergence e;
    /* Multi-step: -log p = c1 N^-0.8 + c2 N^-0.05 (a steep and a flat step): convex. */
    sc_pu_sim multi = {SC_PU_SIM_MULTISTEP, 2, {1.31e6, 3.0}, {0.8, 0.05}, {1.0, 1.0}, 0.2, 0.01, 5};
    assert_int_equal(classify(&multi, &e), SC_PU_CONVEX);
    /* Mixture of circuits: a slow circuit and a steep one that takes over: concave. */
    sc_pu_sim mix = {SC_PU_SIM_MIXTURE, 2, {43.7, 3e9}, {0.15, 1.0}, {0.5, 0.5}, 0.2, 0.01, 6};
    assert_int_equal(classify(&mix, &e), SC_PU_CONCAVE);
    /* The plain law: linear. */
    sc_pu_sim law = {SC_PU_SIM_LAW, 1, {441.0}, {0.283}, {1.0}, 0.2, 0.01, 7};
    assert_int_equal(classify(&law, &e), SC_PU_LINEAR);
    /* Too few sizes. */
    sc_pu_est est[S * M];
    sc_error err;
    run_ladder(&law, 2, est);
    assert_int_equal(sc_pu_classify(ladder, 4, est, S, NULL, &e, &err), SC_ETOOFEW);
    assert_string_equal(err.message, "4 model sizes: the emergence test needs at least 5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_instances),
        cmocka_unit_test(test_emergence),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
