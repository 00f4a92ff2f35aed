/* SPDX-License-Identifier: GPL-3.0-or-later
 * `scalecast passuntil sample | estimate | fit | classify | draw`: PassUntil (Hu et al. 2024,
 * "Predicting Emergent Abilities with Infinite Resolution Evaluation"). */
#include "cli.h"
#include "commands.h"
#include "passuntil_cli.h"

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
    "files with columns instance, N, K (draws), r (passes) and optional model and censored\n"
    "(1 = sampling stopped before the r-th pass: the row gives only an upper bound).\n";

static const char *read_help =
    "\n"
    "INPUT: run logs written by 'passuntil sample' (.jsonl) or CSV files with columns instance,\n"
    "N, K, r and optional model and censored.\n"
    "\n"
    "  --level L        interval level (default 0.9)\n"
    "  --boot B         bootstrap resamples over instances (default 1000)\n"
    "  --seed S         bootstrap seed (default 1)\n";

static const char *fit_extra =
    "  --holdout H      leave the H largest sizes out of the fit and predict them (default 0)\n"
    "  --predict N      also predict the task PU at size N (repeatable)\n"
    "  --instance-level also fit each instance's own law and average their predictions\n"
    "  --json           print the result as one JSON object\n";
static const char *classify_extra = "  --json           print the result as one JSON object\n";
static const char *estimate_extra = "  --per-instance   print every instance's estimate too\n";

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

/* A whole number >= 0 from a numeric cell, or a message at the cell. */
static int cell_count(const sc_table *t, size_t j, size_t i, const char *what, size_t *out)
{
    double v = sc_table_num(t, j)[i];
    size_t line = 0, col = 0;
    if (v >= 0.0 && v < 9e15 && floor(v) == v) {
        *out = (size_t)v;
        return 0;
    }
    sc_table_cell_pos(t, i, j, &line, &col);
    return cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: %s must be a whole number >= 0, got %g",
                    sc_table_source(t), line, col, what, v);
}

