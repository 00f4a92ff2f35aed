/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast score: grade a saved forecast against runs that exist now. The library reads the
 * forecast (sc_forecast_read_json) and the runs (sc_runs_read) and grades
 * (sc_forecast_grade); this file parses options and prints. */
#include "cli.h"
#include "commands.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: scalecast score FORECAST.json RUNS... [options]\n"
    "\n"
    "Grades a saved forecast (scalecast forecast --json) once the runs it forecast exist: each\n"
    "forecast whose target names a run of RUNS gets that run's score on the benchmark (its\n"
    "last checkpoint with one) as observed, the error (forecast - observed) and whether the\n"
    "interval covered it; per benchmark and over all, the metrics of the backtests (MAE, RMSE,\n"
    "MRE in percent) and the coverage. RUNS are read as forecast reads them.\n"
    "\n"
    "options:\n"
    "  --sizes FILE        sizes table: model,revision,N,D,tokens_per_step\n"
    "  --scale S           metric values are divided by S (100 for percent)\n"
    "  --checkpoints M     last (default), all, or late:F (the last checkpoint with a value\n"
    "                      is graded either way)\n"
    "  --run-column COL    run name column (default: run, model, model_name or name)\n"
    "  --step-column COL   step column (default: step, steps, _step or Step)\n"
    "  --skip-missing      a model absent from the sizes table is a counted warning\n"
    "  --json              machine-readable output (format scalecast.score, version 1)\n"
    "  -o, --output FILE   write the result to FILE instead of standard output\n"
    "\n"
    "exit codes: 0 at least one forecast graded, 1 none could be graded (no target names a\n"
    "run with a score), 2 bad option, 3 bad data (not a saved forecast, malformed JSON), 4\n"
    "file not readable or writable\n";

/* v with the given decimals ("+" sign when signed_), "-" when not finite. */
static void fmt(char *buf, size_t size, double v, int decimals, int signed_)
{
    if (!isfinite(v)) snprintf(buf, size, "-");
    else if (signed_) snprintf(buf, size, "%+.*f", decimals, v);
    else snprintf(buf, size, "%.*f", decimals, v);
}

static void print_sum(FILE *f, const char *name, const sc_fc_grade_sum *m)
{
    char mae[32], rmse[32], mre[32];
    fmt(mae, sizeof mae, m->mae, 4, 0);
    fmt(rmse, sizeof rmse, m->rmse, 4, 0);
    fmt(mre, sizeof mre, m->mre, 2, 0);
    fprintf(f, "%-34s %9zu %7zu %8s %8s %7s %5zu/%zu\n", name, m->rows, m->n, mae, rmse, mre,
            m->covered, m->n);
}

static void print_table(FILE *f, const sc_fc_saved *fc, const sc_fc_grade *g)
{
    fprintf(f, "score: %s, %zu forecasts, %zu graded\n", fc->path, fc->nrows, g->all.n);
    fprintf(f, "%-28s %-16s %-17s %8s %8s %8s %8s %8s %-6s %s\n", "benchmark", "target", "law",
            "value", "lo", "hi", "observed", "error", "inside", "status");
    for (size_t k = 0; k < g->nrows; k++) {
        const sc_fc_saved_row *q = &fc->rows[k];
        const sc_fc_grade_row *r = &g->rows[k];
        char v[32], lo[32], hi[32], ob[32], er[32];
        fmt(v, sizeof v, q->value, 4, 0);
        fmt(lo, sizeof lo, q->lo, 4, 0);
        fmt(hi, sizeof hi, q->hi, 4, 0);
        fmt(ob, sizeof ob, r->observed, 4, 0);
        fmt(er, sizeof er, r->error, 4, 1);
        const int graded = strcmp(r->status, "graded") == 0;
        fprintf(f, "%-28s %-16s %-17s %8s %8s %8s %8s %8s %-6s %s\n", q->benchmark, q->target,
                q->law[0] ? q->law : "-", v, lo, hi, ob, er,
                graded ? (r->covered ? "yes" : "no") : "-", r->status);
    }
    fprintf(f, "\n%-34s %9s %7s %8s %8s %7s %s\n", "summary", "forecasts", "graded", "MAE",
            "RMSE", "MRE%", "inside");
    for (size_t b = 0; b < g->nbench; b++) print_sum(f, g->bench[b].benchmark, &g->bench[b]);
    print_sum(f, "all", &g->all);
}

