/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast report: assembles one self-contained HTML file from outputs of other commands. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char report_usage[] =
    "usage: scalecast report OUT.html [--title T] ITEM...\n"
    "\n"
    "Writes one self-contained HTML file that works offline: the title, a summary, the headline\n"
    "forecast table, a table of contents, the items in order, and provenance (scalecast's\n"
    "version, the date, the commands, every input and embedded file with its SHA-256). The page\n"
    "runs only its own script (Content-Security-Policy); all text is escaped.\n"
    "  --summary TEXT      a paragraph under the title\n"
    "  --forecast FILE     headline rows from forecast JSON ({\"forecasts\": [...]}) or from\n"
    "                      backtest --json (each benchmark's best law at its largest held-out run)\n"
    "  --heading TEXT      a section heading (listed in the contents)\n"
    "  --subheading TEXT   a smaller heading (listed in the contents)\n"
    "  --text TEXT         a paragraph\n"
    "  --pre FILE          the contents of a text file, preformatted (e.g. a fit table)\n"
    "  --figure FILE       an .svg or .png figure; --caption TEXT right after it sets its caption;\n"
    "                      interactive when FILE.json (written with every figure) is beside it\n"
    "  --csv FILE          a CSV file shown as a sortable table\n"
    "  --input FILE        an input file listed with its SHA-256 in the provenance\n"
    "  --command TEXT      a command listed in the provenance (the report's own is added)\n"
    "The date is now, or SOURCE_DATE_EPOCH (seconds since 1970) when that is set.\n";

static int add_csv(sc_report *r, const char *path)
{
    sc_error err;
    sc_error_clear(&err);
    sc_table *t = NULL;
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK) return cli_report(&err);
    size_t nr = sc_table_nrows(t), nc = sc_table_ncols(t);
    const char **hdr = calloc(nc + 1, sizeof *hdr);
    const char **cells = calloc(nr * nc + 1, sizeof *cells);
    char *store = calloc(nr * nc + 1, 32);
    int rc = 0;
    if (!hdr || !cells || !store) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t j = 0; !rc && j < nc; j++) {
        hdr[j] = sc_table_colname(t, j);
        const double *num = sc_table_num(t, j);
        for (size_t i = 0; i < nr; i++) {
            if (num) {
                char *c = store + (i * nc + j) * 32;
                if (num[i] == num[i]) snprintf(c, 32, "%.4g", num[i]);
                cells[i * nc + j] = c;
            } else {
                cells[i * nc + j] = sc_table_text(t, j, i);
            }
        }
    }
    if (!rc && sc_report_table(r, NULL, hdr, nc, cells, nr) != SC_OK)
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    if (!rc && sc_report_input(r, path, &err) != SC_OK) rc = cli_report(&err);
    free(hdr);
    free(cells);
    free(store);
    sc_table_free(t);
    return rc;
}

static const cli_option cli_report_options_opts[] = {
    {"--help", "-h", 0},
    {"--title", NULL, CLI_VALUE},
    {"--heading", NULL, CLI_VALUE | CLI_REPEAT},
    {"--subheading", NULL, CLI_VALUE | CLI_REPEAT},
    {"--text", NULL, CLI_VALUE | CLI_REPEAT},
    {"--pre", NULL, CLI_VALUE | CLI_REPEAT},
    {"--figure", NULL, CLI_VALUE | CLI_REPEAT},
    {"--caption", NULL, CLI_VALUE | CLI_REPEAT},
    {"--csv", NULL, CLI_VALUE | CLI_REPEAT},
    {"--summary", NULL, CLI_VALUE | CLI_REPEAT},
    {"--forecast", NULL, CLI_VALUE | CLI_REPEAT},
    {"--input", NULL, CLI_VALUE | CLI_REPEAT},
    {"--command", NULL, CLI_VALUE | CLI_REPEAT},
    {NULL, NULL, 0}};

/* The report's own command line, shell-quoted, for the provenance. */
const cli_option_set cli_report_options = {"report", cli_report_options_opts};

/* Adds the figure waiting for a possible --caption. */
static int flush_figure(sc_report *r, const char **figure, const char *caption)
{
    if (!*figure) return 0;
    sc_error err;
    sc_error_clear(&err);
    int rc = sc_report_figure(r, *figure, caption, &err) != SC_OK ? cli_report(&err) : 0;
    *figure = NULL;
    return rc;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL, *title = "scalecast report", *v = NULL;
    /* First pass: help, the output file, the title and a well-formed command line; the items
     * are added in order in a second pass. */
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_report_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(report_usage, stdout);
            return SC_EXIT_OK;
        } else if (cli_opt(&a, "--title", &v)) {
            title = v;
        } else if (a.positional && !out) {
            out = a.positional;
        } else if (a.positional) {
            return cli_fail(SC_EXIT_USAGE, "report takes one OUT.html, got a second: \"%s\"",
                            a.positional);
        }
    }
    if (a.error) return a.error;
    if (!out) return cli_fail(SC_EXIT_USAGE, "report: no OUT.html given (see 'scalecast report --help')");
    int orc = cli_check_output(out);
    if (orc) return orc;
    sc_report *r = NULL;
    if (sc_report_new(title, &r) != SC_OK) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    sc_error err;
    sc_error_clear(&err);
    int rc = 0;
    const char *figure = NULL; /* a figure whose caption may follow */
    rc = cli_report_date(r);
    char *self = cli_command_line(argc, argv);
    if (!rc && (!self || sc_report_command(r, self) != SC_OK)) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    free(self);
    cli_args_init(&a, argc, argv, &cli_report_options);
    while (!rc && cli_args_next(&a)) {
        sc_status st = SC_OK;
        if (cli_opt(&a, "--caption", &v)) {
            if (!figure) rc = cli_fail(SC_EXIT_USAGE, "--caption must follow a --figure");
            else rc = flush_figure(r, &figure, v);
            continue;
        }
        if ((rc = flush_figure(r, &figure, NULL))) break;
        if (a.positional || cli_opt(&a, "--title", &v)) continue;
        if (cli_opt(&a, "--heading", &v)) st = sc_report_heading(r, 2, v);
        else if (cli_opt(&a, "--subheading", &v)) st = sc_report_heading(r, 3, v);
        else if (cli_opt(&a, "--text", &v)) st = sc_report_paragraph(r, v);
        else if (cli_opt(&a, "--summary", &v)) st = sc_report_summary(r, v);
        else if (cli_opt(&a, "--command", &v)) st = sc_report_command(r, v);
        else if (cli_opt(&a, "--forecast", &v)) {
            if ((rc = cli_not_folder(v)) == 0 && sc_report_forecast_file(r, v, &err) != SC_OK)
                rc = cli_report(&err);
        } else if (cli_opt(&a, "--input", &v)) {
            if ((rc = cli_not_folder(v)) == 0 && sc_report_input(r, v, &err) != SC_OK)
                rc = cli_report(&err);
        }
        else if (cli_opt(&a, "--pre", &v)) {
            if ((rc = cli_not_folder(v)) == 0 && sc_report_code_file(r, v, &err) != SC_OK)
                rc = cli_report(&err);
        } else if (cli_opt(&a, "--csv", &v)) {
            rc = add_csv(r, v);
        } else if (cli_opt(&a, "--figure", &v)) {
            figure = v;
        }
        if (!rc && st != SC_OK) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    if (!rc) rc = flush_figure(r, &figure, NULL);
    if (!rc && sc_report_save(r, out, &err) != SC_OK) rc = cli_report(&err);
    sc_report_free(r);
    return rc;
}
