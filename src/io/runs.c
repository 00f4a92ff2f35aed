/* SPDX-License-Identifier: GPL-3.0-or-later
 * The runs table: every input layout (generic CSV wide or long, Apple long files, OLMo ladder
 * folders, lm-evaluation-harness results folders, the table `scalecast import` writes) becomes
 * one model of runs: name, group, step, N, D, C and metric values. N and D come from the file or
 * from a sizes table; C follows one rule for every row (6 N D unless a C column is named);
 * checkpoints are selected here (last, all, or the late part of each run). */
#include "core/internal.h"
#include "core/table_internal.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void sc_runs_opts_init(sc_runs_opts *o)
{
    memset(o, 0, sizeof *o);
    o->ckpt = SC_CKPT_LAST;
    o->late = 1.0;
}

sc_status sc_ckpt_parse(const char *s, sc_ckpt_mode *mode, double *late)
{
    if (!s || !mode || !late) return SC_EINVAL;
    if (strcmp(s, "last") == 0) {
        *mode = SC_CKPT_LAST;
        *late = 1.0;
        return SC_OK;
    }
    if (strcmp(s, "all") == 0) {
        *mode = SC_CKPT_ALL;
        *late = 0.0;
        return SC_OK;
    }
    if (strncmp(s, "late:", 5) == 0 && s[5]) {
        char *end;
        errno = 0;
        double f = strtod(s + 5, &end);
        if (*end == '\0' && errno == 0 && f > 0.0 && f <= 1.0) {
            *mode = SC_CKPT_LATE;
            *late = f;
            return SC_OK;
        }
    }
    return SC_EUNKNOWN;
}

/* ------------------------------------------------------------------- staging rows ---- */

typedef struct stage {
    size_t n, cap;
    char **run, **group;
    double *step, *N, *D, *C;
    size_t nm;
    char **mname;  /* nm metric names */
    double **mval; /* nm columns of cap values */
    char **src;    /* where each row came from ("file" or "file:line") */
} stage;

static void stage_free(stage *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->run[i]);
        free(g->group[i]);
        free(g->src[i]);
    }
    for (size_t k = 0; k < g->nm; k++) {
        free(g->mname[k]);
        free(g->mval[k]);
    }
    free(g->run);
    free(g->group);
    free(g->src);
    free(g->step);
    free(g->N);
    free(g->D);
    free(g->C);
    free(g->mname);
    free(g->mval);
    memset(g, 0, sizeof *g);
}

static sc_status grow(void **p, size_t cap, size_t size)
{
    void *q = realloc(*p, cap * size);
    if (!q) return SC_ENOMEM;
    *p = q;
    return SC_OK;
}

static sc_status stage_reserve(stage *g, size_t extra)
{
    if (g->n + extra <= g->cap) return SC_OK;
    size_t cap = g->cap ? g->cap : 64;
    while (cap < g->n + extra) cap *= 2;
    SC_TRY(grow((void **)&g->run, cap, sizeof(char *)));
    SC_TRY(grow((void **)&g->group, cap, sizeof(char *)));
    SC_TRY(grow((void **)&g->src, cap, sizeof(char *)));
    SC_TRY(grow((void **)&g->step, cap, sizeof(double)));
    SC_TRY(grow((void **)&g->N, cap, sizeof(double)));
    SC_TRY(grow((void **)&g->D, cap, sizeof(double)));
    SC_TRY(grow((void **)&g->C, cap, sizeof(double)));
    for (size_t k = 0; k < g->nm; k++) {
        SC_TRY(grow((void **)&g->mval[k], cap, sizeof(double)));
        for (size_t i = g->cap; i < cap; i++) g->mval[k][i] = NAN;
    }
    g->cap = cap;
    return SC_OK;
}

/* Index of metric name, added (NaN for earlier rows) when new. */
static sc_status stage_metric(stage *g, const char *name, size_t *k)
{
    for (size_t q = 0; q < g->nm; q++)
        if (strcmp(g->mname[q], name) == 0) {
            *k = q;
            return SC_OK;
        }
    SC_TRY(grow((void **)&g->mname, g->nm + 1, sizeof(char *)));
    SC_TRY(grow((void **)&g->mval, g->nm + 1, sizeof(double *)));
    g->mname[g->nm] = sc_strdup(name);
    g->mval[g->nm] = sc_malloc_array(g->cap ? g->cap : 1, sizeof(double));
    if (!g->mname[g->nm] || !g->mval[g->nm]) {
        free(g->mname[g->nm]);
        free(g->mval[g->nm]);
        return SC_ENOMEM;
    }
    for (size_t i = 0; i < g->cap; i++) g->mval[g->nm][i] = NAN;
    *k = g->nm++;
    return SC_OK;
}

