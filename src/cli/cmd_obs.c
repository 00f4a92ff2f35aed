/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast obs: observational scaling laws (Ruan et al. 2024) on a table of public models. */
#include "cli.h"
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: scalecast obs DATA... [--y COL] [options]\n"
    "\n"
    "Observational scaling laws (Ruan, Maddison, Hashimoto 2024): imputes the benchmark matrix of\n"
    "many public models, reduces it to a few principal components (capabilities), links a target\n"
    "metric to them by y = (1 - b) sigmoid(w . S + w0) + b (b in [0, 0.2]) and compares it with the\n"
    "same link on log FLOPs and on log N (parameters). Several DATA files are joined on the model\n"
    "column (inner join).\n"
    "\n"
    "options:\n"
    "  --y COL                 target metric (without it: PCA, imputation and efficiencies only);\n"
    "                          --target COL, its old name, is still accepted with a warning\n"
    "  --pcs K                 principal components (default 3)\n"
    "  --cutoff X              train on FLOPs <= X, in the FLOPs column's unit (default 84,\n"
    "                          i.e. 84e21 = Llama-2-7B); models without FLOPs are test models\n"
    "  --split S               cutoff (default) | top:F (hold out the top fraction F by the\n"
    "                          target) | later (train on the default models, test on the 20\n"
    "                          models released later) | none (fit on every model)\n"
    "  --models M              default (the paper's 77 models of 21 families; needs the family\n"
    "                          column) | all (every row)\n"
    "  --metrics A,B,...       PCA inputs (default MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,\n"
    "                          GSM8K,XWinograd,HumanEval)\n"
    "  --exclude-metric A,...  leave these out of the PCA inputs (e.g. GSM8K)\n"
    "  --scale X               divide the target by X (e.g. 100 for BLEU, 10 for AgentBench)\n"
    "  --chance C              then rescale the target to (y - C) / (1 - C)\n"
    "  --metric-scale COL=X    divide the PCA input COL by X (e.g. MMLU=100 for percentages)\n"
    "  --gain-over COL         also fit COL and forecast the gain TARGET - COL (post-training)\n"
    "  --drop-model NAME       leave a model out (repeatable)\n"
    "  --reference-family F    equivalent FLOPs relative to family F (default Llama-2)\n"
    "  --select BUDGET         V-optimal choice of whole families with at most BUDGET training\n"
    "                          models (always keeping the reference family); reports the test MSE\n"
    "                          of the link fitted on them\n"
    "  --random-sets N         with --select: also score N random family sets of budget - 2 to\n"
    "                          budget models (reference kept) as a baseline; --seed S (default 1)\n"
    "  --huber DELTA           Huber loss for the links instead of least squares\n"
    "  --model-col C, --family-col C, --flops-col C, --size-col C   column names (defaults\n"
    "                          Model, \"Model Family\", \"FLOPs (1E21)\", \"Model Size (B)\")\n"
    "  --json                  machine-readable output on stdout\n"
    "  --out DIR               figures: scree.png, loadings.png, target_vs_eqflops.png,\n"
    "                          pred_vs_actual.png\n"
    "\n"
    "Every metric and the (rescaled) target must lie in [0, 1]; values outside are an error naming\n"
    "the cell. Exit codes: 0 ok, 1 numerical trouble, 2 bad command line, 3 bad data, 4 I/O.\n";

#define MAX_LIST 64

typedef struct obs_args {
    const char *data[MAX_LIST];
    size_t ndata;
    const char *target, *gain_over;
    size_t pcs;
    double cutoff;
    int split; /* 0 cutoff, 1 top, 2 later, 3 none */
    double top;
    int all_models;
    char *metrics[MAX_LIST];
    size_t nmetrics;
    char *exclude[MAX_LIST];
    size_t nexclude;
    double scale, chance;
    const char *drop[MAX_LIST];
    size_t ndrop;
    char *mscale_name[MAX_LIST];
    double mscale[MAX_LIST];
    size_t nmscale;
    const char *reference;
    size_t select, random_sets;
    uint64_t seed;
    double huber;
    const char *model_col, *family_col, *flops_col, *size_col;
    int json;
    const char *out;
} obs_args;

/* Splits a comma-separated list into owned strings. */
static int split_list(const char *opt, const char *s, char **out, size_t *n)
{
    const char *p = s;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0 || *n >= MAX_LIST)
            return cli_fail(SC_EXIT_USAGE, "%s: expected a comma-separated list, got \"%s\"", opt, s);
        out[*n] = malloc(len + 1);
        if (!out[*n]) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        memcpy(out[*n], p, len);
        out[*n][len] = '\0';
        (*n)++;
        p = c ? c + 1 : p + len;
    }
    return 0;
}

static void free_args(obs_args *a)
{
    for (size_t i = 0; i < a->nmetrics; i++) free(a->metrics[i]);
    for (size_t i = 0; i < a->nexclude; i++) free(a->exclude[i]);
    for (size_t i = 0; i < a->nmscale; i++) free(a->mscale_name[i]);
}

