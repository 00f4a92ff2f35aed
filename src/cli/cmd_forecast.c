/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast forecast: from a ladder of runs to a forecast of the planned runs, per benchmark,
 * with the law chosen by an extrapolation backtest and a calibrated interval. The work is the
 * library's (sc_runs_read, sc_forecast_run, sc_forecast_write_json); this file parses options
 * and prints. */
#include "cli.h"
#include "commands.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char help[] =
    "usage: scalecast forecast RUNS... (--target NAME=C | --target NAME=N:D | --targets FILE)\n"
    "                          [options]\n"
    "\n"
    "Per benchmark: scores every candidate law by an extrapolation backtest inside the ladder\n"
    "(hold out the largest rung of N; with five or more rungs a rolling origin over the last\n"
    "three), chooses the law with the lowest mean absolute error (ties to fewer parameters),\n"
    "refits it on every run and forecasts each target with an interval that adds parameter\n"
    "uncertainty (bootstrap over runs), benchmark noise and the extrapolation error seen in the\n"
    "backtests, which grows with log(C / largest C fitted). Each forecast gets a verdict (ok,\n"
    "caution, untrusted) with its reasons. A target named like a run of RUNS is left out of\n"
    "every fit and graded against it. C = 6 N D for runs and targets unless --c-column is given.\n"
    "\n"
    "RUNS: CSV files (wide: one row per run or checkpoint; long: run,benchmark[,metric],value),\n"
    "Apple long-format files, OLMo ladder folders, lm-evaluation-harness results folders, or\n"
    "the table 'scalecast import' writes.\n"
    "\n"
    "targets:\n"
    "  --target NAME=X     X is C (FLOPs), N:D (parameters:tokens) or, with --c-column,\n"
    "                      N:D:C; may repeat\n"
    "  --targets FILE      CSV with columns name,N,D,C (empty cells allowed)\n"
    "\n"
    "options:\n"
    "  --benchmarks LIST   metric columns, comma-separated (\\, for a comma inside a name);\n"
    "                      may repeat; default all: every metric column (each one left out is\n"
    "                      listed with its reason)\n"
    "  --laws LIST         candidate laws: powerlaw, powerlaw-qmax, bnsl, multitpr,\n"
    "                      twostage-linear, twostage-logistic, or all (default: powerlaw,\n"
    "                      powerlaw-qmax, multitpr where D/N varies and every target has N:D,\n"
    "                      the two-stage routes with --loss-column)\n"
    "  --loss-column COL   loss column for the two-stage routes (C -> loss -> accuracy)\n"
    "  --level P           interval level (default 0.9)\n"
    "  --checkpoints M     last (default), all, or late:F (steps >= F x the run's last step)\n"
    "  --sizes FILE        sizes table: model,revision,N,D,tokens_per_step (empty cells\n"
    "                      allowed; \"stepN\" revisions give D = N x tokens_per_step)\n"
    "  --scale S           metric values are divided by S (100 for percent)\n"
    "  --chance LIST       chance levels: one number for every benchmark, or NAME=Q0 pairs\n"
    "                      (default: built-in table)\n"
    "  --chance-file FILE  chance levels from a CSV with columns benchmark,chance\n"
    "  --margin M          the laws in Q' fit points more than M above chance (default 0.05)\n"
    "  --items K           items per benchmark: binomial noise (default: residual scatter)\n"
    "  --boot B            bootstrap replicates over runs (default 100)\n"
    "  --max-error E       backtest MAE above which a forecast is not ok (default 0.05)\n"
    "  --skip-missing      a benchmark missing from some runs, or a model absent from the\n"
    "                      sizes table, is skipped with a counted warning (default: an error)\n"
    "  --run-column COL    run name column (default: run, model, model_name or name)\n"
    "  --n-column COL      N column (default: N, params, num_params or n_params)\n"
    "  --d-column COL      D column (default: D, tokens or train_tokens)\n"
    "  --c-column COL      take C from this column (targets then need C)\n"
    "  --step-column COL   step column (default: step, steps, _step or Step)\n"
    "  --seed S            random seed (default 1)\n"
    "  --threads T         threads (default: OpenMP's); results do not depend on it\n"
    "  --json              machine-readable output (format scalecast.forecast, version 1)\n"
    "  -o, --output FILE   write the result to FILE instead of standard output\n"
    "  --figures DIR       one figure per benchmark (forecast-BENCHMARK.png, interactive in a\n"
    "                      report): the runs, the chosen law's curve and interval band out\n"
    "                      to the targets, the runner-up dashed (curves at the runs' median\n"
    "                      D/N), each target's forecast with its interval and its observed\n"
    "                      value when graded\n"
    "  --report FILE       one HTML page: the forecast table first, the calibration, the\n"
    "                      backtest scores and the figures, with provenance\n"
    "\n"
    "exit codes: 0 every forecast is a finite number (untrusted ones included), 1 a forecast\n"
    "failed, 2 bad option or target, 3 bad data (unknown or missing benchmark, model absent\n"
    "from the sizes table, two runs with the same name), 4 file not readable or writable\n";

#define MAX_ITEMS 256