/* ------------------------------------------------------------------- sizes table ---- */

typedef struct sizes {
    sc_table *t;
    long jm, jr, jn, jd, jtps;
    char path[256];
} sizes;

static sc_status sizes_read(const char *path, sizes *z, sc_error *err)
{
    memset(z, 0, sizeof *z);
    z->jm = z->jr = z->jn = z->jd = z->jtps = -1;
    if (!path) return SC_OK;
    snprintf(z->path, sizeof z->path, "%s", path);
    SC_TRY(sc_csv_read(path, NULL, &z->t, err));
    size_t j;
    SC_TRY(sc_table_require(z->t, "model", &j, err));
    z->jm = (long)j;
    z->jr = sc_table_find(z->t, "revision");
    const char *numeric[] = {"N", "D", "tokens_per_step"};
    long *where[] = {&z->jn, &z->jd, &z->jtps};
    for (size_t q = 0; q < 3; q++) {
        long jj = sc_table_find(z->t, numeric[q]);
        if (jj < 0) continue;
        /* An all-empty column is read as text; treat it as absent. */
        if (sc_table_coltype(z->t, (size_t)jj) == SC_COL_TEXT) {
            int any = 0;
            for (size_t i = 0; i < sc_table_nrows(z->t) && !any; i++) {
                const char *v = sc_table_text(z->t, (size_t)jj, i);
                any = v && *v;
            }
            if (!any) continue;
        }
        SC_TRY(sc_table_require_num(z->t, numeric[q], &j, err));
        *where[q] = (long)j;
    }
    if (z->jn < 0)
        return sc_fail(err, SC_ENOCOL, path, 1, 0,
                       "the sizes table needs the columns model,revision,N,D,tokens_per_step "
                       "(no column N)");
    return SC_OK;
}

/* The sizes row of model (and revision: an exact match first, then a row with an empty
 * revision); -1 when none. */
static long sizes_find(const sizes *z, const char *model, const char *revision)
{
    if (!z->t || !model) return -1;
    long any = -1;
    for (size_t i = 0; i < sc_table_nrows(z->t); i++) {
        const char *m = sc_table_text(z->t, (size_t)z->jm, i);
        if (!m || strcmp(m, model) != 0) continue;
        const char *r = z->jr >= 0 ? sc_table_text(z->t, (size_t)z->jr, i) : NULL;
        if (revision && *revision && r && strcmp(r, revision) == 0) return (long)i;
        if ((!r || !*r) && any < 0) any = (long)i;
    }
    return any;
}

static double sizes_num(const sizes *z, long j, long row)
{
    if (j < 0 || row < 0) return NAN;
    const double *v = sc_table_num(z->t, (size_t)j);
    return v ? v[row] : NAN;
}

/* "step12000" -> 12000; NaN otherwise. */
static double revision_step(const char *rev)
{
    if (!rev || strncmp(rev, "step", 4) != 0 || !isdigit((unsigned char)rev[4])) return NAN;
    char *end;
    double v = strtod(rev + 4, &end);
    return (*end == '\0' || *end == '-' || *end == '_') ? v : NAN;
}

/* ------------------------------------------------------------------- readers ---- */

static const char *first_col(const sc_table *t, const char *given, const char *const *cands)
{
    if (given) return sc_table_find(t, given) >= 0 ? given : NULL;
    for (size_t k = 0; cands[k]; k++)
        if (sc_table_find(t, cands[k]) >= 0) return cands[k];
    return NULL;
}

/* Columns that describe a run rather than measure it: never metrics. */
static int is_id_name(const char *name)
{
    static const char *const ids[] = {"",      "index", "run",    "model", "model_name", "name",
                                      "N",     "params", "num_params", "n_params", "D",
                                      "tokens", "train_tokens", "step", "steps", "_step",
                                      "Step",  "group", "C",     "flops", "FLOPs", "compute",
                                      "tpr",   "size",  "revision", "source", NULL};
    for (size_t k = 0; ids[k]; k++)
        if (strcmp(name, ids[k]) == 0) return 1;
    return 0;
}