static const cli_option cli_obs_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--y", "--target", CLI_VALUE},
    {"--gain-over", NULL, CLI_VALUE},
    {"--reference-family", NULL, CLI_VALUE},
    {"--model-col", NULL, CLI_VALUE},
    {"--family-col", NULL, CLI_VALUE},
    {"--flops-col", NULL, CLI_VALUE},
    {"--size-col", NULL, CLI_VALUE},
    {"--out", NULL, CLI_VALUE},
    {"--pcs", NULL, CLI_VALUE},
    {"--cutoff", NULL, CLI_VALUE},
    {"--select", NULL, CLI_VALUE},
    {"--random-sets", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--scale", NULL, CLI_VALUE},
    {"--chance", NULL, CLI_VALUE},
    {"--huber", NULL, CLI_VALUE},
    {"--split", NULL, CLI_VALUE},
    {"--models", NULL, CLI_VALUE},
    {"--metrics", NULL, CLI_VALUE | CLI_REPEAT},
    {"--exclude-metric", NULL, CLI_VALUE | CLI_REPEAT},
    {"--metric-scale", NULL, CLI_VALUE | CLI_REPEAT},
    {"--drop-model", NULL, CLI_VALUE | CLI_REPEAT},
    {NULL, NULL, 0}};
const cli_option_set cli_obs_options = {"obs", cli_obs_options_opts};

static int parse(int argc, char **argv, obs_args *a)
{
    memset(a, 0, sizeof *a);
    a->pcs = 3;
    a->cutoff = 84.0;
    a->reference = "Llama-2";
    a->seed = 1;
    a->model_col = "Model";
    a->family_col = "Model Family";
    a->flops_col = "FLOPs (1E21)";
    a->size_col = "Model Size (B)";
    cli_args g;
    cli_args_init(&g, argc, argv, &cli_obs_options);
    const char *v = NULL;
    int rc = 0;
    while (!rc && cli_args_next(&g)) {
        if (cli_flag(&g, "--help") || cli_flag(&g, "-h")) {
            fputs(usage_text, stdout);
            return -1;
        } else if (cli_flag(&g, "--json")) {
            a->json = 1;
        } else if (cli_opt(&g, "--y", &a->target)) {
            if (strncmp(g.current, "--target", 8) == 0)
                cli_warn("obs: --target is now --y (the old name still works for now)");
        } else if (cli_opt(&g, "--gain-over", &a->gain_over) ||
                   cli_opt(&g, "--reference-family", &a->reference) ||
                   cli_opt(&g, "--model-col", &a->model_col) ||
                   cli_opt(&g, "--family-col", &a->family_col) ||
                   cli_opt(&g, "--flops-col", &a->flops_col) ||
                   cli_opt(&g, "--size-col", &a->size_col) || cli_opt(&g, "--out", &a->out)) {
        } else if (cli_opt(&g, "--pcs", &v)) {
            rc = cli_parse_size("--pcs", v, &a->pcs);
            if (!rc && a->pcs == 0) rc = cli_fail(SC_EXIT_USAGE, "--pcs: expected at least 1");
        } else if (cli_opt(&g, "--cutoff", &v)) {
            rc = cli_parse_double("--cutoff", v, &a->cutoff);
        } else if (cli_opt(&g, "--select", &v)) {
            rc = cli_parse_size("--select", v, &a->select);
            if (!rc && a->select == 0) rc = cli_fail(SC_EXIT_USAGE, "--select: expected at least 1 model");
        } else if (cli_opt(&g, "--random-sets", &v)) {
            rc = cli_parse_count("--random-sets", v, 0, 100000, &a->random_sets);
        } else if (cli_opt(&g, "--seed", &v)) {
            rc = cli_parse_u64("--seed", v, &a->seed);
        } else if (cli_opt(&g, "--scale", &v)) {
            rc = cli_parse_double("--scale", v, &a->scale);
            if (!rc && !(a->scale > 0)) rc = cli_fail(SC_EXIT_USAGE, "--scale: expected a number > 0");
        } else if (cli_opt(&g, "--chance", &v)) {
            rc = cli_parse_double("--chance", v, &a->chance);
            if (!rc && !(a->chance >= 0 && a->chance < 1))
                rc = cli_fail(SC_EXIT_USAGE, "--chance: expected a number in [0, 1)");
        } else if (cli_opt(&g, "--huber", &v)) {
            rc = cli_parse_double("--huber", v, &a->huber);
            if (!rc && !(a->huber > 0)) rc = cli_fail(SC_EXIT_USAGE, "--huber: expected a number > 0");
        } else if (cli_opt(&g, "--split", &v)) {
            if (strcmp(v, "cutoff") == 0) {
                a->split = 0;
            } else if (strcmp(v, "later") == 0) {
                a->split = 2;
            } else if (strcmp(v, "none") == 0) {
                a->split = 3;
            } else if (strncmp(v, "top:", 4) == 0) {
                a->split = 1;
                rc = cli_parse_double("--split top", v + 4, &a->top);
                if (!rc && !(a->top > 0 && a->top < 1))
                    rc = cli_fail(SC_EXIT_USAGE, "--split top:F: F must lie in (0, 1), got \"%s\"", v + 4);
            } else {
                rc = cli_fail(SC_EXIT_USAGE, "--split: expected cutoff, top:F, later or none, got \"%s\"", v);
            }
        } else if (cli_opt(&g, "--models", &v)) {
            if (strcmp(v, "default") == 0) a->all_models = 0;
            else if (strcmp(v, "all") == 0) a->all_models = 1;
            else rc = cli_fail(SC_EXIT_USAGE, "--models: expected default or all, got \"%s\"", v);
        } else if (cli_opt(&g, "--metrics", &v)) {
            rc = split_list("--metrics", v, a->metrics, &a->nmetrics);
        } else if (cli_opt(&g, "--exclude-metric", &v)) {
            rc = split_list("--exclude-metric", v, a->exclude, &a->nexclude);
        } else if (cli_opt(&g, "--metric-scale", &v)) {
            const char *eq = strrchr(v, '=');
            if (!eq || eq == v || a->nmscale >= MAX_LIST) {
                rc = cli_fail(SC_EXIT_USAGE, "--metric-scale: expected COL=X, got \"%s\"", v);
            } else {
                rc = cli_parse_double("--metric-scale", eq + 1, &a->mscale[a->nmscale]);
                if (!rc && !(a->mscale[a->nmscale] > 0))
                    rc = cli_fail(SC_EXIT_USAGE, "--metric-scale: expected a divisor > 0, got \"%s\"", eq + 1);
                if (!rc) {
                    size_t len = (size_t)(eq - v);
                    a->mscale_name[a->nmscale] = malloc(len + 1);
                    if (!a->mscale_name[a->nmscale]) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
                    memcpy(a->mscale_name[a->nmscale], v, len);
                    a->mscale_name[a->nmscale][len] = '\0';
                    a->nmscale++;
                }
            }
        } else if (cli_opt(&g, "--drop-model", &v)) {
            if (a->ndrop >= MAX_LIST) rc = cli_fail(SC_EXIT_USAGE, "--drop-model: too many");
            else a->drop[a->ndrop++] = v;
        } else if (g.positional) {
            if (a->ndata >= MAX_LIST) rc = cli_fail(SC_EXIT_USAGE, "too many DATA files");
            else a->data[a->ndata++] = g.positional;
        } else {
            rc = cli_args_unknown(&g);
        }
    }
    if (rc) return rc;
    if (g.error) return g.error;
    if (a->ndata == 0) return cli_fail(SC_EXIT_USAGE, "obs: no DATA file (see 'scalecast obs --help')");
    if (a->split == 1 && !a->target) return cli_fail(SC_EXIT_USAGE, "--split top:F needs --y");
    if (a->gain_over && !a->target) return cli_fail(SC_EXIT_USAGE, "--gain-over needs --y");
    if (a->chance > 0 && a->scale == 0) a->scale = 1;
    return 0;
}

