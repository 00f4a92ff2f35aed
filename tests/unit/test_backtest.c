/* SPDX-License-Identifier: GPL-3.0-or-later
 * The extrapolation backtest on the shipped Apple DCLM runs (Krajewski et al. 2025): fit on
 * C <= 6e21 at tpr 20, predict the 8 larger runs. The reference numbers come from an
 * independent numpy computation of Eq. 2 and of the linear two-stage baseline on the same file
 * (numpy.linalg.lstsq, fitting Eq. 2 only on points more than 0.05 above chance, the run listed
 * twice kept once): power law mean MRE 2.17467815293558% over the six benchmarks without MMLU,
 * two-stage linear 6.80766164943793%; ARC-Easy power law 2.89299168240257%. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "scalecast.h"

static sc_table *dclm;

static int load(void **state)
{
    (void)state;
    return sc_runs_load(SC_DATA_DIR "/apple/metrics_dclm_data_mixture_subset.csv", 0, &dclm, NULL,
                        NULL) == SC_OK
               ? 0
               : -1;
}

static int unload(void **state)
{
    (void)state;
    sc_table_free(dclm);
    return 0;
}

static void rel_eq(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol * fabs(want))) fail_msg("got %.17g, want %.17g", got, want);
}

static void test_dclm_reference(void **state)
{
    (void)state;
    const sc_bt_model models[] = {SC_BT_POWERLAW, SC_BT_TWOSTAGE_LINEAR};
    sc_backtest_opts o;
    sc_backtest_opts_init(&o);
    o.cutoff = 6e21;
    o.tpr = 20;
    o.models = models;
    o.nmodels = 2;
    o.loss = "dclm:cross_entropy_loss";
    sc_backtest *bt = NULL;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_backtest_run(dclm, &o, &bt, &e), SC_OK);
    assert_int_equal(bt->nbench, 7); /* the default seven */
    for (size_t b = 0; b < bt->nbench; b++) {
        assert_int_equal(bt->bench[b].nheld, 8);
        assert_int_equal(bt->cell[b * 2].status, SC_OK);
        assert_int_equal(bt->cell[b * 2 + 1].status, SC_OK);
        /* MMLU alone is near chance in the fit range (7 of 46 runs clear 0.30). */
        assert_int_equal(bt->bench[b].near_chance, strcmp(bt->bench[b].name, "mmlu:acc") == 0);
    }
    assert_string_equal(bt->bench[0].name, "arc_easy:acc_norm");
    rel_eq(bt->cell[0].m.mre, 2.89299168240257, 1e-9);
    assert_int_equal(bt->nmean_ok[0], 6);
    rel_eq(bt->mean_mre_ok[0], 2.17467815293558, 1e-9);
    rel_eq(bt->mean_mre_ok[1], 6.80766164943793, 1e-9);
    /* MMLU: 39 fit runs at or below chance + 0.05 are excluded and counted. */
    assert_int_equal(bt->cell[6 * 2].nexcluded, 39);
    assert_int_equal(bt->cell[6 * 2].nfit, 7);
    rel_eq(bt->cell[6 * 2].m.mre, 19.1415254547846, 1e-9);
    /* The curve goes through the cell's own predictions. */
    double C = bt->bench[0].C[0], y;
    for (size_t i = 0; i < bt->bench[0].n; i++)
        if (bt->bench[0].held[i]) {
            C = bt->bench[0].C[i];
            break;
        }
    sc_backtest_curve(bt, 0, 0, &C, 1, &y);
    rel_eq(y, bt->cell[0].pred[0], 1e-12);
    sc_backtest_free(bt);
}

static void expect_error(const char *bench, double cutoff, const char *law, sc_status want,
                         const char *msg)
{
    sc_bt_model m = SC_BT_POWERLAW;
    assert_int_equal(sc_bt_model_find(law, &m), SC_OK);
    sc_backtest_opts o;
    sc_backtest_opts_init(&o);
    o.cutoff = cutoff;
    o.tpr = 20;
    o.benchmarks = &bench;
    o.nbench = 1;
    o.models = &m;
    o.nmodels = 1;
    sc_backtest *bt = NULL;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_backtest_run(dclm, &o, &bt, &e), want);
    assert_null(bt);
    if (!strstr(e.message, msg)) fail_msg("message \"%s\" lacks \"%s\"", e.message, msg);
}

static void test_bad_input(void **state)
{
    (void)state;
    expect_error("arc_easy:nope", 6e21, "powerlaw", SC_ENOCOL,
                 "unknown benchmark column \"arc_easy:nope\"");
    expect_error("arc_easy:loglikelihood", 6e21, "powerlaw", SC_EDOMAIN, "is outside [0, 1]");
    expect_error("arc_easy:acc_norm", 1.3e18, "powerlaw-qmax", SC_ETOOFEW,
                 "fewer than the 3 parameters of powerlaw-qmax");
    expect_error("arc_easy:acc_norm", 1e17, "powerlaw", SC_ETOOFEW, "no run to fit");
    expect_error("arc_easy:acc_norm", 1e23, "powerlaw", SC_ETOOFEW, "no run to predict");
    expect_error("mmlu:acc", 4e20, "powerlaw", SC_ECHANCE, "at or below chance 0.25");
}

/* Holding out by token/parameter ratio as well as compute (the multitpr backtest of
 * docs/direct-laws.md): 115 fit runs, 33 held out for ARC-Easy; and the bootstrap band of the
 * power law contains its curve. */
static void test_tpr_split_and_band(void **state)
{
    (void)state;
    const char *bench = "arc_easy:acc_norm";
    const sc_bt_model m = SC_BT_POWERLAW;
    sc_backtest_opts o;
    sc_backtest_opts_init(&o);
    o.cutoff = 6e21;
    o.tpr_fit_max = 80;
    o.benchmarks = &bench;
    o.nbench = 1;
    o.models = &m;
    o.nmodels = 1;
    sc_backtest *bt = NULL;
    assert_int_equal(sc_backtest_run(dclm, &o, &bt, NULL), SC_OK);
    assert_int_equal(bt->bench[0].n, 148);
    assert_int_equal(bt->bench[0].nheld, 33);
    assert_int_equal(bt->cell[0].nfit, 115);
    for (size_t i = 0; i < bt->bench[0].n; i++)
        assert_int_equal(bt->bench[0].held[i],
                         bt->bench[0].C[i] > 6e21 || bt->bench[0].tpr[i] > 80.0);
    const double C[3] = {1e19, 1e21, 3e22};
    double y[3], lo[3], hi[3];
    sc_backtest_curve(bt, 0, 0, C, 3, y);
    assert_int_equal(sc_backtest_band(bt, 0, 0, 50, 0.9, C, 3, lo, hi, NULL), SC_OK);
    for (int k = 0; k < 3; k++) {
        assert_true(lo[k] <= y[k] && y[k] <= hi[k]);
        assert_true(hi[k] - lo[k] < 0.05);
    }
    sc_backtest_free(bt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dclm_reference),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_tpr_split_and_band),
    };
    return cmocka_run_group_tests(tests, load, unload);
}