/* Splits s (modified in place) at commas not preceded by a backslash ("\," is a comma inside
 * an item) into items; returns the count or -1 when there are too many. */
static int split_escaped(char *s, char **items, size_t *n, size_t max)
{
    char *out = s, *start = s;
    for (char *p = s;; p++) {
        if (*p == '\\' && p[1] == ',') {
            *out++ = ',';
            p++;
            continue;
        }
        if (*p == ',' || *p == '\0') {
            int end = *p == '\0';
            *out = '\0';
            if (*start) {
                if (*n >= max) return -1;
                items[(*n)++] = start;
            }
            if (end) break;
            out++;
            start = out;
            continue;
        }
        *out++ = *p;
    }
    return 0;
}

/* A number for the table with the given decimals (sign shown when signed), "-" when not
 * finite. */
static void fmt_num(char *buf, size_t size, double v, int decimals, int sig, int signed_)
{
    if (!isfinite(v)) snprintf(buf, size, "-");
    else if (sig) snprintf(buf, size, "%.*g", decimals, v);
    else if (signed_) snprintf(buf, size, "%+.*f", decimals, v);
    else snprintf(buf, size, "%.*f", decimals, v);
}

static void print_table(FILE *f, const sc_forecast *fc, const sc_runs_meta *meta)
{
    fprintf(f, "forecast: %zu runs (%zu rows, %s); %s; %s; %.0f%% intervals\n", meta->nruns,
            meta->nrows, meta->layout, meta->c_rule, meta->n_rule, 100.0 * fc->opts.level);
    fprintf(f, "%-28s %-16s %-17s %8s %8s %8s %8s %7s %8s %8s %-9s %s\n", "benchmark", "target",
            "law", "bt_MAE", "value", "lo", "hi", "C/Cmax", "observed", "error", "trust",
            "reasons");
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_row *r = &fc->rows[k];
        char bt[32], val[32], lo[32], hi[32], ra[32], ob[32], er[32];
        fmt_num(bt, sizeof bt, r->backtest_error, 4, 0, 0);
        fmt_num(ra, sizeof ra, r->ratio, 3, 1, 0);
        fmt_num(ob, sizeof ob, r->observed, 4, 0, 0);
        fmt_num(er, sizeof er, r->error, 4, 0, 1);
        if (strcmp(r->status, "ok") == 0) {
            fmt_num(val, sizeof val, r->value, 4, 0, 0);
            fmt_num(lo, sizeof lo, r->lo, 4, 0, 0);
            fmt_num(hi, sizeof hi, r->hi, 4, 0, 0);
        } else {
            snprintf(val, sizeof val, "%s", r->status);
            snprintf(lo, sizeof lo, "-");
            snprintf(hi, sizeof hi, "-");
        }
        char reasons[200] = "";
        for (size_t q = 0; q < r->nreasons; q++) {
            strncat(reasons, q ? "," : "", sizeof reasons - strlen(reasons) - 1);
            strncat(reasons, r->reasons[q].code, sizeof reasons - strlen(reasons) - 1);
        }
        if (strcmp(r->status, "ok") != 0) snprintf(reasons, sizeof reasons, "%.190s", r->why);
        fprintf(f, "%-28s %-16s %-17s %8s %8s %8s %8s %7s %8s %8s %-9s %s\n",
                fc->bench[r->bench].name, r->target_name, r->law[0] ? r->law : "-", bt, val, lo,
                hi, ra, ob, er, sc_trust_name(r->trust), reasons);
    }
    /* Graded targets: mean absolute error over the finite forecasts only. */
    double sum = 0;
    size_t n = 0, cov = 0;
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_row *r = &fc->rows[k];
        if (strcmp(r->status, "ok") != 0 || !isfinite(r->error)) continue;
        sum += fabs(r->error);
        n++;
        cov += r->observed >= r->lo && r->observed <= r->hi;
    }
    if (n)
        fprintf(f, "graded: %zu forecasts, MAE %.4f, %zu of %zu inside their interval\n", n,
                sum / (double)n, cov, n);
    fprintf(f, "calibration (backtests, chosen law): %zu of %zu inside the %.0f%% interval",
            fc->calibration.covered, fc->calibration.total, 100.0 * fc->calibration.level);
    if (fc->calibration.total) fprintf(f, ", mean width %.4f", fc->calibration.mean_width);
    fputc('\n', f);
    for (size_t k = 0; k < fc->nskipped; k++)
        fprintf(f, "skipped %s: %s\n", fc->skipped[k].benchmark, fc->skipped[k].reason);
}

/* ---- figures and report ---- */

#define FC_CURVE 80 /* compute values per curve */

/* One benchmark's figure: runs, the chosen law's curve and band, the runner-up dashed, the
 * targets' forecasts with their intervals and observed values, the largest C fitted. */
