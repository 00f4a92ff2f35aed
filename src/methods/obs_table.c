/* SPDX-License-Identifier: GPL-3.0-or-later
 * Tables for observational scaling laws: inner join on the model column and extraction of the
 * benchmark matrix, FLOPs and target, with the [0, 1] domain checked at the source cell. */
#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static long find_key(const sc_table *t, size_t kc, const char *key)
{
    size_t n = sc_table_nrows(t);
    for (size_t i = 0; i < n; i++) {
        const char *v = sc_table_text(t, kc, i);
        if (v && strcmp(v, key) == 0) return (long)i;
    }
    return -1;
}

static sc_status key_column(const sc_table *t, const char *key, size_t *kc, sc_error *err)
{
    SC_TRY(sc_table_require(t, key, kc, err));
    if (sc_table_coltype(t, *kc) != SC_COL_TEXT)
        return sc_fail(err, SC_ETYPE, sc_table_source(t), 1, 0,
                       "column \"%s\" must hold model names (text)", key);
    size_t n = sc_table_nrows(t);
    for (size_t i = 0; i < n; i++) {
        const char *v = sc_table_text(t, *kc, i);
        if (v == NULL) continue;
        for (size_t j = 0; j < i; j++) {
            const char *u = sc_table_text(t, *kc, j);
            if (u && strcmp(u, v) == 0) {
                size_t line = 0, col = 0;
                sc_table_cell_pos(t, i, *kc, &line, &col);
                return sc_fail(err, SC_EDUP, sc_table_source(t), line, col,
                               "model \"%s\" appears twice", v);
            }
        }
    }
    return SC_OK;
}

sc_status sc_obs_join(const sc_table *const *tables, size_t ntables, const char *key,
                      sc_table **out, sc_error *err)
{
    if (out == NULL || tables == NULL || ntables == 0 || key == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "join: no tables");
    *out = NULL;
    size_t *kc = sc_calloc(ntables, sizeof(size_t));
    size_t n0 = sc_table_nrows(tables[0]);
    long *idx = sc_calloc((n0 ? n0 : 1) * ntables, sizeof(long));
    unsigned char *keep = sc_calloc(n0 ? n0 : 1, 1);
    sc_table *res = NULL;
    sc_status st = SC_OK;
    if (!kc || !idx || !keep) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t t = 0; t < ntables; t++)
        if ((st = key_column(tables[t], key, &kc[t], err)) != SC_OK) goto done;
    size_t m = 0;
    for (size_t i = 0; i < n0; i++) {
        const char *v = sc_table_text(tables[0], kc[0], i);
        keep[i] = v != NULL;
        idx[i * ntables] = (long)i;
        for (size_t t = 1; keep[i] && t < ntables; t++) {
            idx[i * ntables + t] = find_key(tables[t], kc[t], v);
            keep[i] = idx[i * ntables + t] >= 0;
        }
        m += keep[i];
    }
    if ((st = sc_table_filter(tables[0], keep, &res)) != SC_OK) {
        sc_fail(err, st, NULL, 0, 0, "join: %s", sc_strerror(st));
        goto done;
    }
    double *num = sc_calloc(m ? m : 1, sizeof(double));
    const char **txt = sc_calloc(m ? m : 1, sizeof(char *));
    if (!num || !txt) {
        free(num);
        free(txt);
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t t = 1; t < ntables && st == SC_OK; t++) {
        const sc_table *T = tables[t];
        for (size_t j = 0; j < sc_table_ncols(T) && st == SC_OK; j++) {
            const char *name = sc_table_colname(T, j);
            if (sc_table_find(res, name) >= 0) continue;
            size_t r = 0;
            for (size_t i = 0; i < n0; i++) {
                if (!keep[i]) continue;
                size_t src = (size_t)idx[i * ntables + t];
                if (sc_table_coltype(T, j) == SC_COL_NUM)
                    num[r] = sc_table_num(T, j)[src];
                else
                    txt[r] = sc_table_text(T, j, src);
                r++;
            }
            st = sc_table_coltype(T, j) == SC_COL_NUM ? sc_table_add_num(res, name, num, m)
                                                      : sc_table_add_text(res, name, txt, m);
            if (st != SC_OK) sc_fail(err, st, NULL, 0, 0, "join: column \"%s\": %s", name, sc_strerror(st));
        }
    }
    free(num);
    free(txt);
done:
    free(kc);
    free(idx);
    free(keep);
    if (st != SC_OK) {
        sc_table_free(res);
        return st;
    }
    *out = res;
    return SC_OK;
}

void sc_obs_table_data_free(sc_obs_table_data *d)
{
    if (d == NULL) return;
    for (size_t i = 0; i < d->data.n; i++) {
        if (d->model) free(d->model[i]);
        if (d->family) free(d->family[i]);
    }
    for (size_t j = 0; d->metric && j < d->data.p; j++) free(d->metric[j]);
    free(d->model);
    free(d->family);
    free(d->metric);
    free(d->B);
    free(d->flops);
    free(d->size);
    free(d->y);
    free(d->line);
    free(d);
}

static sc_status out_of_range(const sc_table *t, size_t i, size_t j, double v, const char *col,
                              const char *what, sc_error *err)
{
    size_t line = 0, c = 0;
    sc_table_cell_pos(t, i, j, &line, &c);
    return sc_fail(err, SC_EDOMAIN, sc_table_source(t), line, c,
                   "%s \"%s\": %g is outside [0, 1] (declare its scale, e.g. %g)", what,
                   col, v, v > 1.0 && v <= 10.0 ? 10.0 : 100.0);
}