/* Everything one run needs and owns. */
typedef struct run {
    sc_table *tabs[MAX_LIST]; /* the source tables (kept for error positions) */
    sc_table *table;
    unsigned char *keep;
    unsigned char *later;   /* per table row */
    const char *metrics[MAX_LIST];
    double mscale[MAX_LIST]; /* per PCA input, 0: none */
    size_t nmetrics;
    sc_obs_table_data *td, *td2;
    sc_obs_result *res, *res2;
    unsigned char *is_test; /* per data row, for the later split */
    sc_obs_opts opts;       /* the options and data of the main target's run (for the JSON) */
    sc_obs_data data;
} run;

static void free_run(run *r)
{
    for (size_t i = 0; i < MAX_LIST; i++) sc_table_free(r->tabs[i]);
    sc_table_free(r->table);
    free(r->keep);
    free(r->later);
    sc_obs_table_data_free(r->td);
    sc_obs_table_data_free(r->td2);
    sc_obs_result_free(r->res);
    sc_obs_result_free(r->res2);
    free(r->is_test);
}

static int load(const obs_args *a, run *r)
{
    sc_error err;
    sc_error_clear(&err);
    sc_table **tabs = r->tabs;
    int rc = 0;
    for (size_t i = 0; i < a->ndata && !rc; i++)
        if (sc_csv_read(a->data[i], NULL, &tabs[i], &err) != SC_OK) rc = cli_report(&err);
    if (!rc) {
        if (a->ndata == 1) {
            if (sc_table_copy(tabs[0], &r->table) != SC_OK)
                rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        } else if (sc_obs_join((const sc_table *const *)tabs, a->ndata, a->model_col, &r->table,
                               &err) != SC_OK) {
            rc = cli_report(&err);
        }
    }
    return rc;
}

/* Rows kept: default set (or all), minus dropped models; for the later split the later models
 * are added and marked. */
