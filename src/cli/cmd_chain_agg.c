/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast chain --aggregate: the metric chain on aggregate (per-run) scores, when no
 * per-sample logs exist: for each task, the correlation of each stage of the chain with
 * log10 C across runs (or across the checkpoints of each run). */
#include "cli.h"
#include "commands.h"
#include "cmd_chain_agg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { AGG_MAX_STAGES = 8 };

typedef struct agg_spec {
    size_t nstages;
    char stage[AGG_MAX_STAGES][256]; /* column templates with {task} */
    int sign[AGG_MAX_STAGES];
    char label[AGG_MAX_STAGES][64];
} agg_spec;

/* "tmpl[:-1],tmpl,..." -> spec; labels are the text after the last '/' around {task}. */
static int parse_spec(const char *s, agg_spec *sp)
{
    memset(sp, 0, sizeof *sp);
    const char *p = s;
    while (*p) {
        if (sp->nstages == AGG_MAX_STAGES)
            return cli_fail(SC_EXIT_USAGE, "--metrics: at most %d stages", AGG_MAX_STAGES);
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char item[256];
        if (n >= sizeof item) return cli_fail(SC_EXIT_USAGE, "--metrics: item too long");
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
            return cli_fail(SC_EXIT_USAGE, "--metrics: \"%s\" has no {task}", item);
        size_t k = sp->nstages++;
        snprintf(sp->stage[k], sizeof sp->stage[k], "%s", item);
        sp->sign[k] = sign;
        const char *t = strstr(item, "{task}") + 6;
        const char *slash = strrchr(item, '/');
        const char *lab = (slash && slash < t) ? t : (slash ? slash + 1 : t);
        const char *shot = strstr(lab, "shot_");
        if (shot) lab = shot + 5;
        while (*lab == '_' || *lab == ':') lab++;
        snprintf(sp->label[k], sizeof sp->label[k], "%.63s", *lab ? lab : item);
        if (!e) break;
        p = e + 1;
    }
    if (sp->nstages == 0) return cli_fail(SC_EXIT_USAGE, "--metrics: no stages");
    return 0;
}

static void fill(const char *tmpl, const char *task, char *out, size_t size)
{
    const char *t = strstr(tmpl, "{task}");
    snprintf(out, size, "%.*s%s%s", (int)(t - tmpl), tmpl, task, t + 6);
}

/* Task names: columns matching the first template. */
static size_t find_tasks(const sc_table *t, const agg_spec *sp, char (*tasks)[128], size_t max)
{
    const char *tm = sp->stage[0], *at = strstr(tm, "{task}");
    size_t pl = (size_t)(at - tm), sl = strlen(at + 6), n = 0;
    for (size_t j = 0; j < sc_table_ncols(t) && n < max; j++) {
        const char *c = sc_table_colname(t, j);
        size_t cl = strlen(c);
        if (cl <= pl + sl || strncmp(c, tm, pl) != 0 || strcmp(c + cl - sl, at + 6) != 0) continue;
        size_t tl = cl - pl - sl;
        if (tl >= 128) continue;
        memcpy(tasks[n], c + pl, tl);
        tasks[n][tl] = '\0';
        int ok = 1;
        for (size_t s = 0; s < sp->nstages && ok; s++) {
            char name[512];
            fill(sp->stage[s], tasks[n], name, sizeof name);
            long k = sc_table_find(t, name);
            ok = k >= 0 && sc_table_coltype(t, (size_t)k) == SC_COL_NUM;
        }
        if (ok) n++;
    }
    return n;
}

/* log10 of compute for every row: x column (scaled), or 6 N D from params/tokens(/tpr). */
static int compute_x(const sc_table *t, const char *xcol, double xscale, double *lx,
                     const char *file)
{
    size_t n = sc_table_nrows(t);
    sc_error err;
    sc_error_clear(&err);
    size_t j;
    if (xcol) {
        if (sc_table_require_num(t, xcol, &j, &err) != SC_OK) return cli_report(&err);
        const double *v = sc_table_num(t, j);
        for (size_t i = 0; i < n; i++) lx[i] = v[i] > 0 ? log10(v[i] * xscale) : NAN;
        return 0;
    }
    long jf = sc_table_find(t, "flops"), jp = sc_table_find(t, "params");
    long jt = sc_table_find(t, "tokens"), jr = sc_table_find(t, "tpr");
    const double *F = jf >= 0 ? sc_table_num(t, (size_t)jf) : NULL;
    const double *P = jp >= 0 ? sc_table_num(t, (size_t)jp) : NULL;
    const double *T = jt >= 0 ? sc_table_num(t, (size_t)jt) : NULL;
    const double *R = jr >= 0 ? sc_table_num(t, (size_t)jr) : NULL;
    if (!F && !(P && T) && !(T && R))
        return cli_fail(SC_EXIT_DATA, "%s: no compute: give --x, or columns flops, or params and "
                                      "tokens, or tokens and tpr", file);
    for (size_t i = 0; i < n; i++) {
        /* C = 6 N D; with only tokens and the nominal tokens-per-parameter ratio, N = D / tpr
         * (an approximation, see data/apple/SOURCE.md). */
        double c = F ? F[i] : (P ? 6.0 * P[i] * T[i] : 6.0 * (T[i] / R[i]) * T[i]);
        lx[i] = c > 0 ? log10(c) : NAN;
    }
    return 0;
}