typedef struct read_ctx {
    const sc_runs_opts *o;
    const sizes *z;
    sc_runs_meta *meta;
    stage *g;
    size_t *n_from_sizes; /* rows whose N came from the sizes table */
} read_ctx;

/* Counts a skip; the first one's text is kept for the caller to print. */
static void warn(read_ctx *c, const char *what, const char *name, const char *where)
{
    if (c->meta->nwarnings++ == 0)
        snprintf(c->meta->warning, sizeof c->meta->warning, "%s \"%s\" %s", what, name, where);
}

static int is_lmeval_stat(const char *name)
{
    return strstr(name, "_stderr") != NULL;
}

/* A wide table (one row per run or checkpoint) into the staging rows. metric_filter: 1 to drop
 * columns with '/' (the OLMo ladder's long names, which carry short aliases). */
static sc_status add_wide(read_ctx *c, const sc_table *t, const char *path, int olmo,
                          sc_error *err)
{
    static const char *const run_c[] = {"run", "model", "model_name", "name", NULL};
    static const char *const n_c[] = {"N", "params", "num_params", "n_params", NULL};
    static const char *const d_c[] = {"D", "tokens", "train_tokens", NULL};
    static const char *const s_c[] = {"step", "steps", "_step", "Step", NULL};
    static const char *const g_c[] = {"group", NULL};
    const sc_runs_opts *o = c->o;
    const char *rc = first_col(t, o->run_col, run_c);
    if (!rc) {
        size_t j;
        if (o->run_col) return sc_table_require(t, o->run_col, &j, err);
        return sc_fail(err, SC_ENOCOL, path, 1, 0,
                       "no run column (looked for run, model, model_name, name; name it)");
    }
    const char *nc = first_col(t, o->n_col, n_c);
    const char *dc = first_col(t, o->d_col, d_c);
    const char *sc = first_col(t, o->step_col, s_c);
    const char *gc = first_col(t, o->group_col, g_c);
    size_t j;
    if (o->n_col && !nc) SC_TRY(sc_table_require(t, o->n_col, &j, err));
    if (o->d_col && !dc) SC_TRY(sc_table_require(t, o->d_col, &j, err));
    if (o->step_col && !sc) SC_TRY(sc_table_require(t, o->step_col, &j, err));
    size_t jrun, jn = 0, jd = 0, js = 0, jc = 0;
    SC_TRY(sc_table_require(t, rc, &jrun, err));
    if (nc) SC_TRY(sc_table_require_num(t, nc, &jn, err));
    if (dc) SC_TRY(sc_table_require_num(t, dc, &jd, err));
    if (sc) SC_TRY(sc_table_require_num(t, sc, &js, err));
    if (o->c_col) SC_TRY(sc_table_require_num(t, o->c_col, &jc, err));
    long jg = gc ? sc_table_find(t, gc) : -1;
    long jrev = sc_table_find(t, "revision");
    if (jrev >= 0 && sc_table_coltype(t, (size_t)jrev) != SC_COL_TEXT) jrev = -1;
    const double *Nv = nc ? sc_table_num(t, jn) : NULL, *Dv = dc ? sc_table_num(t, jd) : NULL,
                 *Sv = sc ? sc_table_num(t, js) : NULL, *Cv = o->c_col ? sc_table_num(t, jc) : NULL;
    int run_text = sc_table_coltype(t, jrun) == SC_COL_TEXT;
    const double *run_num = run_text ? NULL : sc_table_num(t, jrun);
    stage *g = c->g;
    size_t nr = sc_table_nrows(t);
    SC_TRY(stage_reserve(g, nr));
    /* Metric columns. */
    size_t ncols = sc_table_ncols(t);
    size_t *mk = sc_malloc_array(ncols ? ncols : 1, sizeof *mk);
    if (!mk) return SC_ENOMEM;
    for (size_t q = 0; q < ncols; q++) {
        const char *name = sc_table_colname(t, q);
        mk[q] = (size_t)-1;
        if (sc_table_coltype(t, q) != SC_COL_NUM || is_id_name(name) || q == jrun) continue;
        if ((nc && strcmp(name, nc) == 0) || (dc && strcmp(name, dc) == 0) ||
            (sc && strcmp(name, sc) == 0) || (o->c_col && strcmp(name, o->c_col) == 0) ||
            (gc && strcmp(name, gc) == 0))
            continue;
        if (olmo && strchr(name, '/')) continue;
        if (is_lmeval_stat(name)) continue;
        sc_status s = stage_metric(g, name, &mk[q]);
        if (s != SC_OK) {
            free(mk);
            return s;
        }
    }
    sc_status s = SC_OK;
    for (size_t i = 0; i < nr && s == SC_OK; i++) {
        char numbuf[64];
        const char *run = NULL;
        if (run_text) run = sc_table_text(t, jrun, i);
        else if (!isnan(run_num[i])) {
            snprintf(numbuf, sizeof numbuf, "%.17g", run_num[i]);
            run = numbuf;
        }
        size_t line, col;
        sc_table_cell_pos(t, i, jrun, &line, &col);
        if (!run || !*run) {
            s = sc_fail(err, SC_EDOMAIN, path, line, col, "a row without a run name");
            break;
        }
        const char *rev = jrev >= 0 ? sc_table_text(t, (size_t)jrev, i) : NULL;
        /* The run name: model@revision when revisions are checkpoints of one run they are kept
         * as steps, so the name stays the model. */
        double step = Sv ? Sv[i] : revision_step(rev);
        double N = Nv ? Nv[i] : NAN, D = Dv ? Dv[i] : NAN;
        if (c->z->t && (isnan(N) || isnan(D))) {
            long zr = sizes_find(c->z, run, rev);
            if (zr < 0) {
                if (!o->skip_missing) {
                    s = sc_fail(err, SC_ENOCOL, path, line, col,
                                "model \"%s\"%s%s%s is not in the sizes table %s", run,
                                rev ? " revision \"" : "", rev ? rev : "", rev ? "\"" : "",
                                c->z->path);
                    break;
                }
                warn(c, "model", run, "is not in the sizes table: its rows are skipped");
                continue;
            }
            if (isnan(N)) {
                N = sizes_num(c->z, c->z->jn, zr);
                (*c->n_from_sizes)++;
            }
            if (isnan(D)) D = sizes_num(c->z, c->z->jd, zr);
            if (isnan(D) && !isnan(step)) D = step * sizes_num(c->z, c->z->jtps, zr);
        }
        size_t k = g->n;
        g->run[k] = sc_strdup(run);
        const char *grp = NULL;
        char gbuf[64];
        if (jg >= 0) {
            if (sc_table_coltype(t, (size_t)jg) == SC_COL_TEXT) grp = sc_table_text(t, (size_t)jg, i);
            else if (!isnan(sc_table_num(t, (size_t)jg)[i])) {
                snprintf(gbuf, sizeof gbuf, "%.17g", sc_table_num(t, (size_t)jg)[i]);
                grp = gbuf;
            }
        }
        g->group[k] = grp ? sc_strdup(grp) : NULL;
        char sbuf[300];
        if (line) snprintf(sbuf, sizeof sbuf, "%s:%zu", path, line);
        else snprintf(sbuf, sizeof sbuf, "%s", path);
        g->src[k] = sc_strdup(sbuf);
        if (!g->run[k] || !g->src[k] || (grp && !g->group[k])) {
            free(g->run[k]);
            free(g->group[k]);
            free(g->src[k]);
            s = SC_ENOMEM;
            break;
        }
        g->step[k] = step;
        g->N[k] = N;
        g->D[k] = D;
        g->C[k] = Cv ? Cv[i] : NAN;
        for (size_t q = 0; q < ncols; q++)
            if (mk[q] != (size_t)-1) g->mval[mk[q]][k] = sc_table_num(t, q)[i];
        g->n++;
    }
    free(mk);
    return s;
}

