/* SPDX-License-Identifier: GPL-3.0-or-later
 * The forecast: per benchmark, candidate laws scored by an extrapolation backtest inside the
 * ladder (hold out the largest rungs of N, rolling origin), the law with the lowest mean
 * absolute error chosen, refitted on every run, and a prediction interval at each target from
 * three parts:
 *   parameter uncertainty  - bootstrap over whole runs (never single checkpoints);
 *   benchmark noise        - binomial p (1 - p) / items when the items are known, else the
 *                            residual scatter of the fit;
 *   extrapolation error    - an inflation of the two variances above that grows with
 *                            d = max(0, log(C / largest C fitted)): e^2 / v = a + b d^2 over
 *                            the chosen law's backtest predictions (e the error, v the two
 *                            parts), fitted per benchmark and shrunk towards the pooled fit of
 *                            all benchmarks with the weight of one benchmark.
 * The interval is value +- z sqrt((var_param + var_noise) max(1, a + b d^2)), z the normal
 * quantile of the level. Calibration is measured on the backtest predictions with k re-estimated without
 * the fold that made each prediction. See docs/forecast.md. */
#include "core/internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <omp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LAWS 8

const char *sc_trust_name(sc_trust t)
{
    switch (t) {
    case SC_TRUST_OK: return "ok";
    case SC_TRUST_CAUTION: return "caution";
    case SC_TRUST_UNTRUSTED: return "untrusted";
    }
    return "?";
}

void sc_forecast_opts_init(sc_forecast_opts *o)
{
    memset(o, 0, sizeof *o);
    o->level = 0.9;
    o->margin = 0.05;
    o->items = NAN;
    o->boot = 100;
    o->max_backtest_error = 0.05;
    o->seed = 1;
}

/* ------------------------------------------------------------------- targets ---- */

static int parse_pos(const char *s, size_t len, double *v)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return 0;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    double x = strtod(buf, &end);
    if (*end != '\0' || !isfinite(x)) return 0;
    *v = x;
    return 1;
}

sc_status sc_fc_target_parse(const char *spec, int c_given, sc_fc_target *out, sc_error *err)
{
    if (!spec || !out) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no target");
    memset(out, 0, sizeof *out);
    out->N = out->D = out->C = NAN;
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "target \"%s\": expected NAME=C or NAME=N:D", spec);
    if ((size_t)(eq - spec) >= sizeof out->name)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "target name too long");
    if (strchr(eq + 1, '='))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "target \"%s\": a name contains no '='", spec);
    snprintf(out->name, sizeof out->name, "%.*s", (int)(eq - spec), spec);
    const char *v = eq + 1;
    double x[3];
    size_t n = 0;
    while (n < 3) {
        const char *colon = strchr(v, ':');
        size_t len = colon ? (size_t)(colon - v) : strlen(v);
        if (!parse_pos(v, len, &x[n]))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "target \"%s\": \"%.*s\" is not a number",
                           out->name, (int)len, v);
        n++;
        if (!colon) break;
        v = colon + 1;
        if (n == 3)
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                           "target \"%s\": at most N:D:C", out->name);
    }
    for (size_t k = 0; k < n; k++)
        if (!(x[k] > 0.0))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "target \"%s\": %s must be > 0 (got %g)",
                           out->name, n == 1 ? "C" : k == 0 ? "N" : k == 1 ? "D" : "C", x[k]);
    if (n == 1) out->C = x[0];
    else {
        out->N = x[0];
        out->D = x[1];
        if (n == 3) {
            if (!c_given)
                return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                               "target \"%s\": N:D:C only when a C column is named (the C rule "
                               "is C = 6 N D)",
                               out->name);
            out->C = x[2];
        }
    }
    return SC_OK;
}

sc_status sc_fc_targets_read(const char *path, sc_fc_target **out, size_t *n, sc_error *err)
{
    *out = NULL;
    *n = 0;
    sc_table *t = NULL;
    SC_TRY(sc_csv_read(path, NULL, &t, err));
    size_t jn;
    sc_status s = sc_table_require(t, "name", &jn, err);
    size_t nr = sc_table_nrows(t);
    sc_fc_target *tg = s == SC_OK ? sc_calloc(nr ? nr : 1, sizeof *tg) : NULL;
    if (s == SC_OK && !tg) s = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    const char *cols[3] = {"N", "D", "C"};
    const double *v[3] = {NULL, NULL, NULL};
    for (size_t q = 0; q < 3 && s == SC_OK; q++) {
        long j = sc_table_find(t, cols[q]);
        if (j < 0) continue;
        if (sc_table_coltype(t, (size_t)j) == SC_COL_TEXT) {
            int any = 0;
            for (size_t i = 0; i < nr && !any; i++) {
                const char *c = sc_table_text(t, (size_t)j, i);
                any = c && *c;
            }
            if (!any) continue;
        }
        size_t jj;
        s = sc_table_require_num(t, cols[q], &jj, err);
        if (s == SC_OK) v[q] = sc_table_num(t, jj);
    }
    for (size_t i = 0; i < nr && s == SC_OK; i++) {
        const char *name = sc_table_coltype(t, jn) == SC_COL_TEXT ? sc_table_text(t, jn, i) : NULL;
        size_t line, col;
        sc_table_cell_pos(t, i, jn, &line, &col);
        if (!name || !*name || strchr(name, '=') || strlen(name) >= sizeof tg[i].name) {
            s = sc_fail(err, SC_EDOMAIN, path, line, col, "a target needs a name without '='");
            break;
        }
        snprintf(tg[i].name, sizeof tg[i].name, "%s", name);
        double *dst[3] = {&tg[i].N, &tg[i].D, &tg[i].C};
        for (size_t q = 0; q < 3; q++) {
            *dst[q] = v[q] ? v[q][i] : NAN;
            if (!isnan(*dst[q]) && !(*dst[q] > 0.0)) {
                long j = sc_table_find(t, cols[q]);
                sc_table_cell_pos(t, i, (size_t)j, &line, &col);
                s = sc_fail(err, SC_EDOMAIN, path, line, col, "target \"%s\": %s must be > 0 (got %g)",
                            name, cols[q], *dst[q]);
                break;
            }
        }
    }
    sc_table_free(t);
    if (s != SC_OK) {
        free(tg);
        return s;
    }
    *out = tg;
    *n = nr;
    return SC_OK;
}

/* ------------------------------------------------------------------- runs ---- */

typedef struct runs_view {
    size_t nrows, nruns;
    const double *C, *N, *D, *tpr;
    size_t *run_of;   /* nrows: run index */
    char **name;      /* nruns, borrowed from the table */
    size_t *last;     /* nruns: last row of each run (largest step, else the last listed) */
    int *target;      /* nruns: index of the target of that name, or -1 */
} runs_view;

static void runs_view_free(runs_view *v)
{
    free(v->run_of);
    free(v->name);
    free(v->last);
    free(v->target);
}

static sc_status runs_view_make(const sc_table *t, const sc_forecast_opts *o, runs_view *v,
                                sc_error *err)
{
    memset(v, 0, sizeof *v);
    size_t jr, jc, jn, jd, jt;
    const char *src = sc_table_source(t);
    SC_TRY(sc_table_require(t, "run", &jr, err));
    SC_TRY(sc_table_require_num(t, "C", &jc, err));
    SC_TRY(sc_table_require_num(t, "N", &jn, err));
    SC_TRY(sc_table_require_num(t, "D", &jd, err));
    SC_TRY(sc_table_require_num(t, "tpr", &jt, err));
    long js = sc_table_find(t, "step");
    const double *step = js >= 0 ? sc_table_num(t, (size_t)js) : NULL;
    v->nrows = sc_table_nrows(t);
    v->C = sc_table_num(t, jc);
    v->N = sc_table_num(t, jn);
    v->D = sc_table_num(t, jd);
    v->tpr = sc_table_num(t, jt);
    size_t n = v->nrows;
    v->run_of = sc_malloc_array(n ? n : 1, sizeof *v->run_of);
    v->name = sc_calloc(n ? n : 1, sizeof *v->name);
    v->last = sc_malloc_array(n ? n : 1, sizeof *v->last);
    if (!v->run_of || !v->name || !v->last) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *r = sc_table_text(t, jr, i);
        if (!r) return sc_fail(err, SC_EDOMAIN, src, 0, 0, "row %zu has no run name", i + 1);
        size_t k = v->nruns;
        /* Rows of a run are usually adjacent: look at the previous run first. */
        if (k > 0 && strcmp(v->name[k - 1], r) == 0) k = k - 1;
        else
            for (size_t q = 0; q < v->nruns; q++)
                if (strcmp(v->name[q], r) == 0) {
                    k = q;
                    break;
                }
        if (k == v->nruns) {
            v->name[k] = (char *)r;
            v->last[k] = i;
            v->nruns++;
        }
        v->run_of[i] = k;
        size_t l = v->last[k];
        if (step && !isnan(step[i]) && (isnan(step[l]) || step[i] >= step[l])) v->last[k] = i;
        else if (!step || isnan(step[i])) v->last[k] = i;
    }
    v->target = sc_malloc_array(v->nruns ? v->nruns : 1, sizeof *v->target);
    if (!v->target) return SC_ENOMEM;
    for (size_t k = 0; k < v->nruns; k++) {
        v->target[k] = -1;
        for (size_t q = 0; q < o->ntargets; q++)
            if (strcmp(o->targets[q].name, v->name[k]) == 0) v->target[k] = (int)q;
    }
    return SC_OK;
}