/* Apple's long format -> one wide row per run ("<benchmark>:<metric_type>" columns). */
static int widen(sc_table **t)
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
    sc_error err;
    sc_error_clear(&err);
    if (sc_table_pivot(*t, ids, nid, keys, 2, "score", ":", &w, &err) != SC_OK)
        return cli_report(&err);
    sc_table_free(*t);
    *t = w;
    return 0;
}

typedef struct agg_point {
    double lx;
    double *m; /* nstages */
} agg_point;

int chain_aggregate(const agg_opts *o)
{
    agg_spec sp;
    int rc = parse_spec(o->metrics, &sp);
    if (rc) return rc;
    size_t NS = sp.nstages, NK = SC_CORR_NKINDS;
    sc_table **tabs = calloc(o->nfiles, sizeof *tabs);
    double **lx = calloc(o->nfiles, sizeof *lx);
    if (!tabs || !lx) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    sc_error err;
    sc_error_clear(&err);
    for (size_t f = 0; f < o->nfiles && !rc; f++) {
        if (sc_csv_read(o->files[f], NULL, &tabs[f], &err) != SC_OK) {
            rc = cli_report(&err);
            break;
        }
        if (o->long_format && (rc = widen(&tabs[f]))) break;
        lx[f] = calloc(sc_table_nrows(tabs[f]) + 1, sizeof *lx[f]);
        if (!lx[f]) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        else rc = compute_x(tabs[f], o->x, o->xscale, lx[f], o->files[f]);
    }
    char (*tasks)[128] = calloc(256, sizeof *tasks);
    size_t ntasks = 0;
    if (!rc && !tasks) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    if (!rc) {
        ntasks = find_tasks(tabs[0], &sp, tasks, 256);
        if (ntasks == 0)
            rc = cli_fail(SC_EXIT_DATA, "%s: no task has every column of the chain (first: %s)",
                          o->files[0], sp.stage[0]);
    }
    /* Points: every row of every file (across runs), the last row of each file (--last), or
     * per file (--within; correlations averaged over files). */
    size_t maxpts = 0;
    for (size_t f = 0; f < o->nfiles && !rc; f++) maxpts += sc_table_nrows(tabs[f]);
    double *X = malloc((maxpts + 1) * sizeof *X), *Mm = malloc((maxpts + 1) * NS * sizeof *Mm);
    double *r = malloc(NS * NK * sizeof *r), *acc = calloc(NS * NK, sizeof *acc);
    size_t *cnt = calloc(NS * NK, sizeof *cnt);
    double *mean_r = calloc(NS * NK, sizeof *mean_r);
    size_t *mean_n = calloc(NS * NK, sizeof *mean_n);
    if (!rc && (!X || !Mm || !r || !acc || !cnt || !mean_r || !mean_n))
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    if (!rc) {
        if (o->json) printf("{\"mode\": \"%s\", \"tasks\": [", o->within ? "within" : (o->last ? "last" : "all"));
        else {
            printf("aggregate chain: correlation with log10 C %s (sign * metric; +1 ideal)\n",
                   o->within ? "across the checkpoints of each run, mean over runs"
                             : (o->last ? "across the runs' final checkpoints" : "across runs"));
            printf("%-34s %5s", "task", "n");
            for (size_t s = 0; s < NS; s++) {
                char h[80];
                snprintf(h, sizeof h, "%s%s", sp.sign[s] < 0 ? "-" : "", sp.label[s]);
                printf(" %22.22s", h);
            }
            printf("\n%-34s %5s", "", "");
            for (size_t s = 0; s < NS; s++) printf(" %6s %7s %7s", "P", "S", "K");
            printf("\n");
        }
    }
    for (size_t k = 0; k < ntasks && !rc; k++) {
        size_t cols[AGG_MAX_STAGES];
        for (size_t s = 0; s < NS; s++) {
            char name[512];
            fill(sp.stage[s], tasks[k], name, sizeof name);
            long j = sc_table_find(tabs[0], name);
            cols[s] = (size_t)j;
        }
        memset(acc, 0, NS * NK * sizeof *acc);
        memset(cnt, 0, NS * NK * sizeof *cnt);
        size_t npts = 0;
        for (size_t f = 0; f < o->nfiles && !rc; f++) {
            const sc_table *t = tabs[f];
            size_t fc[AGG_MAX_STAGES];
            for (size_t s = 0; s < NS; s++) {
                char name[512];
                fill(sp.stage[s], tasks[k], name, sizeof name);
                long j = sc_table_find(t, name);
                if (j < 0 || sc_table_coltype(t, (size_t)j) != SC_COL_NUM) {
                    rc = cli_fail(SC_EXIT_DATA, "%s: no numeric column \"%s\"", o->files[f], name);
                    break;
                }
                fc[s] = (size_t)j;
            }
            if (rc) break;
            size_t n = sc_table_nrows(t), from = 0;
            if (o->within) npts = 0;
            if (o->last) { /* the last row with a compute value */
                size_t i = n;
                while (i > 0 && isnan(lx[f][i - 1])) i--;
                if (i == 0) continue;
                from = i - 1;
                n = i;
            }
            for (size_t i = from; i < n; i++) {
                if (isnan(lx[f][i])) continue;
                X[npts] = lx[f][i];
                for (size_t s = 0; s < NS; s++) Mm[npts * NS + s] = sc_table_num(t, fc[s])[i];
                npts++;
            }
            if (o->within) {
                if (sc_chain_aggregate(X, Mm, npts, NS, sp.sign, r) != SC_OK) {
                    rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
                    break;
                }
                for (size_t q = 0; q < NS * NK; q++)
                    if (!isnan(r[q])) {
                        acc[q] += r[q];
                        cnt[q]++;
                    }
            }
        }
        if (rc) break;
        if (o->within) {
            for (size_t q = 0; q < NS * NK; q++) r[q] = cnt[q] ? acc[q] / (double)cnt[q] : NAN;
            npts = o->nfiles;
        } else if (sc_chain_aggregate(X, Mm, npts, NS, sp.sign, r) != SC_OK) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            break;
        }
        for (size_t q = 0; q < NS * NK; q++)
            if (!isnan(r[q])) {
                mean_r[q] += r[q];
                mean_n[q]++;
            }
        (void)cols;
        if (o->json) {
            printf("%s\n  {\"task\": ", k ? "," : "");
            cli_json_string(stdout, tasks[k]);
            printf(", \"n\": %zu, \"stages\": [", npts);
            for (size_t s = 0; s < NS; s++) {
                printf("%s{\"column\": ", s ? ", " : "");
                char name[512];
                fill(sp.stage[s], tasks[k], name, sizeof name);
                cli_json_string(stdout, name);
                printf(", \"sign\": %d", sp.sign[s]);
                for (size_t c = 0; c < NK; c++) {
                    printf(", \"%s\": ", sc_corr_name((sc_corr_kind)c));
                    cli_json_number(stdout, r[s * NK + c]);
                }
                printf("}");
            }
            printf("]}");
        } else {
            printf("%-34.34s %5zu", tasks[k], npts);
            for (size_t s = 0; s < NS; s++)
                printf(" %6.3f %7.3f %7.3f", r[s * NK], r[s * NK + 1], r[s * NK + 2]);
            printf("\n");
        }
    }
    if (!rc) {
        if (o->json) {
            printf("],\n \"mean\": [");
            for (size_t s = 0; s < NS; s++) {
                printf("%s{\"stage\": ", s ? ", " : "");
                cli_json_string(stdout, sp.label[s]);
                for (size_t c = 0; c < NK; c++) {
                    printf(", \"%s\": ", sc_corr_name((sc_corr_kind)c));
                    cli_json_number(stdout, mean_n[s * NK + c] ? mean_r[s * NK + c] / (double)mean_n[s * NK + c] : NAN);
                }
                printf("}");
            }
            printf("]}\n");
        } else {
            printf("%-34s %5zu", "mean over tasks", ntasks);
            for (size_t q = 0; q < NS * NK; q++)
                printf(q % 3 == 0 ? " %6.3f" : " %7.3f",
                       mean_n[q] ? mean_r[q] / (double)mean_n[q] : NAN);
            printf("\n");
        }
        if (fflush(stdout) != 0) rc = cli_fail(SC_EXIT_IO, "cannot write to standard output");
    }
    for (size_t f = 0; f < o->nfiles; f++) {
        sc_table_free(tabs[f]);
        free(lx[f]);
    }
    free(tabs);
    free(lx);
    free(tasks);
    free(X);
    free(Mm);
    free(r);
    free(acc);
    free(cnt);
    free(mean_r);
    free(mean_n);
    return rc;
}
