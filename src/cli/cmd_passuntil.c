/* SPDX-License-Identifier: GPL-3.0-or-later
 * `scalecast passuntil sample | estimate | fit | classify | draw`: PassUntil (Hu et al. 2024,
 * "Predicting Emergent Abilities with Infinite Resolution Evaluation"). */
#include "cli.h"
#include "cli_counts.h"
#include "commands.h"
#include "passuntil_cli.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *help =
    "usage: scalecast passuntil SUBCOMMAND [options]   (SUBCOMMAND --help for its options)\n"
    "\n"
    "PassUntil (Hu et al. 2024): sample each instance until r passes to measure pass rates far\n"
    "below 1/n, fit the task law PU(N) = exp(-c N^-alpha), and test for accelerated emergence.\n"
    "\n"
    "  sample    run a command per draw until r passes or K_max, logging every outcome (resumable)\n"
    "  estimate  instance and task pass rates with exact and bootstrap intervals\n"
    "  fit       the task law log(-log PU) = log c - alpha log N, with predictions\n"
    "  classify  the emergence test: line vs quadratic in log N (linear, convex, concave)\n"
    "  draw      a simulated draw for tests: exits 0 (pass) or 1 (fail) from a known law\n"
    "\n"
    "estimate, fit and classify read run logs (RUN.jsonl from sample, one model size each) or CSV\n"
    "files of counts per problem and model size: a fixed budget (columns n = samples, c = correct)\n"
    "or sampled until pass (K = draws, r = passes, optional censored: 1 = sampling stopped before\n"
    "the r-th pass), with problem (or instance), N (or C) and optional model.\n";

static const char *read_help =
    "\n"
    "INPUT: run logs written by 'passuntil sample' (.jsonl) or CSV files with columns problem (or\n"
    "instance), N (or C), optional model, and per row either n, c (a fixed budget: n samples, c\n"
    "correct) or K, r (sampled until r passes; optional censored). A table may mix both kinds of\n"
    "rows. Fixed budgets: the task PU is the mean of c / n; a problem with c = 0 counts as 0 in it\n"
    "and as censored at its budget (an upper bound) in instance-level fits. A size where nothing\n"
    "passed is left out of the laws and shown as an upper bound.\n"
    "\n"
    "  --columns LIST   other column names: KEY=NAME,... with keys problem, model, size, n, c, K,\n"
    "                   r, censored (e.g. problem=task_id,size=params,n=samples,c=correct)\n"
    "  --level L        interval level (default 0.9)\n"
    "  --boot B         bootstrap resamples over instances (default 1000)\n"
    "  --seed S         bootstrap and forecast seed (default 1)\n";

static const char *fit_extra =
    "  --holdout H      leave the H largest sizes out of the fit and predict them (default 0)\n"
    "  --predict N      also predict the task PU at size N (repeatable)\n"
    "  --instance-level also fit each instance's own law and average their predictions\n"
    "  --json           print the result as one JSON object\n";
static const char *classify_extra = "  --json           print the result as one JSON object\n";
static const char *estimate_extra =
    "  --per-instance   print every instance's estimate too\n"
    "  --k LIST         pass@k at these k (comma-separated; default 1, 10, ..., the budget and\n"
    "                   10 x the budget): unbiased from the counts up to the smallest budget,\n"
    "                   forecast beyond it from the fitted Beta of pass rates (with an interval)\n"
    "                   and from Eq. 5 in k\n"
    "  --draws M        Monte Carlo draws for the forecast intervals (default 2000)\n"
    "  --json           print the result as one JSON object\n";

typedef struct pu_row {
    char *inst, *model;
    double N;
    sc_pu_est est;
    int failed;
} pu_row;

typedef struct pu_data {
    pu_row *rows;
    size_t n, cap;
    double level;
    sc_counts_cols cols;
    size_t nbudget, nuntil; /* CSV rows with a fixed budget, sampled until pass */
} pu_data;

static void data_free(pu_data *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->rows[i].inst);
        free(d->rows[i].model);
    }
    free(d->rows);
    memset(d, 0, sizeof *d);
}

static int data_add(pu_data *d, const char *inst, const char *model, double N, const sc_pu_est *e,
                    int failed)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 64;
        pu_row *r = realloc(d->rows, cap * sizeof *r);
        if (!r) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        d->rows = r;
        d->cap = cap;
    }
    pu_row *r = &d->rows[d->n];
    memset(r, 0, sizeof *r);
    r->inst = cli_strdup(inst);
    r->model = cli_strdup(model ? model : "");
    if (!r->inst || !r->model) {
        free(r->inst);
        free(r->model);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    r->N = N;
    if (e) r->est = *e;
    r->failed = failed;
    d->n++;
    return 0;
}

static int load_log(pu_data *d, const char *path)
{
    pu_log log;
    int rc = pu_log_load(path, NULL, &log);
    if (rc) {
        pu_log_free(&log);
        return rc;
    }
    if (log.torn) cli_warn("%s: ignoring its incomplete last line", path);
    for (size_t i = 0; i < log.S && !rc; i++) {
        size_t K, c, ed;
        const char *msg;
        sc_pu_state st = sc_pu_sched_state(log.sched, i, &K, &c, &msg, &ed);
        const char *name = sc_pu_sched_name(log.sched, i);
        if (st == SC_PU_FAILED) {
            cli_warn("%s: instance %s failed at draw %zu: %s", path, name, ed, msg ? msg : "error");
            rc = data_add(d, name, log.model, log.N, NULL, 1);
            continue;
        }
        if (st == SC_PU_RUNNING)
            cli_warn("%s: instance %s is unfinished (K = %zu so far): counted as censored", path,
                     name, K);
        if (K == 0) {
            cli_warn("%s: instance %s has no draws: left out", path, name);
            rc = data_add(d, name, log.model, log.N, NULL, 1);
            continue;
        }
        sc_pu_est e;
        sc_error err;
        sc_error_clear(&err);
        if (sc_pu_estimate(K, c, log.r, log.kmax, d->level, &e, &err) != SC_OK) {
            snprintf(err.file, sizeof err.file, "%s", path);
            rc = cli_report(&err);
            break;
        }
        rc = data_add(d, name, log.model, log.N, &e, 0);
    }
    pu_log_free(&log);
    return rc;
}

/* A CSV of counts: rows with n and c (a fixed budget: n samples, c correct) or with K and r
 * (sampled until r passes; censored 1 = stopped before the r-th pass). */