static int select_rows(const obs_args *a, run *r)
{
    size_t n = sc_table_nrows(r->table);
    r->keep = calloc(n ? n : 1, 1);
    r->later = calloc(n ? n : 1, 1);
    if (!r->keep || !r->later) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    sc_error err;
    sc_error_clear(&err);
    sc_obs_model_set set = {a->model_col, a->family_col, a->all_models, a->split == 2,
                            a->drop, a->ndrop};
    size_t kept = 0;
    sc_status st = sc_obs_select_models(r->table, &set, r->keep, r->later, &kept, &err);
    if (st == SC_EUNKNOWN) return cli_fail(SC_EXIT_USAGE, "--drop-model: %s", err.message);
    if (st == SC_ENOCOL && !a->all_models && sc_table_find(r->table, a->family_col) < 0)
        return cli_fail(SC_EXIT_DATA, "%s: %s (use --models all)", a->data[0], err.message);
    if (st == SC_EEMPTY)
        return cli_fail(SC_EXIT_DATA, "%s: no model of the default set (21 families, see --help) "
                                      "in the data; use --models all", a->data[0]);
    if (st != SC_OK) return cli_report(&err);
    /* Metrics. */
    const char *const *base = sc_obs_default_metrics();
    size_t nb = 0;
    if (a->nmetrics) {
        nb = a->nmetrics;
        base = (const char *const *)a->metrics;
    } else {
        while (base[nb]) nb++;
    }
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(base[i], base[j]) == 0)
                return cli_fail(SC_EXIT_USAGE, "--metrics: \"%s\" is listed twice", base[i]);
    for (size_t j = 0; j < a->nexclude; j++) {
        int found = 0;
        for (size_t i = 0; i < nb; i++) found |= strcmp(base[i], a->exclude[j]) == 0;
        if (!found)
            return cli_fail(SC_EXIT_USAGE, "--exclude-metric: \"%s\" is not a PCA input", a->exclude[j]);
    }
    for (size_t i = 0; i < nb; i++) {
        int ex = 0;
        for (size_t j = 0; j < a->nexclude; j++) ex |= strcmp(base[i], a->exclude[j]) == 0;
        if (ex) continue;
        for (size_t k = 0; k < a->nmscale; k++)
            if (strcmp(a->mscale_name[k], base[i]) == 0) r->mscale[r->nmetrics] = a->mscale[k];
        r->metrics[r->nmetrics++] = base[i];
    }
    for (size_t k = 0; k < a->nmscale; k++) {
        int found = 0;
        for (size_t i = 0; i < r->nmetrics; i++) found |= strcmp(a->mscale_name[k], r->metrics[i]) == 0;
        if (!found)
            return cli_fail(SC_EXIT_USAGE, "--metric-scale: \"%s\" is not a PCA input", a->mscale_name[k]);
    }
    if (a->pcs > r->nmetrics)
        return cli_fail(SC_EXIT_USAGE, "--pcs: %zu components for %zu metrics", a->pcs, r->nmetrics);
    return 0;
}

/* The [0, 1] check on the source tables, so that an error names the file, line and column the
 * value came from (the joined table no longer knows them). The library checks again. */
static int check_domain(const obs_args *a, const run *r)
{
    sc_obs_columns cols;
    memset(&cols, 0, sizeof cols);
    cols.model = a->model_col;
    cols.metrics = r->metrics;
    cols.nmetrics = r->nmetrics;
    cols.metric_scales = r->mscale;
    cols.target = a->target;
    cols.target_scale = a->scale;
    cols.target_chance = a->chance;
    sc_obs_domain_issue is;
    sc_error err;
    sc_error_clear(&err);
    if (sc_obs_check_domain((const sc_table *const *)r->tabs, a->ndata, r->table, r->keep, &cols,
                            &is, &err) == SC_OK)
        return 0;
    if (err.code != SC_EDOMAIN) return cli_report(&err);
    char where[1024];
    sc_error_format(&err, where, sizeof where);
    if (is.is_target)
        fprintf(stderr, "scalecast: error: %s (declare its scale, e.g. --scale %g)\n", where,
                is.scale_hint);
    else
        fprintf(stderr, "scalecast: error: %s (declare its scale, e.g. --metric-scale %s=%g)\n",
                where, is.column, is.scale_hint);
    return SC_EXIT_DATA;
}

