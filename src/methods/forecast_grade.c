/* SPDX-License-Identifier: GPL-3.0-or-later
 * A saved forecast (forecast --json, format "scalecast.forecast" version 1) read back, and
 * graded against runs that exist now: each forecast row whose target names a run of the runs
 * table gets that run's value of the benchmark (its last checkpoint with a value) as observed,
 * the error and whether the interval covered it; per benchmark and over all, the metrics of the
 * backtests (MAE, RMSE, MRE in percent) and the coverage. Written as JSON (jansson), format
 * "scalecast.score" version 1. */
#include "core/internal.h"
#include "doc/json_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sc_fc_saved_free(sc_fc_saved *s)
{
    if (!s) return;
    for (size_t k = 0; k < s->nrows; k++) free(s->rows[k].benchmark);
    free(s->rows);
    free(s->path);
    free(s);
}

/* A number or null (NaN); anything else is a parse error. */
static int get_num(const json_t *o, const char *key, double *v)
{
    const json_t *x = json_object_get(o, key);
    if (!x || json_is_null(x)) {
        *v = NAN;
        return 1;
    }
    if (!json_is_number(x)) return 0;
    *v = json_number_value(x);
    return 1;
}

static int get_str(const json_t *o, const char *key, char *buf, size_t size)
{
    const json_t *x = json_object_get(o, key);
    if (!x || json_is_null(x)) {
        buf[0] = '\0';
        return 1;
    }
    if (!json_is_string(x)) return 0;
    snprintf(buf, size, "%s", json_string_value(x));
    return 1;
}

sc_status sc_forecast_read_json(const char *path, sc_fc_saved **out, sc_error *err)
{
    if (!path || !out) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "forecast reader: no input");
    *out = NULL;
    char *data = NULL;
    size_t len = 0;
    SC_TRY(sc_read_file(path, &data, &len, err));
    sc_status s = sc_forecast_read_json_mem(data, len, path, out, err);
    free(data);
    return s;
}

sc_status sc_forecast_read_json_mem(const char *data, size_t len, const char *path,
                                    sc_fc_saved **out, sc_error *err)
{
    if (!data || !path || !out)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "forecast reader: no input");
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(data, len, 0, &je);
    if (!root)
        return sc_fail(err, SC_EPARSE, path, je.line > 0 ? (size_t)je.line : 0,
                       je.column > 0 ? (size_t)je.column : 0, "%s", je.text);
    sc_status s = SC_OK;
    const json_t *fmt = json_object_get(root, "format"), *ver = json_object_get(root, "version");
    const json_t *rows = json_object_get(root, "forecasts");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), "scalecast.forecast") != 0) {
        json_decref(root);
        return sc_fail(err, SC_EPARSE, path, 0, 0,
                       "not a saved forecast (format \"scalecast.forecast\"; write one with "
                       "forecast's JSON output)");
    }
    if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
        const int has = json_is_integer(ver);
        const long long v = has ? (long long)json_integer_value(ver) : 0;
        json_decref(root); /* ver belongs to root */
        if (!has) return sc_fail(err, SC_EPARSE, path, 0, 0, "no integer \"version\"");
        return sc_fail(err, SC_EPARSE, path, 0, 0,
                       "forecast format version %lld; this scalecast reads version 1", v);
    }
    if (!json_is_array(rows)) {
        json_decref(root);
        return sc_fail(err, SC_EPARSE, path, 0, 0, "no \"forecasts\" array");
    }
    sc_fc_saved *sv = calloc(1, sizeof *sv);
    size_t n = json_array_size(rows);
    if (sv) sv->rows = calloc(n ? n : 1, sizeof *sv->rows);
    if (sv) sv->path = sc_strdup(path);
    if (!sv || !sv->rows || !sv->path) {
        sc_fc_saved_free(sv);
        json_decref(root);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t k = 0; k < n && s == SC_OK; k++) {
        const json_t *r = json_array_get(rows, k);
        sc_fc_saved_row *q = &sv->rows[k];
        const json_t *b = json_object_get(r, "benchmark");
        if (!json_is_object(r) || !json_is_string(b)) {
            s = sc_fail(err, SC_EPARSE, path, 0, 0, "forecast %zu: no benchmark", k + 1);
            break;
        }
        q->benchmark = sc_strdup(json_string_value(b));
        sv->nrows = k + 1;
        if (!q->benchmark) {
            s = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (!get_str(r, "target", q->target, sizeof q->target) || !q->target[0] ||
            !get_str(r, "law", q->law, sizeof q->law) ||
            !get_str(r, "status", q->status, sizeof q->status) ||
            !get_str(r, "trust", q->trust, sizeof q->trust) || !get_num(r, "N", &q->N) ||
            !get_num(r, "D", &q->D) || !get_num(r, "C", &q->C) ||
            !get_num(r, "value", &q->value) || !get_num(r, "lo", &q->lo) ||
            !get_num(r, "hi", &q->hi) || !get_num(r, "level", &q->level)) {
            s = sc_fail(err, SC_EPARSE, path, 0, 0,
                        "forecast %zu (%.200s): a field of the wrong type or no target", k + 1,
                        q->benchmark);
            break;
        }
        /* A row marked ok carries a value inside its interval, in [0, 1]. */
        if (strcmp(q->status, "ok") == 0 &&
            !(q->value >= 0.0 && q->value <= 1.0 && q->lo <= q->value && q->value <= q->hi)) {
            s = sc_fail(err, SC_EPARSE, path, 0, 0,
                        "forecast %zu (%.200s, %.100s): status ok but value %g is not inside "
                        "[%g, %g] within [0, 1]",
                        k + 1, q->benchmark, q->target, q->value, q->lo, q->hi);
            break;
        }
    }
    json_decref(root);
    if (s != SC_OK) {
        sc_fc_saved_free(sv);
        return s;
    }
    *out = sv;
    return SC_OK;
}