static sc_status forecast_figure(const sc_forecast *fc, size_t b, const char *path, sc_error *err)
{
    const sc_fc_bench *B = &fc->bench[b];
    const size_t nt = fc->ntargets;
    const sc_fc_row *rows = fc->rows + b * nt;
    char title[320], ylabel[300], label[128];
    const char *law = nt ? rows[0].law : "";
    snprintf(title, sizeof title, "%s: forecast%s%s", B->name, law[0] ? " with " : "", law);
    snprintf(ylabel, sizeof ylabel, "%s (accuracy)", B->name);
    sc_plot *plot = NULL;
    sc_status s = sc_plot_new(title, "training compute C (FLOPs)", ylabel, SC_AXIS_LOG,
                              SC_AXIS_LINEAR, &plot);
    if (s != SC_OK) return s;
    if (B->ncurve > 0 && law[0]) {
        /* The band belongs with its law's curve: shown and hidden together. */
        s = sc_plot_group(plot, law);
        snprintf(label, sizeof label, "%.0f%% interval", 100.0 * fc->opts.level);
        if (s == SC_OK)
            s = sc_plot_band(plot, label, B->curve_C, B->curve_lo, B->curve_hi, B->ncurve, 0);
        if (s == SC_OK) s = sc_plot_series(plot, law, B->curve_C, B->curve_value, B->ncurve,
                                           SC_MARK_LINE, 0);
        if (s == SC_OK) s = sc_plot_group(plot, NULL);
        const char *ru = nt ? rows[0].runner_up : "";
        if (s == SC_OK && ru[0]) {
            snprintf(label, sizeof label, "%s (2nd)", ru);
            s = sc_plot_series(plot, label, B->curve_C, B->curve_runner, B->ncurve,
                               SC_MARK_DASHED, 1);
        }
    }
    if (s == SC_OK && B->npts > 0) {
        s = sc_plot_series(plot, "runs fitted", B->pts_C, B->pts_y, B->npts, SC_MARK_OPEN, 6);
        if (s == SC_OK) s = sc_plot_point_labels(plot, (const char *const *)B->pts_run, B->npts);
    }
    /* Targets: the forecast (points, named with value and interval), each interval a short
     * vertical line in the same group, and the observed value of graded targets. */
    double *x = calloc(nt + 1, sizeof *x), *y = calloc(nt + 1, sizeof *y);
    double *xo = calloc(nt + 1, sizeof *xo), *yo = calloc(nt + 1, sizeof *yo);
    char *names = calloc(nt + 1, 200), *onames = calloc(nt + 1, 200);
    const char **np = calloc(nt + 1, sizeof *np), **onp = calloc(nt + 1, sizeof *onp);
    if (s == SC_OK && (!x || !y || !xo || !yo || !names || !onames || !np || !onp)) s = SC_ENOMEM;
    size_t k = 0, ko = 0;
    for (size_t t = 0; s == SC_OK && t < nt; t++) {
        const sc_fc_row *r = &rows[t];
        if (strcmp(r->status, "ok") == 0 && isfinite(r->C)) {
            char *nm = names + 200 * k;
            snprintf(nm, 200, "target %.80s: %.3f [%.3f, %.3f], %s", r->target_name, r->value,
                     r->lo, r->hi, sc_trust_name(r->trust));
            np[k] = nm;
            x[k] = r->C;
            y[k++] = r->value;
        }
        if (isfinite(r->observed) && isfinite(r->C)) {
            char *nm = onames + 200 * ko;
            snprintf(nm, 200, "target %.80s: observed %.3f", r->target_name, r->observed);
            onp[ko] = nm;
            xo[ko] = r->C;
            yo[ko++] = r->observed;
        }
    }
    if (s == SC_OK && k > 0) {
        snprintf(label, sizeof label, "targets (forecast)");
        s = sc_plot_group(plot, label);
        if (s == SC_OK) s = sc_plot_series(plot, label, x, y, k, SC_MARK_POINTS, 3);
        if (s == SC_OK) s = sc_plot_point_labels(plot, np, k);
        for (size_t t = 0; s == SC_OK && t < nt; t++) {
            const sc_fc_row *r = &rows[t];
            if (strcmp(r->status, "ok") != 0 || !isfinite(r->C)) continue;
            const double cx[2] = {r->C, r->C}, cy[2] = {r->lo, r->hi};
            s = sc_plot_series(plot, NULL, cx, cy, 2, SC_MARK_LINE, 3);
        }
        if (s == SC_OK) s = sc_plot_group(plot, NULL);
    }
    if (s == SC_OK && ko > 0) {
        s = sc_plot_series(plot, "targets (observed)", xo, yo, ko, SC_MARK_CROSSES, 5);
        if (s == SC_OK) s = sc_plot_point_labels(plot, onp, ko);
    }
    free(x);
    free(y);
    free(xo);
    free(yo);
    free(names);
    free(onames);
    free(np);
    free(onp);
    if (s == SC_OK && B->cmax > 0) s = sc_plot_vline(plot, B->cmax, "largest C fitted");
    if (s == SC_OK) s = sc_plot_save(plot, path, err);
    sc_plot_free(plot);
    return s;
}

/* Every benchmark's figure into dir (created when missing). */
static int write_figures(const char *dir, const sc_forecast *fc)
{
    int rc = cli_mkdirs(dir);
    for (size_t b = 0; rc == 0 && b < fc->nbench; b++) {
        char path[4096];
        cli_figure_path(path, sizeof path, dir, "forecast", fc->bench[b].name);
        sc_error err;
        sc_error_clear(&err);
        sc_status s = forecast_figure(fc, b, path, &err);
        if (s == SC_OK) cli_note_written(path);
        else if (err.code != SC_OK) rc = cli_report(&err);
        else rc = cli_fail(cli_exit_code(s), "%s: %s", path, sc_strerror(s));
    }
    return rc;
}

