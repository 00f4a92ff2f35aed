/* SPDX-License-Identifier: GPL-3.0-or-later
 * Result documents: the fit document round-trips through its reader (law, parameters, chance),
 * carries its format and version, and the reader refuses other formats, newer versions, unknown
 * laws and missing parameters with a message naming the data; the aggregate chain on a small
 * table equals the correlations computed directly; the choice of observational models. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scalecast.h"

/* y = 1.5 + 100 x^-0.3 exactly (as tests/data/fit/satpower_exact.csv). */
static sc_fit *exact_fit(void)
{
    double x[6], y[6];
    for (int i = 0; i < 6; i++) {
        x[i] = pow(10.0, 3 + 0.5 * i);
        y[i] = 1.5 + 100 * pow(x[i], -0.3);
    }
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    sc_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_fit_run(sc_law_find("satpower"), x, y, 6, &o, &fit, &err), SC_OK);
    return fit;
}

static void fit_document_round_trips(void **state)
{
    (void)state;
    sc_fit *fit = exact_fit();
    sc_fit_doc doc;
    sc_fit_doc_init(&doc, fit);
    doc.file = "runs.csv";
    doc.chance = 0.25; /* not meaningful for satpower; carried all the same */
    char *s = NULL;
    sc_error err;
    assert_int_equal(sc_fit_doc_string(&doc, &s, &err), SC_OK);
    assert_non_null(strstr(s, "{\"format\":\"scalecast-fit\",\"version\":1,\"law\":\"satpower\""));
    assert_non_null(strstr(s, "\"file\":\"runs.csv\""));
    sc_saved_fit saved;
    assert_int_equal(sc_saved_fit_read_mem(s, strlen(s), "fit.json", &saved, &err), SC_OK);
    assert_int_equal(saved.version, 1);
    assert_ptr_equal(saved.law, fit->law);
    for (size_t k = 0; k < fit->p; k++) assert_true(saved.theta[k] == fit->theta[k]);
    assert_true(saved.chance == 0.25);
    sc_free(s);
    sc_fit_free(fit);
}

static void fit_document_reader_errors(void **state)
{
    (void)state;
    sc_saved_fit s;
    sc_error err;
    const char *old = "{\"law\":\"satpower\",\"theta\":{\"e\":0.4,\"a\":4.6,\"alpha\":0.3}}";
    assert_int_equal(sc_saved_fit_read_mem(old, strlen(old), "old.json", &s, &err), SC_OK);
    assert_int_equal(s.version, 1); /* written before the format key existed */
    assert_true(isnan(s.chance));
    const char *other = "{\"format\":\"scalecast-obs\",\"version\":1}";
    assert_int_equal(sc_saved_fit_read_mem(other, strlen(other), "o.json", &s, &err), SC_EPARSE);
    assert_non_null(strstr(err.message, "format \"scalecast-obs\""));
    const char *newer = "{\"format\":\"scalecast-fit\",\"version\":99,\"law\":\"satpower\"}";
    assert_int_equal(sc_saved_fit_read_mem(newer, strlen(newer), "n.json", &s, &err), SC_EPARSE);
    assert_non_null(strstr(err.message, "version 99 is newer"));
    const char *unknown = "{\"law\":\"nolaw\",\"theta\":{}}";
    assert_int_equal(sc_saved_fit_read_mem(unknown, strlen(unknown), "u.json", &s, &err), SC_EUNKNOWN);
    assert_string_equal(err.file, "u.json");
    const char *missing = "{\"law\":\"satpower\",\"theta\":{\"e\":0.4}}";
    assert_int_equal(sc_saved_fit_read_mem(missing, strlen(missing), "m.json", &s, &err), SC_ETYPE);
    assert_non_null(strstr(err.message, "theta has no number"));
    const char *broken = "{\"law\": \"satpower\",\n  \"theta\": ";
    assert_int_equal(sc_saved_fit_read_mem(broken, strlen(broken), "b.json", &s, &err), SC_EPARSE);
    assert_int_equal(err.line, 2);
    const char *chance = "{\"law\":\"powerlaw\",\"theta\":{\"a\":1,\"alpha\":0.1},\"data\":{\"chance\":1.5}}";
    assert_int_equal(sc_saved_fit_read_mem(chance, strlen(chance), "c.json", &s, &err), SC_EDOMAIN);
    /* No flag names in library messages. */
    assert_null(strstr(err.message, "--"));
}