static int run_one(const obs_args *a, run *r, const char *target, sc_obs_table_data **td,
                   sc_obs_result **res)
{
    sc_error err;
    sc_error_clear(&err);
    sc_obs_columns cols;
    memset(&cols, 0, sizeof cols);
    cols.model = a->model_col;
    cols.family = a->family_col;
    cols.flops = a->flops_col;
    cols.size = a->size_col;
    cols.metrics = r->metrics;
    cols.nmetrics = r->nmetrics;
    cols.metric_scales = r->mscale;
    cols.target = target;
    if (target && a->target && strcmp(target, a->target) == 0) {
        cols.target_scale = a->scale;
        cols.target_chance = a->chance;
    }
    if (sc_obs_table_data_new(r->table, r->keep, &cols, td, &err) != SC_OK) return cli_report(&err);
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    o.k = a->pcs;
    o.cutoff = a->cutoff;
    o.reference_family = a->reference;
    o.select_budget = a->select;
    o.select_random = a->random_sets;
    o.seed = a->seed;
    if (a->huber > 0) {
        o.link.loss = SC_LOSS_HUBER;
        o.link.huber_delta = a->huber;
    }
    sc_obs_data d = (*td)->data;
    if (a->split == 1) {
        o.split = SC_OBS_SPLIT_TOP;
        o.top_fraction = a->top;
    } else if (a->split >= 2) {
        o.split = SC_OBS_SPLIT_GIVEN;
        free(r->is_test);
        r->is_test = calloc(d.n ? d.n : 1, 1);
        if (!r->is_test) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        for (size_t i = 0; a->split == 2 && i < d.n; i++)
            r->is_test[i] = (unsigned char)sc_obs_is_later_model(d.model[i]);
        d.is_test = r->is_test;
    }
    if (res == &r->res) {
        r->opts = o;
        r->data = d;
    }
    if (sc_obs_run(&d, &o, res, &err) != SC_OK) {
        const char *what = target ? target : "PCA";
        char buf[1024];
        sc_error_format(&err, buf, sizeof buf);
        fprintf(stderr, "scalecast: error: %s: %s\n", what, buf);
        return cli_exit_code(err.code);
    }
    for (size_t w = 0; w < (*res)->nwarnings; w++) cli_warn("%s", (*res)->warnings[w]);
    return 0;
}

