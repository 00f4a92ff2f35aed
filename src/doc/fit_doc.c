/* SPDX-License-Identifier: GPL-3.0-or-later
 * The fit document (format "scalecast-fit"): a fitted law with its data and diagnostics, as
 * `scalecast fit --json` writes it and `scalecast predict` and the Python package read it.
 * Schema: docs/schemas/fit.schema.json. */
#include "doc/json_util.h"

#include "core/internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static json_t *build(const sc_fit_doc *doc, int *ok)
{
    const sc_fit *fit = doc->fit;
    const sc_law *law = fit->law;
    size_t p = law->nparam;
    double shown[SC_FIT_DOC_MAXP];
    if (law->natural) law->natural(fit->theta, shown);
    else memcpy(shown, fit->theta, p * sizeof *shown);
    const char *const *names = law->shown_names ? law->shown_names : law->param_names;
    json_t *o = json_object();
    sc_json_set(o, "format", json_string(SC_FIT_DOC_FORMAT), ok);
    sc_json_set(o, "version", json_integer(SC_FIT_DOC_VERSION), ok);
    sc_json_set(o, "law", sc_json_str(law->name), ok);
    sc_json_set(o, "formula", sc_json_str(law->formula), ok);
    sc_json_set(o, "space", json_string(sc_space_name(law->space)), ok);
    int huber = fit->loss_kind == SC_LOSS_HUBER;
    sc_json_set(o, "loss", json_string(huber ? "huber" : "ls"), ok);
    sc_json_set(o, "huber_delta", sc_json_num(huber ? fit->huber_delta : NAN), ok);
    sc_json_set(o, "objective", sc_json_num(fit->loss), ok);
    sc_json_set(o, "rss", sc_json_num(fit->rss), ok);
    sc_json_set(o, "inside_share", sc_json_num(fit->inside_share), ok);
    sc_json_set(o, "converged", json_boolean(fit->converged), ok);
    sc_json_set(o, "reason", sc_json_str(fit->reason), ok);
    sc_json_set(o, "iterations", json_integer((json_int_t)fit->iterations), ok);
    sc_json_set(o, "starts", json_integer((json_int_t)fit->nstarts), ok);
    sc_json_set(o, "starts_at_best", json_integer((json_int_t)fit->nbest), ok);
    sc_json_set(o, "starts_failed", json_integer((json_int_t)fit->nfailed), ok);
    json_t *fails = json_array();
    size_t nf = fit->nfailed < 16 ? fit->nfailed : 16;
    for (size_t k = 0; k < nf; k++) {
        json_t *e = json_object();
        sc_json_set(e, "start", json_integer((json_int_t)fit->failures[k].start), ok);
        sc_json_set(e, "reason", sc_json_str(fit->failures[k].reason), ok);
        sc_json_push(fails, e, ok);
    }
    sc_json_set(o, "failures", fails, ok);
    json_t *theta = json_object(), *params = json_object();
    for (size_t k = 0; k < p; k++) {
        sc_json_set(theta, law->param_names[k], sc_json_num(fit->theta[k]), ok);
        sc_json_set(params, names[k], sc_json_num(shown[k]), ok);
    }
    sc_json_set(o, "theta", theta, ok);
    sc_json_set(o, "params", params, ok);
    sc_json_set(o, "covariance", fit->cov ? sc_json_nums(fit->cov, p * p) : json_null(), ok);
    sc_json_set(o, "correlation", fit->corr ? sc_json_nums(fit->corr, p * p) : json_null(), ok);
    if (doc->boot) {
        json_t *b = json_object(), *iv = json_object();
        sc_json_set(b, "resamples", json_integer((json_int_t)doc->boot->B), ok);
        sc_json_set(b, "failed", json_integer((json_int_t)doc->boot->nfailed), ok);
        /* A seed above 2^63 - 1 is written as the same 64 bits read as a signed integer would
         * lose it: JSON integers in jansson are signed, so it goes as a decimal string then. */
        if (doc->seed <= (uint64_t)INT64_MAX)
            sc_json_set(b, "seed", json_integer((json_int_t)doc->seed), ok);
        else {
            char sbuf[32];
            snprintf(sbuf, sizeof sbuf, "%llu", (unsigned long long)doc->seed);
            sc_json_set(b, "seed", json_string(sbuf), ok);
        }
        sc_json_set(b, "level", sc_json_num(doc->level), ok);
        for (size_t k = 0; k < p; k++) {
            double v[2] = {NAN, NAN};
            if (sc_boot_param_interval(doc->boot, k, doc->level, &v[0], &v[1]) != SC_OK)
                v[0] = v[1] = NAN;
            sc_json_set(iv, law->param_names[k], sc_json_nums(v, 2), ok);
        }
        sc_json_set(b, "theta_intervals", iv, ok);
        sc_json_set(o, "bootstrap", b, ok);
    }
    json_t *d = json_object(), *xc = json_array();
    sc_json_set(d, "file", sc_json_str(doc->file), ok);
    for (size_t k = 0; k < law->nx; k++)
        sc_json_push(xc, sc_json_str(doc->x_columns ? doc->x_columns[k] : law->x_names[k]), ok);
    sc_json_set(d, "x_columns", xc, ok);
    sc_json_set(d, "y_column", sc_json_str(doc->y_column), ok);
    sc_json_set(d, "chance", sc_json_num(doc->chance), ok);
    sc_json_set(d, "at_chance_left_out", json_integer((json_int_t)doc->at_chance_left_out), ok);
    sc_json_set(d, "rows", json_integer((json_int_t)doc->rows), ok);
    sc_json_set(d, "points", json_integer((json_int_t)fit->n), ok);
    sc_json_set(d, "skipped_missing", json_integer((json_int_t)doc->skipped_missing), ok);
    sc_json_set(d, "above_max_x", json_integer((json_int_t)doc->above_max_x), ok);
    sc_json_set(d, "dropped_top", json_integer((json_int_t)doc->dropped_top), ok);
    json_t *ri = json_array();
    for (size_t i = 0; i < fit->n; i++)
        sc_json_push(ri, json_integer((json_int_t)(doc->row_index ? doc->row_index[i] : i)), ok);
    sc_json_set(d, "row_index", ri, ok);
    sc_json_set(d, "x", sc_json_nums(fit->x, fit->n * law->nx), ok);
    sc_json_set(d, "y", sc_json_nums(fit->y, fit->n), ok);
    sc_json_set(d, "residuals", sc_json_nums(fit->resid, fit->n), ok);
    sc_json_set(o, "data", d, ok);
    return o;
}