static int has_cols(const sc_table *t, const char *const *names)
{
    for (size_t k = 0; names[k]; k++)
        if (sc_table_find(t, names[k]) < 0) return 0;
    return 1;
}

static sc_status add_csv(read_ctx *c, const char *path, sc_error *err)
{
    sc_table *t = NULL, *wide = NULL;
    static const char *const apple[] = {"benchmark", "metric_type", "score", "tokens", "tpr", NULL};
    /* The Apple release: its own loader (pivot, N from params or tokens / tpr). */
    SC_TRY(sc_csv_read(path, NULL, &t, err));
    sc_status s = SC_OK;
    if (has_cols(t, apple)) {
        sc_table_free(t);
        sc_runs_info info;
        SC_TRY(sc_runs_load_apple(path, &t, &info, err));
        c->meta->nduplicates += info.nduplicates;
        snprintf(c->meta->layout, sizeof c->meta->layout, "apple");
        if (info.approx_flops)
            snprintf(c->meta->n_rule, sizeof c->meta->n_rule,
                     "N = tokens / tpr (the file has no params column; approximate)");
        else
            snprintf(c->meta->n_rule, sizeof c->meta->n_rule, "N from the params column");
        /* The loader names runs by (tpr, D) and keeps tpr: the group is the ratio. */
        size_t nr = sc_table_nrows(t);
        char **grp = sc_calloc(nr ? nr : 1, sizeof *grp);
        if (!grp) s = SC_ENOMEM;
        const double *T = sc_table_num(t, (size_t)sc_table_find(t, "tpr"));
        for (size_t i = 0; i < nr && s == SC_OK; i++) {
            char buf[32];
            snprintf(buf, sizeof buf, "tpr%g", T[i]);
            if (!(grp[i] = sc_strdup(buf))) s = SC_ENOMEM;
        }
        if (s == SC_OK) s = sc_table_add_text(t, "group", (const char *const *)grp, nr);
        for (size_t i = 0; grp && i < nr; i++) free(grp[i]);
        free(grp);
        sc_runs_opts o = *c->o;
        o.run_col = "run";
        o.n_col = "N";
        o.d_col = "D";
        o.step_col = NULL;
        o.group_col = "group";
        if (o.c_col && strcmp(o.c_col, "flops") == 0) o.c_col = "C";
        read_ctx c2 = *c;
        c2.o = &o;
        if (s == SC_OK) s = add_wide(&c2, t, path, 0, err);
        sc_table_free(t);
        return s;
    }
    /* Long: one row per run x benchmark [x metric]. */
    const char *bc = c->o->bench_col ? c->o->bench_col : "benchmark";
    const char *vc = c->o->value_col ? c->o->value_col : "value";
    const char *mc = c->o->metric_col ? c->o->metric_col : "metric";
    if (sc_table_find(t, bc) >= 0 && sc_table_find(t, vc) >= 0) {
        size_t j;
        if ((s = sc_table_require_num(t, vc, &j, err)) != SC_OK) goto done;
        const char *keys[2] = {bc, mc};
        size_t nkey = sc_table_find(t, mc) >= 0 ? 2 : 1;
        const char **ids = sc_malloc_array(sc_table_ncols(t) ? sc_table_ncols(t) : 1, sizeof *ids);
        if (!ids) {
            s = SC_ENOMEM;
            goto done;
        }
        size_t nid = 0;
        for (size_t q = 0; q < sc_table_ncols(t); q++) {
            const char *name = sc_table_colname(t, q);
            if (strcmp(name, bc) && strcmp(name, vc) && (nkey < 2 || strcmp(name, mc)))
                ids[nid++] = name;
        }
        s = sc_table_pivot(t, ids, nid, keys, nkey, vc, ":", &wide, err);
        free(ids);
        if (s != SC_OK) goto done;
        snprintf(c->meta->layout, sizeof c->meta->layout, "csv-long");
        s = add_wide(c, wide, path, 0, err);
        goto done;
    }
    if (!c->meta->layout[0]) snprintf(c->meta->layout, sizeof c->meta->layout, "csv-wide");
    s = add_wide(c, t, path, 0, err);
done:
    sc_table_free(wide);
    sc_table_free(t);
    return s;
}