/* Removes the figures of a temporary folder and the folder. */
static void remove_figures(const char *dir, const sc_forecast *fc)
{
    for (size_t b = 0; b < fc->nbench; b++) {
        char path[4096], side[4110];
        cli_figure_path(path, sizeof path, dir, "forecast", fc->bench[b].name);
        snprintf(side, sizeof side, "%s.json", path);
        remove(path);
        remove(side);
    }
    rmdir(dir);
}

/* The forecast as one HTML page: the forecast table, calibration, backtest scores, figures
 * (from figdir, or drawn into a temporary folder beside the page and removed), provenance. */
static int write_report(const char *path, const sc_forecast *fc, const char *figdir,
                        const sc_runs_meta *meta, int argc, char **argv, const char *const *inputs,
                        size_t ninputs)
{
    sc_report *r = NULL;
    if (sc_report_new("scalecast forecast", &r) != SC_OK)
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    sc_error err;
    sc_error_clear(&err);
    int rc = 0;
    sc_status s = SC_OK;
    rc = cli_report_date(r);
    char text[2048];
    snprintf(text, sizeof text,
             "%zu target(s) on %zu benchmark(s) from %zu runs (%zu rows, %s; %s; %s). Per "
             "benchmark, the law with the lowest error in an extrapolation backtest inside the "
             "ladder, refitted on every run; %.0f%% intervals from a bootstrap over runs, the "
             "benchmark's noise and the extrapolation error seen in the backtests, which grows "
             "with distance. The trust verdict says why a forecast should not be relied on.",
             fc->ntargets, fc->nbench, meta->nruns, meta->nrows, meta->layout, meta->c_rule,
             meta->n_rule, 100.0 * fc->opts.level);
    if (!rc) s = sc_report_summary(r, text);
    /* The headline table. */
    sc_report_forecast *hr = calloc(fc->nrows + 1, sizeof *hr);
    char *reasons = calloc(fc->nrows + 1, 240);
    if (!hr || !reasons) s = SC_ENOMEM;
    for (size_t k = 0; !rc && s == SC_OK && k < fc->nrows; k++) {
        const sc_fc_row *row = &fc->rows[k];
        char *rs = reasons + 240 * k;
        for (size_t q = 0; q < row->nreasons; q++) {
            strncat(rs, q ? ", " : "", 239 - strlen(rs));
            strncat(rs, row->reasons[q].code, 239 - strlen(rs));
        }
        if (strcmp(row->status, "ok") != 0) snprintf(rs, 240, "%.230s", row->why);
        hr[k] = (sc_report_forecast){fc->bench[row->bench].name, row->target_name, row->N, row->D,
                                     row->C, row->law[0] ? row->law : NULL, row->value, row->lo,
                                     row->hi, fc->opts.level, row->observed,
                                     sc_trust_name(row->trust), rs, row->status};
    }
    if (!rc && s == SC_OK) s = sc_report_forecasts(r, "Forecasts", hr, fc->nrows);
    free(hr);
    free(reasons);
    /* Calibration and grading. */
    if (!rc && s == SC_OK) s = sc_report_heading(r, 2, "Calibration");
    if (!rc && s == SC_OK) {
        snprintf(text, sizeof text,
                 "Over the backtests (the chosen law's prediction for each held-out run, its "
                 "extrapolation term estimated without that fold): %zu of %zu true values inside "
                 "the %.0f%% interval, mean width %.4f.",
                 fc->calibration.covered, fc->calibration.total, 100.0 * fc->calibration.level,
                 fc->calibration.mean_width);
        s = sc_report_paragraph(r, text);
    }
    double sum = 0;
    size_t n = 0, cov = 0;
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_row *row = &fc->rows[k];
        if (strcmp(row->status, "ok") != 0 || !isfinite(row->error)) continue;
        sum += fabs(row->error);
        n++;
        cov += row->observed >= row->lo && row->observed <= row->hi;
    }
    if (!rc && s == SC_OK && n) {
        snprintf(text, sizeof text,
                 "Graded targets (runs of the input, left out of every fit): %zu finite forecasts, "
                 "mean absolute error %.4f, %zu of %zu inside their interval.",
                 n, sum / (double)n, cov, n);
        s = sc_report_paragraph(r, text);
    }
    /* Backtest scores. */
    if (!rc && s == SC_OK) s = sc_report_heading(r, 2, "Backtest scores");
    {
        static const char *const hdr[] = {"benchmark", "law", "folds", "predictions", "MAE",
                                          "status"};
        char **cells = calloc(6 * (fc->nscores + 1), sizeof *cells);
        char *buf = calloc(fc->nscores + 1, 4 * 32);
        if (!cells || !buf) s = SC_ENOMEM;
        for (size_t k = 0; !rc && s == SC_OK && k < fc->nscores; k++) {
            const sc_fc_score *sc = &fc->scores[k];
            char *b = buf + 4 * 32 * k;
            snprintf(b, 32, "%zu", sc->nfolds);
            snprintf(b + 32, 32, "%zu", sc->npred);
            fmt_num(b + 64, 32, sc->mae, 4, 0, 0);
            cells[6 * k] = fc->bench[sc->bench].name;
            cells[6 * k + 1] = (char *)sc->law;
            cells[6 * k + 2] = b;
            cells[6 * k + 3] = b + 32;
            cells[6 * k + 4] = b + 64;
            cells[6 * k + 5] = strcmp(sc->status, "ok") == 0 ? (char *)"ok" : (char *)sc->why;
        }
        if (!rc && s == SC_OK)
            s = sc_report_table(r, "Mean absolute error (accuracy) of each candidate law over the backtest folds",
                                hdr, 6, (const char *const *)cells, fc->nscores);
        free(cells);
        free(buf);
    }
    /* Figures. */
    char tmpl[4096] = "";
    const char *dir = figdir;
    if (!rc && s == SC_OK && !dir) {
        /* A temporary folder beside the page (same file system; removed below). */
        const char *slash = strrchr(path, '/');
        snprintf(tmpl, sizeof tmpl, "%.*s.scalecast-figures-XXXXXX",
                 slash ? (int)(slash - path + 1) : 0, path);
        if (!mkdtemp(tmpl)) rc = cli_fail(SC_EXIT_IO, "%s: cannot create a temporary folder: %s", tmpl, strerror(errno));
        else dir = tmpl;
        for (size_t b = 0; !rc && b < fc->nbench; b++) {
            char fp[4096];
            cli_figure_path(fp, sizeof fp, dir, "forecast", fc->bench[b].name);
            sc_status fs = forecast_figure(fc, b, fp, &err);
            if (fs != SC_OK) rc = err.code != SC_OK ? cli_report(&err) : cli_fail(cli_exit_code(fs), "%s: %s", fp, sc_strerror(fs));
        }
    }
    if (!rc && s == SC_OK && fc->nbench) s = sc_report_heading(r, 2, "Figures");
    for (size_t b = 0; !rc && s == SC_OK && b < fc->nbench; b++) {
        char fp[4096], cap[600];
        cli_figure_path(fp, sizeof fp, dir, "forecast", fc->bench[b].name);
        const sc_fc_row *row0 = fc->ntargets ? &fc->rows[b * fc->ntargets] : NULL;
        snprintf(cap, sizeof cap, "%s: the runs fitted, %s with its %.0f%% interval band out to the targets%s%s%s (curves at the runs' median token/parameter ratio), each target's forecast and interval at its own N and D, and the observed value of graded targets.",
                 fc->bench[b].name, row0 && row0->law[0] ? row0->law : "the chosen law",
                 100.0 * fc->opts.level, row0 && row0->runner_up[0] ? ", the runner-up " : "",
                 row0 && row0->runner_up[0] ? row0->runner_up : "",
                 row0 && row0->runner_up[0] ? " dashed" : "");
        if (sc_report_figure(r, fp, cap, &err) != SC_OK) rc = cli_report(&err);
    }
    if (tmpl[0] && dir == tmpl) remove_figures(tmpl, fc);
    for (size_t k = 0; !rc && s == SC_OK && k < fc->nskipped; k++) {
        if (k == 0) s = sc_report_heading(r, 2, "Benchmarks left out");
        snprintf(text, sizeof text, "%.300s: %.600s", fc->skipped[k].benchmark, fc->skipped[k].reason);
        if (s == SC_OK) s = sc_report_paragraph(r, text);
    }
    /* Provenance. */
    char *self = cli_command_line(argc, argv);
    if (!rc && s == SC_OK) s = self ? sc_report_command(r, self) : SC_ENOMEM;
    free(self);
    for (size_t k = 0; !rc && s == SC_OK && k < ninputs; k++)
        if (sc_report_input(r, inputs[k], &err) != SC_OK) rc = cli_report(&err);
    if (!rc && s != SC_OK) rc = cli_fail(SC_EXIT_INTERNAL, "report: %s", sc_strerror(s));
    if (!rc && sc_report_save(r, path, &err) != SC_OK) rc = cli_report(&err);
    sc_report_free(r);
    return rc;
}