static sc_status check_doc(const sc_fit_doc *doc, sc_error *err)
{
    if (!doc || !doc->fit || !doc->fit->law)
        return sc_fail(err, SC_EINVAL, "", 0, 0, "no fit to write");
    if (doc->fit->law->nparam > SC_FIT_DOC_MAXP)
        return sc_fail(err, SC_EINVAL, "", 0, 0, "law %s has more than %d parameters",
                       doc->fit->law->name, SC_FIT_DOC_MAXP);
    return SC_OK;
}

sc_status sc_fit_doc_write(const sc_fit_doc *doc, FILE *f, sc_error *err)
{
    SC_TRY(check_doc(doc, err));
    int ok = 1;
    json_t *o = build(doc, &ok);
    return sc_json_finish_file(o, ok, SC_JSON_FLAGS, f, err);
}

sc_status sc_fit_doc_string(const sc_fit_doc *doc, char **out, sc_error *err)
{
    *out = NULL;
    SC_TRY(check_doc(doc, err));
    int ok = 1;
    json_t *o = build(doc, &ok);
    return sc_json_finish_string(o, ok, SC_JSON_FLAGS, out, err);
}

void sc_fit_doc_init(sc_fit_doc *doc, const sc_fit *fit)
{
    memset(doc, 0, sizeof *doc);
    doc->fit = fit;
    doc->chance = NAN;
    doc->level = NAN;
    doc->rows = fit ? fit->n : 0;
}