static void print_text(const obs_args *a, const run *r)
{
    const sc_obs_result *res = r->res;
    const sc_obs_table_data *td = r->td;
    size_t nfam = res->nfamilies;
    printf("observational scaling law: %zu models", res->n);
    if (td->family) printf(" in %zu families", nfam);
    if (a->split == 0)
        printf(", %zu train / %zu test (FLOPs <= %g; unknown FLOPs -> test)\n", res->ntrain, res->ntest,
               a->cutoff);
    else if (a->split == 1)
        printf(", %zu train / %zu test (top %g by the target held out)\n", res->ntrain, res->ntest, a->top);
    else if (a->split == 2)
        printf(", %zu train / %zu test (later models held out)\n", res->ntrain, res->ntest);
    else
        printf(", all %zu fitted (no held-out models)\n", res->ntrain);
    const sc_impute_info *im = &res->impute;
    printf("imputation (rank 1, tol 1e-4): train %zu cells, %zu rounds, %s (last change %.2g); "
           "test %zu cells, %zu rounds, %s (last change %.2g)\n",
           im->nmissing_train, im->rounds_train, im->converged_train ? "converged" : "NOT converged",
           im->change_train, im->nmissing_test, im->rounds_test,
           im->converged_test ? "converged" : "NOT converged", im->change_test);
    const sc_pca *pc = res->pca;
    printf("\nPCA on the %zu training models (mean-centred, not standardised), %zu metrics:\n",
           res->ntrain, res->p);
    printf("  %-4s %10s %10s\n", "PC", "explained", "cumulative");
    double cum = 0;
    for (size_t c = 0; c < pc->nall; c++) {
        cum += pc->ratio[c];
        printf("  %-4zu %10.4f %10.4f\n", c + 1, pc->ratio[c], cum);
    }
    printf("\nloadings:\n  %-12s", "metric");
    for (size_t c = 0; c < res->k; c++) printf(" %8s%-2zu", "PC-", c + 1);
    printf("\n");
    for (size_t j = 0; j < res->p; j++) {
        printf("  %-12s", td->metric[j]);
        for (size_t c = 0; c < res->k; c++) printf(" %10.4f", pc->components[c * res->p + j]);
        printf("\n");
    }
    if (res->link) {
        const sc_link *l = res->link;
        printf("\ntarget %s: y = (1 - b) sigmoid(w . S + w0) + b\n  w0 = %.6g, w = (", a->target, l->w0);
        for (size_t c = 0; c < l->k; c++) printf("%s%.6g", c ? ", " : "", l->w[c]);
        printf("), b = %.6g%s\n", l->b, l->converged ? "" : " (not converged)");
        printf("  %-22s %11s %11s\n", "MSE", "train", "test");
        printf("  %-22s %11.3e %11.3e  (%zu test models)\n", "PC link", res->mse_train, res->mse_test,
               res->ntest);
        if (res->flink) {
            printf("  %-22s %11.3e %11.3e  (%zu test models with FLOPs)\n", "log-FLOPs baseline",
                   res->fmse_train, res->fmse_test, res->fntest);
            if (res->fntest > 0)
                printf("  %-22s %11s %11.3e  (the same %zu models)\n", "PC link", "",
                       res->pc_mse_test_same, res->fntest);
        }
        if (res->nlink) {
            printf("  %-22s %11.3e %11.3e  (%zu test models with a size)\n", "log-N baseline",
                   res->nmse_train, res->nmse_test, res->nntest);
            if (res->nntest > 0)
                printf("  %-22s %11s %11.3e  (the same %zu models)\n", "PC link", "",
                       res->pc_mse_test_same_n, res->nntest);
        }
        if (r->res2) {
            sc_obs_gain_stats g;
            sc_obs_gain(r->res, r->td->y, r->res2, r->td2->y, &g);
            printf("  %-22s %11.3e %11.3e  (gain %s - %s)\n", "gain forecast", g.mse_train,
                   g.mse_test, a->target, a->gain_over);
            printf("  %-22s %11s %11.3e  (mean training gain)\n", "gain, constant", "",
                   g.const_mse_test);
            printf("  %-22s %11.3e %11.3e  (%s alone)\n", "PC link", r->res2->mse_train,
                   r->res2->mse_test, a->gain_over);
        }
    }
    if (a->split == 2) {
        double lo, hi;
        sc_obs_pc1_range(res, &lo, &hi);
        printf("\nrank-1 reconstruction RMSE of the metrics from PC-1: train mean %.4f, later "
               "models mean %.4f; PC-1 range of the training models [%.3f, %.3f]\n",
               sc_obs_mean_rank1_rmse(res, 0), sc_obs_mean_rank1_rmse(res, 1), lo, hi);
    }
    if (nfam) {
        printf("\nfamily efficiency (Eq. 7: %s = slope ln C + intercept):\n", res->link ? "P" : "PC-1");
        printf("  %-16s %6s %6s %10s %10s\n", "family", "models", "FLOPs", "slope", "intercept");
        for (size_t f = 0; f < nfam; f++) {
            const sc_obs_family *F = &res->families[f];
            if (F->fitted)
                printf("  %-16s %6zu %6zu %10.4f %10.4f%s\n", F->name, F->nmodels, F->nflops, F->slope,
                       F->intercept, (long)f == res->reference ? "  (reference)" : "");
            else
                printf("  %-16s %6zu %6zu %10s %10s\n", F->name, F->nmodels, F->nflops, "-", "-");
        }
    }
    if (res->nselected_families) {
        printf("\nV-optimal selection (budget %zu training models, %zu subsets searched):\n  ", a->select,
               res->select_searched);
        for (size_t f = 0; f < res->nselected_families; f++)
            printf("%s%s", f ? ", " : "", res->selected_families[f]);
        printf("\n  %zu models, objective trace(S'S (S_M'S_M)^-1) = %.4f", res->nselected_models,
               res->select_objective);
        if (res->select_link)
            printf("; link on them: train MSE %.3e, test MSE %.3e (all training models: %.3e)",
                   res->select_mse_train, res->select_mse_test, res->mse_test);
        printf("\n");
        if (res->nrandom)
            printf("  %zu random family sets of %zu-%zu models: median test MSE %.3e, mean %.3e; "
                   "%zu of them beat the V-optimal set\n",
                   res->nrandom, a->select > a->pcs + 2 ? a->select - 2 : a->pcs, a->select,
                   res->random_mse_median, res->random_mse_mean, res->random_better);
    }
    printf("\n%-44s %-16s %-5s %10s %10s", "model", "family", "split", "FLOPs", "eq.FLOPs");
    for (size_t c = 0; c < res->k; c++) printf(" %6s%zu", "PC", c + 1);
    if (res->link) printf(" %8s %8s %8s", "y", "pred", "pred.C");
    if (a->split == 2) printf(" %9s", "rank1err");
    printf("\n");
    for (size_t i = 0; i < res->n; i++) {
        size_t row = res->row[i];
        printf("%-44s %-16s %-5s %10.4g %10.4g", td->model[row],
               td->family && td->family[row] ? td->family[row] : "-", res->is_test[i] ? "test" : "train",
               td->flops ? td->flops[row] : NAN, res->eq_flops ? res->eq_flops[i] : NAN);
        for (size_t c = 0; c < res->k; c++) printf(" %7.4f", res->S[i * res->k + c]);
        if (res->link)
            printf(" %8.4f %8.4f %8.4f", td->y[row], res->pred[i], res->fpred ? res->fpred[i] : NAN);
        if (a->split == 2) printf(" %9.4f", sc_obs_rank1_rmse(res, i));
        printf("\n");
    }
}

/* The observational document (format "scalecast-obs"), written by the library. */
static int print_json(const obs_args *a, const run *r)
{
    sc_obs_doc doc;
    memset(&doc, 0, sizeof doc);
    doc.result = r->res;
    doc.data = &r->data;
    doc.opts = &r->opts;
    doc.target = a->target;
    doc.later_split = a->split == 2;
    if (r->res2) {
        doc.gain_result = r->res2;
        doc.gain_data = &r->td2->data;
        doc.gain_over = a->gain_over;
    }
    sc_error err;
    sc_error_clear(&err);
    return sc_obs_doc_write(&doc, stdout, &err) == SC_OK ? 0 : cli_report(&err);
}

static int save(sc_plot *p, const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    sc_error err;
    sc_error_clear(&err);
    int rc = sc_plot_save(p, path, &err) == SC_OK ? 0 : cli_report(&err);
    if (rc == 0) cli_note_written(path);
    sc_plot_free(p);
    return rc;
}