static const cli_option cli_forecast_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--skip-missing", NULL, 0},
    {"--target", NULL, CLI_VALUE | CLI_REPEAT},
    {"--targets", NULL, CLI_VALUE},
    {"--benchmarks", NULL, CLI_VALUE | CLI_REPEAT},
    {"--laws", NULL, CLI_VALUE},
    {"--loss-column", NULL, CLI_VALUE},
    {"--level", NULL, CLI_VALUE},
    {"--checkpoints", NULL, CLI_VALUE},
    {"--sizes", NULL, CLI_VALUE},
    {"--scale", NULL, CLI_VALUE},
    {"--chance", NULL, CLI_VALUE},
    {"--chance-file", NULL, CLI_VALUE},
    {"--margin", NULL, CLI_VALUE},
    {"--items", NULL, CLI_VALUE},
    {"--max-error", NULL, CLI_VALUE},
    {"--boot", NULL, CLI_VALUE},
    {"--run-column", NULL, CLI_VALUE},
    {"--n-column", NULL, CLI_VALUE},
    {"--d-column", NULL, CLI_VALUE},
    {"--c-column", NULL, CLI_VALUE},
    {"--step-column", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--threads", NULL, CLI_VALUE},
    {"--output", "-o", CLI_VALUE},
    {"--figures", NULL, CLI_VALUE},
    {"--report", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_forecast_options = {"forecast", cli_forecast_options_opts};

int cmd_forecast(int argc, char **argv)
{
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_forecast_options);
    sc_forecast_opts o;
    sc_forecast_opts_init(&o);
    sc_runs_opts ro;
    sc_runs_opts_init(&ro);
    const char *paths[MAX_ITEMS];
    size_t npaths = 0;
    char *bench_buf[MAX_ITEMS];
    size_t nbench_buf = 0;
    char *targets_specs[MAX_ITEMS];
    size_t nspecs = 0;
    const char *targets_file = NULL, *out_path = "-", *laws_arg = NULL, *chance_arg = NULL,
               *ckpt = NULL, *chance_file = NULL, *fig_dir = NULL, *report_path = NULL;
    int json = 0, rc = 0;
    const char *v;
    while (rc == 0 && cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(help, stdout);
            for (size_t k = 0; k < nbench_buf; k++) free(bench_buf[k]);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--json")) json = 1;
        else if (cli_flag(&a, "--skip-missing")) ro.skip_missing = o.skip_missing = 1;
        else if (cli_opt(&a, "--target", &v)) {
            if (!a.error) {
                if (nspecs >= MAX_ITEMS) rc = cli_fail(SC_EXIT_USAGE, "--target: too many targets");
                else targets_specs[nspecs++] = (char *)v;
            }
        } else if (cli_opt(&a, "--targets", &v)) targets_file = v;
        else if (cli_opt(&a, "--benchmarks", &v)) {
            if (!a.error) {
                if (nbench_buf >= MAX_ITEMS) rc = cli_fail(SC_EXIT_USAGE, "--benchmarks: too many");
                else if (!(bench_buf[nbench_buf++] = cli_strdup(v))) rc = SC_EXIT_INTERNAL;
            }
        } else if (cli_opt(&a, "--laws", &v)) laws_arg = v;
        else if (cli_opt(&a, "--loss-column", &v)) o.loss_column = v;
        else if (cli_opt(&a, "--level", &v)) rc = a.error ? a.error : cli_parse_double("--level", v, &o.level);
        else if (cli_opt(&a, "--checkpoints", &v)) ckpt = v;
        else if (cli_opt(&a, "--sizes", &v)) ro.sizes = v;
        else if (cli_opt(&a, "--scale", &v)) rc = a.error ? a.error : cli_parse_double("--scale", v, &ro.scale);
        else if (cli_opt(&a, "--chance", &v)) chance_arg = v;
        else if (cli_opt(&a, "--chance-file", &v)) chance_file = v;
        else if (cli_opt(&a, "--margin", &v)) rc = a.error ? a.error : cli_parse_double("--margin", v, &o.margin);
        else if (cli_opt(&a, "--items", &v)) rc = a.error ? a.error : cli_parse_double("--items", v, &o.items);
        else if (cli_opt(&a, "--max-error", &v)) rc = a.error ? a.error : cli_parse_double("--max-error", v, &o.max_backtest_error);
        else if (cli_opt(&a, "--boot", &v)) rc = a.error ? a.error : cli_parse_count("--boot", v, 0, 100000, &o.boot);
        else if (cli_opt(&a, "--run-column", &v)) ro.run_col = v;
        else if (cli_opt(&a, "--n-column", &v)) ro.n_col = v;
        else if (cli_opt(&a, "--d-column", &v)) ro.d_col = v;
        else if (cli_opt(&a, "--c-column", &v)) ro.c_col = v;
        else if (cli_opt(&a, "--step-column", &v)) ro.step_col = v;
        else if (cli_opt(&a, "--seed", &v)) rc = a.error ? a.error : cli_parse_u64("--seed", v, &o.seed);
        else if (cli_opt(&a, "--threads", &v)) {
            size_t t = 0;
            rc = a.error ? a.error : cli_parse_count("--threads", v, 1, 1024, &t);
            o.threads = (int)t;
        } else if (cli_opt(&a, "--output", &v) || cli_opt(&a, "-o", &v)) out_path = v;
        else if (cli_opt(&a, "--figures", &v)) fig_dir = v;
        else if (cli_opt(&a, "--report", &v)) report_path = v;
        else if (a.positional) {
            if (npaths >= MAX_ITEMS) rc = cli_fail(SC_EXIT_USAGE, "too many inputs");
            else paths[npaths++] = a.positional;
        } else rc = cli_args_unknown(&a);
    }
    if (rc == 0 && a.error) rc = a.error;
    o.c_given = ro.c_col != NULL;
    if (rc == 0 && npaths == 0)
        rc = cli_fail(SC_EXIT_USAGE, "forecast needs RUNS (see 'scalecast forecast --help')");
    if (rc == 0 && nspecs == 0 && !targets_file)
        rc = cli_fail(SC_EXIT_USAGE, "forecast needs a target: --target NAME=N:D, --target NAME=C or --targets FILE");
    if (rc == 0 && !(o.level > 0.0 && o.level < 1.0))
        rc = cli_fail(SC_EXIT_USAGE, "--level must lie in (0, 1) (got %g)", o.level);
    if (rc == 0 && !(o.margin >= 0.0 && o.margin < 1.0))
        rc = cli_fail(SC_EXIT_USAGE, "--margin must lie in [0, 1) (got %g)", o.margin);
    if (rc == 0 && !(ro.scale >= 0.0)) rc = cli_fail(SC_EXIT_USAGE, "--scale must be > 0 (got %g)", ro.scale);
    if (rc == 0 && !isnan(o.items) && !(o.items >= 1.0))
        rc = cli_fail(SC_EXIT_USAGE, "--items must be >= 1 (got %g)", o.items);
    /* Outputs written by the library: never over an input, checked before any work. */
    if (rc == 0 && report_path) rc = cli_check_output(report_path);
    if (rc == 0 && (fig_dir || report_path)) o.curve_points = FC_CURVE;
    if (rc == 0 && ckpt && sc_ckpt_parse(ckpt, &ro.ckpt, &ro.late) != SC_OK)
        rc = cli_fail(SC_EXIT_USAGE, "--checkpoints: expected last, all or late:F with 0 < F <= 1, got \"%s\"", ckpt);
    /* Targets. */
    sc_fc_target *targets = NULL;
    size_t ntargets = 0;
    sc_error err;
    sc_error_clear(&err);
    if (rc == 0 && targets_file) {
        if (cli_not_folder(targets_file)) rc = SC_EXIT_IO;
        else if (sc_fc_targets_read(targets_file, &targets, &ntargets, &err) != SC_OK) rc = cli_report(&err);
    }
    if (rc == 0 && nspecs) {
        sc_fc_target *t2 = realloc(targets, (ntargets + nspecs) * sizeof *t2);
        if (!t2) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        else targets = t2;
        for (size_t k = 0; k < nspecs && rc == 0; k++) {
            if (sc_fc_target_parse(targets_specs[k], o.c_given, &targets[ntargets], &err) != SC_OK)
                rc = cli_fail(SC_EXIT_USAGE, "--target: %s", err.message);
            else ntargets++;
        }
    }
    if (rc == 0 && o.c_given)
        for (size_t k = 0; k < ntargets && rc == 0; k++)
            if (isnan(targets[k].C))
                rc = cli_fail(SC_EXIT_USAGE, "--target %s: C comes from the column %s, so a target needs C (NAME=C or NAME=N:D:C)", targets[k].name, ro.c_col);
    o.targets = targets;
    o.ntargets = ntargets;
    /* Benchmarks, laws, chance levels. */
    char *bench_items[MAX_ITEMS];
    size_t nb = 0;
    int all_bench = nbench_buf == 0;
    for (size_t k = 0; k < nbench_buf && rc == 0; k++)
        if (split_escaped(bench_buf[k], bench_items, &nb, MAX_ITEMS) != 0)
            rc = cli_fail(SC_EXIT_USAGE, "--benchmarks: too many");
    if (rc == 0 && nb == 1 && strcmp(bench_items[0], "all") == 0) all_bench = 1;
    if (rc == 0 && !all_bench) {
        o.benchmarks = (const char *const *)bench_items;
        o.nbench = nb;
    }
    char *laws_buf = laws_arg ? cli_strdup(laws_arg) : NULL, *law_items[MAX_ITEMS];
    size_t nl = 0;
    if (rc == 0 && laws_buf && strcmp(laws_buf, "all") != 0) {
        if (split_escaped(laws_buf, law_items, &nl, MAX_ITEMS) != 0 || nl == 0)
            rc = cli_fail(SC_EXIT_USAGE, "--laws: expected a list of laws");
        for (size_t k = 0; k < nl && rc == 0; k++)
            if (!sc_recipe_find(law_items[k]))
                rc = cli_fail(SC_EXIT_USAGE, "--laws: unknown law \"%s\" (laws: powerlaw, powerlaw-qmax, bnsl, multitpr, twostage-linear, twostage-logistic)", law_items[k]);
        o.laws = (const char *const *)law_items;
        o.nlaws = nl;
    } else if (rc == 0 && laws_buf) {
        size_t n;
        const sc_recipe *all = sc_recipes(&n);
        for (size_t k = 0; k < n; k++)
            if (all[k].input != SC_RIN_LOSS || o.loss_column) law_items[nl++] = (char *)all[k].name;
        o.laws = (const char *const *)law_items;
        o.nlaws = nl;
    }
    char *chance_buf = chance_arg ? cli_strdup(chance_arg) : NULL, *ch_items[MAX_ITEMS];
    const char *ch_names[2 * MAX_ITEMS];
    double ch_vals[2 * MAX_ITEMS];
    size_t nch = 0, nci = 0;
    char **file_names = NULL;
    double *file_vals = NULL;
    size_t nfile = 0;
    if (rc == 0 && chance_file) {
        if (cli_not_folder(chance_file)) rc = SC_EXIT_IO;
        else if (sc_chance_read(chance_file, &file_names, &file_vals, &nfile, &err) != SC_OK)
            rc = cli_report(&err);
        if (rc == 0 && nfile > MAX_ITEMS) rc = cli_fail(SC_EXIT_USAGE, "--chance-file: more than %d benchmarks", MAX_ITEMS);
        for (size_t k = 0; rc == 0 && k < nfile; k++) {
            ch_names[nch] = file_names[k];
            ch_vals[nch++] = file_vals[k];
        }
        o.chance_names = ch_names;
        o.chance_values = ch_vals;
        o.nchance = nch;
    }
    if (rc == 0 && chance_buf) {
        if (split_escaped(chance_buf, ch_items, &nci, MAX_ITEMS) != 0)
            rc = cli_fail(SC_EXIT_USAGE, "--chance: too many");
        for (size_t k = 0; k < nci && rc == 0; k++) {
            char *eq = strrchr(ch_items[k], '=');
            const char *num = ch_items[k];
            ch_names[nch] = "*";
            if (eq) {
                *eq = '\0';
                ch_names[nch] = ch_items[k];
                num = eq + 1;
            }
            rc = cli_parse_double("--chance", num, &ch_vals[nch]);
            if (rc == 0 && !(ch_vals[nch] >= 0.0 && ch_vals[nch] < 1.0))
                rc = cli_fail(SC_EXIT_USAGE, "--chance: a chance level lies in [0, 1) (got %g)", ch_vals[nch]);
            nch++;
        }
        o.chance_names = ch_names;
        o.chance_values = ch_vals;
        o.nchance = nch;
    }
    /* Runs. */
    sc_table *runs = NULL;
    sc_runs_meta meta;
    memset(&meta, 0, sizeof meta);
    if (rc == 0 && sc_runs_read(paths, npaths, &ro, &runs, &meta, &err) != SC_OK) rc = cli_report(&err);
    if (rc == 0 && meta.nwarnings)
        cli_warn("%zu skipped on request; first: %s", meta.nwarnings, meta.warning);
    sc_forecast *fc = NULL;
    if (rc == 0 && sc_forecast_run(runs, &o, &fc, &err) != SC_OK) rc = cli_report(&err);
    if (rc == 0) {
        if (fc->nmissing)
            cli_warn("%zu benchmark(s) missing from some runs skipped on request", fc->nmissing);
        for (size_t k = 0; k < fc->nrows; k++) {
            const sc_fc_row *r = &fc->rows[k];
            if (r->bench == 0)
                for (size_t q = 0; q < r->nreasons; q++)
                    if (strcmp(r->reasons[q].code, "inside_ladder") == 0)
                        cli_warn("target %s: %s", r->target_name, r->reasons[q].message);
        }
    }
    sc_fc_input inputs[MAX_ITEMS];
    if (rc == 0) {
        for (size_t k = 0; k < npaths && rc == 0; k++) {
            inputs[k].path = paths[k];
            if (sc_sha256_file(paths[k], inputs[k].sha256, &err) != SC_OK) rc = cli_report(&err);
        }
    }
    if (rc == 0) {
        cli_out out;
        rc = cli_out_open(&out, out_path);
        if (rc == 0) {
            if (json) {
                /* The command line without --threads: the result never depends on it, and the
                 * JSON is byte-identical for any number of threads. */
                char *pargv[2 * MAX_ITEMS + 64];
                int pargc = 0;
                for (int k = 0; k < argc && pargc < (int)(sizeof pargv / sizeof pargv[0]); k++) {
                    if (strcmp(argv[k], "--threads") == 0) {
                        k++;
                        continue;
                    }
                    if (strncmp(argv[k], "--threads=", 10) == 0) continue;
                    pargv[pargc++] = argv[k];
                }
                sc_fc_provenance pv = {pargc, pargv, inputs, npaths, &meta};
                if (sc_forecast_write_json(fc, &pv, out.f, &err) != SC_OK) {
                    cli_out_abort(&out);
                    rc = cli_report(&err);
                }
            } else {
                print_table(out.f, fc, &meta);
            }
            if (rc == 0) rc = cli_out_commit(&out);
        }
        if (rc == 0 && fig_dir) rc = write_figures(fig_dir, fc);
        if (rc == 0 && report_path)
            rc = write_report(report_path, fc, fig_dir, &meta, argc, argv, paths, npaths);
        /* Every output is complete: a failed forecast (exit 1) is not a failed write. */
        if (rc == 0) cli_written_report(0);
        if (rc == 0 && !sc_forecast_all_ok(fc)) rc = SC_EXIT_NUMERIC;
    }
    sc_forecast_free(fc);
    sc_table_free(runs);
    free(targets);
    free(laws_buf);
    free(chance_buf);
    for (size_t k = 0; k < nfile; k++) free(file_names[k]);
    free(file_names);
    free(file_vals);
    for (size_t k = 0; k < nbench_buf; k++) free(bench_buf[k]);
    return rc;
}
