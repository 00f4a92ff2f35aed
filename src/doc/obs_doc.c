/* SPDX-License-Identifier: GPL-3.0-or-later
 * The observational scaling document (format "scalecast-obs"), as `scalecast obs --json`
 * writes it. Schema: docs/schemas/obs.schema.json. */
#include "doc/json_util.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>

static const char *split_name(sc_obs_split s, int later)
{
    if (s == SC_OBS_SPLIT_CUTOFF) return "cutoff";
    if (s == SC_OBS_SPLIT_TOP) return "top";
    return later ? "later" : "none";
}

static void baseline(json_t *o, const char *kind, const sc_link *l, double mse_train,
                     double mse_test, size_t ntest, const char *pc_key, double pc_mse, int *ok)
{
    char key[64];
    json_t *lk = json_object();
    sc_json_set(lk, "w0", sc_json_num(l->w0), ok);
    sc_json_set(lk, "w", sc_json_num(l->w[0]), ok);
    sc_json_set(lk, "b", sc_json_num(l->b), ok);
    snprintf(key, sizeof key, "%s_link", kind);
    sc_json_set(o, key, lk, ok);
    snprintf(key, sizeof key, "%s_mse_train", kind);
    sc_json_set(o, key, sc_json_num(mse_train), ok);
    snprintf(key, sizeof key, "%s_mse_test", kind);
    sc_json_set(o, key, sc_json_num(mse_test), ok);
    snprintf(key, sizeof key, "%s_test_models", kind);
    sc_json_set(o, key, json_integer((json_int_t)ntest), ok);
    sc_json_set(o, pc_key, sc_json_num(pc_mse), ok);
}

static json_t *strings(const char *const *s, size_t n, int *ok)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++) sc_json_push(a, sc_json_str(s[i]), ok);
    return a;
}

