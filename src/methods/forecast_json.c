/* SPDX-License-Identifier: GPL-3.0-or-later
 * The one writer of a forecast as JSON (jansson): format "scalecast.forecast", version 1.
 * Numbers round-trip (17 significant digits); NaN becomes null. */
#include "core/internal.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* Adds value to obj under key; a NULL value (allocation failure) marks *bad. */
static void put(json_t *obj, const char *key, json_t *value, int *bad)
{
    if (!value || json_object_set_new(obj, key, value) != 0) *bad = 1;
}

static void push(json_t *arr, json_t *value, int *bad)
{
    if (!value || json_array_append_new(arr, value) != 0) *bad = 1;
}

static json_t *recipe_json(const sc_recipe *r, int *bad)
{
    json_t *o = json_object();
    if (!o) {
        *bad = 1;
        return NULL;
    }
    static const char *const inputs[] = {"C", "N,D", "C->loss->accuracy"};
    put(o, "law", json_string(r->name), bad);
    put(o, "input", json_string(inputs[r->input]), bad);
    put(o, "space", json_string(r->normalised ? "log(-log Q')" : "accuracy"), bad);
    put(o, "loss", json_string(r->loss == SC_LOSS_HUBER ? "huber" : "ls"), bad);
    if (r->loss == SC_LOSS_HUBER) put(o, "huber_delta", json_real(r->huber_delta), bad);
    put(o, "starts", json_string(r->nrandom ? "random in the box" : "law grid"), bad);
    if (r->nrandom) put(o, "random_starts", json_integer((json_int_t)r->nrandom), bad);
    return o;
}

