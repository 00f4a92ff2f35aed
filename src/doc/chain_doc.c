/* SPDX-License-Identifier: GPL-3.0-or-later
 * The metric-chain document (format "scalecast-chain"): one group per (family, task) with the
 * summaries of the per-sample correlations, the aggregate chain, the mechanism shares and the
 * per-model means, as `scalecast chain --json` writes it. Schema:
 * docs/schemas/chain.schema.json. */
#include "doc/json_util.h"

#include "core/internal.h"

#include <math.h>
#include <stdlib.h>

struct sc_chain_doc {
    json_t *root, *groups;
};

sc_status sc_chain_doc_new(sc_chain_doc **out)
{
    *out = NULL;
    sc_chain_doc *d = calloc(1, sizeof *d);
    if (!d) return SC_ENOMEM;
    int ok = 1;
    d->root = json_object();
    d->groups = json_array();
    sc_json_set(d->root, "format", json_string(SC_CHAIN_DOC_FORMAT), &ok);
    sc_json_set(d->root, "version", json_integer(SC_CHAIN_DOC_VERSION), &ok);
    if (d->groups) json_incref(d->groups);
    sc_json_set(d->root, "groups", d->groups, &ok);
    if (!ok) {
        sc_chain_doc_free(d);
        return SC_ENOMEM;
    }
    *out = d;
    return SC_OK;
}

void sc_chain_doc_free(sc_chain_doc *d)
{
    if (!d) return;
    json_decref(d->groups);
    json_decref(d->root);
    free(d);
}

static json_t *summary(const sc_corr_summary *s, int *ok)
{
    json_t *o = json_object();
    sc_json_set(o, "n", json_integer((json_int_t)s->n), ok);
    sc_json_set(o, "nan", json_integer((json_int_t)s->nnan), ok);
    sc_json_set(o, "share_nan", sc_json_num(s->share_nan), ok);
    sc_json_set(o, "mean", sc_json_num(s->mean), ok);
    sc_json_set(o, "median", sc_json_num(s->median), ok);
    sc_json_set(o, "std", sc_json_num(s->std), ok);
    sc_json_set(o, "auc_ccdf", sc_json_num(s->auc_ccdf), ok);
    sc_json_set(o, "wasserstein1", sc_json_num(s->wasserstein1), ok);
    sc_json_set(o, "energy", sc_json_num(s->energy), ok);
    sc_json_set(o, "ks", sc_json_num(s->ks), ok);
    return o;
}

static json_t *shares(const double m[3][3], int *ok)
{
    json_t *a = json_array();
    for (int i = 0; i < 3; i++) sc_json_push(a, sc_json_nums(m[i], 3), ok);
    return a;
}

sc_status sc_chain_doc_add(sc_chain_doc *d, const char *family, const char *task,
                           const char *filter, const sc_chain_result *res,
                           const char *const *models, const double *log10c, sc_error *err)
{
    const size_t NM = SC_CHAIN_NMETRICS, NK = SC_CORR_NKINDS;
    double agg[SC_CHAIN_NMETRICS * SC_CORR_NKINDS];
    /* An aggregate that cannot be computed (fewer than two models with a value) stays null. */
    int agg_ok = sc_chain_result_aggregate(res, log10c, agg) == SC_OK;
    int ok = 1;
    json_t *g = json_object();
    sc_json_set(g, "family", sc_json_str(family), &ok);
    sc_json_set(g, "task", sc_json_str(task), &ok);
    sc_json_set(g, "filter", sc_json_str(filter), &ok);
    sc_json_set(g, "models", json_integer((json_int_t)res->nmodels), &ok);
    sc_json_set(g, "samples", json_integer((json_int_t)res->nsamples), &ok);
    json_t *ms = json_array();
    for (size_t q = 0; q < NM; q++) {
        json_t *m = json_object();
        sc_json_set(m, "metric", json_string(sc_chain_metric_name((sc_chain_metric)q)), &ok);
        sc_json_set(m, "sign", json_integer(sc_chain_metric_sign((sc_chain_metric)q)), &ok);
        for (size_t c = 0; c < NK; c++)
            sc_json_set(m, sc_corr_name((sc_corr_kind)c), summary(&res->summary[q][c], &ok), &ok);
        json_t *a = json_object();
        for (size_t c = 0; c < NK; c++)
            sc_json_set(a, sc_corr_name((sc_corr_kind)c), sc_json_num(agg_ok ? agg[q * NK + c] : NAN),
                        &ok);
        sc_json_set(m, "aggregate", a, &ok);
        sc_json_push(ms, m, &ok);
    }
    sc_json_set(g, "metrics", ms, &ok);
    sc_json_set(g, "trend_vocab", shares(res->trend_vocab, &ok), &ok);
    sc_json_set(g, "trend_choices", shares(res->trend_choices, &ok), &ok);
    json_t *mm = json_array();
    for (size_t k = 0; k < res->nmodels; k++) {
        json_t *e = json_object();
        sc_json_set(e, "model", sc_json_str(models ? models[k] : ""), &ok);
        sc_json_set(e, "log10_flops", sc_json_num(log10c[k]), &ok);
        for (size_t q = 0; q < NM; q++)
            sc_json_set(e, sc_chain_metric_name((sc_chain_metric)q),
                        sc_json_num(res->model_mean[k * NM + q]), &ok);
        sc_json_push(mm, e, &ok);
    }
    sc_json_set(g, "model_means", mm, &ok);
    if (!ok) {
        json_decref(g);
        return sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory while building a JSON document");
    }
    sc_json_push(d->groups, g, &ok);
    return ok ? SC_OK : sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
}

