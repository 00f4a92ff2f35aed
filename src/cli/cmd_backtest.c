/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast backtest: fit the direct downstream laws (and the two-stage baselines) on the runs
 * below a cutoff and score their predictions of the held-out runs (Krajewski et al. 2025). */
#include "cli.h"
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: scalecast backtest DATA [--cutoff C] [options]\n"
    "\n"
    "Fits each law on the runs with training compute C <= cutoff and predicts the other runs;\n"
    "prints MRE (%), MAE, RMSE and R^2 on the held-out runs per benchmark x law and the mean per\n"
    "law. DATA is an Apple long-format CSV file (Krajewski et al. 2025 release) or an OLMo\n"
    "ladder folder (last checkpoint of each run).\n"
    "\n"
    "options:\n"
    "  --cutoff C          fit on runs with C <= this many FLOPs (default: no compute cutoff)\n"
    "  --max-n N           also hold out runs with more than N parameters\n"
    "  --tpr R             use only runs with this token/parameter ratio\n"
    "  --tpr-fit-max R     also hold out runs with a ratio above R\n"
    "  --benchmarks LIST   comma-separated metric columns, e.g. arc_easy:acc_norm,mmlu:acc\n"
    "                      (default: the seven of the paper for Apple files, the val-set\n"
    "                      accuracies for the OLMo ladder)\n"
    "  --laws LIST         all (default) or some of powerlaw, powerlaw-qmax, bnsl, multitpr,\n"
    "                      twostage-linear, twostage-logistic\n"
    "  --loss-column COL   validation loss column for the two-stage baselines, e.g.\n"
    "                      dclm:cross_entropy_loss, c4_en:loss, or bpb (each task's bits per\n"
    "                      byte); without it the two-stage baselines are skipped\n"
    "  --loss COL          old spelling of --loss-column (a warning); each law is fitted with\n"
    "                      its recipe (docs/forecast.md), so ls or huber are refused here\n"
    "  --chance LIST       chance levels: one number for every benchmark, or NAME=Q0 pairs\n"
    "                      (default: built-in table, e.g. ARC 0.25, PIQA 0.5)\n"
    "  --margin M          direct laws fit only points more than M above chance (default 0.05)\n"
    "  --bnsl-starts K     BNSL box draws, each also tried with least-squares (a, b)\n"
    "                      (default 100)\n"
    "  --seed S            random seed (default 1)\n"
    "  --threads T         threads (default: OpenMP's); results do not depend on it\n"
    "  --all-checkpoints   OLMo ladder: every checkpoint, not only the last\n"
    "  --figures DIR       one PNG per benchmark: data, each law's curve, the cutoff, held-out\n"
    "                      points as crosses, bootstrap band of the best direct law\n"
    "  --boot B            bootstrap replicates for the band (default 200)\n"
    "  --json              machine-readable output\n"
    "  -o, --output FILE   write the result to FILE instead of standard output\n"
    "\n"
    "exit codes: 0 ok, 1 too few fit points or all at chance, 2 bad option, 3 bad data\n"
    "(unknown benchmark or column, accuracy outside [0,1]), 4 file not readable or writable\n";

#define MAX_LIST 64

/* Splits s (modified in place) at commas into at most MAX_LIST items. */
static size_t split_list(char *s, char **items)
{
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < MAX_LIST; tok = strtok(NULL, ",")) items[n++] = tok;
    return n;
}