/* ------------------------------------------------------------------- per benchmark ---- */

typedef struct fold_pt {
    size_t fold;
    double d, e, v; /* log distance (>= 0), error, var_param + var_noise */
    size_t pred;    /* index in the benchmark's predictions */
    int calib;
} fold_pt;

typedef struct bwork {
    /* inputs */
    size_t b;
    const char *name;
    const double *y, *L;
    double chance;
    uint64_t seed;
    /* outputs */
    sc_status status;  /* SC_OK, or a hard error (returned) */
    sc_error err;
    int skipped;
    char skip_reason[256];
    size_t ncand;
    const sc_recipe *cand[MAX_LAWS];
    sc_fc_score score[MAX_LAWS];
    sc_fc_pred *pred;
    size_t npred, cappred;
    fold_pt *fp;
    size_t nfp;
    int chosen, runner;
    size_t nruns, nrungs, nfolds, npoints;
    double cmax, tpr_median;
    sc_rfit fit[2];
    int has_fit[2];
    double resid_sd;
    /* per target */
    double *val, *run_val, *loss, *var_param, *var_noise, *obs;
    /* curves (opts.curve_points): compute values, N, D, chosen and runner-up values, the
     * bootstrap variance of the chosen law */
    size_t ng;
    double *gC, *gN, *gD, *gy, *gru, *gvp;
    size_t npt; /* the final fits' points (with curves) */
    double *ptC, *pty;
    char **ptname;
    char fit_why[256];
    int fit_failed;
    int bt_failed;
    char bt_why[256];
    /* non-monotone in size */
    char monotone_msg[200];
    char flat_msg[200];
    int few_above_chance;
    size_t nD;
} bwork;

typedef struct ctx {
    const sc_table *runs;
    const sc_forecast_opts *o;
    const runs_view *v;
    double z;
} ctx;

static void bwork_free(bwork *w)
{
    free(w->pred);
    free(w->fp);
    free(w->val);
    free(w->run_val);
    free(w->loss);
    free(w->var_param);
    free(w->var_noise);
    free(w->obs);
    free(w->gC);
    free(w->gN);
    free(w->gD);
    free(w->gy);
    free(w->gru);
    free(w->gvp);
    free(w->ptC);
    free(w->pty);
    for (size_t i = 0; w->ptname && i < w->npt; i++) free(w->ptname[i]);
    free(w->ptname);
}

static sc_status add_pred(bwork *w, const sc_fc_pred *p)
{
    if (w->npred == w->cappred) {
        size_t cap = w->cappred ? 2 * w->cappred : 64;
        sc_fc_pred *q = realloc(w->pred, cap * sizeof *q);
        if (!q) return SC_ENOMEM;
        w->pred = q;
        w->cappred = cap;
    }
    w->pred[w->npred++] = *p;
    return SC_OK;
}

/* The rows of the runs with in_fit[run] set and a value, as arrays for sc_rfit_run. */
typedef struct pts {
    size_t n;
    double *C, *N, *D, *L, *y;
    size_t *run;
} pts;

static void pts_free(pts *p)
{
    free(p->C);
    free(p->N);
    free(p->D);
    free(p->L);
    free(p->y);
    free(p->run);
    memset(p, 0, sizeof *p);
}

static sc_status pts_alloc(pts *p, size_t n)
{
    memset(p, 0, sizeof *p);
    size_t m = n ? n : 1;
    p->C = sc_malloc_array(m, sizeof(double));
    p->N = sc_malloc_array(m, sizeof(double));
    p->D = sc_malloc_array(m, sizeof(double));
    p->L = sc_malloc_array(m, sizeof(double));
    p->y = sc_malloc_array(m, sizeof(double));
    p->run = sc_malloc_array(m, sizeof(size_t));
    if (!p->C || !p->N || !p->D || !p->L || !p->y || !p->run) {
        pts_free(p);
        return SC_ENOMEM;
    }
    return SC_OK;
}

static sc_status pts_gather(const ctx *c, const bwork *w, const unsigned char *in_fit, pts *p)
{
    const runs_view *v = c->v;
    SC_TRY(pts_alloc(p, v->nrows));
    for (size_t i = 0; i < v->nrows; i++) {
        size_t r = v->run_of[i];
        if (!in_fit[r] || !isfinite(w->y[i])) continue;
        size_t k = p->n++;
        p->C[k] = v->C[i];
        p->N[k] = v->N[i];
        p->D[k] = v->D[i];
        p->L[k] = w->L ? w->L[i] : NAN;
        p->y[k] = w->y[i];
        p->run[k] = r;
    }
    return SC_OK;
}

/* The row at which a run is predicted: its last row with a value. */
static long pred_row(const ctx *c, const bwork *w, size_t r)
{
    const runs_view *v = c->v;
    size_t l = v->last[r];
    if (isfinite(w->y[l])) return (long)l;
    long best = -1;
    for (size_t i = 0; i < v->nrows; i++)
        if (v->run_of[i] == r && isfinite(w->y[i])) best = (long)i;
    return best;
}

/* Bootstrap over whole runs: variance of the prediction at m points (C, N, D). Replicate q
 * draws from an RNG seeded by (seed, q) only. A replicate counts when its predictions at the
 * first m_core points are all finite; the points after them (a figure's curve) take the
 * variance over the counted replicates where they are finite, so that they never change the
 * first m_core. */
static sc_status boot_var(const ctx *c, const sc_recipe *r, const pts *p, const sc_rfit *best,
                          double margin, const double *C, const double *N, const double *D,
                          size_t m, size_t m_core, uint64_t seed, double *var)
{
    size_t B = c->o->boot;
    for (size_t j = 0; j < m; j++) var[j] = 0.0;
    if (B < 2 || m == 0) return SC_OK;
    /* Distinct runs of the points. */
    size_t nrun = 0;
    size_t *runs = sc_malloc_array(p->n ? p->n : 1, sizeof *runs);
    size_t *first = sc_malloc_array(p->n ? p->n : 1, sizeof *first);
    size_t *count = sc_calloc(p->n ? p->n : 1, sizeof *count);
    size_t *order = sc_malloc_array(p->n ? p->n : 1, sizeof *order);
    double *pr = sc_malloc_array(B * m, sizeof *pr);
    pts q;
    sc_status s = pts_alloc(&q, p->n * 2 + 8);
    if (!runs || !first || !count || !order || !pr || s != SC_OK) {
        s = SC_ENOMEM;
        goto done;
    }
    /* Points grouped by run (stable). */
    for (size_t i = 0; i < p->n; i++) {
        size_t k = 0;
        while (k < nrun && runs[k] != p->run[i]) k++;
        if (k == nrun) runs[nrun++] = p->run[i];
        count[k]++;
    }
    size_t pos = 0;
    for (size_t k = 0; k < nrun; k++) {
        first[k] = pos;
        for (size_t i = 0; i < p->n; i++)
            if (p->run[i] == runs[k]) order[pos++] = i;
    }
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        s = SC_ENOMEM;
        goto done;
    }
    size_t ok = 0;
    for (size_t b = 0; b < B; b++) {
        gsl_rng_set(rng, (unsigned long)sc_seed_mix(seed, b));
        size_t cap = p->n * 2 + 8;
        q.n = 0;
        for (size_t k = 0; k < nrun; k++) {
            size_t pick = (size_t)gsl_rng_uniform_int(rng, (unsigned long)nrun);
            if (q.n + count[pick] > cap) break;
            for (size_t t = 0; t < count[pick]; t++) {
                size_t i = order[first[pick] + t];
                q.C[q.n] = p->C[i];
                q.N[q.n] = p->N[i];
                q.D[q.n] = p->D[i];
                q.L[q.n] = p->L[i];
                q.y[q.n] = p->y[i];
                q.n++;
            }
        }
        sc_rfit f;
        sc_status fs = sc_rfit_run(r, q.C, q.N, q.D, q.L, q.y, q.n, best->chance, margin,
                                   best->theta, sc_seed_mix(seed, b), 1, &f, NULL);
        if (fs == SC_ENOMEM) {
            s = fs;
            break;
        }
        if (fs != SC_OK) continue;
        int good = 1;
        for (size_t j = 0; j < m; j++) {
            double yj = sc_rfit_predict(&f, C[j], N ? N[j] : NAN, D ? D[j] : NAN);
            if (j < m_core && !isfinite(yj)) good = 0;
            pr[ok * m + j] = yj;
        }
        if (good) ok++;
    }
    gsl_rng_free(rng);
    if (s == SC_OK && ok >= 2)
        for (size_t j = 0; j < m_core; j++) var[j] = gsl_stats_variance(pr + j, m, ok);
    if (s == SC_OK)
        for (size_t j = m_core; j < m; j++) {
            size_t k = 0;
            for (size_t b = 0; b < ok; b++)
                if (isfinite(pr[b * m + j])) pr[k++ * m + j] = pr[b * m + j];
            var[j] = ok < 2 ? 0.0 : k >= 2 ? gsl_stats_variance(pr + j, m, k) : NAN;
        }