static int dir_has_ladder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    struct dirent *e;
    int found = 0;
    while (!found && (e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        found = len > 6 && strcmp(e->d_name + len - 4, ".csv") == 0 && strstr(e->d_name, "xC");
    }
    closedir(d);
    return found;
}

static sc_status add_olmo(read_ctx *c, const char *dir, sc_error *err)
{
    sc_olmo_size *given = NULL;
    size_t ngiven = 0;
    if (c->z->t) {
        size_t nz = sc_table_nrows(c->z->t);
        given = sc_calloc(nz ? nz : 1, sizeof *given);
        if (!given) return SC_ENOMEM;
        for (size_t i = 0; i < nz; i++) {
            const char *m = sc_table_text(c->z->t, (size_t)c->z->jm, i);
            double N = sizes_num(c->z, c->z->jn, (long)i);
            if (!m || isnan(N)) continue;
            snprintf(given[ngiven].label, sizeof given[ngiven].label, "%s", m);
            given[ngiven++].N = N;
        }
    }
    sc_table *t = NULL;
    sc_runs_info info;
    sc_status s = sc_runs_load_olmo_sized(dir, 1, given, ngiven, c->o->skip_missing, &t, &info,
                                          err);
    free(given);
    if (s != SC_OK) return s;
    if (info.nskipped) {
        c->meta->nwarnings += info.nskipped - 1;
        warn(c, "ladder file", info.first_skipped,
             "has a size not in the sizes table: skipped");
    }
    snprintf(c->meta->layout, sizeof c->meta->layout, "olmo-ladder");
    snprintf(c->meta->n_rule, sizeof c->meta->n_rule,
             "N non-embedding, from the %s (per size label)",
             c->z->t ? "sizes table" : "folder's SOURCE.md");
    /* Run names: the file stem, without the "@step" of the checkpoint label. */
    size_t nr = sc_table_nrows(t);
    long jr = sc_table_find(t, "run");
    char **runs = sc_calloc(nr ? nr : 1, sizeof *runs), **grp = sc_calloc(nr ? nr : 1, sizeof *grp);
    if (!runs || !grp) s = SC_ENOMEM;
    for (size_t i = 0; i < nr && s == SC_OK; i++) {
        const char *lab = sc_table_text(t, (size_t)jr, i);
        const char *at = strrchr(lab, '@');
        size_t len = at ? (size_t)(at - lab) : strlen(lab);
        runs[i] = malloc(len + 1);
        if (!runs[i]) {
            s = SC_ENOMEM;
            break;
        }
        memcpy(runs[i], lab, len);
        runs[i][len] = '\0';
        /* Group: the data multiplier ("1xC"). */
        const char *dash = strchr(runs[i], '-');
        char gbuf[64];
        snprintf(gbuf, sizeof gbuf, "%s", dash ? dash + 1 : runs[i]);
        char *r = strstr(gbuf, "-rerun");
        if (r) *r = '\0';
        if (!(grp[i] = sc_strdup(gbuf))) s = SC_ENOMEM;
    }
    if (s == SC_OK) {
        /* The loader's label is "stem@step": keep it as "label", the run is the stem. */
        s = sc_table_rename(t, "run", "label", err);
        if (s == SC_OK) s = sc_table_add_text(t, "run", (const char *const *)runs, nr);
        if (s == SC_OK) s = sc_table_add_text(t, "group", (const char *const *)grp, nr);
    }
    for (size_t i = 0; i < nr; i++) {
        if (runs) free(runs[i]);
        if (grp) free(grp[i]);
    }
    free(runs);
    free(grp);
    if (s == SC_OK) {
        sc_runs_opts o = *c->o;
        o.run_col = "run";
        o.n_col = "N";
        o.d_col = "D";
        o.step_col = "_step";
        o.group_col = "group";
        read_ctx c2 = *c;
        c2.o = &o;
        s = add_wide(&c2, t, dir, 1, err);
    }
    sc_table_free(t);
    return s;
}