static void print_table(FILE *f, const char *path, const sc_runs_info *info,
                        const sc_backtest *bt)
{
    fprintf(f, "backtest of %s: %zu runs", path, info->nruns);
    if (info->nduplicates) fprintf(f, " (%zu listed twice, kept once)", info->nduplicates);
    if (info->approx_flops) fprintf(f, "; C = 6 N D with N = tokens / tpr (approximate)");
    fputc('\n', f);
    fprintf(f, "%-26s %-18s %5s %6s %5s %8s %8s %8s %8s\n", "benchmark", "law", "n_fit", "n_held",
            "excl", "MRE%", "MAE", "RMSE", "R2");
    for (size_t b = 0; b < bt->nbench; b++) {
        const sc_bt_bench *B = &bt->bench[b];
        char name[64];
        snprintf(name, sizeof name, "%s%s", B->name, B->near_chance ? "*" : "");
        for (size_t m = 0; m < bt->nmodels; m++) {
            const sc_bt_cell *c = &bt->cell[b * bt->nmodels + m];
            fprintf(f, "%-26s %-18s %5zu %6zu %5zu ", m == 0 ? name : "",
                    sc_bt_model_name(bt->models[m]), c->nfit, c->nheld, c->nexcluded);
            if (c->status != SC_OK) fprintf(f, "failed: %s\n", c->why);
            else
                fprintf(f, "%8.3f %8.4f %8.4f %8.3f\n", c->m.mre, c->m.mae, c->m.rmse, c->m.r2);
        }
    }
    size_t nnear = 0;
    for (size_t b = 0; b < bt->nbench; b++) nnear += bt->bench[b].near_chance != 0;
    for (size_t m = 0; m < bt->nmodels; m++) {
        char label[64];
        snprintf(label, sizeof label, "mean (%zu)", bt->nmean[m]);
        fprintf(f, "%-26s %-18s %5s %6s %5s %8.3f %8.4f\n", label, sc_bt_model_name(bt->models[m]),
                "", "", "", bt->mean_mre[m], bt->mean_mae[m]);
    }
    if (nnear) {
        for (size_t m = 0; m < bt->nmodels; m++) {
            char label[64];
            snprintf(label, sizeof label, "mean without * (%zu)", bt->nmean_ok[m]);
            fprintf(f, "%-26s %-18s %5s %6s %5s %8.3f %8.4f\n", label,
                    sc_bt_model_name(bt->models[m]), "", "", "", bt->mean_mre_ok[m],
                    bt->mean_mae_ok[m]);
        }
        fputs("* near chance: fewer than a quarter of the fit runs clear chance + margin\n", f);
    }
}

static const char *const ts_stage1[] = {"c", "alpha"};

static void json_params(FILE *f, const sc_backtest *bt, size_t m, const sc_bt_cell *c)
{
    sc_bt_model model = bt->models[m];
    const sc_law *law = NULL;
    switch (model) {
    case SC_BT_POWERLAW: law = &sc_law_powerlaw; break;
    case SC_BT_POWERLAW_QMAX: law = &sc_law_powerlaw_qmax; break;
    case SC_BT_BNSL: law = &sc_law_bnsl; break;
    case SC_BT_MULTITPR: law = &sc_law_multitpr; break;
    case SC_BT_TWOSTAGE_LINEAR: law = &sc_law_acc_linear; break;
    case SC_BT_TWOSTAGE_LOGISTIC: law = &sc_law_acc_logistic; break;
    case SC_BT_NMODELS: break;
    }
    size_t off = (model == SC_BT_TWOSTAGE_LINEAR || model == SC_BT_TWOSTAGE_LOGISTIC) ? 2 : 0;
    fputs("\"params\": {", f);
    for (size_t k = 0; k < c->p; k++) {
        const char *name = k < off ? ts_stage1[k] : law->param_names[k - off];
        if (k) fputs(", ", f);
        cli_json_string(f, name);
        fputs(": ", f);
        cli_json_number(f, c->theta[k]);
    }
    fputc('}', f);
}