void sc_fc_grade_free(sc_fc_grade *g)
{
    if (!g) return;
    for (size_t b = 0; b < g->nbench; b++) free(g->bench[b].benchmark);
    free(g->bench);
    free(g->rows);
    free(g);
}

/* Adds a graded row to a summary (sums; finished by sum_finish). */
static void sum_add(sc_fc_grade_sum *m, double err, double obs, int covered)
{
    m->n++;
    m->covered += covered != 0;
    m->mae += fabs(err);
    m->rmse += err * err;
    if (obs != 0.0) {
        m->mre += fabs(err / obs);
        m->nmre++;
    }
}

static void sum_finish(sc_fc_grade_sum *m)
{
    if (m->n == 0) {
        m->mae = m->rmse = m->mre = NAN;
        return;
    }
    m->mae /= (double)m->n;
    m->rmse = sqrt(m->rmse / (double)m->n);
    m->mre = m->nmre ? 100.0 * m->mre / (double)m->nmre : NAN;
}

sc_status sc_forecast_grade(const sc_fc_saved *fc, const sc_table *runs, sc_fc_grade **out,
                            sc_error *err)
{
    if (!fc || !runs || !out) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "grade: no input");
    *out = NULL;
    size_t jr;
    SC_TRY(sc_table_require(runs, "run", &jr, err));
    long js = sc_table_find(runs, "step");
    const double *step = js >= 0 ? sc_table_num(runs, (size_t)js) : NULL;
    const size_t nrows = sc_table_nrows(runs);
    sc_fc_grade *g = calloc(1, sizeof *g);
    if (g) g->rows = calloc(fc->nrows ? fc->nrows : 1, sizeof *g->rows);
    if (g) g->bench = calloc(fc->nrows ? fc->nrows : 1, sizeof *g->bench);
    if (!g || !g->rows || !g->bench) {
        sc_fc_grade_free(g);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    g->nrows = fc->nrows;
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_saved_row *q = &fc->rows[k];
        sc_fc_grade_row *r = &g->rows[k];
        r->observed = r->error = NAN;
        /* The benchmark's summary (in order of first appearance). */
        size_t b = 0;
        while (b < g->nbench && strcmp(g->bench[b].benchmark, q->benchmark) != 0) b++;
        if (b == g->nbench) {
            g->bench[b].benchmark = sc_strdup(q->benchmark);
            if (!g->bench[b].benchmark) {
                sc_fc_grade_free(g);
                return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            }
            g->nbench++;
        }
        r->bench = b;
        g->bench[b].rows++;
        g->all.rows++;
        /* The run named like the target: its last row (largest step) with a value. */
        long jb = sc_table_find(runs, q->benchmark);
        const double *y = jb >= 0 && sc_table_coltype(runs, (size_t)jb) == SC_COL_NUM
                              ? sc_table_num(runs, (size_t)jb)
                              : NULL;
        long best = -1;
        int named = 0;
        for (size_t i = 0; i < nrows; i++) {
            const char *name = sc_table_text(runs, jr, i);
            if (!name || strcmp(name, q->target) != 0) continue;
            named = 1;
            if (!y || !isfinite(y[i])) continue;
            if (best < 0 || !step || isnan(step[best]) || (!isnan(step[i]) && step[i] >= step[best]))
                best = (long)i;
        }
        if (strcmp(q->status, "ok") != 0) {
            snprintf(r->status, sizeof r->status, "not_forecast");
        } else if (!named) {
            snprintf(r->status, sizeof r->status, "no_run");
        } else if (best < 0) {
            snprintf(r->status, sizeof r->status, "no_value");
        } else {
            snprintf(r->status, sizeof r->status, "graded");
            r->observed = y[best];
            r->error = q->value - r->observed;
            r->covered = r->observed >= q->lo && r->observed <= q->hi;
            sum_add(&g->bench[b], r->error, r->observed, r->covered);
            sum_add(&g->all, r->error, r->observed, r->covered);
        }
        if (named) g->nnamed++;
    }
    for (size_t b = 0; b < g->nbench; b++) sum_finish(&g->bench[b]);
    sum_finish(&g->all);
    *out = g;
    return SC_OK;
}

