/* SPDX-License-Identifier: GPL-3.0-or-later
 * The aggregate metric chain (Schaeffer et al. 2024): how the per-model means of each metric
 * correlate with compute. */
#include "scalecast.h"

#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

sc_status sc_chain_result_aggregate(const sc_chain_result *res, const double *log10c, double *r)
{
    int sign[SC_CHAIN_NMETRICS];
    for (size_t q = 0; q < SC_CHAIN_NMETRICS; q++) sign[q] = sc_chain_metric_sign((sc_chain_metric)q);
    return sc_chain_aggregate(log10c, res->model_mean, res->nmodels, SC_CHAIN_NMETRICS, sign, r);
}

/* --- The aggregate chain on published per-run metrics ----------------------------------- */

enum { AGG_MAX_TASKS = 256 };

sc_status sc_chain_agg_preset(const char *name, sc_chain_agg_opts *o)
{
    if (strcmp(name, "olmo") == 0) {
        /* OLMo ladder (Bhagia et al. 2024): compute in GFLOPs, the four stages of the chain. */
        o->x = "throughput/total_training_Gflops";
        o->xscale = 1e9;
        o->stages = "eval/downstream_bpb/{task}_rc_5shot_bpb:-1,"
                    "eval/downstream_soft_log/{task}_rc_5shot_soft_log,"
                    "eval/downstream_soft/{task}_rc_5shot_soft,"
                    "eval/downstream/{task}_rc_5shot_len_norm";
        return SC_OK;
    }
    if (strcmp(name, "apple") == 0) {
        /* The Krajewski et al. long file: compute from params and tokens. */
        o->long_format = 1;
        o->stages = "{task}:loglikelihood,{task}:brier:-1,{task}:acc_norm,{task}:acc";
        return SC_OK;
    }
    return SC_EUNKNOWN;
}

void sc_chain_agg_opts_init(sc_chain_agg_opts *o)
{
    memset(o, 0, sizeof *o);
    o->xscale = 1.0;
}

/* "tmpl[:-1],tmpl,..." -> stages; labels are the text after the last '/' around {task}. */
static sc_status parse_stages(const char *s, sc_chain_agg *a, sc_error *err)
{
    const char *p = s;
    while (*p) {
        if (a->nstages == SC_CHAIN_AGG_MAX_STAGES)
            return sc_fail(err, SC_EINVAL, "", 0, 0, "the chain has at most %d stages",
                           SC_CHAIN_AGG_MAX_STAGES);
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char item[256];
        if (n >= sizeof item) return sc_fail(err, SC_EINVAL, "", 0, 0, "a stage template is too long");
        memcpy(item, p, n);
        item[n] = '\0';
        int sign = 1;
        char *c = strrchr(item, ':');
        if (c && (strcmp(c, ":-1") == 0 || strcmp(c, ":-") == 0)) {
            sign = -1;
            *c = '\0';
        } else if (c && (strcmp(c, ":+1") == 0 || strcmp(c, ":1") == 0)) {
            *c = '\0';
        }
        if (!strstr(item, "{task}"))
            return sc_fail(err, SC_EINVAL, "", 0, 0, "stage \"%s\" has no {task}", item);
        size_t k = a->nstages++;
        snprintf(a->stage[k], sizeof a->stage[k], "%s", item);
        a->sign[k] = sign;
        const char *t = strstr(item, "{task}") + 6;
        const char *slash = strrchr(item, '/');
        const char *lab = (slash && slash < t) ? t : (slash ? slash + 1 : t);
        const char *shot = strstr(lab, "shot_");
        if (shot) lab = shot + 5;
        while (*lab == '_' || *lab == ':') lab++;
        snprintf(a->label[k], sizeof a->label[k], "%.63s", *lab ? lab : item);
        if (!e) break;
        p = e + 1;
    }
    if (a->nstages == 0) return sc_fail(err, SC_EINVAL, "", 0, 0, "the chain has no stages");
    return SC_OK;
}