static void print_json(FILE *f, const char *path, const sc_runs_info *info, const sc_backtest *bt)
{
    fputs("{\n  \"data\": ", f);
    cli_json_string(f, path);
    fprintf(f, ",\n  \"runs\": %zu,\n  \"duplicates\": %zu,\n  \"approx_flops\": %s,\n", info->nruns,
            info->nduplicates, info->approx_flops ? "true" : "false");
    fputs("  \"cutoff\": ", f);
    cli_json_number(f, bt->opts.cutoff);
    fputs(",\n  \"max_n\": ", f);
    cli_json_number(f, bt->opts.max_n);
    fputs(",\n  \"tpr\": ", f);
    cli_json_number(f, bt->opts.tpr);
    fputs(",\n  \"tpr_fit_max\": ", f);
    cli_json_number(f, bt->opts.tpr_fit_max);
    fputs(",\n  \"margin\": ", f);
    cli_json_number(f, bt->opts.margin);
    fputs(",\n  \"benchmarks\": [\n", f);
    for (size_t b = 0; b < bt->nbench; b++) {
        const sc_bt_bench *B = &bt->bench[b];
        fputs("    {\"name\": ", f);
        cli_json_string(f, B->name);
        fputs(", \"chance\": ", f);
        cli_json_number(f, B->chance);
        fprintf(f, ", \"runs\": %zu, \"held_out\": %zu, \"near_chance\": %s,\n     \"laws\": [\n",
                B->n, B->nheld, B->near_chance ? "true" : "false");
        for (size_t m = 0; m < bt->nmodels; m++) {
            const sc_bt_cell *c = &bt->cell[b * bt->nmodels + m];
            fputs("      {\"law\": ", f);
            cli_json_string(f, sc_bt_model_name(bt->models[m]));
            fprintf(f, ", \"ok\": %s, \"n_fit\": %zu, \"n_held_out\": %zu, \"n_excluded\": %zu",
                    c->status == SC_OK ? "true" : "false", c->nfit, c->nheld, c->nexcluded);
            if (c->status != SC_OK) {
                fputs(", \"error\": ", f);
                cli_json_string(f, c->why);
                fputs("}", f);
            } else {
                fputs(", \"mre_percent\": ", f);
                cli_json_number(f, c->m.mre);
                fputs(", \"mae\": ", f);
                cli_json_number(f, c->m.mae);
                fputs(", \"rmse\": ", f);
                cli_json_number(f, c->m.rmse);
                fputs(", \"mse\": ", f);
                cli_json_number(f, c->m.mse);
                fputs(", \"r2\": ", f);
                cli_json_number(f, c->m.r2);
                fprintf(f, ", \"converged\": %s, \"starts\": %zu, \"starts_at_best\": %zu,\n       ",
                        c->converged ? "true" : "false", c->nstarts, c->nbest);
                json_params(f, bt, m, c);
                fputs(",\n       \"held_out\": [", f);
                for (size_t i = 0, k = 0; i < B->n; i++) {
                    if (!B->held[i]) continue;
                    fputs(k ? ", " : "", f);
                    fputs("{\"C\": ", f);
                    cli_json_number(f, B->C[i]);
                    fputs(", \"observed\": ", f);
                    cli_json_number(f, B->y[i]);
                    fputs(", \"predicted\": ", f);
                    cli_json_number(f, c->pred[k]);
                    fputc('}', f);
                    k++;
                }
                fputs("]}", f);
            }
            fputs(m + 1 < bt->nmodels ? ",\n" : "\n", f);
        }
        fprintf(f, "     ]}%s\n", b + 1 < bt->nbench ? "," : "");
    }
    fputs("  ],\n  \"summary\": [\n", f);
    for (size_t m = 0; m < bt->nmodels; m++) {
        fputs("    {\"law\": ", f);
        cli_json_string(f, sc_bt_model_name(bt->models[m]));
        fprintf(f, ", \"benchmarks\": %zu, \"mean_mre_percent\": ", bt->nmean[m]);
        cli_json_number(f, bt->mean_mre[m]);
        fputs(", \"mean_mae\": ", f);
        cli_json_number(f, bt->mean_mae[m]);
        fprintf(f, ", \"benchmarks_not_near_chance\": %zu, \"mean_mre_percent_not_near_chance\": ",
                bt->nmean_ok[m]);
        cli_json_number(f, bt->mean_mre_ok[m]);
        fputs(", \"mean_mae_not_near_chance\": ", f);
        cli_json_number(f, bt->mean_mae_ok[m]);
        fprintf(f, "}%s\n", m + 1 < bt->nmodels ? "," : "");
    }
    fputs("  ]\n}\n", f);
}