#define PLOT_TRY(expr)                                                                              \
    do {                                                                                            \
        if ((expr) != SC_OK) {                                                                      \
            rc = cli_fail(SC_EXIT_INTERNAL, "figure: out of memory");                               \
            goto done;                                                                              \
        }                                                                                           \
    } while (0)

static int figures(const obs_args *a, const run *r)
{
    const sc_obs_result *res = r->res;
    int rc = cli_mkdirs(a->out);
    if (rc) return rc;
    size_t n = res->n, na = res->pca->nall;
    double *x = calloc(n + na + 256, sizeof(double)), *y = calloc(n + na + 256, sizeof(double));
    double *x2 = calloc(n + 256, sizeof(double)), *y2 = calloc(n + 256, sizeof(double));
    sc_plot *p = NULL;
    if (!x || !y || !x2 || !y2) {
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    /* Scree plot. */
    PLOT_TRY(sc_plot_new("Explained variance (PCA on the training models)", "principal component",
                         "share of variance explained", SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p));
    double cum = 0;
    char pcnames[64][16];
    const char *pcn[64];
    size_t npc = na < 64 ? na : 64;
    for (size_t c = 0; c < na; c++) {
        x[c] = (double)(c + 1);
        y[c] = res->pca->ratio[c];
        cum += y[c];
        y2[c] = cum;
        if (c < npc) snprintf(pcnames[c], sizeof pcnames[c], "PC-%zu", c + 1), pcn[c] = pcnames[c];
    }
    if (npc == na) PLOT_TRY(sc_plot_xcategories(p, pcn, npc));
    PLOT_TRY(sc_plot_series(p, "per component", x, y, na, SC_MARK_POINTS, 0));
    PLOT_TRY(sc_plot_series(p, NULL, x, y, na, SC_MARK_LINE, 0));
    PLOT_TRY(sc_plot_series(p, "cumulative", x, y2, na, SC_MARK_DASHED, 1));
    sc_plot_yrange(p, 0.0, 1.0);
    rc = save(p, a->out, "scree.png");
    p = NULL;
    if (rc) goto done;
    /* Loadings: each component's weight on each metric (a categorical axis of the PCA inputs). */
    PLOT_TRY(sc_plot_new("Loadings of the principal components on the benchmark metrics",
                         "benchmark metric (PCA input)", "loading (weight in the component)",
                         SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p));
    PLOT_TRY(sc_plot_xcategories(p, (const char *const *)r->td->metric, res->p));
    for (size_t c = 0; c < res->k; c++) {
        char label[32];
        snprintf(label, sizeof label, "PC-%zu", c + 1);
        for (size_t j = 0; j < res->p; j++) {
            x[j] = (double)(j + 1);
            y[j] = res->pca->components[c * res->p + j];
        }
        PLOT_TRY(sc_plot_series(p, label, x, y, res->p, SC_MARK_POINTS, (int)c));
    }
    double zx[2] = {0.5, (double)res->p + 0.5}, zy[2] = {0, 0};
    PLOT_TRY(sc_plot_group(p, "zero"));
    PLOT_TRY(sc_plot_series(p, NULL, zx, zy, 2, SC_MARK_DASHED, 7));
    rc = save(p, a->out, "loadings.png");
    p = NULL;
    if (rc || !res->link) goto done;
    const char **names = calloc(n + 1, sizeof *names), **names2 = calloc(n + 1, sizeof *names2);
    if (!names || !names2) {
        free(names), free(names2);
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    /* Target against equivalent FLOPs, with the link as a sigmoid in log C (Eq. 8). */
    if (res->reference >= 0) {
        const sc_obs_family *R = &res->families[res->reference];
        char title[256], xlabel[256];
        snprintf(title, sizeof title, "%s against %s-equivalent FLOPs", a->target, R->name);
        /* The unit is the FLOPs column's: "FLOPs (1E21)" counts in 10^21 FLOPs. */
        const char *u = strstr(a->flops_col, "(1E");
        int e21 = 0;
        if (u && sscanf(u, "(1E%d)", &e21) == 1)
            snprintf(xlabel, sizeof xlabel, "%s-equivalent training compute (10^%d FLOPs)", R->name, e21);
        else
            snprintf(xlabel, sizeof xlabel, "%s-equivalent training compute (unit of column %s)",
                     R->name, a->flops_col);
        if (sc_plot_new(title, xlabel, a->target, SC_AXIS_LOG, SC_AXIS_LINEAR, &p) != SC_OK) p = NULL;
        size_t m1 = 0, m2 = 0;
        double lo = HUGE_VAL, hi = -HUGE_VAL;
        for (size_t i = 0; p && i < n; i++) {
            double e = res->eq_flops[i], v = r->td->y[res->row[i]];
            if (!(e > 0) || !isfinite(e)) continue;
            lo = log(e) < lo ? log(e) : lo;
            hi = log(e) > hi ? log(e) : hi;
            if (res->is_test[i]) { x2[m2] = e; y2[m2] = v; names2[m2++] = r->td->model[res->row[i]]; }
            else { x[m1] = e; y[m1] = v; names[m1++] = r->td->model[res->row[i]]; }
        }
        int bad = !p || sc_plot_series(p, "train models", x, y, m1, SC_MARK_POINTS, 0) != SC_OK ||
                  sc_plot_point_labels(p, names, m1) != SC_OK ||
                  sc_plot_series(p, "test models", x2, y2, m2, SC_MARK_CROSSES, 1) != SC_OK ||
                  sc_plot_point_labels(p, names2, m2) != SC_OK;
        if (!bad && hi > lo) {
            for (size_t g = 0; g < 200; g++) {
                double lc = lo + (hi - lo) * (double)g / 199.0;
                double t = R->slope * lc + R->intercept;
                x[g] = exp(lc);
                y[g] = (1 - res->link->b) / (1 + exp(-t)) + res->link->b;
            }
            bad = sc_plot_series(p, "sigmoid link", x, y, 200, SC_MARK_LINE, 2) != SC_OK;
        }
        if (!bad && a->split == 0) bad = sc_plot_vline(p, a->cutoff, "cutoff (reference family)") != SC_OK;
        if (bad) {
            free(names), free(names2);
            PLOT_TRY(SC_ENOMEM);
        }
        rc = save(p, a->out, "target_vs_eqflops.png");
        p = NULL;
        if (rc) {
            free(names), free(names2);
            goto done;
        }
    }
    /* Predicted against actual. */
    {
        char xl[256], yl[256];
        snprintf(xl, sizeof xl, "actual %s", a->target);
        snprintf(yl, sizeof yl, "predicted %s", a->target);
        int bad = sc_plot_new("Predicted against actual", xl, yl, SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p) != SC_OK;
        size_t m1 = 0, m2 = 0;
        for (size_t i = 0; !bad && i < n; i++) {
            double v = r->td->y[res->row[i]];
            if (res->is_test[i]) { x2[m2] = v; y2[m2] = res->pred[i]; names2[m2++] = r->td->model[res->row[i]]; }
            else { x[m1] = v; y[m1] = res->pred[i]; names[m1++] = r->td->model[res->row[i]]; }
        }
        bad = bad || sc_plot_series(p, "train (PC link)", x, y, m1, SC_MARK_POINTS, 0) != SC_OK ||
              sc_plot_point_labels(p, names, m1) != SC_OK ||
              sc_plot_series(p, "test (PC link)", x2, y2, m2, SC_MARK_CROSSES, 1) != SC_OK ||
              sc_plot_point_labels(p, names2, m2) != SC_OK;
        if (!bad && res->fpred) {
            m2 = 0;
            for (size_t i = 0; i < n; i++)
                if (res->is_test[i] && isfinite(res->fpred[i])) {
                    x2[m2] = r->td->y[res->row[i]];
                    y2[m2] = res->fpred[i];
                    names2[m2++] = r->td->model[res->row[i]];
                }
            bad = sc_plot_series(p, "test (log-FLOPs link)", x2, y2, m2, SC_MARK_OPEN, 3) != SC_OK ||
                  sc_plot_point_labels(p, names2, m2) != SC_OK;
        }
        double d[2] = {0, 1};
        if (!bad) bad = sc_plot_series(p, "y = x", d, d, 2, SC_MARK_DASHED, 7) != SC_OK;
        free(names), free(names2);
        if (bad) PLOT_TRY(SC_ENOMEM);
    }
    rc = save(p, a->out, "pred_vs_actual.png");
    p = NULL;
done:
    sc_plot_free(p);
    free(x);
    free(y);
    free(x2);
    free(y2);
    return rc;
}

int cmd_obs(int argc, char **argv)
{
    obs_args a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        free_args(&a);
        return rc < 0 ? SC_EXIT_OK : rc;
    }
    run r;
    memset(&r, 0, sizeof r);
    rc = load(&a, &r);
    if (!rc) rc = select_rows(&a, &r);
    if (!rc && a.gain_over) {
        /* Both targets on the same models: keep rows where both are present. */
        sc_error err;
        size_t j1 = 0, j2 = 0;
        if (sc_table_require_num(r.table, a.target, &j1, &err) != SC_OK ||
            sc_table_require_num(r.table, a.gain_over, &j2, &err) != SC_OK) {
            rc = cli_report(&err);
        } else {
            for (size_t i = 0; i < sc_table_nrows(r.table); i++)
                if (isnan(sc_table_num(r.table, j1)[i]) || isnan(sc_table_num(r.table, j2)[i])) r.keep[i] = 0;
        }
    }
    if (!rc) rc = check_domain(&a, &r);
    if (!rc) rc = run_one(&a, &r, a.target, &r.td, &r.res);
    if (!rc && a.gain_over) rc = run_one(&a, &r, a.gain_over, &r.td2, &r.res2);
    if (!rc) {
        if (a.json) rc = print_json(&a, &r);
        else print_text(&a, &r);
        if (!rc && fflush(stdout) != 0) rc = cli_fail(SC_EXIT_IO, "cannot write the output");
    }
    if (!rc && a.out) rc = figures(&a, &r);
    free_run(&r);
    free_args(&a);
    return rc;
}