void sc_chain_agg_column(const sc_chain_agg *a, size_t task, size_t stage, char *out, size_t size)
{
    const char *tmpl = a->stage[stage], *t = strstr(tmpl, "{task}");
    snprintf(out, size, "%.*s%s%s", (int)(t - tmpl), tmpl, a->task[task], t + 6);
}

/* Task names: columns matching the first template whose every stage column is numeric. */
static sc_status find_tasks(const sc_table *t, sc_chain_agg *a)
{
    const char *tm = a->stage[0], *at = strstr(tm, "{task}");
    size_t pl = (size_t)(at - tm), sl = strlen(at + 6);
    for (size_t j = 0; j < sc_table_ncols(t) && a->ntasks < AGG_MAX_TASKS; j++) {
        const char *c = sc_table_colname(t, j);
        size_t cl = strlen(c);
        if (cl <= pl + sl || strncmp(c, tm, pl) != 0 || strcmp(c + cl - sl, at + 6) != 0) continue;
        size_t tl = cl - pl - sl;
        if (tl >= 128) continue;
        char *name = malloc(tl + 1);
        if (!name) return SC_ENOMEM;
        memcpy(name, c + pl, tl);
        name[tl] = '\0';
        a->task[a->ntasks] = name;
        int ok = 1;
        for (size_t s = 0; s < a->nstages && ok; s++) {
            char col[512];
            sc_chain_agg_column(a, a->ntasks, s, col, sizeof col);
            long k = sc_table_find(t, col);
            ok = k >= 0 && sc_table_coltype(t, (size_t)k) == SC_COL_NUM;
        }
        if (ok) a->ntasks++;
        else {
            free(name);
            a->task[a->ntasks] = NULL;
        }
    }
    return SC_OK;
}

/* log10 of compute for every row: the x column (scaled), or 6 N D from params and tokens (or
 * tokens and the nominal tokens-per-parameter ratio). */
static sc_status compute_x(const sc_table *t, const sc_chain_agg_opts *o, double *lx,
                           const char *file, sc_error *err)
{
    size_t n = sc_table_nrows(t), j;
    if (o->x) {
        SC_TRY(sc_table_require_num(t, o->x, &j, err));
        const double *v = sc_table_num(t, j);
        for (size_t i = 0; i < n; i++) lx[i] = v[i] > 0 ? log10(v[i] * o->xscale) : NAN;
        return SC_OK;
    }
    long jf = sc_table_find(t, "flops"), jp = sc_table_find(t, "params");
    long jt = sc_table_find(t, "tokens"), jr = sc_table_find(t, "tpr");
    const double *F = jf >= 0 ? sc_table_num(t, (size_t)jf) : NULL;
    const double *P = jp >= 0 ? sc_table_num(t, (size_t)jp) : NULL;
    const double *T = jt >= 0 ? sc_table_num(t, (size_t)jt) : NULL;
    const double *R = jr >= 0 ? sc_table_num(t, (size_t)jr) : NULL;
    if (!F && !(P && T) && !(T && R))
        return sc_fail(err, SC_ENOCOL, file, 0, 0,
                       "no compute: name a compute column, or give columns flops, or params and "
                       "tokens, or tokens and tpr");
    for (size_t i = 0; i < n; i++) {
        /* C = 6 N D; with only tokens and the nominal tokens-per-parameter ratio, N = D / tpr
         * (an approximation, see data/apple/SOURCE.md). */
        double c = F ? F[i] : (P ? 6.0 * P[i] * T[i] : 6.0 * (T[i] / R[i]) * T[i]);
        lx[i] = c > 0 ? log10(c) : NAN;
    }
    return SC_OK;
}