/* One figure per benchmark. */
static int write_figures(const char *dir, const sc_backtest *bt, size_t nboot)
{
    int rc = cli_mkdirs(dir);
    if (rc) return rc;
    enum { NG = 120 };
    for (size_t b = 0; b < bt->nbench; b++) {
        const sc_bt_bench *B = &bt->bench[b];
        double cmin = INFINITY, cmax = 0;
        for (size_t i = 0; i < B->n; i++) {
            cmin = fmin(cmin, B->C[i]);
            cmax = fmax(cmax, B->C[i]);
        }
        double grid[NG], y[NG], lo[NG], hi[NG];
        double l0 = log(cmin / 1.2), l1 = log(cmax * 1.5);
        for (int k = 0; k < NG; k++) grid[k] = exp(l0 + (l1 - l0) * k / (NG - 1));
        char title[160];
        snprintf(title, sizeof title, "%s: extrapolation backtest", B->name);
        sc_plot *plot = NULL;
        char ylabel[160];
        snprintf(ylabel, sizeof ylabel, "%s (accuracy)", B->name);
        sc_status s = sc_plot_new(title, "training compute C (FLOPs)", ylabel, SC_AXIS_LOG,
                                  SC_AXIS_LINEAR, &plot);
        if (s != SC_OK) return cli_fail(cli_exit_code(s), "figure: %s", sc_strerror(s));
        /* The best direct law (lowest MRE) gets the bootstrap band. */
        size_t best = bt->nmodels;
        for (size_t m = 0; m < bt->nmodels; m++) {
            const sc_bt_cell *c = &bt->cell[b * bt->nmodels + m];
            sc_bt_model mo = bt->models[m];
            if (c->status != SC_OK || mo == SC_BT_TWOSTAGE_LINEAR || mo == SC_BT_TWOSTAGE_LOGISTIC)
                continue;
            if (best == bt->nmodels || c->m.mre < bt->cell[b * bt->nmodels + best].m.mre) best = m;
        }
        if (best < bt->nmodels && nboot > 0) {
            sc_error err;
            sc_error_clear(&err);
            s = sc_backtest_band(bt, b, best, nboot, 0.9, grid, NG, lo, hi, &err);
            if (s == SC_OK) {
                char label[96];
                snprintf(label, sizeof label, "%s 90%%", sc_bt_model_name(bt->models[best]));
                /* The band belongs with its law's curve: shown and hidden together. */
                s = sc_plot_group(plot, sc_bt_model_name(bt->models[best]));
                if (s == SC_OK) s = sc_plot_band(plot, label, grid, lo, hi, NG, (int)bt->models[best]);
                if (s == SC_OK) s = sc_plot_group(plot, NULL);
            } else {
                char buf[700];
                sc_error_format(&err, buf, sizeof buf);
                cli_warn("%s: no bootstrap band: %s", B->name, buf);
                s = SC_OK;
            }
        }
        for (size_t m = 0; m < bt->nmodels && s == SC_OK; m++) {
            sc_backtest_curve(bt, b, m, grid, NG, y);
            /* One colour per law whatever the selection; the two-stage baselines dashed. */
            sc_bt_model mo = bt->models[m];
            s = sc_plot_series(plot, sc_bt_model_name(mo), grid, y, NG,
                               mo < SC_BT_TWOSTAGE_LINEAR ? SC_MARK_LINE : SC_MARK_DASHED, (int)mo);
        }
        double *xf = malloc(B->n * sizeof *xf), *yf = malloc(B->n * sizeof *yf);
        double *xh = malloc(B->n * sizeof *xh), *yh = malloc(B->n * sizeof *yh);
        char *names = calloc(B->n + 1, 64);
        const char **nf_names = calloc(B->n + 1, sizeof *nf_names), **nh_names = calloc(B->n + 1, sizeof *nh_names);
        if (!xf || !yf || !xh || !yh || !names || !nf_names || !nh_names) s = SC_ENOMEM;
        size_t nf = 0, nh = 0;
        for (size_t i = 0; s == SC_OK && i < B->n; i++) {
            /* Each run named by its size, for the report's hover. */
            char *nm = names + 64 * i;
            snprintf(nm, 64, "run N = %.3g, D = %.3g", B->N[i], B->D[i]);
            if (B->held[i]) {
                nh_names[nh] = nm;
                xh[nh] = B->C[i];
                yh[nh++] = B->y[i];
            } else {
                nf_names[nf] = nm;
                xf[nf] = B->C[i];
                yf[nf++] = B->y[i];
            }
        }
        if (s == SC_OK) s = sc_plot_series(plot, "fit runs", xf, yf, nf, SC_MARK_OPEN, 6);
        if (s == SC_OK) s = sc_plot_point_labels(plot, nf_names, nf);
        if (s == SC_OK) s = sc_plot_series(plot, "held-out runs", xh, yh, nh, SC_MARK_CROSSES, 6);
        if (s == SC_OK) s = sc_plot_point_labels(plot, nh_names, nh);
        free(names);
        free(nf_names);
        free(nh_names);
        free(xf);
        free(yf);
        free(xh);
        free(yh);
        if (s == SC_OK && isfinite(bt->opts.cutoff)) s = sc_plot_vline(plot, bt->opts.cutoff, "cutoff");
        char path[4096];
        cli_figure_path(path, sizeof path, dir, "backtest", B->name);
        sc_error err;
        sc_error_clear(&err);
        if (s == SC_OK) s = sc_plot_save(plot, path, &err);
        if (s == SC_OK) cli_note_written(path);
        sc_plot_free(plot);
        if (s != SC_OK) {
            if (err.code != SC_OK) return cli_report(&err);
            return cli_fail(cli_exit_code(s), "%s: %s", path, sc_strerror(s));
        }
    }
    return 0;
}