static json_t *sum_json(const sc_fc_grade_sum *m, int with_name, int *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = 0;
        return NULL;
    }
    if (with_name) sc_json_set(o, "benchmark", sc_json_str(m->benchmark), ok);
    sc_json_set(o, "forecasts", json_integer((json_int_t)m->rows), ok);
    sc_json_set(o, "graded", json_integer((json_int_t)m->n), ok);
    sc_json_set(o, "covered", json_integer((json_int_t)m->covered), ok);
    sc_json_set(o, "mae", sc_json_num(m->mae), ok);
    sc_json_set(o, "rmse", sc_json_num(m->rmse), ok);
    sc_json_set(o, "mre_percent", sc_json_num(m->mre), ok);
    return o;
}

sc_status sc_fc_grade_write_json(const sc_fc_saved *fc, const sc_fc_grade *g, FILE *f,
                                 sc_error *err)
{
    if (!fc || !g || !f) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "score json: no input");
    int ok = 1;
    json_t *root = json_object();
    if (!root) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_json_set(root, "format", json_string("scalecast.score"), &ok);
    sc_json_set(root, "version", json_integer(1), &ok);
    sc_json_set(root, "scalecast_version", json_string(SC_VERSION_STRING), &ok);
    sc_json_set(root, "forecast", sc_json_str(fc->path), &ok);
    json_t *rows = json_array();
    for (size_t k = 0; rows && k < g->nrows; k++) {
        const sc_fc_saved_row *q = &fc->rows[k];
        const sc_fc_grade_row *r = &g->rows[k];
        json_t *o = json_object();
        if (!o) {
            ok = 0;
            break;
        }
        sc_json_set(o, "benchmark", sc_json_str(q->benchmark), &ok);
        sc_json_set(o, "target", sc_json_str(q->target), &ok);
        sc_json_set(o, "law", sc_json_str(q->law), &ok);
        sc_json_set(o, "value", sc_json_num(q->value), &ok);
        sc_json_set(o, "lo", sc_json_num(q->lo), &ok);
        sc_json_set(o, "hi", sc_json_num(q->hi), &ok);
        sc_json_set(o, "level", sc_json_num(q->level), &ok);
        sc_json_set(o, "trust", sc_json_str(q->trust), &ok);
        sc_json_set(o, "observed", sc_json_num(r->observed), &ok);
        sc_json_set(o, "error", sc_json_num(r->error), &ok);
        sc_json_set(o, "covered", strcmp(r->status, "graded") == 0 ? json_boolean(r->covered)
                                                                    : json_null(),
                    &ok);
        sc_json_set(o, "status", sc_json_str(r->status), &ok);
        sc_json_push(rows, o, &ok);
    }
    sc_json_set(root, "rows", rows, &ok);
    json_t *bench = json_array();
    for (size_t b = 0; bench && b < g->nbench; b++) sc_json_push(bench, sum_json(&g->bench[b], 1, &ok), &ok);
    sc_json_set(root, "benchmarks", bench, &ok);
    sc_json_set(root, "all", sum_json(&g->all, 0, &ok), &ok);
    return sc_json_finish_file(root, ok, SC_JSON_FLAGS, f, err);
}