sc_status sc_chain_doc_write(const sc_chain_doc *d, FILE *f, sc_error *err)
{
    json_incref(d->root);
    return sc_json_finish_file(d->root, 1, SC_JSON_FLAGS_SPACED, f, err);
}

sc_status sc_chain_doc_string(const sc_chain_doc *d, char **out, sc_error *err)
{
    json_incref(d->root);
    return sc_json_finish_string(d->root, 1, SC_JSON_FLAGS_SPACED, out, err);
}

/* --- The aggregate chain ---------------------------------------------------------------- */

static json_t *agg_build(const sc_chain_agg *a, int *ok)
{
    const size_t NS = a->nstages, NK = SC_CORR_NKINDS;
    static const char *const modes[] = {"all", "last", "within"};
    json_t *o = json_object();
    sc_json_set(o, "format", json_string(SC_CHAIN_AGG_DOC_FORMAT), ok);
    sc_json_set(o, "version", json_integer(SC_CHAIN_AGG_DOC_VERSION), ok);
    sc_json_set(o, "mode", json_string(modes[a->mode <= SC_CHAIN_AGG_WITHIN ? a->mode : 0]), ok);
    json_t *tasks = json_array();
    for (size_t k = 0; k < a->ntasks; k++) {
        json_t *t = json_object(), *stages = json_array();
        sc_json_set(t, "task", sc_json_str(a->task[k]), ok);
        sc_json_set(t, "n", json_integer((json_int_t)a->n[k]), ok);
        for (size_t s = 0; s < NS; s++) {
            char col[512];
            sc_chain_agg_column(a, k, s, col, sizeof col);
            json_t *e = json_object();
            sc_json_set(e, "column", sc_json_str(col), ok);
            sc_json_set(e, "sign", json_integer(a->sign[s]), ok);
            for (size_t c = 0; c < NK; c++)
                sc_json_set(e, sc_corr_name((sc_corr_kind)c), sc_json_num(a->r[(k * NS + s) * NK + c]), ok);
            sc_json_push(stages, e, ok);
        }
        sc_json_set(t, "stages", stages, ok);
        sc_json_push(tasks, t, ok);
    }
    sc_json_set(o, "tasks", tasks, ok);
    json_t *mean = json_array();
    for (size_t s = 0; s < NS; s++) {
        json_t *e = json_object();
        sc_json_set(e, "stage", sc_json_str(a->label[s]), ok);
        for (size_t c = 0; c < NK; c++)
            sc_json_set(e, sc_corr_name((sc_corr_kind)c), sc_json_num(a->mean[s][c]), ok);
        sc_json_push(mean, e, ok);
    }
    sc_json_set(o, "mean", mean, ok);
    return o;
}

sc_status sc_chain_agg_doc_write(const sc_chain_agg *a, FILE *f, sc_error *err)
{
    int ok = 1;
    json_t *o = agg_build(a, &ok);
    return sc_json_finish_file(o, ok, SC_JSON_FLAGS_SPACED, f, err);
}

sc_status sc_chain_agg_doc_string(const sc_chain_agg *a, char **out, sc_error *err)
{
    int ok = 1;
    json_t *o = agg_build(a, &ok);
    return sc_json_finish_string(o, ok, SC_JSON_FLAGS_SPACED, out, err);
}
