/* SPDX-License-Identifier: GPL-3.0-or-later
 * The observational pipeline (split, imputation, PCA, link, baseline, family efficiency,
 * equivalent FLOPs, V-optimal selection) on a small synthetic benchmark matrix, and its
 * handling of bad input. The reproduction on the published data is test_obs_data.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scalecast.h"
#include "obs_assert.h"

enum { N = 16, P = 4 };
static const char *model[N] = {"a1", "a2", "a3", "a4", "b1", "b2", "b3", "c1",
                               "c2", "c3", "c4", "d1", "d2", "d3", "e1", "Llama-2-7b"};
static const char *family[N] = {"A", "A", "A", "A", "B", "B", "B", "C",
                                "C", "C", "C", "D", "D", "D", "E", "Llama-2"};
static const char *metric[P] = {"m1", "m2", "m3", "m4"};
static double B[N * P], flops[N], y[N];

static double sig(double t) { return 1.0 / (1.0 + exp(-t)); }

/* Two latent capabilities: general (log C times a family efficiency) and a family-specific
 * second one; metrics are sigmoids of mixtures; the target a sharper sigmoid of the general. */
static int setup(void **state)
{
    (void)state;
    static const double eff[] = {0.9, 0.6, 1.1, 0.7, 0.8, 1.0};
    static const double second[] = {0.3, -0.4, 0.1, 0.5, -0.2, 0.0};
    for (size_t i = 0; i < N; i++) {
        size_t f = (size_t)(family[i][0] == 'L' ? 5 : family[i][0] - 'A');
        size_t r = (size_t)(model[i][strlen(model[i]) - 1] - '1');
        flops[i] = family[i][0] == 'L' ? 84.0 : 2.0 * pow(3.0, (double)r) * (1.0 + 0.2 * (double)f);
        double g = eff[f] * log(flops[i]) - 2.0, s = second[f] + 0.05 * (double)r;
        B[i * P + 0] = sig(0.8 * g);
        B[i * P + 1] = sig(0.5 * g + 1.5 * s);
        B[i * P + 2] = sig(0.3 * g - 1.0 * s + 0.2);
        B[i * P + 3] = 0.25 + 0.5 * sig(1.2 * g + 0.5 * s);
        y[i] = 0.9 * sig(2.0 * g - 3.0) + 0.1 + 0.01 * sin((double)i);
    }
    B[2 * P + 1] = NAN; /* missing cells, one in a test row below */
    B[12 * P + 3] = NAN;
    flops[13] = NAN; /* no FLOPs: goes to the test set */
    return 0;
}

static sc_obs_data data(void)
{
    sc_obs_data d;
    memset(&d, 0, sizeof d);
    d.n = N;
    d.p = P;
    d.model = model;
    d.family = family;
    d.metric = metric;
    d.B = B;
    d.flops = flops;
    d.y = y;
    return d;
}

static int has_warning(const sc_obs_result *r, const char *text)
{
    for (size_t w = 0; w < r->nwarnings; w++)
        if (strcmp(r->warnings[w], text) == 0) return 1;
    return 0;
}

static void test_pipeline(void **state)
{
    (void)state;
    sc_obs_data d = data();
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    o.k = 2;
    o.cutoff = 40.0;
    sc_obs_result *r = NULL;
    sc_error err;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_OK);
    size_t ntest = 0;
    for (size_t i = 0; i < N; i++) ntest += !(flops[i] <= 40.0);
    assert_int_equal(r->ntest, ntest);
    assert_int_equal(r->ntrain + r->ntest, N);
    assert_true(r->impute.converged_train && r->impute.converged_test);
    assert_int_equal(r->impute.nmissing_train + r->impute.nmissing_test, 2);
    /* Imputed cells inside [0, 1], observed cells untouched. */
    for (size_t i = 0; i < r->n; i++)
        for (size_t j = 0; j < P; j++) {
            double v = r->B[i * P + j], orig = B[r->row[i] * P + j];
            assert_true(v >= 0.0 && v <= 1.0);
            if (!isnan(orig)) assert_double_equal(v, orig, 0);
        }
    /* Train MSE matches the predictions; the PC link is close on this smooth target. */
    double s = 0;
    for (size_t i = 0; i < r->n; i++)
        if (!r->is_test[i]) s += pow(r->pred[i] - y[r->row[i]], 2);
    assert_double_equal(r->mse_train, s / (double)r->ntrain, 1e-15);
    assert_true(r->mse_train < 1e-3);
    assert_true(r->flink != NULL);
    assert_true(isnan(r->fpred[13]));            /* no FLOPs: the baseline cannot score it */
    assert_int_equal(r->fntest, r->ntest - 1);
    assert_null(r->nlink); /* no sizes given */
    /* Family E has one model: warned, kept in the PCA (its scores are there). */
    assert_true(has_warning(r, "family \"E\" has one model (e1): no efficiency fit; it stays in the PCA"));
    assert_true(isfinite(r->S[14 * 2]));
    /* The reference family has one model here too: no equivalent FLOPs, with a warning. */
    assert_true(has_warning(r, "reference family \"Llama-2\" has no increasing efficiency fit: no equivalent FLOPs"));
    assert_int_equal(r->reference, -1);
    sc_obs_result_free(r);

    /* The log-N baseline scores every row with a size, including the one without FLOPs. */
    double size[N];
    for (size_t i = 0; i < N; i++) size[i] = isnan(flops[i]) ? 3.0 : flops[i] / 6.0;
    d.size = size;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_OK);
    assert_non_null(r->nlink);
    assert_int_equal(r->nntest, r->ntest);
    assert_true(isfinite(r->npred[13]) && isnan(r->fpred[13]));
    assert_true(r->nmse_train >= 0 && isfinite(r->nmse_test));
    sc_obs_result_free(r);
    d.size = NULL;

    /* With family A as the reference, its own models sit on its efficiency line when the line
     * is exact; in general eq. FLOPs = exp((P - intercept) / slope). */
    o.reference_family = "A";
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_OK);
    assert_true(r->reference >= 0);
    const sc_obs_family *A = &r->families[r->reference];
    assert_int_equal(A->nmodels, 4);
    assert_true(A->fitted && A->slope > 0);
    for (size_t i = 0; i < r->n; i++)
        assert_rel(r->eq_flops[i], exp((r->P[i] - A->intercept) / A->slope), 1e-12);
    /* Least squares through A's own points: residuals in log C sum to zero. */
    double sum = 0;
    for (size_t i = 0; i < 4; i++) sum += log(r->eq_flops[i]) - log(flops[i]);
    assert_double_equal(sum, 0.0, 1e-9);
    sc_obs_result_free(r);
}

