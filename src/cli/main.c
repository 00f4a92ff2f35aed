/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast: the command-line tool. One file per command; this one dispatches. */
#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <string.h>

/* One line per command, in the order `scalecast --help` lists them. */
static const cli_command commands[] = {
    {"forecast", "forecast planned runs per benchmark: law chosen by backtest, calibrated interval",
     cmd_forecast},
    {"score", "grade a saved forecast against the runs it forecast, once they exist", cmd_score},
    {"fit", "fit a law to runs in a CSV file and print its parameters", cmd_fit},
    {"laws", "list the laws that fit knows, with their formulas", cmd_laws},
    {"predict", "evaluate a fitted law (scalecast fit --json) at new points", cmd_predict},
    {"backtest", "fit direct laws below a compute cutoff and score their extrapolation", cmd_backtest},
    {"obs", "observational scaling laws: capability PCs of public models, sigmoid forecasts", cmd_obs},
    {"chain", "correlate each stage of the metric chain with compute, per sample", cmd_chain},
    {"import", "convert lm-evaluation-harness results to a CSV table", cmd_import},
    {"passuntil", "PassUntil: sample until pass, tiny pass rates, task law, emergence test",
     cmd_passuntil},
    {"passk", "fit the pass@k law (Krajewski et al. Eq. 5) and test it on held-out runs", cmd_passk},
    {"report", "assemble a self-contained HTML report from tables and figures", cmd_report},
};

/* Every option table, for `scalecast --list-options` (tests and shell completion read it). */
static const cli_option_set *const option_sets[] = {
    &cli_forecast_options,
    &cli_score_options,
    &cli_fit_options,
    &cli_laws_options,
    &cli_predict_options,
    &cli_backtest_options,
    &cli_obs_options,
    &cli_chain_options,
    &cli_import_options,
    &cli_passuntil_sample_options,
    &cli_passuntil_estimate_options,
    &cli_passuntil_fit_options,
    &cli_passuntil_classify_options,
    &cli_passuntil_draw_options,
    &cli_passk_options,
    &cli_report_options,
    NULL,
};

static void usage(FILE *f)
{
    fputs("usage: scalecast COMMAND [OPTIONS]   (scalecast COMMAND --help for a command's options)\n\n"
          "Forecasts how a language model will score on downstream benchmarks from evaluations\n"
          "of smaller or cheaper models.\n\ncommands:\n",
          f);
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        fprintf(f, "  %-12s %s\n", commands[k].name, commands[k].summary);
    fputs("\noptions: \"--name VALUE\" or \"--name=VALUE\"; an option given twice is refused unless\n"
          "its command's --help says it may repeat. scalecast --list-options prints every\n"
          "command's options, one a line (for scripts and shell completion).\n",
          f);
    fputs("\nexit codes: 0 ok, 1 numerical trouble, 2 bad command line, 3 bad input data,\n"
          "            4 file not readable or writable, 5 internal error\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return SC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return SC_EXIT_OK;
    }
    if (strcmp(argv[1], "--list-options") == 0) {
        cli_list_options(stdout, option_sets);
        return SC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("scalecast %s\n", SC_VERSION_STRING);
        return SC_EXIT_OK;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++) {
        if (strcmp(argv[1], commands[k].name) != 0) continue;
        int rc = commands[k].run(argc - 1, argv + 1);
        cli_written_report(rc);
        /* Results printed to standard output count only if they were written: a full disk or a
         * closed pipe is an error, whatever the command did. */
        if ((fflush(stdout) != 0 || ferror(stdout)) && rc == SC_EXIT_OK)
            rc = cli_fail(SC_EXIT_IO, "cannot write to standard output");
        return rc;
    }
    return cli_fail(SC_EXIT_USAGE, "unknown command \"%s\" (see 'scalecast --help')", argv[1]);
}