static int load_csv(pu_data *d, const char *path)
{
    sc_table *t = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK) return cli_report(&err);
    sc_count_row *rows = NULL;
    size_t nr = 0, nb = 0;
    if (sc_counts_read(t, &d->cols, &rows, &nr, &nb, &err) != SC_OK) {
        sc_table_free(t);
        return cli_report(&err);
    }
    d->nbudget += nb;
    d->nuntil += nr - nb;
    const char *src = sc_table_source(t);
    int rc = 0;
    for (size_t i = 0; i < nr && !rc; i++) {
        const sc_count_row *w = &rows[i];
        sc_pu_est e;
        sc_status st;
        /* A fixed budget: binomial. A sample-until-pass row: r passes, the r-th on draw K; a
         * censored one: r passes in K draws and sampling stopped (target r + 1 stands for "more
         * than r"). */
        if (w->budget) st = sc_pu_estimate_budget(w->n, w->c, d->level, &e, &err);
        else st = sc_pu_estimate(w->n, w->c, w->censored ? w->c + 1 : w->c, w->n, d->level, &e, &err);
        if (st != SC_OK) {
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu: %s", src, w->line, err.message);
            break;
        }
        rc = data_add(d, w->problem, w->model, w->size, &e, 0);
    }
    sc_counts_free(rows, nr);
    sc_table_free(t);
    return rc;
}

static int load_inputs(pu_data *d, char **paths, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        size_t len = strlen(paths[k]);
        int rc = len >= 6 && strcasecmp(paths[k] + len - 6, ".jsonl") == 0 ? load_log(d, paths[k])
                                                                            : load_csv(d, paths[k]);
        if (rc) return rc;
    }
    if (d->n == 0) return cli_fail(SC_EXIT_DATA, "no observations");
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The ladder: sizes ascending, instances (none failed anywhere), est S x M. */
typedef struct ladder {
    size_t S, M;
    double *N;
    char **inst; /* borrowed from the rows */
    const char **model;
    sc_pu_est *est;
} ladder;

static void ladder_free(ladder *l)
{
    free(l->N);
    free(l->inst);
    free(l->model);
    free(l->est);
    memset(l, 0, sizeof *l);
}

static int build_ladder(const pu_data *d, ladder *l)
{
    memset(l, 0, sizeof *l);
    double *Ns = malloc(d->n * sizeof *Ns);
    l->inst = calloc(d->n, sizeof *l->inst);
    if (!Ns || !l->inst) {
        free(Ns);
        free(l->inst);
        l->inst = NULL;
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < d->n; i++) Ns[i] = d->rows[i].N;
    qsort(Ns, d->n, sizeof *Ns, cmp_double);
    size_t M = 0;
    for (size_t i = 0; i < d->n; i++)
        if (isnan(Ns[i])) {
            free(Ns);
            free(l->inst);
            l->inst = NULL;
            return cli_fail(SC_EXIT_DATA, "a run log has no model size: give --size to sample");
        } else if (M == 0 || Ns[i] != Ns[M - 1]) Ns[M++] = Ns[i];
    l->N = Ns;
    l->M = M;
    /* Instances in order of first appearance; those failed at any size are left out. */
    for (size_t i = 0; i < d->n; i++) {
        size_t s = 0;
        while (s < l->S && strcmp(l->inst[s], d->rows[i].inst) != 0) s++;
        if (s == l->S) l->inst[l->S++] = d->rows[i].inst;
    }
    unsigned char *drop = calloc(l->S, 1);
    l->est = calloc(l->S * M, sizeof *l->est);
    unsigned char *seen = calloc(l->S * M, 1);
    l->model = calloc(M, sizeof *l->model);
    int rc = 0;
    if (!drop || !l->est || !seen || !l->model) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < d->n && !rc; i++) {
        const pu_row *r = &d->rows[i];
        size_t s = 0, m = 0;
        while (strcmp(l->inst[s], r->inst) != 0) s++;
        while (l->N[m] != r->N) m++;
        if (seen[s * M + m])
            rc = cli_fail(SC_EXIT_DATA, "instance \"%s\" appears twice at N = %g", r->inst, r->N);
        seen[s * M + m] = 1;
        if (r->failed) drop[s] = 1;
        else l->est[s * M + m] = r->est;
        if (!l->model[m]) l->model[m] = r->model;
    }
    for (size_t s = 0; s < l->S && !rc; s++)
        for (size_t m = 0; m < M && !rc; m++)
            if (!seen[s * M + m])
                rc = cli_fail(SC_EXIT_DATA,
                              "instance \"%s\" has no observation at N = %g (every instance "
                              "needs one at every size)", l->inst[s], l->N[m]);
    if (!rc) {
        size_t keep = 0, ndrop = 0;
        for (size_t s = 0; s < l->S; s++) {
            if (drop[s]) {
                ndrop++;
                continue;
            }
            l->inst[keep] = l->inst[s];
            memmove(&l->est[keep * M], &l->est[s * M], M * sizeof *l->est);
            keep++;
        }
        if (ndrop) cli_warn("%zu instance(s) with a failed or empty run left out", ndrop);
        l->S = keep;
        if (keep == 0) rc = cli_fail(SC_EXIT_DATA, "no instance without failures");
    }
    free(drop);
    free(seen);
    if (rc) ladder_free(l);
    return rc;
}

typedef struct read_opts {
    double level;
    size_t B;
    uint64_t seed;
    size_t holdout;
    double predict[16];
    size_t npredict;
    double klist[16];
    size_t nk;
    size_t draws;
    int instance_level, show_instances, json;
    sc_counts_cols cols;
    char *colbuf;
} read_opts;

static int parse_klist(const char *v, read_opts *o)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", v);
    o->nk = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->nk == 16) return cli_fail(SC_EXIT_USAGE, "--k: at most 16 values");
        double k;
        int rc = cli_parse_double("--k", tok, &k);
        if (rc) return rc;
        if (!(k >= 1.0 && k <= 1e15) || floor(k) != k)
            return cli_fail(SC_EXIT_USAGE, "--k: expected whole numbers in 1..1e15, got %s", tok);
        o->klist[o->nk++] = k;
    }
    if (o->nk == 0) return cli_fail(SC_EXIT_USAGE, "--k: expected a comma-separated list");
    return 0;
}