static void test_top_split_and_selection(void **state)
{
    (void)state;
    sc_obs_data d = data();
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    o.k = 2;
    o.split = SC_OBS_SPLIT_TOP;
    o.top_fraction = 0.2; /* floor(0.2 * 16) = 3 */
    o.select_budget = 8;
    o.reference_family = "B";
    sc_obs_result *r = NULL;
    sc_error err;
    sc_status st = sc_obs_run(&d, &o, &r, &err);
    if (st != SC_OK) fail_msg("%s", err.message);
    assert_int_equal(r->ntest, 3);
    double lowest_test = 1.0, highest_train = 0.0;
    for (size_t i = 0; i < r->n; i++) {
        double v = y[r->row[i]];
        if (r->is_test[i]) lowest_test = v < lowest_test ? v : lowest_test;
        else highest_train = v > highest_train ? v : highest_train;
    }
    assert_true(lowest_test >= highest_train);
    /* Selection keeps the reference family and respects the budget. */
    assert_true(r->nselected_models <= 8 && r->nselected_models >= 2);
    int ref = 0;
    for (size_t f = 0; f < r->nselected_families; f++)
        ref |= strcmp(r->selected_families[f], "B") == 0;
    assert_true(ref);
    assert_true(r->select_searched > 1);
    assert_true(isfinite(r->select_objective) && r->select_objective > 0);
    assert_int_equal(r->nrandom, 0);
    sc_obs_result_free(r);
    /* Random baseline: seeded, so two runs agree exactly. */
    o.select_random = 5;
    o.seed = 7;
    sc_obs_result *r2 = NULL;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_OK);
    assert_int_equal(sc_obs_run(&d, &o, &r2, &err), SC_OK);
    assert_true(r->nrandom >= 1 && r->nrandom <= 5);
    assert_int_equal(r->nrandom, r2->nrandom);
    assert_double_equal(r->random_mse_mean, r2->random_mse_mean, 0);
    assert_double_equal(r->random_mse_median, r2->random_mse_median, 0);
    assert_true(r->random_better <= r->nrandom);
    sc_obs_result_free(r);
    sc_obs_result_free(r2);
    o.select_random = 0;
    /* A budget below the reference family's size is refused. */
    o.select_budget = 0;
    o.reference_family = "A";
    o.select_budget = 1;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_EINVAL);
    assert_non_null(strstr(err.message, "--select: a budget of 1 models is below the "));
}

static void test_bad_input(void **state)
{
    (void)state;
    sc_obs_data d = data();
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    sc_obs_result *r = NULL;
    sc_error err;
    /* Fewer training models than components. */
    o.k = 3;
    o.cutoff = 2.5; /* two models at or below 2.5e21 */
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_ETOOFEW);
    assert_string_equal(err.message, "2 training models for 3 components: need more training models than components");
    assert_null(r);
    /* A target with no training values. */
    double yy[N];
    for (size_t i = 0; i < N; i++) yy[i] = flops[i] <= 40.0 ? NAN : 0.5;
    d.y = yy;
    o.cutoff = 40.0;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_EEMPTY);
    assert_string_equal(err.message, "no training model has a value of the target (all 4 are test models)");
    for (size_t i = 0; i < N; i++) yy[i] = NAN;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_EEMPTY);
    assert_string_equal(err.message, "no model has a value of the target");
    /* A metric outside [0, 1]. */
    d.y = y;
    double saved = B[5 * P + 2];
    B[5 * P + 2] = 27.5;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "model b2, metric m3: 27.5 is outside [0, 1]");
    B[5 * P + 2] = saved;
    /* Non-positive FLOPs. */
    double f0 = flops[0];
    flops[0] = 0.0;
    assert_int_equal(sc_obs_run(&d, &o, &r, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "model a1: FLOPs 0 must be > 0");
    flops[0] = f0;
}

static void test_defaults(void **state)
{
    (void)state;
    size_t nf = 0, nm = 0, nl = 0;
    while (sc_obs_default_families()[nf]) nf++;
    while (sc_obs_default_metrics()[nm]) nm++;
    while (sc_obs_later_models()[nl]) nl++;
    assert_int_equal(nf, 21);
    assert_int_equal(nm, 8);
    assert_int_equal(nl, 20);
    assert_true(sc_obs_is_later_model("Qwen/Qwen2-72B"));
    assert_true(sc_obs_is_later_model("gemma-2-9b"));
    assert_false(sc_obs_is_later_model("Qwen/Qwen-72B"));
    assert_false(sc_obs_is_later_model(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_top_split_and_selection),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_defaults),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