static sc_status add_path(read_ctx *c, const char *path, sc_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open");
    if (!S_ISDIR(st.st_mode)) return add_csv(c, path, err);
    if (dir_has_ladder(path)) return add_olmo(c, path, err);
    sc_table *t = NULL;
    SC_TRY(sc_lmeval_results_read_dir(path, &t, err));
    snprintf(c->meta->layout, sizeof c->meta->layout, "lmeval");
    sc_runs_opts o = *c->o;
    o.run_col = "model";
    read_ctx c2 = *c;
    c2.o = &o;
    sc_status s = add_wide(&c2, t, path, 0, err);
    sc_table_free(t);
    return s;
}

/* ------------------------------------------------------------------- assembly ---- */

typedef struct row_key {
    const char *run;
    double step;
    size_t i;
} row_key;

/* By run name, then step (NaN first), then input order. */
static int cmp_rows(const void *a, const void *b)
{
    const row_key *x = a, *y = b;
    int c = strcmp(x->run, y->run);
    if (c) return c;
    int nx = isnan(x->step), ny = isnan(y->step);
    if (nx != ny) return nx ? -1 : 1;
    if (x->step < y->step) return -1;
    if (x->step > y->step) return 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

sc_status sc_runs_read(const char *const *paths, size_t npaths, const sc_runs_opts *opts,
                       sc_table **out, sc_runs_meta *meta, sc_error *err)
{
    if (!paths || npaths == 0 || !out) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no input");
    *out = NULL;
    sc_runs_opts dflt;
    sc_runs_opts_init(&dflt);
    const sc_runs_opts *o = opts ? opts : &dflt;
    sc_runs_meta m0;
    sc_runs_meta *mt = meta ? meta : &m0;
    memset(mt, 0, sizeof *mt);
    sizes z;
    stage g;
    memset(&g, 0, sizeof g);
    sc_status s = sizes_read(o->sizes, &z, err);
    size_t nsz = 0;
    read_ctx c = {o, &z, mt, &g, &nsz};
    for (size_t p = 0; p < npaths && s == SC_OK; p++) s = add_path(&c, paths[p], err);
    size_t *order = NULL;
    unsigned char *keep = NULL;
    sc_table *t = NULL;
    if (s != SC_OK) goto done;
    if (g.n == 0) {
        s = sc_fail(err, SC_EEMPTY, paths[0], 0, 0, "no runs");
        goto done;
    }
    /* The C rule, and the checks of N, D, C. */
    if (o->c_col) snprintf(mt->c_rule, sizeof mt->c_rule, "C from column %s", o->c_col);
    else snprintf(mt->c_rule, sizeof mt->c_rule, "C = 6 N D");
    if (!mt->n_rule[0])
        snprintf(mt->n_rule, sizeof mt->n_rule, "%s",
                 nsz == g.n ? "N from the sizes table (its convention)"
                 : nsz                 ? "N from the file, else the sizes table"
                                       : "N from the file (its convention)");
    for (size_t i = 0; i < g.n; i++) {
        if (!o->c_col) g.C[i] = 6.0 * g.N[i] * g.D[i];
        const char *what = NULL;
        double v = 0.0;
        if (!o->c_col && isnan(g.N[i])) what = "N";
        else if (!o->c_col && isnan(g.D[i])) what = "D";
        else if (!isnan(g.N[i]) && !(g.N[i] > 0.0)) what = "N", v = g.N[i];
        else if (!isnan(g.D[i]) && !(g.D[i] > 0.0)) what = "D", v = g.D[i];
        else if (!(g.C[i] > 0.0) || !isfinite(g.C[i])) what = "C", v = g.C[i];
        if (!what) continue;
        if (isnan(v) || v == 0.0) {
            if ((what[0] == 'N' || what[0] == 'D') && (isnan(what[0] == 'N' ? g.N[i] : g.D[i])))
                s = sc_fail(err, SC_ENOCOL, g.src[i], 0, 0,
                            "run \"%s\" has no %s (give a %s column or a sizes table)", g.run[i],
                            what, what);
            else
                s = sc_fail(err, SC_EDOMAIN, g.src[i], 0, 0, "run \"%s\": %s must be > 0 (got %g)",
                            g.run[i], what, v);
        } else {
            s = sc_fail(err, SC_EDOMAIN, g.src[i], 0, 0, "run \"%s\": %s must be > 0 (got %g)",
                        g.run[i], what, v);
        }
        goto done;
    }
    /* Scale of the metric values. */
    if (o->scale > 0.0 && o->scale != 1.0)
        for (size_t k = 0; k < g.nm; k++)
            for (size_t i = 0; i < g.n; i++) g.mval[k][i] /= o->scale;
    /* Checkpoints: sort by (run, step); a repeated (run, step) is an error. */
    order = sc_malloc_array(g.n, sizeof *order);
    keep = sc_calloc(g.n, 1);
    if (!order || !keep) {
        s = SC_ENOMEM;
        goto done;
    }
    row_key *rk = sc_malloc_array(g.n, sizeof *rk);
    if (!rk) {
        s = SC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < g.n; i++) rk[i] = (row_key){g.run[i], g.step[i], i};
    qsort(rk, g.n, sizeof *rk, cmp_rows);
    for (size_t i = 0; i < g.n; i++) order[i] = rk[i].i;
    free(rk);
    size_t nruns = 0, nkept = 0;
    for (size_t a = 0; a < g.n;) {
        size_t b = a + 1;
        while (b < g.n && strcmp(g.run[order[b]], g.run[order[a]]) == 0) b++;
        nruns++;
        for (size_t q = a + 1; q < b; q++) {
            double s1 = g.step[order[q - 1]], s2 = g.step[order[q]];
            if (s1 == s2 || isnan(s1) || isnan(s2)) {
                if (isnan(s1) || isnan(s2))
                    s = sc_fail(err, SC_EDUP, g.src[order[q]], 0, 0,
                                "two runs with the same name \"%s\" (also at %s); name runs "
                                "uniquely or give a step column",
                                g.run[order[q]], g.src[order[q - 1]]);
                else
                    s = sc_fail(err, SC_EDUP, g.src[order[q]], 0, 0,
                                "run \"%s\" has step %.17g twice (also at %s)", g.run[order[q]],
                                s2, g.src[order[q - 1]]);
                goto done;
            }
        }
        double last = g.step[order[b - 1]];
        for (size_t q = a; q < b; q++) {
            size_t i = order[q];
            int k = o->ckpt == SC_CKPT_ALL ? 1
                    : o->ckpt == SC_CKPT_LAST ? q == b - 1
                                              : (isnan(last) || g.step[i] >= o->late * last);
            keep[i] = (unsigned char)k;
            nkept += (size_t)k;
        }
        a = b;
    }
    mt->nruns = nruns;
    mt->nrows = nkept;
    /* Build the table in (run, step) order. */
    t = sc_table_new();
    char **rs = sc_calloc(nkept, sizeof *rs), **gs = sc_calloc(nkept, sizeof *gs);
    double *col = sc_malloc_array(nkept, sizeof *col);
    if (!t || !rs || !gs || !col) {
        free(rs);
        free(gs);
        free(col);
        s = SC_ENOMEM;
        goto done;
    }
    size_t *rows = order; /* kept rows compacted in place */
    size_t nk = 0;
    for (size_t q = 0; q < g.n; q++)
        if (keep[order[q]]) rows[nk++] = order[q];
    for (size_t q = 0; q < nk; q++) {
        rs[q] = g.run[rows[q]];
        gs[q] = g.group[rows[q]];
    }
    s = sc_table_add_text(t, "run", (const char *const *)rs, nk);
    if (s == SC_OK) s = sc_table_add_text(t, "group", (const char *const *)gs, nk);
    double *src[] = {g.step, g.N, g.D, g.C};
    const char *names[] = {"step", "N", "D", "C"};
    for (size_t k = 0; k < 4 && s == SC_OK; k++) {
        for (size_t q = 0; q < nk; q++) col[q] = src[k][rows[q]];
        s = sc_table_add_num(t, names[k], col, nk);
    }
    for (size_t q = 0; q < nk && s == SC_OK; q++) col[q] = g.D[rows[q]] / g.N[rows[q]];
    if (s == SC_OK) s = sc_table_add_num(t, "tpr", col, nk);
    for (size_t k = 0; k < g.nm && s == SC_OK; k++) {
        for (size_t q = 0; q < nk; q++) col[q] = g.mval[k][rows[q]];
        s = sc_table_add_num(t, g.mname[k], col, nk);
        if (s == SC_EDUP)
            s = sc_fail(err, SC_EDUP, paths[0], 0, 0,
                        "metric column \"%s\" clashes with a column of the runs table",
                        g.mname[k]);
    }
    free(rs);
    free(gs);
    free(col);
    if (s == SC_OK) s = sc_table_set_source(t, paths[0], 1);
    if (s == SC_OK) {
        *out = t;
        t = NULL;
    }
done:
    if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_table_free(t);
    free(order);
    free(keep);
    stage_free(&g);
    sc_table_free(z.t);
    return s;
}