static json_t *build(const sc_obs_doc *doc, int *ok)
{
    const sc_obs_result *res = doc->result;
    const sc_obs_data *d = doc->data;
    json_t *o = json_object();
    sc_json_set(o, "format", json_string(SC_OBS_DOC_FORMAT), ok);
    sc_json_set(o, "version", json_integer(SC_OBS_DOC_VERSION), ok);
    sc_json_set(o, "models", json_integer((json_int_t)res->n), ok);
    sc_json_set(o, "families", json_integer((json_int_t)res->nfamilies), ok);
    sc_json_set(o, "train", json_integer((json_int_t)res->ntrain), ok);
    sc_json_set(o, "test", json_integer((json_int_t)res->ntest), ok);
    sc_json_set(o, "split", json_string(split_name(doc->opts->split, doc->later_split)), ok);
    sc_json_set(o, "cutoff",
                sc_json_num(doc->opts->split == SC_OBS_SPLIT_CUTOFF ? doc->opts->cutoff : NAN), ok);
    json_t *im = json_object();
    sc_json_set(im, "train_cells", json_integer((json_int_t)res->impute.nmissing_train), ok);
    sc_json_set(im, "train_rounds", json_integer((json_int_t)res->impute.rounds_train), ok);
    sc_json_set(im, "train_converged", json_boolean(res->impute.converged_train), ok);
    sc_json_set(im, "train_change", sc_json_num(res->impute.change_train), ok);
    sc_json_set(im, "test_cells", json_integer((json_int_t)res->impute.nmissing_test), ok);
    sc_json_set(im, "test_rounds", json_integer((json_int_t)res->impute.rounds_test), ok);
    sc_json_set(im, "test_converged", json_boolean(res->impute.converged_test), ok);
    sc_json_set(im, "test_change", sc_json_num(res->impute.change_test), ok);
    sc_json_set(o, "imputation", im, ok);
    sc_json_set(o, "metrics", strings(d->metric, res->p, ok), ok);
    sc_json_set(o, "explained_variance_ratio", sc_json_nums(res->pca->ratio, res->pca->nall), ok);
    json_t *comp = json_array();
    for (size_t c = 0; c < res->k; c++)
        sc_json_push(comp, sc_json_nums(res->pca->components + c * res->p, res->p), ok);
    sc_json_set(o, "components", comp, ok);
    sc_json_set(o, "pca_mean", sc_json_nums(res->pca->mean, res->p), ok);
    if (res->link) {
        sc_json_set(o, "target", sc_json_str(doc->target), ok);
        json_t *lk = json_object();
        sc_json_set(lk, "w0", sc_json_num(res->link->w0), ok);
        sc_json_set(lk, "w", sc_json_nums(res->link->w, res->link->k), ok);
        sc_json_set(lk, "b", sc_json_num(res->link->b), ok);
        sc_json_set(lk, "converged", json_boolean(res->link->converged), ok);
        sc_json_set(o, "link", lk, ok);
        sc_json_set(o, "mse_train", sc_json_num(res->mse_train), ok);
        sc_json_set(o, "mse_test", sc_json_num(res->mse_test), ok);
        if (res->flink)
            baseline(o, "flops", res->flink, res->fmse_train, res->fmse_test, res->fntest,
                     "pc_mse_test_same_models", res->pc_mse_test_same, ok);
        if (res->nlink)
            baseline(o, "size", res->nlink, res->nmse_train, res->nmse_test, res->nntest,
                     "pc_mse_test_same_size_models", res->pc_mse_test_same_n, ok);
        if (doc->gain_result) {
            sc_obs_gain_stats g;
            sc_obs_gain(res, d->y, doc->gain_result, doc->gain_data->y, &g);
            sc_json_set(o, "gain_over", sc_json_str(doc->gain_over), ok);
            sc_json_set(o, "gain_over_mse_train", sc_json_num(doc->gain_result->mse_train), ok);
            sc_json_set(o, "gain_over_mse_test", sc_json_num(doc->gain_result->mse_test), ok);
            sc_json_set(o, "gain_mse_train", sc_json_num(g.mse_train), ok);
            sc_json_set(o, "gain_mse_test", sc_json_num(g.mse_test), ok);
            sc_json_set(o, "gain_constant_mse_test", sc_json_num(g.const_mse_test), ok);
        }
    }
    json_t *fe = json_array();
    for (size_t k = 0; k < res->nfamilies; k++) {
        const sc_obs_family *F = &res->families[k];
        json_t *e = json_object();
        sc_json_set(e, "family", sc_json_str(F->name), ok);
        sc_json_set(e, "models", json_integer((json_int_t)F->nmodels), ok);
        sc_json_set(e, "with_flops", json_integer((json_int_t)F->nflops), ok);
        sc_json_set(e, "slope", sc_json_num(F->fitted ? F->slope : NAN), ok);
        sc_json_set(e, "intercept", sc_json_num(F->fitted ? F->intercept : NAN), ok);
        sc_json_push(fe, e, ok);
    }
    sc_json_set(o, "family_efficiency", fe, ok);
    sc_json_set(o, "reference_family",
                res->reference >= 0 ? sc_json_str(res->families[res->reference].name) : json_null(),
                ok);
    if (res->nselected_families) {
        json_t *s = json_object();
        sc_json_set(s, "budget", json_integer((json_int_t)doc->opts->select_budget), ok);
        sc_json_set(s, "families",
                    strings((const char *const *)res->selected_families, res->nselected_families, ok),
                    ok);
        sc_json_set(s, "models", json_integer((json_int_t)res->nselected_models), ok);
        sc_json_set(s, "objective", sc_json_num(res->select_objective), ok);
        sc_json_set(s, "searched", json_integer((json_int_t)res->select_searched), ok);
        sc_json_set(s, "mse_train", sc_json_num(res->select_link ? res->select_mse_train : NAN), ok);
        sc_json_set(s, "mse_test", sc_json_num(res->select_link ? res->select_mse_test : NAN), ok);
        sc_json_set(s, "random_sets", json_integer((json_int_t)res->nrandom), ok);
        sc_json_set(s, "random_mse_median", sc_json_num(res->nrandom ? res->random_mse_median : NAN), ok);
        sc_json_set(s, "random_mse_mean", sc_json_num(res->nrandom ? res->random_mse_mean : NAN), ok);
        sc_json_set(s, "random_better", json_integer((json_int_t)res->random_better), ok);
        sc_json_set(o, "selection", s, ok);
    }
    sc_json_set(o, "warnings", strings((const char *const *)res->warnings, res->nwarnings, ok), ok);
    json_t *rows = json_array();
    for (size_t i = 0; i < res->n; i++) {
        size_t row = res->row[i];
        json_t *e = json_object();
        sc_json_set(e, "model", sc_json_str(d->model[row]), ok);
        sc_json_set(e, "family",
                    d->family && d->family[row] ? sc_json_str(d->family[row]) : json_null(), ok);
        sc_json_set(e, "test", json_boolean(res->is_test[i]), ok);
        sc_json_set(e, "flops", sc_json_num(d->flops ? d->flops[row] : NAN), ok);
        sc_json_set(e, "eq_flops", sc_json_num(res->eq_flops ? res->eq_flops[i] : NAN), ok);
        sc_json_set(e, "pcs", sc_json_nums(res->S + i * res->k, res->k), ok);
        if (res->link) {
            sc_json_set(e, "y", sc_json_num(d->y[row]), ok);
            sc_json_set(e, "pred", sc_json_num(res->pred[i]), ok);
            sc_json_set(e, "pred_flops", sc_json_num(res->fpred ? res->fpred[i] : NAN), ok);
        }
        if (doc->later_split) sc_json_set(e, "rank1_rmse", sc_json_num(sc_obs_rank1_rmse(res, i)), ok);
        sc_json_push(rows, e, ok);
    }
    sc_json_set(o, "rows", rows, ok);
    return o;
}

static sc_status check_doc(const sc_obs_doc *doc, sc_error *err)
{
    if (!doc || !doc->result || !doc->data || !doc->opts)
        return sc_fail(err, SC_EINVAL, "", 0, 0, "no observational result to write");
    if (doc->gain_result && (!doc->gain_data || !doc->data->y || !doc->gain_data->y ||
                             doc->gain_result->n != doc->result->n))
        return sc_fail(err, SC_EINVAL, "", 0, 0,
                       "the gain needs both targets' data and results on the same models");
    return SC_OK;
}

sc_status sc_obs_doc_write(const sc_obs_doc *doc, FILE *f, sc_error *err)
{
    SC_TRY(check_doc(doc, err));
    int ok = 1;
    json_t *o = build(doc, &ok);
    return sc_json_finish_file(o, ok, SC_JSON_FLAGS, f, err);
}

sc_status sc_obs_doc_string(const sc_obs_doc *doc, char **out, sc_error *err)
{
    *out = NULL;
    SC_TRY(check_doc(doc, err));
    int ok = 1;
    json_t *o = build(doc, &ok);
    return sc_json_finish_string(o, ok, SC_JSON_FLAGS, out, err);
}