done:
    free(runs);
    free(first);
    free(count);
    free(order);
    free(pr);
    pts_free(&q);
    return s;
}

/* N and D of a curve's point at compute C: C = 6 N D at the token/parameter ratio tpr. */
static void curve_nd(double C, double tpr, double *N, double *D)
{
    *N = sqrt(C / (6.0 * tpr));
    *D = tpr * *N;
}

static double noise_var(const ctx *c, double p, double resid_sd)
{
    if (isfinite(c->o->items) && c->o->items > 0) {
        double q = fmin(fmax(p, 0.0), 1.0);
        return q * (1.0 - q) / c->o->items;
    }
    return resid_sd * resid_sd;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static sc_status bench_work(const ctx *c, bwork *w)
{
    const runs_view *v = c->v;
    const sc_forecast_opts *o = c->o;
    size_t nr = v->nruns, nt = o->ntargets;
    sc_status s = SC_OK;
    unsigned char *in_fit = sc_calloc(nr ? nr : 1, 1);
    double *key = sc_malloc_array(nr ? nr : 1, sizeof *key);
    size_t *rung = sc_malloc_array(nr ? nr : 1, sizeof *rung);
    long *prow = sc_malloc_array(nr ? nr : 1, sizeof *prow);
    w->val = sc_malloc_array(nt ? nt : 1, sizeof(double));
    w->run_val = sc_malloc_array(nt ? nt : 1, sizeof(double));
    w->loss = sc_malloc_array(nt ? nt : 1, sizeof(double));
    w->var_param = sc_malloc_array(nt ? nt : 1, sizeof(double));
    w->var_noise = sc_malloc_array(nt ? nt : 1, sizeof(double));
    w->obs = sc_malloc_array(nt ? nt : 1, sizeof(double));
    double *tC = sc_malloc_array(nt ? nt : 1, sizeof(double));
    double *tN = sc_malloc_array(nt ? nt : 1, sizeof(double));
    double *tD = sc_malloc_array(nt ? nt : 1, sizeof(double));
    pts p = {0};
    w->chosen = w->runner = -1;
    if (!in_fit || !key || !rung || !prow || !w->val || !w->run_val || !w->loss ||
        !w->var_param || !w->var_noise || !w->obs || !tC || !tN || !tD) {
        s = SC_ENOMEM;
        goto done;
    }
    for (size_t t = 0; t < nt; t++) {
        w->val[t] = w->run_val[t] = w->loss[t] = w->obs[t] = NAN;
        w->var_param[t] = w->var_noise[t] = 0.0;
        tC[t] = o->targets[t].C;
        tN[t] = o->targets[t].N;
        tD[t] = o->targets[t].D;
    }
    /* Runs: the targets that are runs are held out; observed values for grading. */
    size_t nfit = 0;
    for (size_t r = 0; r < nr; r++) {
        prow[r] = pred_row(c, w, r);
        int tg = v->target[r];
        if (tg >= 0) {
            if (prow[r] >= 0) {
                size_t i = (size_t)prow[r];
                w->obs[tg] = w->y[i];
                if (isnan(tC[tg]) && isnan(tN[tg])) {
                    tN[tg] = v->N[i];
                    tD[tg] = v->D[i];
                    tC[tg] = v->C[i];
                }
            }
            continue;
        }
        if (prow[r] < 0) continue;
        in_fit[r] = 1;
        nfit++;
        size_t i = (size_t)prow[r];
        key[r] = isfinite(v->N[i]) ? v->N[i] : v->C[i];
    }
    for (size_t t = 0; t < nt; t++)
        if (isnan(tC[t]) && isfinite(tN[t]) && isfinite(tD[t])) tC[t] = 6.0 * tN[t] * tD[t];
    w->nruns = nfit;
    /* Rungs: distinct N within 1% (C when N is unknown). */
    double *keys = sc_malloc_array(nfit ? nfit : 1, sizeof *keys);
    if (!keys) {
        s = SC_ENOMEM;
        goto done;
    }
    size_t nk = 0;
    for (size_t r = 0; r < nr; r++)
        if (in_fit[r]) keys[nk++] = key[r];
    qsort(keys, nk, sizeof *keys, cmp_double);
    double *rstart = keys; /* rung starts compacted in place */
    size_t nrung = 0;
    for (size_t k = 0; k < nk; k++)
        if (nrung == 0 || keys[k] > rstart[nrung - 1] * 1.01) rstart[nrung++] = keys[k];
    for (size_t r = 0; r < nr; r++) {
        if (!in_fit[r]) continue;
        size_t g = 0;
        while (g + 1 < nrung && key[r] >= rstart[g + 1]) g++;
        rung[r] = g;
    }
    w->nrungs = nrung;
    /* Runs above chance + margin (the verdict's near_chance). */
    {
        size_t above = 0;
        for (size_t r = 0; r < nr; r++)
            if (in_fit[r] && isfinite(w->chance) && w->y[prow[r]] > w->chance + o->margin) above++;
        w->few_above_chance = isfinite(w->chance) && 2 * above < nfit;
    }
    free(keys);
    /* Candidates. */
    double tmin = INFINITY, tmax = 0;
    double *tprs = sc_malloc_array(nfit ? nfit : 1, sizeof *tprs);
    size_t ntp = 0;
    if (!tprs) {
        s = SC_ENOMEM;
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        if (in_fit[r]) {
            double t = v->tpr[prow[r]];
            tmin = fmin(tmin, t);
            tmax = fmax(tmax, t);
            if (isfinite(t)) tprs[ntp++] = t;
        }
    if (ntp) {
        qsort(tprs, ntp, sizeof *tprs, cmp_double);
        w->tpr_median = tprs[ntp / 2];
    } else {
        w->tpr_median = 20.0;
    }
    free(tprs);
    int tpr_varies = tmax > 1.05 * tmin;
    int targets_nd = 1;
    for (size_t t = 0; t < nt; t++) targets_nd &= isfinite(tN[t]) && isfinite(tD[t]);
    size_t nrec;
    const sc_recipe *all = sc_recipes(&nrec);
    for (size_t k = 0; k < nrec && w->ncand < MAX_LAWS; k++) {
        const sc_recipe *r = &all[k];
        if (o->laws) {
            int named = 0;
            for (size_t q = 0; q < o->nlaws; q++) named |= strcmp(o->laws[q], r->name) == 0;
            if (!named) continue;
            if (r->input == SC_RIN_ND && !targets_nd) {
                for (size_t t = 0; t < nt; t++)
                    if (!(isfinite(tN[t]) && isfinite(tD[t]))) {
                        s = sc_fail(&w->err, SC_EDOMAIN, NULL, 0, 0,
                                    "target \"%s\": %s needs N and D (give NAME=N:D)",
                                    o->targets[t].name, r->name);
                        break;
                    }
                goto done;
            }
            if (r->input == SC_RIN_LOSS && !o->loss_column) {
                s = sc_fail(&w->err, SC_EINVAL, NULL, 0, 0,
                            "%s needs a loss column", r->name);
                goto done;
            }
        } else {
            if (!r->by_default) continue;
            if (r->input == SC_RIN_ND && (!tpr_varies || !targets_nd)) continue;
            if (r->input == SC_RIN_LOSS && !o->loss_column) continue;
        }
        if (r->normalised && !isfinite(w->chance)) continue;
        w->cand[w->ncand++] = r;
    }
    if (w->ncand == 0) {
        w->skipped = 1;
        snprintf(w->skip_reason, sizeof w->skip_reason,
                 isfinite(w->chance) ? "no candidate law applies"
                                     : "no chance level known (none given, none built in)");
        goto done;
    }
    /* Distinct D values (a degenerate fit for the laws in N and D). */
    {
        double d0 = NAN;
        w->nD = 0;
        for (size_t r = 0; r < nr && w->nD < 2; r++)
            if (in_fit[r]) {
                double d = v->D[prow[r]];
                if (isnan(d0)) {
                    d0 = d;
                    w->nD = 1;
                } else if (fabs(d - d0) > 1e-6 * d0) w->nD = 2;
            }
    }
    /* Backtest folds: fold f holds out the f largest rungs. */
    size_t F = nrung >= 5 ? 3 : nrung >= 2 ? 1 : 0;
    w->nfolds = F;
    unsigned char *fin = sc_calloc(nr ? nr : 1, 1);
    if (!fin) {
        s = SC_ENOMEM;
        goto done;
    }
    double fold_mae[MAX_LAWS][3];
    for (size_t l = 0; l < w->ncand; l++) {
        sc_fc_score *sc = &w->score[l];
        memset(sc, 0, sizeof *sc);
        sc->bench = w->b;
        snprintf(sc->law, sizeof sc->law, "%s", w->cand[l]->name);
        snprintf(sc->status, sizeof sc->status, "%s", F ? "ok" : "no_folds");
        sc->mae = NAN;
    }
    for (size_t f = 1; f <= F && s == SC_OK; f++) {
        size_t origin = nrung - f;
        for (size_t r = 0; r < nr; r++) fin[r] = in_fit[r] && rung[r] < origin;
        pts fp;
        if ((s = pts_gather(c, w, fin, &fp)) != SC_OK) break;
        double cmaxf = 0;
        for (size_t i = 0; i < fp.n; i++) cmaxf = fmax(cmaxf, fp.C[i]);
        for (size_t l = 0; l < w->ncand && s == SC_OK; l++) {
            sc_fc_score *sc = &w->score[l];
            fold_mae[l][f - 1] = NAN;
            if (strcmp(sc->status, "ok") != 0) continue;
            sc_rfit fit;
            sc_error fe;
            sc_error_clear(&fe);
            sc_status fs = sc_rfit_run(w->cand[l], fp.C, fp.N, fp.D, fp.L, fp.y, fp.n,
                                       w->chance, o->margin, NULL, sc_seed_mix(w->seed, 100 + f),
                                       1, &fit, &fe);
            if (fs == SC_ENOMEM) {
                s = fs;
                break;
            }
            if (fs != SC_OK) {
                snprintf(sc->status, sizeof sc->status, "failed");
                snprintf(sc->why, sizeof sc->why, "fold %zu: %.200s", f, fe.message);
                continue;
            }
            double sum = 0;
            size_t cnt = 0;
            int oor = 0;
            for (size_t r = 0; r < nr && s == SC_OK; r++) {
                if (!in_fit[r] || rung[r] < origin) continue;
                size_t i = (size_t)prow[r];
                double yp = sc_rfit_predict(&fit, v->C[i], v->N[i], v->D[i]);
                sc_fc_pred pd;
                memset(&pd, 0, sizeof pd);
                pd.bench = w->b;
                snprintf(pd.law, sizeof pd.law, "%s", w->cand[l]->name);
                pd.fold = f;
                snprintf(pd.run, sizeof pd.run, "%s", v->name[r]);
                pd.N = v->N[i];
                pd.D = v->D[i];
                pd.C = v->C[i];
                pd.ratio = v->C[i] / cmaxf;
                pd.predicted = yp;
                pd.observed = w->y[i];
                pd.lo = pd.hi = NAN;
                pd.calibration = 0;
                if ((s = add_pred(w, &pd)) != SC_OK) break;
                if (!isfinite(yp) || yp < 0.0 || yp > 1.0) oor = 1;
                else {
                    sum += fabs(yp - w->y[i]);
                    cnt++;
                }
            }
            if (oor) {
                snprintf(sc->status, sizeof sc->status, "out_of_range");
                snprintf(sc->why, sizeof sc->why,
                         "fold %zu: a prediction is not finite or outside [0, 1]", f);
                continue;
            }
            fold_mae[l][f - 1] = cnt ? sum / (double)cnt : NAN;
            sc->npred += cnt;
            sc->nfolds++;
        }
        pts_free(&fp);
    }
    if (s != SC_OK) {
        free(fin);
        goto done;
    }
    /* Scores and the choice: lowest mean fold MAE, ties to fewer parameters. */
    for (size_t l = 0; l < w->ncand; l++) {
        sc_fc_score *sc = &w->score[l];
        if (strcmp(sc->status, "ok") != 0 || sc->nfolds == 0) continue;
        double sum = 0;
        for (size_t f = 0; f < F; f++) sum += fold_mae[l][f];
        sc->mae = sum / (double)F;
    }
    for (int pass = 0; pass < 2; pass++) {
        int best = -1;
        for (size_t l = 0; l < w->ncand; l++) {
            const sc_fc_score *sc = &w->score[l];
            if ((int)l == w->chosen || !isfinite(sc->mae)) continue;
            if (best < 0) {
                best = (int)l;
                continue;
            }
            double m0 = w->score[best].mae;
            if (sc->mae < m0 - 1e-12 ||
                (fabs(sc->mae - m0) <= 1e-12 &&
                 sc_recipe_nparam(w->cand[l]) < sc_recipe_nparam(w->cand[best])))
                best = (int)l;
        }
        if (pass == 0) w->chosen = best;
        else w->runner = best;
    }
    if (F == 0) {
        /* No backtest possible: the candidate with the fewest parameters. */
        w->chosen = 0;
        for (size_t l = 1; l < w->ncand; l++)
            if (sc_recipe_nparam(w->cand[l]) < sc_recipe_nparam(w->cand[w->chosen]))
                w->chosen = (int)l;
    }
    if (w->chosen < 0) {
        /* No law survived the backtest (typically: too few points above chance in the folds).
         * The law with the fewest parameters is still fitted to every run; the verdict says
         * that it could not be backtested. */
        w->bt_failed = 1;
        snprintf(w->bt_why, sizeof w->bt_why, "no candidate law could be backtested (%s: %.160s)",
                 w->score[0].law, w->score[0].why);
        w->chosen = 0;
        for (size_t l = 1; l < w->ncand; l++)
            if (sc_recipe_nparam(w->cand[l]) < sc_recipe_nparam(w->cand[w->chosen]))
                w->chosen = (int)l;
    }
    /* The chosen law's fold predictions: parameter and noise variance for the interval parts
     * (bootstrap of each fold's fit), for the extrapolation scale and the calibration. */
    const sc_recipe *cr = w->cand[w->chosen];
    w->fp = sc_calloc(w->npred ? w->npred : 1, sizeof *w->fp);
    if (!w->fp) {
        s = SC_ENOMEM;
        free(fin);
        goto done;
    }
    for (size_t f = 1; f <= F && s == SC_OK; f++) {
        size_t origin = nrung - f;
        for (size_t r = 0; r < nr; r++) fin[r] = in_fit[r] && rung[r] < origin;
        pts fp;
        if ((s = pts_gather(c, w, fin, &fp)) != SC_OK) break;
        double cmaxf = 0;
        for (size_t i = 0; i < fp.n; i++) cmaxf = fmax(cmaxf, fp.C[i]);
        sc_rfit fit;
        sc_status fs = sc_rfit_run(cr, fp.C, fp.N, fp.D, fp.L, fp.y, fp.n, w->chance, o->margin,
                                   NULL, sc_seed_mix(w->seed, 100 + f), 1, &fit, NULL);
        if (fs != SC_OK) {
            pts_free(&fp);
            if (fs == SC_ENOMEM) s = fs;
            continue;
        }
        size_t m = 0;
        double *hc = sc_malloc_array(w->npred ? w->npred : 1, sizeof *hc);
        double *hn = sc_malloc_array(w->npred ? w->npred : 1, sizeof *hn);
        double *hd = sc_malloc_array(w->npred ? w->npred : 1, sizeof *hd);
        size_t *hp = sc_malloc_array(w->npred ? w->npred : 1, sizeof *hp);
        double *vp = sc_malloc_array(w->npred ? w->npred : 1, sizeof *vp);
        if (!hc || !hn || !hd || !hp || !vp) {
            free(hc);
            free(hn);
            free(hd);
            free(hp);
            free(vp);
            pts_free(&fp);
            s = SC_ENOMEM;
            break;
        }
        for (size_t q = 0; q < w->npred; q++) {
            sc_fc_pred *pd = &w->pred[q];
            if (pd->fold != f || strcmp(pd->law, cr->name) != 0) continue;
            hc[m] = pd->C;
            hn[m] = pd->N;
            hd[m] = pd->D;
            hp[m] = q;
            m++;
        }
        s = boot_var(c, cr, &fp, &fit, o->margin, hc, hn, hd, m, m,
                     sc_seed_mix(w->seed, 1000 + f), vp);
        for (size_t j = 0; j < m && s == SC_OK; j++) {
            sc_fc_pred *pd = &w->pred[hp[j]];
            fold_pt *pt = &w->fp[w->nfp++];
            pt->fold = f;
            pt->d = fmax(0.0, log(pd->C / cmaxf));
            pt->e = pd->predicted - pd->observed;
            pt->v = vp[j]; /* the noise is added once the benchmark's scatter is known */
            pt->pred = hp[j];
            /* One prediction per held-out run: from the fold whose origin is its rung. */
            size_t r = 0;
            while (r < nr && strcmp(v->name[r], pd->run) != 0) r++;
            pt->calib = r < nr && rung[r] == origin;
        }
        free(hc);
        free(hn);
        free(hd);
        free(hp);
        free(vp);
        pts_free(&fp);
    }
    free(fin);
    if (s != SC_OK) goto done;
    /* Final fits on every run: chosen and runner-up. */
    if ((s = pts_gather(c, w, in_fit, &p)) != SC_OK) goto done;
    w->npoints = p.n;
    w->cmax = 0;
    for (size_t i = 0; i < p.n; i++) w->cmax = fmax(w->cmax, p.C[i]);
    for (int which = 0; which < 2; which++) {
        int l = which == 0 ? w->chosen : w->runner;
        if (l < 0) continue;
        sc_error fe;
        sc_error_clear(&fe);
        sc_status fs = sc_rfit_run(w->cand[l], p.C, p.N, p.D, p.L, p.y, p.n, w->chance,
                                   o->margin, NULL, sc_seed_mix(w->seed, 7 + (uint64_t)which), 1,
                                   &w->fit[which], &fe);
        if (fs == SC_ENOMEM) {
            s = fs;
            goto done;
        }
        if (fs != SC_OK) {
            if (which == 0) {
                w->fit_failed = 1;
                snprintf(w->fit_why, sizeof w->fit_why, "%s: %.200s", cr->name, fe.message);
            }
            continue;
        }
        w->has_fit[which] = 1;
        for (size_t t = 0; t < nt; t++) {
            double yv = sc_rfit_predict(&w->fit[which], tC[t], tN[t], tD[t]);
            if (which == 0) {
                w->val[t] = yv;
                w->loss[t] = sc_rfit_predict_loss(&w->fit[0], tC[t]);
            } else {
                w->run_val[t] = yv;
            }
        }
    }
    if (!w->has_fit[0]) goto done;
    /* The benchmark's noise when its items are unknown: the residual scatter of the final fit
     * (the most points), used for the backtest predictions too. */
    w->resid_sd = w->fit[0].resid_sd;
    for (size_t i = 0; i < w->nfp; i++)
        w->fp[i].v += noise_var(c, w->pred[w->fp[i].pred].predicted, w->resid_sd);
    /* The curves of a figure: ng compute values (log-spaced) from below the smallest run fitted
     * to beyond the largest target; their bootstrap variances come from the same replicates as
     * the targets' (boot_var's m_core keeps the targets' as they are without curves). */
    if (o->curve_points >= 2) {
        const size_t ng = o->curve_points;
        w->ptC = sc_malloc_array(p.n ? p.n : 1, sizeof(double));
        w->pty = sc_malloc_array(p.n ? p.n : 1, sizeof(double));
        w->ptname = sc_calloc(p.n ? p.n : 1, sizeof(char *));
        if (!w->ptC || !w->pty || !w->ptname) {
            s = SC_ENOMEM;
            goto done;
        }
        for (size_t i = 0; i < p.n; i++) {
            w->ptC[i] = p.C[i];
            w->pty[i] = p.y[i];
            w->ptname[i] = sc_strdup(v->name[p.run[i]]);
            w->npt = i + 1;
            if (!w->ptname[i]) {
                s = SC_ENOMEM;
                goto done;
            }
        }
        double cmin = INFINITY, ctop = w->cmax;
        for (size_t i = 0; i < p.n; i++) cmin = fmin(cmin, p.C[i]);
        for (size_t t = 0; t < nt; t++)
            if (isfinite(tC[t]) && tC[t] > ctop) ctop = tC[t];
        w->gC = sc_malloc_array(ng, sizeof(double));
        w->gN = sc_malloc_array(ng, sizeof(double));
        w->gD = sc_malloc_array(ng, sizeof(double));
        w->gy = sc_malloc_array(ng, sizeof(double));
        w->gru = sc_malloc_array(ng, sizeof(double));
        w->gvp = sc_malloc_array(nt + ng, sizeof(double));
        double *aC = sc_malloc_array(nt + ng, sizeof(double));
        double *aN = sc_malloc_array(nt + ng, sizeof(double));
        double *aD = sc_malloc_array(nt + ng, sizeof(double));
        if (!w->gC || !w->gN || !w->gD || !w->gy || !w->gru || !w->gvp || !aC || !aN || !aD ||
            !(cmin > 0) || !(ctop > 0)) {
            free(aC);
            free(aN);
            free(aD);
            if (cmin > 0 && ctop > 0) {
                s = SC_ENOMEM;
                goto done;
            }
            s = boot_var(c, cr, &p, &w->fit[0], o->margin, tC, tN, tD, nt, nt,
                         sc_seed_mix(w->seed, 5000), w->var_param);
        } else {
            w->ng = ng;
            const double l0 = log(cmin / 1.5), l1 = log(ctop * 1.5);
            for (size_t g = 0; g < ng; g++) {
                const double Cg = exp(l0 + (l1 - l0) * (double)g / (double)(ng - 1));
                /* N and D at the runs' median token/parameter ratio (sc_forecast_curve) */
                w->gC[g] = Cg;
                curve_nd(Cg, w->tpr_median, &w->gN[g], &w->gD[g]);
                w->gy[g] = sc_rfit_predict(&w->fit[0], Cg, w->gN[g], w->gD[g]);
                w->gru[g] = w->has_fit[1] ? sc_rfit_predict(&w->fit[1], Cg, w->gN[g], w->gD[g])
                                          : NAN;
            }
            memcpy(aC, tC, nt * sizeof(double));
            memcpy(aN, tN, nt * sizeof(double));
            memcpy(aD, tD, nt * sizeof(double));
            memcpy(aC + nt, w->gC, ng * sizeof(double));
            memcpy(aN + nt, w->gN, ng * sizeof(double));
            memcpy(aD + nt, w->gD, ng * sizeof(double));
            s = boot_var(c, cr, &p, &w->fit[0], o->margin, aC, aN, aD, nt + ng, nt,
                         sc_seed_mix(w->seed, 5000), w->gvp);
            memcpy(w->var_param, w->gvp, nt * sizeof(double));
            memmove(w->gvp, w->gvp + nt, ng * sizeof(double));
            free(aC);
            free(aN);
            free(aD);
        }
    } else {
        s = boot_var(c, cr, &p, &w->fit[0], o->margin, tC, tN, tD, nt, nt,
                     sc_seed_mix(w->seed, 5000), w->var_param);
    }
    /* Non-monotone in scale: a run with at least 1.5x the parameters and 1.5x the compute of
     * another scores lower by more than the noise allows (2 residual sd, at least 0.01). */
    {
        double thr = fmax(0.01, 2.0 * w->resid_sd), worst = 0.0;
        size_t wi = 0, wj = 0;
        for (size_t i = 0; i < nr; i++) {
            if (!in_fit[i]) continue;
            for (size_t j = 0; j < nr; j++) {
                if (!in_fit[j]) continue;
                size_t ri = (size_t)prow[i], rj = (size_t)prow[j];
                double drop = w->y[ri] - w->y[rj];
                /* A larger model trained with more compute: across token/parameter ratios a run
                 * with more compute alone may legitimately score lower. */
                if (v->C[rj] >= 1.5 * v->C[ri] && v->N[rj] >= 1.5 * v->N[ri] && drop > thr &&
                    drop > worst) {
                    worst = drop;
                    wi = ri;
                    wj = rj;
                }
            }
        }
        /* No rise across the ladder beyond the noise: largest rung against smallest. */
        double lo_sum = 0, hi_sum = 0;
        size_t lo_n = 0, hi_n = 0;
        for (size_t r = 0; r < nr; r++) {
            if (!in_fit[r]) continue;
            if (rung[r] == 0) {
                lo_sum += w->y[prow[r]];
                lo_n++;
            }
            if (rung[r] + 1 == nrung) {
                hi_sum += w->y[prow[r]];
                hi_n++;
            }
        }
        if (nrung >= 2 && lo_n && hi_n) {
            double gain = hi_sum / (double)hi_n - lo_sum / (double)lo_n;
            if (gain < 2.0 * w->resid_sd)
                snprintf(w->flat_msg, sizeof w->flat_msg,
                         "accuracy rises by %.3f from the smallest to the largest rung, within "
                         "twice its noise sd %.3f",
                         gain, w->resid_sd);
        }
        if (worst > 0)
            snprintf(w->monotone_msg, sizeof w->monotone_msg,
                     "accuracy falls with scale: %.3f at C = %.3g, %.3f at C = %.3g (noise sd %.3f)",
                     w->y[wi], v->C[wi], w->y[wj], v->C[wj], w->resid_sd);
    }
    for (size_t t = 0; t < nt; t++) w->var_noise[t] = noise_var(c, w->val[t], w->resid_sd);
done:
    pts_free(&p);
    free(in_fit);
    free(key);
    free(rung);
    free(prow);
    free(tC);
    free(tN);
    free(tD);
    return s;
}

/* ------------------------------------------------------------------- assembly ---- */

static void add_reason(sc_fc_row *row, sc_trust level, const char *code, const char *fmt, ...)
    SC_PRINTF(4, 5);
static void add_reason(sc_fc_row *row, sc_trust level, const char *code, const char *fmt, ...)
{
    if (row->nreasons >= SC_FC_MAX_REASONS) return;
    sc_fc_reason *r = &row->reasons[row->nreasons++];
    snprintf(r->code, sizeof r->code, "%s", code);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    if (level > row->trust) row->trust = level;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

/* The extrapolation error as an inflation of the variance: e^2 / v = a + b d^2 (e the backtest
 * error, v its parameter and noise variance, d = max(0, log(C / largest C fitted))), by least
 * squares on (1, d^2) over the chosen law's fold predictions of benchmark b, with the sums of
 * every benchmark added once at the weight of one benchmark (shrinkage towards the pooled fit;
 * the ratio is free of each benchmark's scale, so benchmarks can be pooled), leaving out fold
 * (b, fold) when fold > 0. a and b are clamped at 0; the interval uses max(1, a + b d^2). */
static void extrap_estimate(const bwork *w, size_t nb, size_t b, size_t fold, double *s02,
                            double *k2)
{
    double mb[5] = {0}, mall[5] = {0};
    size_t nused = 0;
    for (size_t q = 0; q < nb; q++) {
        double m[5] = {0};
        for (size_t i = 0; i < w[q].nfp; i++) {
            const fold_pt *pt = &w[q].fp[i];
            if (q == b && fold && pt->fold == fold) continue;
            if (!(pt->v > 0)) continue;
            double d2 = pt->d * pt->d, y = pt->e * pt->e / pt->v;
            m[0] += 1.0;
            m[1] += d2;
            m[2] += d2 * d2;
            m[3] += y;
            m[4] += d2 * y;
        }
        if (m[0] > 0) nused++;
        for (int k = 0; k < 5; k++) {
            mall[k] += m[k];
            if (q == b) mb[k] = m[k];
        }
    }
    *s02 = *k2 = 0.0;
    if (nused == 0) return;
    double m[5];
    for (int k = 0; k < 5; k++) m[k] = mb[k] + mall[k] / (double)nused;
    double det = m[0] * m[2] - m[1] * m[1];
    double a = NAN, c = NAN;
    if (det > 1e-12 * (m[0] * m[2] + 1e-300)) {
        a = (m[2] * m[3] - m[1] * m[4]) / det;
        c = (m[0] * m[4] - m[1] * m[3]) / det;
    }
    if (!(a >= 0.0 && c >= 0.0)) {
        /* One term only: whichever fits with a non-negative value and the smaller residual. */
        double c1 = m[2] > 0 ? fmax(0.0, m[4] / m[2]) : 0.0;
        double a1 = m[0] > 0 ? fmax(0.0, m[3] / m[0]) : 0.0;
        /* Residual sums up to a constant: -2 c1 m4 + c1^2 m2 versus -2 a1 m3 + a1^2 m0. */
        double r1 = -2 * c1 * m[4] + c1 * c1 * m[2], r0 = -2 * a1 * m[3] + a1 * a1 * m[0];
        if (r1 < r0) {
            a = 0.0;
            c = c1;
        } else {
            a = a1;
            c = 0.0;
        }
    }
    *s02 = a;
    *k2 = c;
}

static sc_status assemble(const ctx *c, bwork *w, size_t nb, sc_forecast *fc)
{
    const sc_forecast_opts *o = c->o;
    size_t nt = o->ntargets;
    size_t nkept = 0, npred = 0, nscores = 0, nskip = 0;
    for (size_t b = 0; b < nb; b++) {
        if (w[b].skipped) {
            nskip++;
            continue;
        }
        nkept++;
        npred += w[b].npred;
        nscores += w[b].ncand;
    }
    fc->bench = sc_calloc(nkept ? nkept : 1, sizeof *fc->bench);
    fc->rows = sc_calloc(nkept * nt > 0 ? nkept * nt : 1, sizeof *fc->rows);
    fc->pred = sc_calloc(npred ? npred : 1, sizeof *fc->pred);
    fc->scores = sc_calloc(nscores ? nscores : 1, sizeof *fc->scores);
    sc_fc_skip *sk = sc_calloc(nskip + fc->nskipped + 1, sizeof *sk);
    if (!fc->bench || !fc->rows || !fc->pred || !fc->scores || !sk) {
        free(sk);
        return SC_ENOMEM;
    }
    for (size_t k = 0; k < fc->nskipped; k++) sk[k] = fc->skipped[k];
    free(fc->skipped);
    fc->skipped = sk;
    double zq = c->z;
    size_t covered = 0, total = 0;
    double wsum = 0;
    size_t kb = 0;
    for (size_t b = 0; b < nb; b++) {
        bwork *W = &w[b];
        if (W->skipped) {
            sc_fc_skip *s = &fc->skipped[fc->nskipped++];
            s->benchmark = sc_strdup(W->name);
            if (!s->benchmark) return SC_ENOMEM;
            snprintf(s->reason, sizeof s->reason, "%s", W->skip_reason);
            continue;
        }
        sc_fc_bench *B = &fc->bench[kb];
        B->name = sc_strdup(W->name);
        if (!B->name) return SC_ENOMEM;
        fc->nbench = kb + 1;
        B->chance = W->chance;
        B->nruns = W->nruns;
        B->nrungs = W->nrungs;
        B->nfolds = W->nfolds;
        B->npoints = W->npoints;
        snprintf(B->noise_source, sizeof B->noise_source, "%s",
                 isfinite(o->items) && o->items > 0 ? "items" : "residuals");
        double ia, ib;
        extrap_estimate(w, nb, b, 0, &ia, &ib);
        B->infl_a = ia;
        B->infl_b = ib;
        B->cmax = W->cmax;
        B->tpr_median = W->tpr_median;
        B->fit[0] = W->fit[0];
        B->fit[1] = W->fit[1];
        B->has_fit[0] = W->has_fit[0];
        B->has_fit[1] = W->has_fit[1];
        if (W->ng > 0 && W->has_fit[0] && !W->fit_failed) {
            /* The band as a target's interval (below), at each compute value of the curve. */
            B->curve_lo = sc_malloc_array(W->ng, sizeof(double));
            B->curve_hi = sc_malloc_array(W->ng, sizeof(double));
            if (!B->curve_lo || !B->curve_hi) return SC_ENOMEM;
            for (size_t g = 0; g < W->ng; g++) {
                const double y = W->gy[g];
                B->curve_lo[g] = B->curve_hi[g] = NAN;
                if (!isfinite(y) || y < 0.0 || y > 1.0 || !isfinite(W->gvp[g])) continue;
                const double d = fmax(0.0, log(W->gC[g] / W->cmax));
                const double v0 = W->gvp[g] + noise_var(c, y, W->resid_sd);
                const double sd = sqrt(v0 * fmax(1.0, ia + ib * d * d));
                B->curve_lo[g] = fmax(0.0, y - zq * sd);
                B->curve_hi[g] = fmin(1.0, y + zq * sd);
            }
            for (size_t g = 0; g < W->ng; g++) {
                if (!(W->gy[g] >= 0.0 && W->gy[g] <= 1.0)) W->gy[g] = NAN;
                if (!(W->gru[g] >= 0.0 && W->gru[g] <= 1.0)) W->gru[g] = NAN;
            }
            B->ncurve = W->ng;
            B->curve_C = W->gC;
            B->curve_value = W->gy;
            B->curve_runner = W->gru;
            W->gC = W->gy = W->gru = NULL;
            B->npts = W->npt;
            B->pts_C = W->ptC;
            B->pts_y = W->pty;
            B->pts_run = W->ptname;
            W->ptC = W->pty = NULL;
            W->ptname = NULL;
            W->npt = 0;
        }
        for (size_t l = 0; l < W->ncand; l++) {
            fc->scores[fc->nscores] = W->score[l];
            fc->scores[fc->nscores].bench = kb;
            fc->nscores++;
        }
        size_t pred0 = fc->npred;
        for (size_t q = 0; q < W->npred; q++) {
            fc->pred[fc->npred] = W->pred[q];
            fc->pred[fc->npred].bench = kb;
            fc->npred++;
        }
        /* Calibration: each held-out run once, k without its fold. */
        for (size_t i = 0; i < W->nfp; i++) {
            const fold_pt *pt = &W->fp[i];
            if (!pt->calib) continue;
            sc_fc_pred *pd = &fc->pred[pred0 + pt->pred];
            double a0, kk;
            extrap_estimate(w, nb, b, pt->fold, &a0, &kk);
            double sd = sqrt(pt->v * fmax(1.0, a0 + kk * pt->d * pt->d));
            pd->lo = fmax(0.0, pd->predicted - zq * sd);
            pd->hi = fmin(1.0, pd->predicted + zq * sd);
            pd->calibration = 1;
            total++;
            if (pd->observed >= pd->lo && pd->observed <= pd->hi) covered++;
            wsum += pd->hi - pd->lo;
        }
        const sc_fc_score *cs = W->chosen >= 0 ? &W->score[W->chosen] : NULL;
        const sc_fc_score *rs = W->runner >= 0 ? &W->score[W->runner] : NULL;
        for (size_t t = 0; t < nt; t++) {
            sc_fc_row *row = &fc->rows[kb * nt + t];
            const sc_fc_target *tg = &o->targets[t];
            row->bench = kb;
            row->target = t;
            snprintf(row->target_name, sizeof row->target_name, "%s", tg->name);
            row->N = tg->N;
            row->D = tg->D;
            row->C = tg->C;
            /* A target that is a run: its own N, D, C when not given. */
            for (size_t r = 0; r < c->v->nruns; r++)
                if (c->v->target[r] == (int)t && isnan(tg->C) && isnan(tg->N)) {
                    size_t i = c->v->last[r];
                    row->N = c->v->N[i];
                    row->D = c->v->D[i];
                    row->C = c->v->C[i];
                }
            if (isnan(row->C) && isfinite(row->N) && isfinite(row->D))
                row->C = 6.0 * row->N * row->D;
            snprintf(row->law, sizeof row->law, "%s", cs ? cs->law : "");
            snprintf(row->runner_up, sizeof row->runner_up, "%s", rs ? rs->law : "");
            row->backtest_error = cs ? cs->mae : NAN;
            row->runner_up_error = rs ? rs->mae : NAN;
            row->observed = W->obs[t];
            row->ratio = W->cmax > 0 ? row->C / W->cmax : NAN;
            row->value = row->lo = row->hi = row->error = NAN;
            row->runner_up_value = W->has_fit[1] ? W->run_val[t] : NAN;
            row->loss = W->loss[t];
            if (W->fit_failed || !W->has_fit[0]) {
                snprintf(row->status, sizeof row->status, "failed");
                snprintf(row->why, sizeof row->why, "%s", W->fit_why);
                row->trust = SC_TRUST_UNTRUSTED;
                continue;
            }
            double val = W->val[t];
            if (!isfinite(val) || val < 0.0 || val > 1.0) {
                snprintf(row->status, sizeof row->status, "out_of_range");
                snprintf(row->why, sizeof row->why, "%s predicts %g, outside [0, 1]", row->law,
                         val);
                row->trust = SC_TRUST_UNTRUSTED;
                continue;
            }
            double d = fmax(0.0, log(row->ratio));
            row->sd_param = sqrt(W->var_param[t]);
            row->sd_noise = sqrt(W->var_noise[t]);
            double v0 = W->var_param[t] + W->var_noise[t];
            double var = v0 * fmax(1.0, ia + ib * d * d);
            row->sd_extrap = sqrt(var - v0);
            double sd = sqrt(var);
            row->value = val;
            row->lo = fmax(0.0, val - zq * sd);
            row->hi = fmin(1.0, val + zq * sd);
            if (isfinite(row->observed)) row->error = val - row->observed;
            snprintf(row->status, sizeof row->status, "ok");
            /* The verdict. */
            row->trust = SC_TRUST_OK;
            if (isfinite(W->chance) && val < W->chance + o->margin)
                add_reason(row, SC_TRUST_UNTRUSTED, "near_chance",
                           "forecast %.3f is within %.2f of chance %.3f", val, o->margin,
                           W->chance);
            else if (W->few_above_chance)
                add_reason(row, SC_TRUST_CAUTION, "near_chance",
                           "most runs score within %.2f of chance %.3f", o->margin, W->chance);
            size_t p = sc_recipe_nparam(W->cand[W->chosen]);
            if (W->fit[0].n <= p)
                add_reason(row, SC_TRUST_UNTRUSTED, "degenerate_fit",
                           "%zu points for %zu parameters", W->fit[0].n, p);
            else if (W->cand[W->chosen]->input == SC_RIN_ND && W->nD < 2)
                add_reason(row, SC_TRUST_UNTRUSTED, "degenerate_fit",
                           "one D value: N and D cannot be told apart");
            if (W->nrungs < 3)
                add_reason(row, W->nrungs < 2 ? SC_TRUST_UNTRUSTED : SC_TRUST_CAUTION,
                           "too_few_rungs", "%zu rungs of N in the ladder", W->nrungs);
            if (W->nfolds == 0)
                add_reason(row, SC_TRUST_UNTRUSTED, "no_backtest",
                           "too few rungs for an extrapolation backtest");
            else if (W->bt_failed)
                add_reason(row, SC_TRUST_UNTRUSTED, "no_backtest", "%.190s", W->bt_why);
            if (row->ratio > 1.0 && row->ratio > 10.0)
                add_reason(row, row->ratio > 1000.0 ? SC_TRUST_UNTRUSTED : SC_TRUST_CAUTION,
                           "far_extrapolation", "target C is %.3gx the largest run fitted",
                           row->ratio);
            else if (!(row->ratio > 1.0))
                add_reason(row, SC_TRUST_OK, "inside_ladder",
                           "target C is %.3gx the largest run fitted: inside the ladder",
                           row->ratio);
            if (isfinite(row->backtest_error) && row->backtest_error > o->max_backtest_error)
                add_reason(row,
                           row->backtest_error > 2 * o->max_backtest_error ? SC_TRUST_UNTRUSTED
                                                                           : SC_TRUST_CAUTION,
                           "backtest_error", "backtest MAE %.3f above %.3f", row->backtest_error,
                           o->max_backtest_error);
            if (isfinite(row->runner_up_value) &&
                fabs(row->runner_up_value - val) > 0.5 * (row->hi - row->lo))
                add_reason(row, SC_TRUST_CAUTION, "laws_disagree",
                           "%s gives %.3f, %s %.3f: further apart than the interval", row->law,
                           val, row->runner_up, row->runner_up_value);
            if (!W->fit[0].converged)
                add_reason(row, SC_TRUST_CAUTION, "not_converged",
                           "the final fit stopped before its convergence test");
            if (row->hi - row->lo > 0.25)
                add_reason(row, row->hi - row->lo > 0.5 ? SC_TRUST_UNTRUSTED : SC_TRUST_CAUTION,
                           "wide_interval", "the %.0f%% interval is %.2f wide", 100 * o->level,
                           row->hi - row->lo);
            if (W->monotone_msg[0])
                add_reason(row, SC_TRUST_CAUTION, "non_monotone", "%s", W->monotone_msg);
            if (W->flat_msg[0]) add_reason(row, SC_TRUST_CAUTION, "flat", "%s", W->flat_msg);
        }
        kb++;
    }
    fc->nrows = fc->nbench * nt;
    fc->calibration.level = o->level;
    fc->calibration.covered = covered;
    fc->calibration.total = total;
    fc->calibration.mean_width = total ? wsum / (double)total : NAN;
    return SC_OK;
}

void sc_forecast_free(sc_forecast *fc)
{
    if (!fc) return;
    for (size_t b = 0; b < fc->nbench; b++) {
        sc_fc_bench *B = &fc->bench[b];
        free(B->name);
        free(B->curve_C);
        free(B->curve_value);
        free(B->curve_lo);
        free(B->curve_hi);
        free(B->curve_runner);
        free(B->pts_C);
        free(B->pts_y);
        for (size_t i = 0; B->pts_run && i < B->npts; i++) free(B->pts_run[i]);
        free(B->pts_run);
    }
    for (size_t k = 0; k < fc->nskipped; k++) free(fc->skipped[k].benchmark);
    free(fc->bench);
    free(fc->rows);
    free(fc->pred);
    free(fc->scores);
    free(fc->skipped);
    free(fc->targets);
    free(fc);
}

int sc_forecast_all_ok(const sc_forecast *fc)
{
    for (size_t k = 0; k < fc->nrows; k++)
        if (strcmp(fc->rows[k].status, "ok") != 0) return 0;
    return 1;
}

void sc_forecast_curve(const sc_forecast *fc, size_t b, int which, const double *C, size_t n,
                       double *y)
{
    const sc_fc_bench *B = &fc->bench[b];
    for (size_t i = 0; i < n; i++) {
        if (!B->has_fit[which]) {
            y[i] = NAN;
            continue;
        }
        double N, D;
        curve_nd(C[i], B->tpr_median, &N, &D);
        y[i] = sc_rfit_predict(&B->fit[which], C[i], N, D);
    }
}

/* Names of losses and other scores that are not accuracies (left out of "all", with this
 * reason). */
static int loss_like(const char *name)
{
    static const char *const parts[] = {"loss", "bpb", "perplexity", "ppl", "stderr", "brier",
                                        "loglik", "logprob", "soft_log", "learning_rate", NULL};
    for (size_t k = 0; parts[k]; k++)
        if (strstr(name, parts[k])) return 1;
    return 0;
}

/* A metric column: numeric, not a column of the runs model. */
static int is_runs_col(const char *name)
{
    static const char *const cols[] = {"run", "group", "step", "N", "D", "C", "tpr", "label", NULL};
    for (size_t k = 0; cols[k]; k++)
        if (strcmp(cols[k], name) == 0) return 1;
    return 0;
}

static double chance_of(const sc_forecast_opts *o, const char *name)
{
    for (size_t k = 0; k < o->nchance; k++)
        if (strcmp(o->chance_names[k], name) == 0) return o->chance_values[k];
    for (size_t k = 0; k < o->nchance; k++)
        if (!o->chance_names[k][0] || strcmp(o->chance_names[k], "*") == 0)
            return o->chance_values[k];
    double q0;
    return sc_chance_level(name, &q0) == SC_OK ? q0 : NAN;
}

sc_status sc_forecast_run(const sc_table *runs, const sc_forecast_opts *opts, sc_forecast **out,
                          sc_error *err)
{
    if (!runs || !opts || !out) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "forecast: no input");
    *out = NULL;
    const sc_forecast_opts *o = opts;
    const char *src = sc_table_source(runs);
    if (o->ntargets == 0 || !o->targets)
        return sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no target to forecast");
    if (!(o->level > 0.0 && o->level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must lie in (0, 1), got %g", o->level);
    for (size_t t = 0; t < o->ntargets; t++) {
        const sc_fc_target *tg = &o->targets[t];
        for (size_t q = 0; q < t; q++)
            if (strcmp(o->targets[q].name, tg->name) == 0)
                return sc_fail(err, SC_EDUP, NULL, 0, 0, "target \"%s\" is given twice", tg->name);
        if ((!isnan(tg->N) && !(tg->N > 0)) || (!isnan(tg->D) && !(tg->D > 0)) ||
            (!isnan(tg->C) && !(tg->C > 0)))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "target \"%s\": N, D and C must be > 0",
                           tg->name);
    }
    for (size_t q = 0; q < o->nlaws; q++) {
        const sc_recipe *r = sc_recipe_find(o->laws[q]);
        if (!r) {
            size_t n;
            const sc_recipe *all = sc_recipes(&n);
            char names[256] = "";
            for (size_t k = 0; k < n; k++) {
                strncat(names, k ? ", " : "", sizeof names - strlen(names) - 1);
                strncat(names, all[k].name, sizeof names - strlen(names) - 1);
            }
            return sc_fail(err, SC_EUNKNOWN, NULL, 0, 0, "unknown law \"%s\" (laws: %s)",
                           o->laws[q], names);
        }
    }
    sc_forecast *fc = sc_calloc(1, sizeof *fc);
    if (!fc) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    fc->opts = *o;
    fc->opts.benchmarks = NULL;
    fc->opts.laws = NULL;
    fc->opts.targets = NULL;
    fc->opts.chance_names = NULL;
    fc->opts.chance_values = NULL;
    fc->opts.loss_column = NULL;
    fc->ntargets = o->ntargets;
    fc->targets = sc_malloc_array(o->ntargets, sizeof *fc->targets);
    runs_view v;
    sc_status s = fc->targets ? runs_view_make(runs, o, &v, err) : SC_ENOMEM;
    if (fc->targets) memcpy(fc->targets, o->targets, o->ntargets * sizeof *fc->targets);
    if (s != SC_OK) {
        if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        if (fc->targets) runs_view_free(&v);
        sc_forecast_free(fc);
        return s;
    }
    /* Targets with C only when the law would need N and D: checked per law in bench_work.
     * A target inside the ladder is allowed (a reason in its row). */
    const double *L = NULL;
    if (o->loss_column) {
        size_t jl;
        s = sc_table_require_num(runs, o->loss_column, &jl, err);
        if (s == SC_OK) L = sc_table_num(runs, jl);
    }
    /* Benchmarks. */
    size_t ncols = sc_table_ncols(runs);
    const char **names = sc_malloc_array(ncols ? ncols : 1, sizeof *names);
    size_t nb = 0;
    fc->skipped = sc_calloc(ncols + 1, sizeof *fc->skipped);
    if (s == SC_OK && (!names || !fc->skipped)) s = SC_ENOMEM;
    int all = o->benchmarks == NULL;
    if (s == SC_OK && !all) {
        for (size_t k = 0; k < o->nbench && s == SC_OK; k++) {
            const char *name = o->benchmarks[k];
            if (sc_table_find(runs, name) < 0 || is_runs_col(name)) {
                char avail[400] = "";
                for (size_t j = 0; j < ncols && strlen(avail) < 300; j++) {
                    const char *cn = sc_table_colname(runs, j);
                    if (is_runs_col(cn) || sc_table_coltype(runs, j) != SC_COL_NUM) continue;
                    strncat(avail, avail[0] ? ", " : "", sizeof avail - strlen(avail) - 1);
                    strncat(avail, cn, sizeof avail - strlen(avail) - 1);
                }
                s = sc_fail(err, SC_ENOCOL, src, 0, 0, "no benchmark column \"%s\" (columns: %s)",
                            name, avail);
                break;
            }
            names[nb++] = name;
        }
    } else if (s == SC_OK) {
        for (size_t j = 0; j < ncols; j++) {
            const char *cn = sc_table_colname(runs, j);
            if (is_runs_col(cn) || sc_table_coltype(runs, j) != SC_COL_NUM) continue;
            if (o->loss_column && strcmp(cn, o->loss_column) == 0) continue;
            names[nb++] = cn;
        }
    }
    /* Values must be accuracies; every run must have the benchmark. */
    size_t nkeep = 0;
    for (size_t k = 0; k < nb && s == SC_OK; k++) {
        size_t j = (size_t)sc_table_find(runs, names[k]);
        const double *y = sc_table_num(runs, j);
        const char *why = NULL;
        char buf[256];
        long bad = -1;
        for (size_t i = 0; i < v.nrows; i++)
            if (isfinite(y[i]) && !(y[i] >= 0.0 && y[i] <= 1.0)) {
                bad = (long)i;
                break;
            }
        if (all && loss_like(names[k])) {
            why = "a loss or score, not an accuracy (by its name); name it to forecast it";
        } else if (bad >= 0) {
            snprintf(buf, sizeof buf,
                     "value %g of run %s is outside [0, 1]: not an accuracy (percent? give a "
                     "scale of 100)",
                     y[bad], v.name[v.run_of[bad]]);
            why = buf;
        }
        size_t missing = 0;
        const char *miss_run = NULL;
        if (!why) {
            for (size_t r = 0; r < v.nruns && !why; r++) {
                int any = 0;
                for (size_t i = 0; i < v.nrows && !any; i++) any = v.run_of[i] == r && isfinite(y[i]);
                if (!any) {
                    if (!miss_run) miss_run = v.name[r];
                    missing++;
                }
            }
        }
        if (!why && missing == v.nruns) {
            why = "no run has a value";
        } else if (!why && missing) {
            if (!o->skip_missing) {
                s = sc_fail(err, SC_ENOCOL, src, 0, 0,
                            "benchmark \"%s\" is missing from %zu of %zu runs (first: %s); "
                            "skip such benchmarks on request",
                            names[k], missing, v.nruns, miss_run);
                break;
            }
            snprintf(buf, sizeof buf, "missing from %zu of %zu runs (first: %s)", missing,
                     v.nruns, miss_run);
            why = buf;
            fc->nmissing++;
        }
        if (why) {
            if (!all && bad >= 0) {
                s = sc_fail(err, SC_EDOMAIN, src, 0, 0, "benchmark \"%s\": %s", names[k], why);
                break;
            }
            sc_fc_skip *sk = &fc->skipped[fc->nskipped++];
            sk->benchmark = sc_strdup(names[k]);
            if (!sk->benchmark) s = SC_ENOMEM;
            snprintf(sk->reason, sizeof sk->reason, "%s", why);
            continue;
        }
        names[nkeep++] = names[k];
    }
    nb = nkeep;
    bwork *w = s == SC_OK ? sc_calloc(nb ? nb : 1, sizeof *w) : NULL;
    if (s == SC_OK && !w) s = SC_ENOMEM;
    ctx c = {runs, o, &v, gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * o->level)};
    if (s == SC_OK) {
        for (size_t b = 0; b < nb; b++) {
            w[b].b = b;
            w[b].name = names[b];
            w[b].y = sc_table_num(runs, (size_t)sc_table_find(runs, names[b]));
            w[b].L = L;
            w[b].chance = chance_of(o, names[b]);
            w[b].seed = sc_seed_mix(o->seed, name_hash(names[b]));
        }
        int nthreads = o->threads > 0 ? o->threads : omp_get_max_threads();
        long nbl = (long)nb;
        /* One benchmark per task; each has its own seeds (from its name), so the result does
         * not depend on the number of threads. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(nthreads)
        for (long b = 0; b < nbl; b++) w[b].status = bench_work(&c, &w[b]);
        for (size_t b = 0; b < nb && s == SC_OK; b++)
            if (w[b].status != SC_OK) {
                s = w[b].status;
                if (err) *err = w[b].err;
                if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            }
    }
    if (s == SC_OK) s = assemble(&c, w, nb, fc);
    if (s == SC_OK && fc->nbench == 0)
        s = sc_fail(err, SC_EEMPTY, src, 0, 0, "no benchmark left to forecast%s%s",
                    fc->nskipped ? ": " : "", fc->nskipped ? fc->skipped[0].reason : "");
    for (size_t b = 0; w && b < nb; b++) bwork_free(&w[b]);
    free(w);
    free(names);
    runs_view_free(&v);
    if (s != SC_OK) {
        if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        sc_forecast_free(fc);
        return s;
    }
    *out = fc;
    return SC_OK;
}