static const cli_option cli_score_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--skip-missing", NULL, 0},
    {"--sizes", NULL, CLI_VALUE},
    {"--scale", NULL, CLI_VALUE},
    {"--checkpoints", NULL, CLI_VALUE},
    {"--run-column", NULL, CLI_VALUE},
    {"--step-column", NULL, CLI_VALUE},
    {"--output", "-o", CLI_VALUE},
    {NULL, NULL, 0},
};
const cli_option_set cli_score_options = {"score", cli_score_options_opts};

#define MAX_INPUTS 256

int cmd_score(int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_score_options);
    sc_runs_opts ro;
    sc_runs_opts_init(&ro);
    const char *paths[MAX_INPUTS], *forecast = NULL, *out_path = "-", *ckpt = NULL, *v;
    size_t npaths = 0;
    int json = 0, rc = 0;
    while (rc == 0 && cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--json")) json = 1;
        else if (cli_flag(&a, "--skip-missing")) ro.skip_missing = 1;
        else if (cli_opt(&a, "--sizes", &v)) ro.sizes = v;
        else if (cli_opt(&a, "--scale", &v)) rc = a.error ? a.error : cli_parse_double("--scale", v, &ro.scale);
        else if (cli_opt(&a, "--checkpoints", &v)) ckpt = v;
        else if (cli_opt(&a, "--run-column", &v)) ro.run_col = v;
        else if (cli_opt(&a, "--step-column", &v)) ro.step_col = v;
        else if (cli_opt(&a, "--output", &v) || cli_opt(&a, "-o", &v)) out_path = v;
        else if (a.positional) {
            if (!forecast) forecast = a.positional;
            else if (npaths >= MAX_INPUTS) rc = cli_fail(SC_EXIT_USAGE, "too many inputs");
            else paths[npaths++] = a.positional;
        } else rc = cli_args_unknown(&a);
    }
    if (rc == 0 && a.error) rc = a.error;
    if (rc == 0 && (!forecast || npaths == 0))
        rc = cli_fail(SC_EXIT_USAGE, "score needs FORECAST.json and RUNS (see 'scalecast score --help')");
    if (rc == 0 && !(ro.scale >= 0.0)) rc = cli_fail(SC_EXIT_USAGE, "--scale must be > 0 (got %g)", ro.scale);
    if (rc == 0 && ckpt && sc_ckpt_parse(ckpt, &ro.ckpt, &ro.late) != SC_OK)
        rc = cli_fail(SC_EXIT_USAGE, "--checkpoints: expected last, all or late:F with 0 < F <= 1, got \"%s\"", ckpt);
    sc_error err;
    sc_error_clear(&err);
    sc_fc_saved *fc = NULL;
    if (rc == 0 && (rc = cli_not_folder(forecast)) == 0 &&
        sc_forecast_read_json(forecast, &fc, &err) != SC_OK)
        rc = cli_report(&err);
    sc_table *runs = NULL;
    sc_runs_meta meta;
    memset(&meta, 0, sizeof meta);
    if (rc == 0 && sc_runs_read(paths, npaths, &ro, &runs, &meta, &err) != SC_OK) rc = cli_report(&err);
    if (rc == 0 && meta.nwarnings)
        cli_warn("%zu skipped on request; first: %s", meta.nwarnings, meta.warning);
    sc_fc_grade *g = NULL;
    if (rc == 0 && sc_forecast_grade(fc, runs, &g, &err) != SC_OK) rc = cli_report(&err);
    if (rc == 0 && g->nnamed == 0)
        cli_warn("no target of %s names a run of the inputs", forecast);
    if (rc == 0) {
        cli_out out;
        rc = cli_out_open(&out, out_path);
        if (rc == 0) {
            if (json) {
                if (sc_fc_grade_write_json(fc, g, out.f, &err) != SC_OK) {
                    cli_out_abort(&out);
                    rc = cli_report(&err);
                }
            } else {
                print_table(out.f, fc, g);
            }
            if (rc == 0) rc = cli_out_commit(&out);
        }
        if (rc == 0 && g->all.n == 0) rc = SC_EXIT_NUMERIC;
    }
    sc_fc_grade_free(g);
    sc_table_free(runs);
    sc_fc_saved_free(fc);
    return rc;
}