static int load_csv(pu_data *d, const char *path)
{
    sc_table *t = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK) return cli_report(&err);
    size_t ji, jN, jK, jr;
    int rc = 0;
    if (sc_table_require(t, "instance", &ji, &err) != SC_OK ||
        sc_table_require_num(t, "N", &jN, &err) != SC_OK ||
        sc_table_require_num(t, "K", &jK, &err) != SC_OK ||
        sc_table_require_num(t, "r", &jr, &err) != SC_OK) {
        rc = cli_report(&err);
        sc_table_free(t);
        return rc;
    }
    long jm = sc_table_find(t, "model"), jc = sc_table_find(t, "censored");
    if (jc >= 0 && sc_table_require_num(t, "censored", (size_t *)&jc, &err) != SC_OK) {
        rc = cli_report(&err);
        sc_table_free(t);
        return rc;
    }
    const char *src = sc_table_source(t);
    for (size_t i = 0; i < sc_table_nrows(t) && !rc; i++) {
        size_t line, col, K, r;
        char num[64];
        const char *inst;
        if (sc_table_coltype(t, ji) == SC_COL_TEXT) {
            inst = sc_table_text(t, ji, i);
        } else {
            snprintf(num, sizeof num, "%.17g", sc_table_num(t, ji)[i]);
            inst = num;
        }
        sc_table_cell_pos(t, i, ji, &line, &col);
        if (!inst || !*inst) {
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: missing instance name", src, line, col);
            break;
        }
        double N = sc_table_num(t, jN)[i];
        if (!(N > 0.0) || !isfinite(N)) {
            sc_table_cell_pos(t, i, jN, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: model size N must be > 0, got %g", src, line, col, N);
            break;
        }
        if ((rc = cell_count(t, jK, i, "K (draws)", &K)) || (rc = cell_count(t, jr, i, "r (passes)", &r)))
            break;
        if (K > PU_KMAX_LIMIT) {
            sc_table_cell_pos(t, i, jK, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: K (draws) %zu is above the limit of %zu",
                          src, line, col, K, PU_KMAX_LIMIT);
            break;
        }
        int cens = 0;
        if (jc >= 0) {
            double c = sc_table_num(t, (size_t)jc)[i];
            if (c != 0.0 && c != 1.0) {
                sc_table_cell_pos(t, i, (size_t)jc, &line, &col);
                rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: censored must be 0 or 1, got %g", src, line, col, c);
                break;
            }
            cens = c == 1.0;
        }
        if (r > K) {
            sc_table_cell_pos(t, i, jr, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: passes r (%zu) > draws K (%zu)", src, line, col, r, K);
            break;
        }
        if (!cens && r == 0) {
            sc_table_cell_pos(t, i, jr, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: r < 1 in a row that is not censored (no pass: "
                          "add a censored column with 1)", src, line, col);
            break;
        }
        /* A resolved row: r passes, the r-th on draw K. A censored row: r passes in K draws and
         * sampling stopped (target r + 1 stands for "more than r"). */
        sc_pu_est e;
        sc_status st = sc_pu_estimate(K, r, cens ? r + 1 : r, K, d->level, &e, &err);
        if (st != SC_OK) {
            sc_table_cell_pos(t, i, jK, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: %s", src, line, col, err.message);
            break;
        }
        const char *model = jm >= 0 && sc_table_coltype(t, (size_t)jm) == SC_COL_TEXT
                                ? sc_table_text(t, (size_t)jm, i) : "";
        rc = data_add(d, inst, model, N, &e, 0);
    }
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
    int instance_level, show_instances, json;
} read_opts;

static const cli_option cli_passuntil_estimate_options_opts[] = {
    {"--help", "-h", 0},
    {"--level", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--per-instance", NULL, 0},
    {NULL, NULL, 0}};
const cli_option_set cli_passuntil_estimate_options = {"passuntil estimate", cli_passuntil_estimate_options_opts};

static const cli_option cli_passuntil_fit_options_opts[] = {
    {"--help", "-h", 0},
    {"--level", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
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
    *paths = calloc((size_t)argc, sizeof **paths);
    *npaths = 0;
    if (!*paths) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    int is_fit = strcmp(sub, "fit") == 0, rc = 0;
    cli_args a;
    const char *v;
    cli_args_init(&a, argc, argv,
                  is_fit                          ? &cli_passuntil_fit_options
                  : strcmp(sub, "estimate") == 0 ? &cli_passuntil_estimate_options
                                                 : &cli_passuntil_classify_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            printf("usage: scalecast passuntil %s INPUT... [options]\n", sub);
            fputs(read_help, stdout);
            fputs(is_fit ? fit_extra : strcmp(sub, "estimate") == 0 ? estimate_extra : classify_extra,
                  stdout);
            return -1;
        } else if (cli_opt(&a, "--level", &v)) {
            if (!a.error && (rc = cli_parse_double("--level", v, &o->level))) return rc;
        } else if (cli_opt(&a, "--boot", &v)) {
            if (!a.error && (rc = cli_parse_count("--boot", v, 0, CLI_MAX_COUNT, &o->B))) return rc;
        } else if (cli_opt(&a, "--seed", &v)) {
            if (!a.error && (rc = cli_parse_u64("--seed", v, &o->seed))) return rc;
        } else if (is_fit && cli_opt(&a, "--holdout", &v)) {
            if (!a.error && (rc = cli_parse_size("--holdout", v, &o->holdout))) return rc;
        } else if (is_fit && cli_opt(&a, "--predict", &v)) {
            if (a.error) break;
            if (o->npredict == 16) return cli_fail(SC_EXIT_USAGE, "--predict: at most 16 sizes");
            if ((rc = cli_parse_double("--predict", v, &o->predict[o->npredict]))) return rc;
            if (!(o->predict[o->npredict] > 0.0))
                return cli_fail(SC_EXIT_USAGE, "--predict: model size must be > 0, got %s", v);
            o->npredict++;
        } else if (strcmp(sub, "estimate") != 0 && cli_flag(&a, "--json")) {
            o->json = 1;
        } else if (is_fit && cli_flag(&a, "--instance-level")) {
            o->instance_level = 1;
        } else if (strcmp(sub, "estimate") == 0 && cli_flag(&a, "--per-instance")) {
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

static int run_estimate(const ladder *l, const read_opts *o)
{
    printf("%-14s %-16s %5s %8s %12s %12s %12s\n", "N", "model", "inst", "censored", "PU", "lo", "hi");
    sc_pu_est *col = malloc(l->S * sizeof *col);
    if (!col) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t m = 0; m < l->M; m++) {
        for (size_t s = 0; s < l->S; s++) col[s] = l->est[s * l->M + m];
        sc_pu_task t;
        sc_error err;
        if (sc_pu_task_estimate(col, l->S, o->B, o->seed, o->level, &t, &err) != SC_OK) {
            free(col);
            return cli_report(&err);
        }
        printf("%-14.6g %-16s %5zu %8zu %12.4g %12.4g %12.4g\n", l->N[m], l->model[m], l->S,
               t.ncensored, t.pu, t.lo, t.hi);
        if (o->show_instances)
            for (size_t s = 0; s < l->S; s++) {
                const sc_pu_est *e = &col[s];
                if (e->censored)
                    printf("  %-28s K %-10zu passes %-4zu censored: PU < %.4g\n", l->inst[s],
                           e->draws, e->passes, e->hi);
                else
                    printf("  %-28s K %-10zu passes %-4zu PU %.4g [%.4g, %.4g]\n", l->inst[s],
                           e->draws, e->passes, e->pu, e->lo, e->hi);
            }
    }
    free(col);
    return 0;
}

static void json_pair(const char *key, double a, double b)
{
    printf("\"%s\":[", key);
    cli_json_number(stdout, a);
    putchar(',');
    cli_json_number(stdout, b);
    putchar(']');
}

/* The fit as one JSON object (numbers round-trip; NaN is null). */
static int fit_json(const ladder *l, const read_opts *o, const sc_pu_fit *fit, const sc_pu_est *tr,
                    size_t M)
{
    sc_pu_inst_fit *ifit = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (o->instance_level && sc_pu_fit_instances(l->N, M, tr, l->S, &ifit, &err) != SC_OK)
        return cli_report(&err);
    printf("{\"law\":\"log(-log PU) = log c - alpha log N\",\"level\":");
    cli_json_number(stdout, o->level);
    printf(",\"sizes_fitted\":%zu,\"instances\":%zu,\"alpha\":", M, l->S);
    cli_json_number(stdout, fit->alpha);
    putchar(',');
    json_pair("alpha_t", fit->alpha_lo, fit->alpha_hi);
    putchar(',');
    json_pair("alpha_bootstrap", fit->alpha_blo, fit->alpha_bhi);
    printf(",\"log_c\":");
    cli_json_number(stdout, fit->logc);
    printf(",\"chi2\":");
    cli_json_number(stdout, fit->chi2);
    printf(",\"dof\":%zu,\"sizes\":[", fit->dof);
    for (size_t m = 0; m < M; m++) {
        printf("%s{\"N\":", m ? "," : "");
        cli_json_number(stdout, l->N[m]);
        printf(",\"pu\":");
        cli_json_number(stdout, fit->task[m].pu);
        putchar(',');
        json_pair("interval", fit->task[m].lo, fit->task[m].hi);
        printf(",\"censored\":%zu,\"loglog\":", fit->task[m].ncensored);
        cli_json_number(stdout, fit->F[m]);
        printf(",\"sd\":");
        cli_json_number(stdout, fit->sdF[m]);
        putchar('}');
    }
    printf("],\"predictions\":[");
    sc_pu_est *col = malloc(l->S * sizeof *col);
    for (size_t k = 0; k < o->holdout + o->npredict; k++) {
        double N = k < o->holdout ? l->N[M + k] : o->predict[k - o->holdout];
        double p, lo, hi, blo, bhi;
        sc_pu_fit_predict(fit, N, &p, &lo, &hi, &blo, &bhi);
        printf("%s{\"N\":", k ? "," : "");
        cli_json_number(stdout, N);
        printf(",\"pu\":");
        cli_json_number(stdout, p);
        putchar(',');
        json_pair("t", lo, hi);
        putchar(',');
        json_pair("bootstrap", blo, bhi);
        if (k < o->holdout && col) {
            for (size_t s = 0; s < l->S; s++) col[s] = l->est[s * l->M + M + k];
            sc_pu_task t;
            if (sc_pu_task_estimate(col, l->S, o->B, o->seed, o->level, &t, NULL) == SC_OK) {
                printf(",\"observed\":");
                cli_json_number(stdout, t.pu);
            }
        }
        if (ifit) {
            printf(",\"instance_level\":");
            cli_json_number(stdout, sc_pu_inst_predict(ifit, N));
        }
        putchar('}');
    }
    free(col);
    printf("]");
    if (ifit)
        printf(",\"instance_fits\":{\"own\":%zu,\"alpha_fixed\":%zu,\"bounded\":%zu,"
               "\"violations\":%zu}",
               ifit->nfull, ifit->npartial, ifit->nbounded, ifit->nviolations);
    printf("}\n");
    sc_pu_inst_fit_free(ifit);
    return 0;
}

static int run_fit(const ladder *l, const read_opts *o)
{
    if (o->holdout >= l->M)
        return cli_fail(SC_EXIT_USAGE, "--holdout %zu leaves no size to fit (%zu sizes)", o->holdout, l->M);
    size_t M = l->M - o->holdout;
    sc_pu_est *tr = malloc(l->S * M * sizeof *tr);
    if (!tr) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t s = 0; s < l->S; s++)
        for (size_t m = 0; m < M; m++) tr[s * M + m] = l->est[s * l->M + m];
    sc_pu_fit_opts fo = {o->level, o->B, o->seed, 0};
    sc_pu_fit *fit = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_pu_fit_task(l->N, M, tr, l->S, &fo, &fit, &err) != SC_OK) {
        free(tr);
        return cli_report(&err);
    }
    if (o->json) {
        int rc = fit_json(l, o, fit, tr, M);
        sc_pu_fit_free(fit);
        free(tr);
        return rc;
    }
    double pct = 100.0 * o->level;
    printf("task law (Hu et al. 2024): PU(N) = exp(-c N^-alpha), weighted least squares on "
           "log(-log PU)\n");
    printf("fitted on %zu sizes x %zu instances; chi2 = %.4g on %zu dof (covariance scaled by %.3g)\n",
           M, l->S, fit->chi2, fit->dof, fit->scale);
    printf("alpha = %.5g   %.0f%% t [%.5g, %.5g]   bootstrap [%.5g, %.5g]\n", fit->alpha, pct,
           fit->alpha_lo, fit->alpha_hi, fit->alpha_blo, fit->alpha_bhi);
    printf("log c = %.5g   (c = %.5g)\n", fit->logc, exp(fit->logc));
    printf("\n%-14s %12s %12s %12s %14s %10s %12s\n", "N", "PU", "lo", "hi", "log(-log PU)", "sd",
           "fitted PU");
    for (size_t m = 0; m < M; m++) {
        double p;
        sc_pu_fit_predict(fit, l->N[m], &p, NULL, NULL, NULL, NULL);
        printf("%-14.6g %12.4g %12.4g %12.4g %14.5g %10.4g %12.4g\n", l->N[m], fit->task[m].pu,
               fit->task[m].lo, fit->task[m].hi, fit->F[m], fit->sdF[m], p);
    }
    sc_pu_inst_fit *ifit = NULL;
    if (o->instance_level) {
        if (sc_pu_fit_instances(l->N, M, tr, l->S, &ifit, &err) != SC_OK) {
            sc_pu_fit_free(fit);
            free(tr);
            return cli_report(&err);
        }
        printf("\ninstance-level law: %zu instances with their own (c, alpha), %zu with alpha fixed "
               "at the median %.4g, %zu from upper bounds only (their predictions are upper "
               "bounds); %zu censored points above a fitted law\n",
               ifit->nfull, ifit->npartial, ifit->alpha_median, ifit->nbounded, ifit->nviolations);
    }
    if (o->holdout || o->npredict) {
        printf("\n%-14s %12s %12s %12s %12s %12s %12s%s\n", "predict N", "PU", "t lo", "t hi",
               "boot lo", "boot hi", "observed", ifit ? "   instance-level" : "");
        sc_pu_est *col = malloc(l->S * sizeof *col);
        for (size_t k = 0; k < o->holdout + o->npredict; k++) {
            double N = k < o->holdout ? l->N[M + k] : o->predict[k - o->holdout];
            double p, lo, hi, blo, bhi;
            sc_pu_fit_predict(fit, N, &p, &lo, &hi, &blo, &bhi);
            printf("%-14.6g %12.4g %12.4g %12.4g %12.4g %12.4g", N, p, lo, hi, blo, bhi);
            if (k < o->holdout && col) {
                for (size_t s = 0; s < l->S; s++) col[s] = l->est[s * l->M + M + k];
                sc_pu_task t;
                if (sc_pu_task_estimate(col, l->S, o->B, o->seed, o->level, &t, NULL) == SC_OK)
                    printf(" %12.4g", t.pu);
                else
                    printf(" %12s", "-");
            } else {
                printf(" %12s", "-");
            }
            if (ifit) printf("   %12.4g", sc_pu_inst_predict(ifit, N));
            printf("\n");
        }
        free(col);
    }
    sc_pu_inst_fit_free(ifit);
    sc_pu_fit_free(fit);
    free(tr);
    return 0;
}

static int run_classify(const ladder *l, const read_opts *o)
{
    sc_pu_fit_opts fo = {o->level, o->B, o->seed, 0};
    sc_pu_emergence e;
    sc_error err;
    sc_error_clear(&err);
    if (sc_pu_classify(l->N, l->M, l->est, l->S, &fo, &e, &err) != SC_OK) return cli_report(&err);
    if (o->json) {
        printf("{\"sizes\":%zu,\"instances\":%zu,\"aic\":", l->M, l->S);
        printf("{\"line\":");
        cli_json_number(stdout, e.aic_line);
        printf(",\"quadratic\":");
        cli_json_number(stdout, e.aic_quad);
        printf("},\"bic\":{\"line\":");
        cli_json_number(stdout, e.bic_line);
        printf(",\"quadratic\":");
        cli_json_number(stdout, e.bic_quad);
        printf("},\"curvature\":");
        cli_json_number(stdout, e.curv);
        putchar(',');
        json_pair("curvature_bootstrap", e.curv_lo, e.curv_hi);
        printf(",\"class\":\"%s\"}\n",
               e.cls == SC_PU_LINEAR ? "linear" : e.cls == SC_PU_CONVEX ? "convex" : "concave");
        return 0;
    }
    printf("emergence test (Hu et al. 2024): log(-log PU) against log N, %zu sizes x %zu instances\n",
           l->M, l->S);
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
        return rc < 0 ? SC_EXIT_OK : rc;
    }
    pu_data d;
    memset(&d, 0, sizeof d);
    d.level = o.level;
    ladder l;
    memset(&l, 0, sizeof l);
    rc = load_inputs(&d, paths, np);
    if (!rc) rc = build_ladder(&d, &l);
    if (!rc) {
        if (strcmp(sub, "estimate") == 0) rc = run_estimate(&l, &o);
        else if (strcmp(sub, "fit") == 0) rc = run_fit(&l, &o);
        else rc = run_classify(&l, &o);
    }
    ladder_free(&l);
    data_free(&d);
    free(paths);
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