/* --- Reading a saved fit back ----------------------------------------------------------- */

static sc_status read_root(json_t *root, const char *name, sc_saved_fit *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    out->chance = NAN;
    const char *fmt = json_string_value(json_object_get(root, "format"));
    json_t *ver = json_object_get(root, "version");
    /* Documents written before the format name existed carry neither key; they are read as
     * version 1 (the layout is the same). */
    if (fmt && strcmp(fmt, SC_FIT_DOC_FORMAT) != 0)
        return sc_fail(err, SC_EPARSE, name, 0, 0, "not a fit document: format \"%s\", expected \"%s\"",
                       fmt, SC_FIT_DOC_FORMAT);
    out->version = 1;
    if (ver) {
        if (!json_is_integer(ver) || json_integer_value(ver) < 1)
            return sc_fail(err, SC_EPARSE, name, 0, 0, "fit document: \"version\" must be a positive integer");
        if (json_integer_value(ver) > SC_FIT_DOC_VERSION)
            return sc_fail(err, SC_EPARSE, name, 0, 0,
                           "fit document version %lld is newer than this library reads (%d)",
                           (long long)json_integer_value(ver), SC_FIT_DOC_VERSION);
        out->version = (int)json_integer_value(ver);
    }
    const char *lname = json_string_value(json_object_get(root, "law"));
    json_t *theta = json_object_get(root, "theta");
    if (!lname || !json_is_object(theta))
        return sc_fail(err, SC_EPARSE, name, 0, 0, "not a fit document: no \"law\" and \"theta\"");
    out->law = sc_law_find(lname);
    if (!out->law) return sc_fail(err, SC_EUNKNOWN, name, 0, 0, "unknown law \"%s\"", lname);
    if (out->law->nparam > SC_FIT_DOC_MAXP)
        return sc_fail(err, SC_EINTERNAL, name, 0, 0, "law %s has too many parameters", lname);
    for (size_t k = 0; k < out->law->nparam; k++) {
        json_t *t = json_object_get(theta, out->law->param_names[k]);
        if (!json_is_number(t))
            return sc_fail(err, SC_ETYPE, name, 0, 0, "theta has no number \"%s\"",
                           out->law->param_names[k]);
        out->theta[k] = json_number_value(t);
    }
    json_t *data = json_object_get(root, "data");
    json_t *ch = json_is_object(data) ? json_object_get(data, "chance") : NULL;
    if (ch && !json_is_null(ch)) {
        if (!json_is_number(ch) || !(json_number_value(ch) >= 0 && json_number_value(ch) < 1))
            return sc_fail(err, SC_EDOMAIN, name, 0, 0, "data.chance must be null or a level in [0, 1)");
        out->chance = json_number_value(ch);
    }
    return SC_OK;
}

sc_status sc_saved_fit_read_mem(const char *buf, size_t len, const char *name, sc_saved_fit *out,
                                sc_error *err)
{
    json_error_t je;
    json_t *root = json_loadb(buf, len, 0, &je);
    if (!root)
        return sc_fail(err, SC_EPARSE, name, (size_t)(je.line > 0 ? je.line : 0),
                       (size_t)(je.column > 0 ? je.column : 0), "%s", je.text);
    sc_status st = json_is_object(root)
                       ? read_root(root, name, out, err)
                       : sc_fail(err, SC_EPARSE, name, 1, 1, "not a fit document: not a JSON object");
    json_decref(root);
    return st;
}

sc_status sc_saved_fit_read(const char *path, sc_saved_fit *out, sc_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    SC_TRY(sc_read_file(path, &buf, &len, err));
    sc_status st = sc_saved_fit_read_mem(buf, len, path, out, err);
    free(buf);
    return st;
}

void sc_saved_fit_predict(const sc_saved_fit *s, const double *x, size_t m, double *y)
{
    sc_law_predict(s->law, s->theta, x, m, y);
    if (s->law->space == SC_SPACE_LOGLOG && !isnan(s->chance))
        for (size_t i = 0; i < m; i++) y[i] = sc_chance_denormalise(y[i], s->chance);
}