/* Apple's long format -> one wide row per run ("<benchmark>:<metric_type>" columns). */
static sc_status widen(sc_table **t, sc_error *err)
{
    const char *ids[8];
    size_t nid = 0;
    for (size_t j = 0; j < sc_table_ncols(*t) && nid < 8; j++) {
        const char *c = sc_table_colname(*t, j);
        if (c[0] && strcmp(c, "benchmark") && strcmp(c, "metric_type") && strcmp(c, "score"))
            ids[nid++] = c;
    }
    const char *keys[2] = {"benchmark", "metric_type"};
    sc_table *w = NULL;
    SC_TRY(sc_table_pivot(*t, ids, nid, keys, 2, "score", ":", &w, err));
    sc_table_free(*t);
    *t = w;
    return SC_OK;
}

void sc_chain_agg_free(sc_chain_agg *a)
{
    if (!a) return;
    for (size_t k = 0; k < AGG_MAX_TASKS && a->task; k++) free(a->task[k]);
    free(a->task);
    free(a->n);
    free(a->r);
    free(a);
}

/* Points for one task: every row of every file (across runs), the last row of each file
 * (SC_CHAIN_AGG_LAST) or per file with correlations averaged over files (SC_CHAIN_AGG_WITHIN). */
static sc_status run_task(sc_chain_agg *a, size_t k, sc_table *const *tabs, double *const *lx,
                          const char *const *files, size_t nfiles, sc_chain_agg_mode mode,
                          double *X, double *M, double *acc, size_t *cnt, sc_error *err)
{
    const size_t NS = a->nstages, NK = SC_CORR_NKINDS;
    double *r = a->r + k * NS * NK;
    memset(acc, 0, NS * NK * sizeof *acc);
    memset(cnt, 0, NS * NK * sizeof *cnt);
    size_t npts = 0;
    for (size_t f = 0; f < nfiles; f++) {
        const sc_table *t = tabs[f];
        size_t fc[SC_CHAIN_AGG_MAX_STAGES];
        for (size_t s = 0; s < NS; s++) {
            char name[512];
            sc_chain_agg_column(a, k, s, name, sizeof name);
            long j = sc_table_find(t, name);
            if (j < 0 || sc_table_coltype(t, (size_t)j) != SC_COL_NUM)
                return sc_fail(err, SC_ENOCOL, files[f], 0, 0, "no numeric column \"%s\"", name);
            fc[s] = (size_t)j;
        }
        size_t n = sc_table_nrows(t), from = 0;
        if (mode == SC_CHAIN_AGG_WITHIN) npts = 0;
        if (mode == SC_CHAIN_AGG_LAST) { /* the last row with a compute value */
            size_t i = n;
            while (i > 0 && isnan(lx[f][i - 1])) i--;
            if (i == 0) continue;
            from = i - 1;
            n = i;
        }
        for (size_t i = from; i < n; i++) {
            if (isnan(lx[f][i])) continue;
            X[npts] = lx[f][i];
            for (size_t s = 0; s < NS; s++) M[npts * NS + s] = sc_table_num(t, fc[s])[i];
            npts++;
        }
        if (mode == SC_CHAIN_AGG_WITHIN) {
            SC_TRY(sc_chain_aggregate(X, M, npts, NS, a->sign, r));
            for (size_t q = 0; q < NS * NK; q++)
                if (!isnan(r[q])) {
                    acc[q] += r[q];
                    cnt[q]++;
                }
        }
    }
    if (mode == SC_CHAIN_AGG_WITHIN) {
        for (size_t q = 0; q < NS * NK; q++) r[q] = cnt[q] ? acc[q] / (double)cnt[q] : NAN;
        npts = nfiles;
    } else {
        SC_TRY(sc_chain_aggregate(X, M, npts, NS, a->sign, r));
    }
    a->n[k] = npts;
    return SC_OK;
}