static void saved_fit_predicts_accuracy(void **state)
{
    (void)state;
    const char *doc = "{\"law\":\"powerlaw\",\"theta\":{\"a\":2.0,\"alpha\":0.1},\"data\":{\"chance\":0.25}}";
    sc_saved_fit s;
    sc_error err;
    assert_int_equal(sc_saved_fit_read_mem(doc, strlen(doc), "p.json", &s, &err), SC_OK);
    double C = 1e22, y, qn;
    sc_saved_fit_predict(&s, &C, 1, &y);
    /* Krajewski et al. Eq. 2: -log Q' = A C^-alpha; Q = Q0 + (1 - Q0) Q'. */
    qn = exp(-exp(2.0) * pow(C, -0.1));
    assert_true(fabs(y - (0.25 + 0.75 * qn)) < 1e-15);
}

static void aggregate_chain_on_a_table(void **state)
{
    (void)state;
    const char *csv = "flops,t1:up,t1:down\n1e18,0.1,4\n1e19,0.2,3\n1e20,0.3,2.5\n1e21,0.5,1\n";
    char path[] = "/tmp/scalecast-test-agg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(csv, f);
    fclose(f);
    sc_chain_agg_opts o;
    sc_chain_agg_opts_init(&o);
    o.stages = "{task}:up,{task}:down:-1";
    const char *files[1] = {path};
    sc_chain_agg *a = NULL;
    sc_error err;
    assert_int_equal(sc_chain_agg_run(files, 1, &o, &a, &err), SC_OK);
    assert_int_equal(a->ntasks, 1);
    assert_string_equal(a->task[0], "t1");
    assert_int_equal(a->n[0], 4);
    double lc[4] = {18, 19, 20, 21}, m[4] = {0.1, 0.2, 0.3, 0.5}, r;
    assert_int_equal(sc_corr(SC_CORR_PEARSON, lc, m, 4, &r), SC_OK);
    assert_true(fabs(a->r[0] - r) < 1e-12);
    assert_true(a->r[1 * SC_CORR_NKINDS + SC_CORR_KENDALL] == 1.0); /* -down rises strictly */
    char col[64];
    sc_chain_agg_column(a, 0, 1, col, sizeof col);
    assert_string_equal(col, "t1:down");
    sc_chain_agg_free(a);
    o.stages = "no-task-here";
    assert_int_equal(sc_chain_agg_run(files, 1, &o, &a, &err), SC_EINVAL);
    assert_non_null(strstr(err.message, "has no {task}"));
    o.stages = "{task}:nope";
    assert_int_equal(sc_chain_agg_run(files, 1, &o, &a, &err), SC_ENOCOL);
    assert_string_equal(err.file, path);
    remove(path);
}

static void observational_model_choice(void **state)
{
    (void)state;
    const char *csv = "Model,Model Family,m\nmeta-llama/Llama-2-7b-hf,Llama-2,0.5\n"
                      "x/Other-1,Other,0.4\nx/Unlisted,Llama-2,0.3\n";
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read_mem(csv, strlen(csv), "m.csv", NULL, &t, &err), SC_OK);
    unsigned char keep[3], later[3];
    size_t kept = 0;
    sc_obs_model_set set = {"Model", "Model Family", 0, 0, NULL, 0};
    assert_int_equal(sc_obs_select_models(t, &set, keep, later, &kept, &err), SC_OK);
    assert_int_equal(kept, 2); /* the Llama-2 rows; "Other" is not a default family */
    assert_true(keep[0] && !keep[1] && keep[2]);
    const char *drop[1] = {"x/Unlisted"};
    set.drop = drop;
    set.ndrop = 1;
    assert_int_equal(sc_obs_select_models(t, &set, keep, later, &kept, &err), SC_OK);
    assert_int_equal(kept, 1);
    const char *nope[1] = {"nope"};
    set.drop = nope;
    assert_int_equal(sc_obs_select_models(t, &set, keep, later, &kept, &err), SC_EUNKNOWN);
    assert_non_null(strstr(err.message, "no model \"nope\""));
    set.drop = NULL;
    set.ndrop = 0;
    set.family_col = "Family";
    assert_int_equal(sc_obs_select_models(t, &set, keep, later, &kept, &err), SC_ENOCOL);
    assert_null(strstr(err.message, "--"));
    sc_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_document_round_trips),
        cmocka_unit_test(fit_document_reader_errors),
        cmocka_unit_test(saved_fit_predicts_accuracy),
        cmocka_unit_test(aggregate_chain_on_a_table),
        cmocka_unit_test(observational_model_choice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
