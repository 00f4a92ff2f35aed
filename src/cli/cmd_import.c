/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast import lmeval: lm-evaluation-harness results JSON -> one CSV table. */
#include "cli.h"
#include "commands.h"

#include <string.h>
#include <sys/stat.h>

static const char import_help[] =
    "usage: scalecast import lmeval DIR|FILE [-o OUT.csv]\n"
    "\n"
    "Reads lm-evaluation-harness aggregated results (results_<date>.json of v0.4+, or the\n"
    "older <model>.json with plain metric keys; a folder is searched recursively for *.json)\n"
    "and writes one CSV table: one row per (model, revision), with the columns model,\n"
    "revision, source and one column per task and metric (\"arc_easy:acc\",\n"
    "\"arc_easy:acc_stderr\"; \"task:metric,filter\" for filters other than \"none\"). The\n"
    "model id and revision come from model_args (pretrained=...,revision=...). The table can be\n"
    "given to every other command.\n"
    "\n"
    "  -o, --output F   write the CSV to F (default: standard output); written completely or\n"
    "                   not at all\n"
    "\n"
    "exit codes: 0 ok, 2 bad command line, 3 bad input data, 4 unreadable or unwritable file,\n"
    "            5 internal error\n";

static const cli_option cli_import_options_opts[] = {
    {"--help", "-h", 0},
    {"--output", "-o", CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_import_options = {"import", cli_import_options_opts};

int cmd_import(int argc, char **argv)
{
    const char *format = NULL, *src = NULL, *output = "-";
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_import_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(import_help, stdout);
            return SC_EXIT_OK;
        } else if (cli_opt(&a, "--output", &output) || cli_opt(&a, "-o", &output)) {
        } else if (a.positional && !format) {
            format = a.positional;
        } else if (a.positional && !src) {
            src = a.positional;
        } else if (a.positional) {
            return cli_fail(SC_EXIT_USAGE, "import: one folder or file only (got \"%s\" too)",
                            a.positional);
        } else {
            return cli_args_unknown(&a);
        }
    }
    if (a.error) return a.error;
    if (!format || strcmp(format, "lmeval") != 0)
        return cli_fail(SC_EXIT_USAGE, "import: unknown format \"%s\" (known: lmeval)",
                        format ? format : "");
    if (!src) return cli_fail(SC_EXIT_USAGE, "import lmeval: a folder or results file is needed");
    struct stat sb;
    sc_table *t = NULL;
    sc_error err;
    sc_error_clear(&err);
    sc_status st;
    if (stat(src, &sb) == 0 && S_ISDIR(sb.st_mode)) st = sc_lmeval_results_read_dir(src, &t, &err);
    else st = sc_lmeval_results_read(src, &t, &err);
    if (st != SC_OK) return cli_report(&err);
    cli_info("%zu rows, %zu columns", sc_table_nrows(t), sc_table_ncols(t));
    cli_out o;
    int rc = cli_out_open(&o, output);
    if (rc) {
        sc_table_free(t);
        return rc;
    }
    if (sc_table_write_csv(t, o.f) != SC_OK) {
        cli_out_abort(&o);
        sc_table_free(t);
        return cli_fail(SC_EXIT_IO, "%s: cannot write", output);
    }
    sc_table_free(t);
    return cli_out_commit(&o);
}