static const cli_option cli_backtest_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--all-checkpoints", NULL, 0},
    {"--cutoff", NULL, CLI_VALUE},
    {"--max-n", NULL, CLI_VALUE},
    {"--tpr-fit-max", NULL, CLI_VALUE},
    {"--tpr", NULL, CLI_VALUE},
    {"--margin", NULL, CLI_VALUE},
    {"--bnsl-starts", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--threads", NULL, CLI_VALUE},
    {"--benchmarks", NULL, CLI_VALUE},
    {"--laws", NULL, CLI_VALUE},
    {"--chance", NULL, CLI_VALUE},
    {"--loss", NULL, CLI_VALUE},
    {"--loss-column", NULL, CLI_VALUE},
    {"--figures", NULL, CLI_VALUE},
    {"--output", "-o", CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_backtest_options = {"backtest", cli_backtest_options_opts};

int cmd_backtest(int argc, char **argv)
{
    const char *path = NULL, *out_path = "-", *figdir = NULL, *v = NULL;
    char *bench_buf = NULL, *laws_buf = NULL, *chance_buf = NULL;
    int json = 0, all_ckpt = 0, rc = 0;
    size_t nboot = 200;
    sc_backtest_opts o;
    sc_backtest_opts_init(&o);
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_backtest_options);
    while (rc == 0 && cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(help, stdout);
            free(bench_buf);
            free(laws_buf);
            free(chance_buf);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--json")) json = 1;
        else if (cli_flag(&a, "--all-checkpoints")) all_ckpt = 1;
        else if (cli_opt(&a, "--cutoff", &v)) rc = a.error ? a.error : cli_parse_double("--cutoff", v, &o.cutoff);
        else if (cli_opt(&a, "--max-n", &v)) rc = a.error ? a.error : cli_parse_double("--max-n", v, &o.max_n);
        else if (cli_opt(&a, "--tpr-fit-max", &v)) rc = a.error ? a.error : cli_parse_double("--tpr-fit-max", v, &o.tpr_fit_max);
        else if (cli_opt(&a, "--tpr", &v)) rc = a.error ? a.error : cli_parse_double("--tpr", v, &o.tpr);
        else if (cli_opt(&a, "--margin", &v)) rc = a.error ? a.error : cli_parse_double("--margin", v, &o.margin);
        else if (cli_opt(&a, "--bnsl-starts", &v)) rc = a.error ? a.error : cli_parse_count("--bnsl-starts", v, 1, CLI_MAX_COUNT, &o.bnsl_starts);
        else if (cli_opt(&a, "--seed", &v)) rc = a.error ? a.error : cli_parse_u64("--seed", v, &o.seed);
        else if (cli_opt(&a, "--boot", &v)) rc = a.error ? a.error : cli_parse_count("--boot", v, 0, CLI_MAX_COUNT, &nboot);
        else if (cli_opt(&a, "--threads", &v)) {
            size_t t = 0;
            rc = a.error ? a.error : cli_parse_count("--threads", v, 1, 1024, &t);
            o.threads = (int)(t > 1024 ? 1024 : t);
        } else if (cli_opt(&a, "--benchmarks", &v)) {
            if (!a.error) { free(bench_buf); bench_buf = cli_strdup(v); }
        } else if (cli_opt(&a, "--laws", &v)) {
            if (!a.error) { free(laws_buf); laws_buf = cli_strdup(v); }
        } else if (cli_opt(&a, "--chance", &v)) {
            if (!a.error) { free(chance_buf); chance_buf = cli_strdup(v); }
        } else if (cli_opt(&a, "--loss-column", &v)) o.loss = v;
        else if (cli_opt(&a, "--loss", &v)) {
            if (!a.error && (strcmp(v, "ls") == 0 || strncmp(v, "huber", 5) == 0))
                rc = cli_fail(SC_EXIT_USAGE, "--loss %s: backtest fits each law with its recipe; --loss-column names a loss column", v);
            else if (!a.error) {
                cli_warn("--loss %s: the loss column is now --loss-column (--loss is the fit objective elsewhere)", v);
                o.loss = v;
            }
        }
        else if (cli_opt(&a, "--figures", &v)) figdir = v;
        else if (cli_opt(&a, "--output", &v) || cli_opt(&a, "-o", &v)) out_path = v;
        else if (a.positional) {
            if (path) rc = cli_fail(SC_EXIT_USAGE, "backtest takes one DATA argument (got \"%s\" and \"%s\")", path, a.positional);
            path = a.positional;
        } else rc = cli_args_unknown(&a);
    }
    if (rc == 0 && a.error) rc = a.error;
    char *bench_items[MAX_LIST], *law_items[MAX_LIST], *chance_items[MAX_LIST];
    sc_bt_model models[SC_BT_NMODELS];
    double chance[MAX_LIST];
    size_t nb = 0, nl = 0, nc = 0;
    if (rc == 0 && !path) rc = cli_fail(SC_EXIT_USAGE, "backtest needs a DATA file or folder (see 'scalecast backtest --help')");
    if (rc == 0 && !(o.cutoff > 0.0)) rc = cli_fail(SC_EXIT_USAGE, "--cutoff must be > 0 (got %g)", o.cutoff);
    if (rc == 0 && !(o.margin >= 0.0 && o.margin < 1.0)) rc = cli_fail(SC_EXIT_USAGE, "--margin must lie in [0, 1) (got %g)", o.margin);
    if (rc == 0 && bench_buf) {
        nb = split_list(bench_buf, bench_items);
        if (nb == 0) rc = cli_fail(SC_EXIT_USAGE, "--benchmarks: empty list");
        o.benchmarks = (const char *const *)bench_items;
        o.nbench = nb;
    }
    if (rc == 0 && laws_buf && strcmp(laws_buf, "all") != 0) {
        nl = split_list(laws_buf, law_items);
        size_t k2 = 0;
        for (size_t k = 0; k < nl && rc == 0; k++) {
            sc_bt_model m;
            if (sc_bt_model_find(law_items[k], &m) != SC_OK)
                rc = cli_fail(SC_EXIT_USAGE, "--laws: unknown law \"%s\" (laws: powerlaw, powerlaw-qmax, bnsl, multitpr, twostage-linear, twostage-logistic)", law_items[k]);
            else if (k2 < SC_BT_NMODELS) models[k2++] = m;
        }
        o.models = models;
        o.nmodels = k2;
    }
    if (rc == 0 && chance_buf) {
        nc = split_list(chance_buf, chance_items);
        double all = NAN;
        if (nc == 1 && !strchr(chance_items[0], '=')) {
            rc = cli_parse_double("--chance", chance_items[0], &all);
            nc = 0;
        }
        if (rc == 0 && (nc > 0 || !isnan(all)) && !bench_buf)
            rc = cli_fail(SC_EXIT_USAGE, "--chance needs --benchmarks");
        for (size_t b = 0; rc == 0 && b < nb; b++) chance[b] = all;
        for (size_t k = 0; k < nc && rc == 0; k++) {
            char *eq = strchr(chance_items[k], '=');
            if (!eq) {
                rc = cli_fail(SC_EXIT_USAGE, "--chance: expected NAME=Q0, got \"%s\"", chance_items[k]);
                break;
            }
            *eq = '\0';
            double q = 0;
            rc = cli_parse_double("--chance", eq + 1, &q);
            int found = 0;
            for (size_t b = 0; rc == 0 && b < nb; b++)
                if (strcmp(bench_items[b], chance_items[k]) == 0) {
                    chance[b] = q;
                    found = 1;
                }
            if (rc == 0 && !found)
                rc = cli_fail(SC_EXIT_USAGE, "--chance: \"%s\" is not one of --benchmarks", chance_items[k]);
        }
        if (rc == 0 && bench_buf) o.chance = chance;
    }
    sc_table *runs = NULL;
    sc_backtest *bt = NULL;
    sc_runs_info info;
    memset(&info, 0, sizeof info);
    sc_error err;
    sc_error_clear(&err);
    if (rc == 0) {
        sc_status s = sc_runs_load(path, all_ckpt, &runs, &info, &err);
        if (s != SC_OK) rc = cli_report(&err);
    }
    if (rc == 0) {
        sc_status s = sc_backtest_run(runs, &o, &bt, &err);
        if (s != SC_OK && !err.file[0]) snprintf(err.file, sizeof err.file, "%s", path);
        if (s != SC_OK) rc = cli_report(&err);
    }
    if (rc == 0) {
        if (info.nduplicates)
            cli_warn("%zu run(s) listed twice in %s were kept once", info.nduplicates, path);
        for (size_t b = 0; b < bt->nbench; b++) {
            size_t excl = 0;
            for (size_t m = 0; m < bt->nmodels; m++)
                if (bt->cell[b * bt->nmodels + m].nexcluded > excl) excl = bt->cell[b * bt->nmodels + m].nexcluded;
            if (excl)
                cli_warn("%s: %zu fit run(s) at or below chance %g + margin %g excluded from the direct laws",
                         bt->bench[b].name, excl, bt->bench[b].chance, o.margin);
            for (size_t m = 0; m < bt->nmodels; m++)
                if (bt->cell[b * bt->nmodels + m].status != SC_OK)
                    cli_warn("%s: %s failed: %s", bt->bench[b].name, sc_bt_model_name(bt->models[m]),
                             bt->cell[b * bt->nmodels + m].why);
        }
    }
    if (rc == 0 && figdir) rc = write_figures(figdir, bt, nboot);
    if (rc == 0) {
        cli_out out;
        rc = cli_out_open(&out, out_path);
        if (rc == 0) {
            if (json) print_json(out.f, path, &info, bt);
            else print_table(out.f, path, &info, bt);
            rc = cli_out_commit(&out);
        }
    }
    sc_backtest_free(bt);
    sc_table_free(runs);
    free(bench_buf);
    free(laws_buf);
    free(chance_buf);
    return rc;
}