sc_status sc_obs_table_data_new(const sc_table *t, const unsigned char *keep,
                                const sc_obs_columns *cols, sc_obs_table_data **out,
                                sc_error *err)
{
    if (out == NULL || t == NULL || cols == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "observational: no table");
    *out = NULL;
    const char *mname = cols->model ? cols->model : "Model";
    const char *fname = cols->family ? cols->family : "Model Family";
    const char *cname = cols->flops ? cols->flops : "FLOPs (1E21)";
    const char *sname = cols->size ? cols->size : "Model Size (B)";
    const char *const *metrics = cols->metrics ? cols->metrics : sc_obs_default_metrics();
    size_t p = cols->metrics ? cols->nmetrics : 0;
    if (!cols->metrics)
        while (metrics[p]) p++;
    if (p == 0) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no metrics for the PCA");
    size_t mc = 0, tc = 0;
    size_t *jc = sc_calloc(p, sizeof(size_t));
    if (!jc) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_status st = SC_OK;
    sc_obs_table_data *d = NULL;
    if ((st = sc_table_require(t, mname, &mc, err)) != SC_OK) goto done;
    for (size_t j = 0; j < p; j++)
        if ((st = sc_table_require_num(t, metrics[j], &jc[j], err)) != SC_OK) goto done;
    if (cols->target && (st = sc_table_require_num(t, cols->target, &tc, err)) != SC_OK) goto done;
    long fc = sc_table_find(t, fname), cc = sc_table_find(t, cname), sc = sc_table_find(t, sname);
    if (sc >= 0 && sc_table_coltype(t, (size_t)sc) != SC_COL_NUM) sc = -1; /* not numbers: no sizes */
    if (cc >= 0 && (st = sc_table_require_num(t, cname, &(size_t){0}, err)) != SC_OK) goto done;
    size_t nrows = sc_table_nrows(t), n = 0;
    for (size_t i = 0; i < nrows; i++) n += keep == NULL || keep[i];
    if (n == 0) {
        st = sc_fail(err, SC_EEMPTY, sc_table_source(t), 0, 0, "no model selected");
        goto done;
    }
    d = sc_calloc(1, sizeof *d);
    if (!d) goto oom;
    d->model = sc_calloc(n, sizeof(char *));
    d->family = fc >= 0 ? sc_calloc(n, sizeof(char *)) : NULL;
    d->metric = sc_calloc(p, sizeof(char *));
    d->B = sc_calloc(n * p, sizeof(double));
    d->flops = cc >= 0 ? sc_calloc(n, sizeof(double)) : NULL;
    d->size = sc >= 0 ? sc_calloc(n, sizeof(double)) : NULL;
    d->y = cols->target ? sc_calloc(n, sizeof(double)) : NULL;
    d->line = sc_calloc(n, sizeof(size_t));
    if (!d->model || (fc >= 0 && !d->family) || !d->metric || !d->B || (cc >= 0 && !d->flops) || (sc >= 0 && !d->size) ||
        (cols->target && !d->y) || !d->line)
        goto oom;
    d->data.n = n;
    d->data.p = p;
    for (size_t j = 0; j < p; j++)
        if (!(d->metric[j] = sc_strdup(metrics[j]))) goto oom;
    double scale = cols->target_scale > 0.0 ? cols->target_scale : 1.0;
    double chance = cols->target_chance;
    for (size_t i = 0, r = 0; i < nrows; i++) {
        if (keep && !keep[i]) continue;
        const char *mv = sc_table_text(t, mc, i);
        size_t line = 0, col = 0;
        sc_table_cell_pos(t, i, mc, &line, &col);
        d->line[r] = line;
        if (mv == NULL) {
            st = sc_fail(err, SC_EEMPTY, sc_table_source(t), line, col, "a model without a name");
            goto done;
        }
        if (!(d->model[r] = sc_strdup(mv))) goto oom;
        if (fc >= 0) {
            const char *fv = sc_table_text(t, (size_t)fc, i);
            if (fv && !(d->family[r] = sc_strdup(fv))) goto oom;
        }
        for (size_t j = 0; j < p; j++) {
            double v = sc_table_num(t, jc[j])[i];
            if (cols->metric_scales && cols->metric_scales[j] > 0.0) v /= cols->metric_scales[j];
            if (!isnan(v) && !(v >= 0.0 && v <= 1.0)) {
                st = out_of_range(t, i, jc[j], sc_table_num(t, jc[j])[i], metrics[j], "metric", err);
                goto done;
            }
            d->B[r * p + j] = v;
        }
        if (d->flops) d->flops[r] = sc_table_num(t, (size_t)cc)[i];
        if (d->size) d->size[r] = sc_table_num(t, (size_t)sc)[i];
        if (d->y) {
            double v = sc_table_num(t, tc)[i] / scale;
            if (chance != 0.0) v = (v - chance) / (1.0 - chance);
            /* After a chance rescaling a score below chance is negative: allowed down to -1. */
            if (!isnan(v) && !(v >= (chance != 0.0 ? -1.0 : 0.0) && v <= 1.0)) {
                st = out_of_range(t, i, tc, sc_table_num(t, tc)[i], cols->target, "target", err);
                goto done;
            }
            d->y[r] = v;
        }
        r++;
    }
    d->data.model = (const char *const *)d->model;
    d->data.family = (const char *const *)d->family;
    d->data.metric = (const char *const *)d->metric;
    d->data.B = d->B;
    d->data.flops = d->flops;
    d->data.size = d->size;
    d->data.y = d->y;
    goto done;
oom:
    st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
done:
    free(jc);
    if (st != SC_OK) {
        sc_obs_table_data_free(d);
        return st;
    }
    *out = d;
    return SC_OK;
}