sc_status sc_chain_agg_run(const char *const *files, size_t nfiles, const sc_chain_agg_opts *o,
                           sc_chain_agg **out, sc_error *err)
{
    *out = NULL;
    if (nfiles == 0) return sc_fail(err, SC_EINVAL, "", 0, 0, "the aggregate chain needs data files");
    if (!o->stages) return sc_fail(err, SC_EINVAL, "", 0, 0, "the aggregate chain needs its stages");
    if (!(o->xscale > 0 && isfinite(o->xscale)))
        return sc_fail(err, SC_EINVAL, "", 0, 0, "the compute scale must be a number > 0");
    sc_chain_agg *a = calloc(1, sizeof *a);
    if (!a) return SC_ENOMEM;
    a->mode = o->mode;
    sc_status st = parse_stages(o->stages, a, err);
    const size_t NK = SC_CORR_NKINDS;
    sc_table **tabs = calloc(nfiles, sizeof *tabs);
    double **lx = calloc(nfiles, sizeof *lx);
    a->task = calloc(AGG_MAX_TASKS, sizeof *a->task);
    if (st == SC_OK && (!tabs || !lx || !a->task)) st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    size_t maxpts = 0;
    for (size_t f = 0; f < nfiles && st == SC_OK; f++) {
        st = sc_csv_read(files[f], NULL, &tabs[f], err);
        if (st == SC_OK && o->long_format) st = widen(&tabs[f], err);
        if (st != SC_OK) break;
        maxpts += sc_table_nrows(tabs[f]);
        lx[f] = calloc(sc_table_nrows(tabs[f]) + 1, sizeof *lx[f]);
        if (!lx[f]) st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
        else st = compute_x(tabs[f], o, lx[f], files[f], err);
    }
    if (st == SC_OK) st = find_tasks(tabs[0], a);
    if (st == SC_OK && a->ntasks == 0)
        st = sc_fail(err, SC_ENOCOL, files[0], 0, 0,
                     "no task has every column of the chain (first: %s)", a->stage[0]);
    const size_t NS = a->nstages;
    double *X = NULL, *M = NULL, *acc = NULL;
    size_t *cnt = NULL, *mean_n = NULL;
    if (st == SC_OK) {
        X = sc_malloc_array(maxpts + 1, sizeof *X);
        M = sc_malloc_array((maxpts + 1) * NS, sizeof *M);
        acc = calloc(NS * NK, sizeof *acc);
        cnt = calloc(NS * NK, sizeof *cnt);
        mean_n = calloc(NS * NK, sizeof *mean_n);
        a->n = calloc(a->ntasks, sizeof *a->n);
        a->r = calloc(a->ntasks * NS * NK, sizeof *a->r);
        if (!X || !M || !acc || !cnt || !mean_n || !a->n || !a->r)
            st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    }
    for (size_t k = 0; k < a->ntasks && st == SC_OK; k++)
        st = run_task(a, k, tabs, lx, files, nfiles, o->mode, X, M, acc, cnt, err);
    if (st == SC_OK) {
        /* The mean over tasks of each stage's correlations (undefined ones left out). */
        double *mean = &a->mean[0][0];
        for (size_t q = 0; q < NS * NK; q++) mean[q] = 0;
        for (size_t k = 0; k < a->ntasks; k++)
            for (size_t q = 0; q < NS * NK; q++) {
                double v = a->r[k * NS * NK + q];
                if (!isnan(v)) {
                    mean[q] += v;
                    mean_n[q]++;
                }
            }
        for (size_t q = 0; q < NS * NK; q++) mean[q] = mean_n[q] ? mean[q] / (double)mean_n[q] : NAN;
    }
    for (size_t f = 0; tabs && f < nfiles; f++) {
        sc_table_free(tabs[f]);
        if (lx) free(lx[f]);
    }
    free(tabs);
    free(lx);
    free(X);
    free(M);
    free(acc);
    free(cnt);
    free(mean_n);
    if (st != SC_OK) {
        sc_chain_agg_free(a);
        return st;
    }
    *out = a;
    return SC_OK;
}