static const cli_option cli_passuntil_estimate_options_opts[] = {
    {"--help", "-h", 0},
    {"--level", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--columns", NULL, CLI_VALUE},
    {"--per-instance", NULL, 0},
    {"--k", NULL, CLI_VALUE},
    {"--draws", NULL, CLI_VALUE},
    {"--json", NULL, 0},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_estimate_options = {"passuntil estimate", cli_passuntil_estimate_options_opts};

static const cli_option cli_passuntil_fit_options_opts[] = {
    {"--help", "-h", 0},
    {"--level", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--columns", NULL, CLI_VALUE},
    {"--holdout", NULL, CLI_VALUE},
    {"--predict", NULL, CLI_VALUE | CLI_REPEAT},
    {"--json", NULL, 0},
    {"--instance-level", NULL, 0},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_fit_options = {"passuntil fit", cli_passuntil_fit_options_opts};

static const cli_option cli_passuntil_classify_options_opts[] = {
    {"--help", "-h", 0},
    {"--level", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--columns", NULL, CLI_VALUE},
    {"--json", NULL, 0},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_classify_options = {"passuntil classify", cli_passuntil_classify_options_opts};

static const cli_option cli_passuntil_draw_options_opts[] = {
    {"--help", "-h", 0},
    {"--print-p", NULL, 0},
    {"--N", NULL, CLI_VALUE},
    {"--kind", NULL, CLI_VALUE},
    {"--c", NULL, CLI_VALUE},
    {"--alpha", NULL, CLI_VALUE},
    {"--w", NULL, CLI_VALUE},
    {"--sd-logc", NULL, CLI_VALUE},
    {"--sd-alpha", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_draw_options = {"passuntil draw", cli_passuntil_draw_options_opts};

static int parse_read(int argc, char **argv, const char *sub, read_opts *o, char ***paths,
                      size_t *npaths)
{
    memset(o, 0, sizeof *o);
    o->level = 0.9;
    o->B = 1000;
    o->seed = 1;
    o->draws = 2000;
    *paths = calloc((size_t)argc, sizeof **paths);
    *npaths = 0;
    if (!*paths) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    int is_fit = strcmp(sub, "fit") == 0, is_est = strcmp(sub, "estimate") == 0, rc = 0;
    cli_args a;
    const char *v;
    cli_args_init(&a, argc, argv,
                  is_fit   ? &cli_passuntil_fit_options
                  : is_est ? &cli_passuntil_estimate_options
                           : &cli_passuntil_classify_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            printf("usage: scalecast passuntil %s INPUT... [options]\n", sub);
            fputs(read_help, stdout);
            fputs(is_fit ? fit_extra : is_est ? estimate_extra : classify_extra, stdout);
            return -1;
        } else if (cli_opt(&a, "--level", &v)) {
            if (!a.error && (rc = cli_parse_double("--level", v, &o->level))) return rc;
        } else if (cli_opt(&a, "--boot", &v)) {
            if (!a.error && (rc = cli_parse_count("--boot", v, 0, CLI_MAX_COUNT, &o->B))) return rc;
        } else if (cli_opt(&a, "--seed", &v)) {
            if (!a.error && (rc = cli_parse_u64("--seed", v, &o->seed))) return rc;
        } else if (cli_opt(&a, "--columns", &v)) {
            if (!a.error && (rc = cli_counts_columns(v, &o->cols, &o->colbuf))) return rc;
        } else if (is_fit && cli_opt(&a, "--holdout", &v)) {
            if (!a.error && (rc = cli_parse_size("--holdout", v, &o->holdout))) return rc;
        } else if (is_fit && cli_opt(&a, "--predict", &v)) {
            if (a.error) break;
            if (o->npredict == 16) return cli_fail(SC_EXIT_USAGE, "--predict: at most 16 sizes");
            if ((rc = cli_parse_double("--predict", v, &o->predict[o->npredict]))) return rc;
            if (!(o->predict[o->npredict] > 0.0))
                return cli_fail(SC_EXIT_USAGE, "--predict: model size must be > 0, got %s", v);
            o->npredict++;
        } else if (is_est && cli_opt(&a, "--k", &v)) {
            if (!a.error && (rc = parse_klist(v, o))) return rc;
        } else if (is_est && cli_opt(&a, "--draws", &v)) {
            if (!a.error && (rc = cli_parse_count("--draws", v, 100, CLI_MAX_COUNT, &o->draws)))
                return rc;
        } else if (cli_flag(&a, "--json")) {
            o->json = 1;
        } else if (is_fit && cli_flag(&a, "--instance-level")) {
            o->instance_level = 1;
        } else if (is_est && cli_flag(&a, "--per-instance")) {
            o->show_instances = 1;
        } else if (a.positional) {
            (*paths)[(*npaths)++] = (char *)a.positional;
        } else {
            return cli_fail(SC_EXIT_USAGE, "unknown option \"%s\" (see 'scalecast passuntil %s --help')",
                            a.current, sub);
        }
    }
    if (a.error) return a.error;
    if (!(o->level > 0.0 && o->level < 1.0))
        return cli_fail(SC_EXIT_USAGE, "--level: expected a number in (0, 1), got %g", o->level);
    if (o->B < 10) return cli_fail(SC_EXIT_USAGE, "--boot: at least 10 resamples, got %zu", o->B);
    if (*npaths == 0) return cli_fail(SC_EXIT_USAGE, "passuntil %s needs at least one input file", sub);
    return 0;
}

/* ---- JSON through jansson: numbers round-trip, NaN is null, infinities are clamped ---- */

static json_t *jnum(double v)
{
    if (isnan(v)) return json_null();
    if (isinf(v)) return json_real(v > 0 ? 1.7976931348623157e308 : -1.7976931348623157e308);
    return json_real(v);
}

static json_t *jpair(double a, double b)
{
    return json_pack("[oo]", jnum(a), jnum(b));
}

static int json_print(json_t *root)
{
    if (!root) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    int rc = json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17));
    json_decref(root);
    if (rc != 0) return cli_fail(SC_EXIT_IO, "standard output: write failed");
    putchar('\n');
    return 0;
}

/* The column of size m. */
static void ladder_column(const ladder *l, size_t m, sc_pu_est *col)
{
    for (size_t s = 0; s < l->S; s++) col[s] = l->est[s * l->M + m];
}

static const char *budget_rule =
    "a problem with c = 0 counts as 0 in the task mean (exact, no imputation) and as censored at "
    "its budget n (an upper bound only) in instance-level fits";

/* Default k: powers of 10 up to 10 x the budget, and the budget itself. */
static size_t default_k(size_t budget, double *k)
{
    size_t nk = 0;
    for (double v = 1.0; v <= 10.0 * (double)budget && nk < 14; v *= 10.0) k[nk++] = v;
    if (nk < 16 && (double)budget != k[nk - 1] && (double)budget != k[nk > 1 ? nk - 2 : 0])
        k[nk++] = (double)budget;
    if (nk < 16 && 10.0 * (double)budget != k[nk - 1]) k[nk++] = 10.0 * (double)budget;
    for (size_t i = 1; i < nk; i++)
        for (size_t j = i; j > 0 && k[j] < k[j - 1]; j--) {
            double t = k[j];
            k[j] = k[j - 1];
            k[j - 1] = t;
        }
    return nk;
}

/* Fixed-budget details of one size: unbiased pass@k, the Beta of pass rates, forecasts beyond
 * the budget and Eq. 5 in k. Prints text, or adds to obj when obj is not NULL. */
static int budget_size(const ladder *l, size_t m, const sc_pu_est *col, const read_opts *o,
                       json_t *obj)
{
    size_t S = l->S, nmin = SIZE_MAX, nmax = 0, nzero = 0;
    size_t *n = malloc(S * sizeof *n), *c = malloc(S * sizeof *c);
    if (!n || !c) {
        free(n);
        free(c);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    for (size_t s = 0; s < S; s++) {
        n[s] = col[s].draws;
        c[s] = col[s].passes;
        if (n[s] < nmin) nmin = n[s];
        if (n[s] > nmax) nmax = n[s];
        nzero += c[s] == 0;
    }
    double pct = 100.0 * o->level, ks[16];
    size_t nk = o->nk ? o->nk : default_k(nmin, ks);
    if (o->nk) memcpy(ks, o->klist, nk * sizeof *ks);
    if (!obj) {
        printf("\nN = %g%s%s%s: %zu problems, %zu to %zu samples each, %zu with c = 0; mean c / n "
               "%.6g\n", l->N[m], *l->model[m] ? " (model " : "", l->model[m],
               *l->model[m] ? ")" : "", S, nmin, nmax, nzero, sc_pu_empirical(col, 1, S));
    } else {
        json_object_set_new(obj, "budget", json_pack("{s:I,s:I,s:I}", "min", (json_int_t)nmin,
                                                     "max", (json_int_t)nmax, "zero_pass",
                                                     (json_int_t)nzero));
    }
    /* Unbiased task pass@k for k <= the smallest budget; for Eq. 5 in k the doubling ladder
     * 1, 2, 4, ... up to it. */
    double kk[64], yk[64];
    size_t nl = 0;
    for (double k = 1.0; k <= (double)nmin && nl < 63; k *= 2.0) kk[nl++] = k;
    if (kk[nl - 1] != (double)nmin) kk[nl++] = (double)nmin;
    for (size_t j = 0; j < nl; j++) {
        double sum = 0.0, v;
        for (size_t s = 0; s < S; s++) {
            sc_error err;
            if (sc_passk(n[s], c[s], (size_t)kk[j], &v, &err) != SC_OK) {
                free(n);
                free(c);
                return cli_report(&err);
            }
            sum += v;
        }
        yk[j] = sum / (double)S;
    }
    json_t *jpk = obj ? json_array() : NULL;
    if (!obj) printf("  pass@k (unbiased, Chen et al. 2021), task mean over problems:");
    for (size_t q = 0; q < nk; q++) {
        if (ks[q] > (double)nmin) continue;
        double sum = 0.0, v;
        for (size_t s = 0; s < S; s++) {
            if (sc_passk(n[s], c[s], (size_t)ks[q], &v, NULL) != SC_OK) v = NAN;
            sum += v;
        }
        if (obj) json_array_append_new(jpk, json_pack("{s:o,s:o}", "k", jnum(ks[q]), "passk",
                                                      jnum(sum / (double)S)));
        else printf("  k = %g: %.6g", ks[q], sum / (double)S);
    }
    if (obj) json_object_set_new(obj, "passk", jpk);
    else printf("\n");
    double c1 = NAN, c3 = NAN;
    sc_error lerr;
    int have_line = sc_passk_line_k(kk, yk, nl, &c1, &c3, &lerr) == SC_OK;
    sc_bb_fit fit;
    sc_error err;
    sc_error_clear(&err);
    sc_status st = sc_bb_fit_counts(n, c, S, o->level, &fit, &err);
    if (st != SC_OK) {
        if (obj) json_object_set_new(obj, "beta", json_pack("{s:s}", "error", err.message));
        else printf("  distribution of pass rates: not fitted: %s\n", err.message);
    } else {
        json_t *jb = NULL, *jf = NULL;
        if (obj) {
            jb = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "a", jnum(fit.a), "a_interval",
                           jpair(fit.a_lo, fit.a_hi), "b", jnum(fit.b), "b_interval",
                           jpair(fit.b_lo, fit.b_hi), "exponent", jnum(fit.exponent),
                           "prefactor", jnum(fit.prefactor), "iterations",
                           (json_int_t)fit.iterations, "zero_pass", (json_int_t)fit.nzero);
            json_object_set_new(jb, "loglik", jnum(fit.loglik));
            jf = json_array();
        } else {
            printf("  distribution of pass rates (beta-binomial maximum likelihood): Beta(a = %.4g "
                   "[%.4g, %.4g], b = %.4g [%.4g, %.4g]) at %.0f%%\n", fit.a, fit.a_lo, fit.a_hi,
                   fit.b, fit.b_lo, fit.b_hi, pct);
            printf("  power law of its left tail (Schaeffer et al. 2025): -log pass@k ~ %.4g k^-%.4g "
                   "for large k (exponent = a)\n", fit.prefactor, fit.exponent);
            printf("  %-12s %12s %12s %12s %12s %12s\n", "k", "forecast", "lo", "hi", "population",
                   "Eq. 5 in k");
        }
        for (size_t q = 0; q < nk; q++) {
            if (ks[q] <= (double)nmin) continue;
            sc_bb_forecast f;
            if (sc_bb_forecast_k(&fit, n, c, S, ks[q], o->draws, o->seed, &f, &err) != SC_OK) {
                json_decref(jb);
                json_decref(jf);
                free(n);
                free(c);
                return cli_report(&err);
            }
            double e5 = have_line ? sc_passk_line_predict(c1, c3, ks[q]) : NAN;
            if (obj)
                json_array_append_new(jf, json_pack("{s:o,s:o,s:o,s:o,s:o}", "k", jnum(ks[q]),
                                                    "passk", jnum(f.passk), "interval",
                                                    jpair(f.lo, f.hi), "population",
                                                    jnum(f.population), "eq5_in_k", jnum(e5)));
            else
                printf("  %-12g %12.6g %12.6g %12.6g %12.6g %12.6g\n", ks[q], f.passk, f.lo, f.hi,
                       f.population, e5);
        }
        if (obj) {
            json_object_set_new(jb, "forecasts", jf);
            json_object_set_new(obj, "beta", jb);
        }
    }
    if (obj)
        json_object_set_new(obj, "eq5_in_k",
                            have_line ? json_pack("{s:o,s:o,s:I}", "c1", jnum(c1), "c3", jnum(c3),
                                                  "points", (json_int_t)nl)
                                      : json_pack("{s:s}", "error", lerr.message));
    else if (have_line)
        printf("  Eq. 5 in k (Krajewski et al. 2025 at one compute): log(-log pass@k) = %.4g log k "
               "+ %.4g, from the task pass@k at k = 1, 2, 4, ..., %zu\n", c1, c3, nmin);
    free(n);
    free(c);
    return 0;
}

static int run_estimate(const ladder *l, const read_opts *o, const pu_data *d)
{
    sc_pu_est *col = malloc(l->S * sizeof *col);
    unsigned char *zero = malloc(l->M);
    double *bound = malloc(l->M * sizeof *bound);
    json_t *root = o->json ? json_object() : NULL, *jsizes = o->json ? json_array() : NULL;
    int rc = 0;
    if (!col || !zero || !bound || (o->json && (!root || !jsizes))) {
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    sc_pu_zero_sizes(l->est, l->S, l->M, o->level, zero, bound);
    if (!o->json)
        printf("%-14s %-16s %5s %8s %12s %12s %12s\n", "N", "model", "inst", "censored", "PU", "lo",
               "hi");
    for (size_t m = 0; m < l->M && !rc; m++) {
        ladder_column(l, m, col);
        sc_pu_task t;
        sc_error err;
        if (sc_pu_task_estimate(col, l->S, o->B, o->seed, o->level, &t, &err) != SC_OK) {
            rc = cli_report(&err);
            break;
        }
        if (o->json) {
            json_t *js = json_pack("{s:o,s:s,s:I,s:I,s:o,s:o,s:o}", "N", jnum(l->N[m]), "model",
                                   l->model[m], "instances", (json_int_t)l->S, "censored",
                                   (json_int_t)t.ncensored, "pu", jnum(t.pu), "interval",
                                   jpair(t.lo, t.hi), "observed", jnum(sc_pu_empirical(col, 1, l->S)));
            if (zero[m]) json_object_set_new(js, "no_pass_upper_bound", jnum(bound[m]));
            json_array_append_new(jsizes, js);
        } else if (zero[m]) {
            printf("%-14.6g %-16s %5zu %8zu %12s %12g %12.4g   no pass: upper bound only\n", l->N[m],
                   l->model[m], l->S, t.ncensored, "-", 0.0, bound[m]);
        } else {
            printf("%-14.6g %-16s %5zu %8zu %12.4g %12.4g %12.4g\n", l->N[m], l->model[m], l->S,
                   t.ncensored, t.pu, t.lo, t.hi);
        }
        if (o->show_instances && !o->json)
            for (size_t s = 0; s < l->S; s++) {
                const sc_pu_est *e = &col[s];
                if (e->budget && e->censored)
                    printf("  %-28s n %-10zu c %-4zu censored at the budget: p < %.4g\n",
                           l->inst[s], e->draws, e->passes, e->hi);
                else if (e->budget)
                    printf("  %-28s n %-10zu c %-4zu p %.4g [%.4g, %.4g]\n", l->inst[s], e->draws,
                           e->passes, e->pu, e->lo, e->hi);
                else if (e->censored)
                    printf("  %-28s K %-10zu passes %-4zu censored: PU < %.4g\n", l->inst[s],
                           e->draws, e->passes, e->hi);
                else
                    printf("  %-28s K %-10zu passes %-4zu PU %.4g [%.4g, %.4g]\n", l->inst[s],
                           e->draws, e->passes, e->pu, e->lo, e->hi);
            }
    }
    if (rc) goto done;
    if (!o->json) {
        int any_zero = 0;
        for (size_t m = 0; m < l->M; m++) any_zero |= zero[m];
        if (any_zero)
            printf("no pass: no instance passed at this size; its task PU is only bounded, at %.0f%% "
                   "by 1 - (1 - level)^(1 / (S K_min)) (S instances, K_min fewest draws)\n",
                   100.0 * o->level);
    }
    if (d->nbudget) {
        if (!o->json)
            printf("\nfixed budgets (n samples, c correct): task PU = mean over problems of c / n; "
                   "%s\n", budget_rule);
        for (size_t m = 0; m < l->M && !rc; m++) {
            ladder_column(l, m, col);
            size_t nb = 0;
            for (size_t s = 0; s < l->S; s++) nb += col[s].budget;
            json_t *js = o->json ? json_array_get(jsizes, m) : NULL;
            if (nb < l->S) {
                if (!o->json && nb)
                    printf("\nN = %g: %zu of %zu rows are fixed budgets: pass@k and the Beta need "
                           "every problem with a fixed budget\n", l->N[m], nb, l->S);
                continue;
            }
            rc = budget_size(l, m, col, o, js);
        }
    }
    if (!rc && o->json) {
        json_object_set_new(root, "level", jnum(o->level));
        json_object_set_new(root, "rows", json_pack("{s:I,s:I}", "fixed_budget",
                                                    (json_int_t)d->nbudget, "sample_until_pass",
                                                    (json_int_t)d->nuntil));
        if (d->nbudget) json_object_set_new(root, "rule", json_string(budget_rule));
        json_object_set_new(root, "observed", json_string("mean over instances of passes / draws"));
        json_object_set(root, "sizes", jsizes);
        rc = json_print(root);
        root = NULL;
    }
done:
    json_decref(root);
    json_decref(jsizes);
    free(col);
    free(zero);
    free(bound);
    return rc;
}

/* The sizes of the fit (the first Mfit of the ladder) without the ones where nothing passed. */
typedef struct fit_sizes {
    size_t M;         /* kept */
    size_t *idx;      /* ladder index of each kept size */
    unsigned char *zero;
    double *bound;    /* for every ladder size */
    double *N;
    sc_pu_est *est;   /* S x M */
} fit_sizes;

static void fit_sizes_free(fit_sizes *f)
{
    free(f->idx);
    free(f->zero);
    free(f->bound);
    free(f->N);
    free(f->est);
    memset(f, 0, sizeof *f);
}

static int fit_sizes_make(const ladder *l, size_t Mfit, double level, fit_sizes *f)
{
    memset(f, 0, sizeof *f);
    f->idx = malloc(l->M * sizeof *f->idx);
    f->zero = malloc(l->M);
    f->bound = malloc(l->M * sizeof *f->bound);
    f->N = malloc(l->M * sizeof *f->N);
    f->est = malloc(l->S * l->M * sizeof *f->est);
    if (!f->idx || !f->zero || !f->bound || !f->N || !f->est) {
        fit_sizes_free(f);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    sc_pu_zero_sizes(l->est, l->S, l->M, level, f->zero, f->bound);
    for (size_t m = 0; m < Mfit; m++)
        if (!f->zero[m]) f->idx[f->M++] = m;
    for (size_t j = 0; j < f->M; j++) {
        f->N[j] = l->N[f->idx[j]];
        for (size_t s = 0; s < l->S; s++) f->est[s * f->M + j] = l->est[s * l->M + f->idx[j]];
    }
    for (size_t m = 0; m < Mfit; m++)
        if (f->zero[m])
            cli_warn("N = %g: no instance passed: left out of the task law (task PU < %.4g, an upper "
                     "bound)", l->N[m], f->bound[m]);
    return 0;
}

static int fit_error(const sc_error *err, const fit_sizes *f, size_t Mfit)
{
    if (f->M < Mfit && err->code == SC_ETOOFEW)
        return cli_fail(cli_exit_code(err->code), "%s (%zu of %zu sizes left out: no instance passed)",
                        err->message, Mfit - f->M, Mfit);
    return cli_report(err);
}

/* The fit as one JSON object. */
static int fit_json(const ladder *l, const read_opts *o, const sc_pu_fit *fit, const fit_sizes *fs,
                    const sc_pu_est *tr, size_t Mfit, const sc_pu_inst_fit *ifit)
{
    (void)tr;
    json_t *root = json_object(), *sizes = json_array(), *out = json_array(), *preds = json_array();
    if (!root || !sizes || !out || !preds) {
        json_decref(root);
        json_decref(sizes);
        json_decref(out);
        json_decref(preds);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    json_object_set_new(root, "law", json_string("log(-log PU) = log c - alpha log N"));
    json_object_set_new(root, "level", jnum(o->level));
    json_object_set_new(root, "sizes_fitted", json_integer((json_int_t)fs->M));
    json_object_set_new(root, "instances", json_integer((json_int_t)l->S));
    json_object_set_new(root, "alpha", jnum(fit->alpha));
    json_object_set_new(root, "alpha_t", jpair(fit->alpha_lo, fit->alpha_hi));
    json_object_set_new(root, "alpha_bootstrap", jpair(fit->alpha_blo, fit->alpha_bhi));
    json_object_set_new(root, "log_c", jnum(fit->logc));
    json_object_set_new(root, "chi2", jnum(fit->chi2));
    json_object_set_new(root, "dof", json_integer((json_int_t)fit->dof));
    for (size_t j = 0; j < fs->M; j++)
        json_array_append_new(sizes, json_pack("{s:o,s:o,s:o,s:I,s:o,s:o}", "N", jnum(fs->N[j]), "pu",
                                               jnum(fit->task[j].pu), "interval",
                                               jpair(fit->task[j].lo, fit->task[j].hi), "censored",
                                               (json_int_t)fit->task[j].ncensored, "loglog",
                                               jnum(fit->F[j]), "sd", jnum(fit->sdF[j])));
    json_object_set_new(root, "sizes", sizes);
    for (size_t m = 0; m < Mfit; m++)
        if (fs->zero[m])
            json_array_append_new(out, json_pack("{s:o,s:s,s:o}", "N", jnum(l->N[m]), "reason",
                                                 "no instance passed", "upper_bound",
                                                 jnum(fs->bound[m])));
    json_object_set_new(root, "sizes_left_out", out);
    sc_pu_est *col = malloc(l->S * sizeof *col);
    for (size_t k = 0; k < o->holdout + o->npredict; k++) {
        double N = k < o->holdout ? l->N[Mfit + k] : o->predict[k - o->holdout];
        double p, lo, hi, blo, bhi;
        sc_pu_fit_predict(fit, N, &p, &lo, &hi, &blo, &bhi);
        json_t *jp = json_pack("{s:o,s:o,s:o,s:o}", "N", jnum(N), "pu", jnum(p), "t", jpair(lo, hi),
                               "bootstrap", jpair(blo, bhi));
        if (k < o->holdout && col) {
            ladder_column(l, Mfit + k, col);
            json_object_set_new(jp, "observed", jnum(sc_pu_empirical(col, 1, l->S)));
            if (fs->zero[Mfit + k])
                json_object_set_new(jp, "observed_upper_bound", jnum(fs->bound[Mfit + k]));
        }
        if (ifit) json_object_set_new(jp, "instance_level", jnum(sc_pu_inst_predict(ifit, N)));
        json_array_append_new(preds, jp);
    }
    free(col);
    json_object_set_new(root, "predictions", preds);
    json_object_set_new(root, "observed", json_string("mean over instances of passes / draws"));
    if (ifit)
        json_object_set_new(root, "instance_fits",
                            json_pack("{s:I,s:I,s:I,s:I}", "own", (json_int_t)ifit->nfull,
                                      "alpha_fixed", (json_int_t)ifit->npartial, "bounded",
                                      (json_int_t)ifit->nbounded, "violations",
                                      (json_int_t)ifit->nviolations));
    return json_print(root);
}

static int run_fit(const ladder *l, const read_opts *o)
{
    if (o->holdout >= l->M)
        return cli_fail(SC_EXIT_USAGE, "--holdout %zu leaves no size to fit (%zu sizes)", o->holdout, l->M);
    size_t Mfit = l->M - o->holdout;
    fit_sizes fs;
    int rc = fit_sizes_make(l, Mfit, o->level, &fs);
    if (rc) return rc;
    /* Instance-level fits see every fitted size: a problem without a pass enters as the upper
     * bound of its budget (censored), never as a value. */
    sc_pu_est *tr = malloc(l->S * Mfit * sizeof *tr);
    if (!tr) {
        fit_sizes_free(&fs);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    for (size_t s = 0; s < l->S; s++)
        for (size_t m = 0; m < Mfit; m++) tr[s * Mfit + m] = l->est[s * l->M + m];
    sc_pu_fit_opts fo = {o->level, o->B, o->seed, 0};
    sc_pu_fit *fit = NULL;
    sc_pu_inst_fit *ifit = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (fs.M == 0) {
        rc = cli_fail(SC_EXIT_NUMERIC, "no fitted size has a pass: the task law has no point");
        goto done;
    }
    if (sc_pu_fit_task(fs.N, fs.M, fs.est, l->S, &fo, &fit, &err) != SC_OK) {
        rc = fit_error(&err, &fs, Mfit);
        goto done;
    }
    if (o->instance_level && sc_pu_fit_instances(l->N, Mfit, tr, l->S, &ifit, &err) != SC_OK) {
        rc = cli_report(&err);
        goto done;
    }
    if (o->json) {
        rc = fit_json(l, o, fit, &fs, tr, Mfit, ifit);
        goto done;
    }
    double pct = 100.0 * o->level;
    printf("task law (Hu et al. 2024): PU(N) = exp(-c N^-alpha), weighted least squares on "
           "log(-log PU)\n");
    printf("fitted on %zu sizes x %zu instances; chi2 = %.4g on %zu dof (covariance scaled by %.3g)\n",
           fs.M, l->S, fit->chi2, fit->dof, fit->scale);
    printf("alpha = %.5g   %.0f%% t [%.5g, %.5g]   bootstrap [%.5g, %.5g]\n", fit->alpha, pct,
           fit->alpha_lo, fit->alpha_hi, fit->alpha_blo, fit->alpha_bhi);
    printf("log c = %.5g   (c = %.5g)\n", fit->logc, exp(fit->logc));
    printf("\n%-14s %12s %12s %12s %14s %10s %12s\n", "N", "PU", "lo", "hi", "log(-log PU)", "sd",
           "fitted PU");
    for (size_t j = 0; j < fs.M; j++) {
        double p;
        sc_pu_fit_predict(fit, fs.N[j], &p, NULL, NULL, NULL, NULL);
        printf("%-14.6g %12.4g %12.4g %12.4g %14.5g %10.4g %12.4g\n", fs.N[j], fit->task[j].pu,
               fit->task[j].lo, fit->task[j].hi, fit->F[j], fit->sdF[j], p);
    }
    for (size_t m = 0; m < Mfit; m++)
        if (fs.zero[m])
            printf("%-14.6g %12s %12g %12.4g %14s %10s %12s   no pass: left out (upper bound only)\n",
                   l->N[m], "-", 0.0, fs.bound[m], "-", "-", "-");
    if (ifit)
        printf("\ninstance-level law: %zu instances with their own (c, alpha), %zu with alpha fixed "
               "at the median %.4g, %zu from upper bounds only (their predictions are upper "
               "bounds); %zu censored points above a fitted law\n",
               ifit->nfull, ifit->npartial, ifit->alpha_median, ifit->nbounded, ifit->nviolations);
    if (o->holdout || o->npredict) {
        printf("\n%-14s %12s %12s %12s %12s %12s %12s%s\n", "predict N", "PU", "t lo", "t hi",
               "boot lo", "boot hi", "observed", ifit ? "   instance-level" : "");
        sc_pu_est *col = malloc(l->S * sizeof *col);
        int any_zero = 0;
        for (size_t k = 0; k < o->holdout + o->npredict; k++) {
            double N = k < o->holdout ? l->N[Mfit + k] : o->predict[k - o->holdout];
            double p, lo, hi, blo, bhi;
            sc_pu_fit_predict(fit, N, &p, &lo, &hi, &blo, &bhi);
            printf("%-14.6g %12.4g %12.4g %12.4g %12.4g %12.4g", N, p, lo, hi, blo, bhi);
            if (k < o->holdout && col) {
                ladder_column(l, Mfit + k, col);
                printf(" %12.4g", sc_pu_empirical(col, 1, l->S));
                any_zero |= fs.zero[Mfit + k];
            } else {
                printf(" %12s", "-");
            }
            if (ifit) printf("   %12.4g", sc_pu_inst_predict(ifit, N));
            if (k < o->holdout && fs.zero[Mfit + k]) printf("   no pass: true PU < %.4g", fs.bound[Mfit + k]);
            printf("\n");
        }
        free(col);
        printf("observed: mean over instances of passes / draws at the held-out size (the data)%s\n",
               any_zero ? "; where nothing passed, the true PU is only bounded" : "");
    }
done:
    sc_pu_inst_fit_free(ifit);
    sc_pu_fit_free(fit);
    free(tr);
    fit_sizes_free(&fs);
    return rc;
}

static int run_classify(const ladder *l, const read_opts *o)
{
    fit_sizes fs;
    int rc = fit_sizes_make(l, l->M, o->level, &fs);
    if (rc) return rc;
    sc_pu_fit_opts fo = {o->level, o->B, o->seed, 0};
    sc_pu_emergence e;
    sc_error err;
    sc_error_clear(&err);
    if (sc_pu_classify(fs.N, fs.M, fs.est, l->S, &fo, &e, &err) != SC_OK) {
        rc = fit_error(&err, &fs, l->M);
        fit_sizes_free(&fs);
        return rc;
    }
    size_t nout = l->M - fs.M;
    fit_sizes_free(&fs);
    if (o->json) {
        json_t *root = json_pack(
            "{s:I,s:I,s:I,s:{s:o,s:o},s:{s:o,s:o},s:o,s:o,s:s}", "sizes", (json_int_t)(l->M - nout),
            "sizes_left_out", (json_int_t)nout, "instances", (json_int_t)l->S, "aic", "line",
            jnum(e.aic_line), "quadratic", jnum(e.aic_quad), "bic", "line", jnum(e.bic_line),
            "quadratic", jnum(e.bic_quad), "curvature", jnum(e.curv), "curvature_bootstrap",
            jpair(e.curv_lo, e.curv_hi), "class",
            e.cls == SC_PU_LINEAR ? "linear" : e.cls == SC_PU_CONVEX ? "convex" : "concave");
        return json_print(root);
    }
    printf("emergence test (Hu et al. 2024): log(-log PU) against log N, %zu sizes x %zu instances\n",
           l->M - nout, l->S);
    printf("AIC  line %.4g   quadratic %.4g\n", e.aic_line, e.aic_quad);
    printf("BIC  line %.4g   quadratic %.4g\n", e.bic_line, e.bic_quad);
    printf("curvature %.5g   %.0f%% bootstrap [%.5g, %.5g]\n", e.curv, 100.0 * o->level, e.curv_lo,
           e.curv_hi);
    printf("class: %s\n", sc_pu_class_name(e.cls));
    return 0;
}

static int run_reader(int argc, char **argv, const char *sub)
{
    read_opts o;
    char **paths = NULL;
    size_t np = 0;
    int rc = parse_read(argc, argv, sub, &o, &paths, &np);
    if (rc) {
        free(paths);
        free(o.colbuf);
        return rc < 0 ? SC_EXIT_OK : rc;
    }
    pu_data d;
    memset(&d, 0, sizeof d);
    d.level = o.level;
    d.cols = o.cols;
    ladder l;
    memset(&l, 0, sizeof l);
    rc = load_inputs(&d, paths, np);
    if (!rc) rc = build_ladder(&d, &l);
    if (!rc) {
        if (strcmp(sub, "estimate") == 0) rc = run_estimate(&l, &o, &d);
        else if (strcmp(sub, "fit") == 0) rc = run_fit(&l, &o);
        else rc = run_classify(&l, &o);
    }
    ladder_free(&l);
    data_free(&d);
    free(paths);
    free(o.colbuf);
    return rc;
}

static const char *draw_help =
    "usage: scalecast passuntil draw --N SIZE [options]\n"
    "\n"
    "One simulated draw, for tests and demonstrations of 'passuntil sample': reads SC_INSTANCE and\n"
    "SC_DRAW (and SC_SEED unless --seed is given) from the environment and exits 0 (pass) or 1\n"
    "(fail) with the instance's true pass probability at size N (Hu et al. 2024, Sec. 5):\n"
    "  law        p = exp(-c N^-alpha)\n"
    "  multistep  p = exp(-sum_i c_i N^-alpha_i)\n"
    "  mixture    p = sum_i w_i exp(-c_i N^-alpha_i)\n"
    "with each instance's log c_i and alpha_i jittered by a normal deviate hashed from its name.\n"
    "\n"
    "  --N SIZE          model size (default: SC_N from the environment)\n"
    "  --kind K          law (default), multistep or mixture\n"
    "  --c LIST          c_i, comma-separated (default 959)\n"
    "  --alpha LIST      alpha_i (default 0.306)\n"
    "  --w LIST          mixture weights\n"
    "  --sd-logc X       spread of log c_i over instances (default 0.3)\n"
    "  --sd-alpha X      spread of alpha_i over instances (default 0.02)\n"
    "  --seed S          simulation seed (default: SC_SEED)\n"
    "  --print-p         print the true probability instead of drawing\n";

static int parse_list(const char *opt, const char *s, double *out, size_t *n)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    *n = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (*n == 4) return cli_fail(SC_EXIT_USAGE, "%s: at most 4 terms", opt);
        int rc = cli_parse_double(opt, tok, &out[(*n)++]);
        if (rc) return rc;
    }
    if (*n == 0) return cli_fail(SC_EXIT_USAGE, "%s: expected a comma-separated list", opt);
    return 0;
}

static int run_draw(int argc, char **argv)
{
    sc_pu_sim sim = {SC_PU_SIM_LAW, 1, {959.0}, {0.306}, {1.0}, 0.3, 0.02, 1};
    double N = NAN;
    int have_seed = 0, print_p = 0, rc;
    size_t nc = 1, na = 1, nw = 0;
    const char *v;
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_passuntil_draw_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(draw_help, stdout);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--print-p")) {
            print_p = 1;
        } else if (cli_opt(&a, "--N", &v)) {
            if (!a.error && (rc = cli_parse_double("--N", v, &N))) return rc;
        } else if (cli_opt(&a, "--kind", &v)) {
            if (a.error) break;
            if (strcmp(v, "law") == 0) sim.kind = SC_PU_SIM_LAW;
            else if (strcmp(v, "multistep") == 0) sim.kind = SC_PU_SIM_MULTISTEP;
            else if (strcmp(v, "mixture") == 0) sim.kind = SC_PU_SIM_MIXTURE;
            else return cli_fail(SC_EXIT_USAGE, "--kind: expected law, multistep or mixture, got \"%s\"", v);
        } else if (cli_opt(&a, "--c", &v)) {
            if (!a.error && (rc = parse_list("--c", v, sim.c, &nc))) return rc;
        } else if (cli_opt(&a, "--alpha", &v)) {
            if (!a.error && (rc = parse_list("--alpha", v, sim.alpha, &na))) return rc;
        } else if (cli_opt(&a, "--w", &v)) {
            if (!a.error && (rc = parse_list("--w", v, sim.w, &nw))) return rc;
        } else if (cli_opt(&a, "--sd-logc", &v)) {
            if (!a.error && (rc = cli_parse_double("--sd-logc", v, &sim.sd_logc))) return rc;
        } else if (cli_opt(&a, "--sd-alpha", &v)) {
            if (!a.error && (rc = cli_parse_double("--sd-alpha", v, &sim.sd_alpha))) return rc;
        } else if (cli_opt(&a, "--seed", &v)) {
            if (!a.error && (rc = cli_parse_u64("--seed", v, &sim.seed))) return rc;
            have_seed = 1;
        } else {
            return cli_fail(SC_EXIT_USAGE, "passuntil draw takes options only, got \"%s\" (see "
                            "'scalecast passuntil draw --help')", a.current);
        }
    }
    if (a.error) return a.error;
    if (nc != na) return cli_fail(SC_EXIT_USAGE, "--c and --alpha need the same number of terms");
    if (sim.kind == SC_PU_SIM_MIXTURE && nw != nc)
        return cli_fail(SC_EXIT_USAGE, "--kind mixture needs --w with one weight per term");
    sim.nterms = nc;
    const char *inst = getenv("SC_INSTANCE"), *draw = getenv("SC_DRAW");
    if (isnan(N) && getenv("SC_N") && (rc = cli_parse_double("SC_N", getenv("SC_N"), &N))) return rc;
    if (!(N > 0.0)) return cli_fail(SC_EXIT_USAGE, "--N: model size must be > 0");
    if (!have_seed && getenv("SC_SEED") && (rc = cli_parse_u64("SC_SEED", getenv("SC_SEED"), &sim.seed)))
        return rc;
    if (!inst) return cli_fail(SC_EXIT_USAGE, "SC_INSTANCE is not set");
    if (print_p) {
        printf("%.17g\n", sc_pu_sim_p(&sim, inst, N));
        return SC_EXIT_OK;
    }
    uint64_t d;
    if (!draw) return cli_fail(SC_EXIT_USAGE, "SC_DRAW is not set");
    if ((rc = cli_parse_u64("SC_DRAW", draw, &d))) return rc;
    return sc_pu_sim_draw(&sim, inst, N, d) ? 0 : 1;
}

int cmd_passuntil(int argc, char **argv)
{
    if (argc < 2) {
        fputs(help, stderr);
        return SC_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0) {
        fputs(help, stdout);
        return SC_EXIT_OK;
    }
    if (strcmp(sub, "sample") == 0) return pu_sample_main(argc - 1, argv + 1);
    if (strcmp(sub, "draw") == 0) return run_draw(argc - 1, argv + 1);
    if (strcmp(sub, "estimate") == 0 || strcmp(sub, "fit") == 0 || strcmp(sub, "classify") == 0)
        return run_reader(argc - 1, argv + 1, sub);
    return cli_fail(SC_EXIT_USAGE, "passuntil: unknown subcommand \"%s\" (sample, estimate, fit, "
                    "classify or draw)", sub);
}