sc_status sc_forecast_write_json(const sc_forecast *fc, const sc_fc_provenance *pv, FILE *f,
                                 sc_error *err)
{
    if (!fc || !f) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "forecast json: no input");
    int bad = 0;
    json_t *root = json_object();
    if (!root) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    put(root, "format", json_string("scalecast.forecast"), &bad);
    put(root, "version", json_integer(1), &bad);
    put(root, "scalecast_version", json_string(SC_VERSION_STRING), &bad);
    /* Provenance. */
    json_t *prov = json_object();
    put(root, "provenance", prov, &bad);
    if (prov) {
        json_t *argv = json_array();
        for (int k = 0; pv && argv && k < pv->argc; k++) push(argv, json_string(pv->argv[k]), &bad);
        put(prov, "argv", argv, &bad);
        json_t *inputs = json_array();
        for (size_t k = 0; pv && inputs && k < pv->ninputs; k++)
            push(inputs,
                 json_pack("{s:s, s:s}", "path", pv->inputs[k].path, "sha256",
                           pv->inputs[k].sha256),
                 &bad);
        put(prov, "inputs", inputs, &bad);
        put(prov, "seed", json_integer((json_int_t)fc->opts.seed), &bad);
        put(prov, "level", json_real(fc->opts.level), &bad);
        put(prov, "margin", json_real(fc->opts.margin), &bad);
        put(prov, "bootstrap", json_integer((json_int_t)fc->opts.boot), &bad);
        if (pv && pv->runs) {
            put(prov, "C_rule", json_string(pv->runs->c_rule), &bad);
            put(prov, "N_rule", json_string(pv->runs->n_rule), &bad);
            put(prov, "layout", json_string(pv->runs->layout), &bad);
            put(prov, "runs", json_integer((json_int_t)pv->runs->nruns), &bad);
            put(prov, "rows", json_integer((json_int_t)pv->runs->nrows), &bad);
        }
        json_t *rec = json_object();
        size_t nrec;
        const sc_recipe *all = sc_recipes(&nrec);
        for (size_t k = 0; rec && k < nrec; k++) {
            int used = 0;
            for (size_t q = 0; q < fc->nscores && !used; q++)
                used = strcmp(fc->scores[q].law, all[k].name) == 0;
            if (used) put(rec, all[k].name, recipe_json(&all[k], &bad), &bad);
        }
        put(prov, "recipes", rec, &bad);
    }
    /* Forecasts. */
    json_t *rows = json_array();
    put(root, "forecasts", rows, &bad);
    for (size_t k = 0; rows && k < fc->nrows; k++) {
        const sc_fc_row *r = &fc->rows[k];
        const sc_fc_bench *B = &fc->bench[r->bench];
        json_t *o = json_object();
        push(rows, o, &bad);
        if (!o) break;
        put(o, "benchmark", json_string(B->name), &bad);
        put(o, "target", json_string(r->target_name), &bad);
        put(o, "N", num(r->N), &bad);
        put(o, "D", num(r->D), &bad);
        put(o, "C", num(r->C), &bad);
        put(o, "ratio", num(r->ratio), &bad);
        put(o, "law", r->law[0] ? json_string(r->law) : json_null(), &bad);
        put(o, "runner_up", r->runner_up[0] ? json_string(r->runner_up) : json_null(), &bad);
        put(o, "backtest_error", num(r->backtest_error), &bad);
        put(o, "runner_up_error", num(r->runner_up_error), &bad);
        put(o, "value", num(r->value), &bad);
        put(o, "lo", num(r->lo), &bad);
        put(o, "hi", num(r->hi), &bad);
        put(o, "level", json_real(fc->opts.level), &bad);
        put(o, "runner_up_value", num(r->runner_up_value), &bad);
        if (isfinite(r->loss)) put(o, "loss", json_real(r->loss), &bad);
        json_t *parts = json_pack("{s:o, s:o, s:o}", "parameters", num(r->sd_param), "noise",
                                  num(r->sd_noise), "extrapolation", num(r->sd_extrap));
        put(o, "sd", parts, &bad);
        put(o, "observed", num(r->observed), &bad);
        put(o, "error", num(r->error), &bad);
        put(o, "trust", json_string(sc_trust_name(r->trust)), &bad);
        json_t *rs = json_array();
        for (size_t q = 0; rs && q < r->nreasons; q++)
            push(rs, json_pack("{s:s, s:s}", "code", r->reasons[q].code, "message",
                               r->reasons[q].message),
                 &bad);
        put(o, "reasons", rs, &bad);
        put(o, "status", json_string(r->status), &bad);
        if (r->why[0]) put(o, "why", json_string(r->why), &bad);
    }
    json_t *sk = json_array();
    put(root, "skipped", sk, &bad);
    for (size_t k = 0; sk && k < fc->nskipped; k++)
        push(sk,
             json_pack("{s:s, s:s}", "benchmark", fc->skipped[k].benchmark, "reason",
                       fc->skipped[k].reason),
             &bad);
    /* Benchmarks: chance, noise source, rungs, extrapolation scale, law scores. */
    json_t *bs = json_array();
    put(root, "benchmarks", bs, &bad);
    for (size_t b = 0; bs && b < fc->nbench; b++) {
        const sc_fc_bench *B = &fc->bench[b];
        json_t *o = json_object();
        push(bs, o, &bad);
        if (!o) break;
        put(o, "benchmark", json_string(B->name), &bad);
        put(o, "chance", num(B->chance), &bad);
        put(o, "runs", json_integer((json_int_t)B->nruns), &bad);
        put(o, "rungs", json_integer((json_int_t)B->nrungs), &bad);
        put(o, "folds", json_integer((json_int_t)B->nfolds), &bad);
        put(o, "points", json_integer((json_int_t)B->npoints), &bad);
        put(o, "noise", json_string(B->noise_source), &bad);
        put(o, "inflation", json_pack("{s:o, s:o}", "a", num(B->infl_a), "b", num(B->infl_b)),
            &bad);
        put(o, "largest_C_fitted", num(B->cmax), &bad);
        json_t *ls = json_array();
        for (size_t q = 0; ls && q < fc->nscores; q++) {
            const sc_fc_score *s = &fc->scores[q];
            if (s->bench != b) continue;
            json_t *so = json_pack("{s:s, s:o, s:I, s:I, s:s}", "law", s->law, "mae", num(s->mae),
                                   "folds", (json_int_t)s->nfolds, "predictions",
                                   (json_int_t)s->npred, "status", s->status);
            if (so && s->why[0]) put(so, "why", json_string(s->why), &bad);
            push(ls, so, &bad);
        }
        put(o, "laws", ls, &bad);
    }
    json_t *bt = json_array();
    put(root, "backtests", bt, &bad);
    for (size_t k = 0; bt && k < fc->npred; k++) {
        const sc_fc_pred *p = &fc->pred[k];
        json_t *o = json_pack("{s:s, s:s, s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "benchmark",
                              fc->bench[p->bench].name, "law", p->law, "fold", (json_int_t)p->fold,
                              "run", p->run, "N", num(p->N), "D", num(p->D), "C", num(p->C),
                              "ratio", num(p->ratio), "predicted", num(p->predicted), "observed",
                              num(p->observed));
        if (o && p->calibration) {
            put(o, "lo", num(p->lo), &bad);
            put(o, "hi", num(p->hi), &bad);
            put(o, "calibration", json_true(), &bad);
        }
        push(bt, o, &bad);
    }
    put(root, "calibration",
        json_pack("{s:f, s:I, s:I, s:o}", "level", fc->calibration.level, "covered",
                  (json_int_t)fc->calibration.covered, "total", (json_int_t)fc->calibration.total,
                  "mean_width", num(fc->calibration.mean_width)),
        &bad);
    if (bad) {
        json_decref(root);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    int rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0 || fputc('\n', f) == EOF) return sc_fail(err, SC_EIO, NULL, 0, 0, "cannot write");
    return SC_OK;
}
