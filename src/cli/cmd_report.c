/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast report: assembles one self-contained HTML file from outputs of other commands. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

static const char report_usage[] =
    "usage: scalecast report OUT.html [--title T] ITEM...\n"
    "\n"
    "Writes one self-contained HTML file (figures embedded, no external files) from items\n"
    "taken in order:\n"
    "  --heading TEXT      a section heading\n"
    "  --subheading TEXT   a smaller heading\n"
    "  --text TEXT         a paragraph\n"
    "  --pre FILE          the contents of a text file, preformatted (e.g. a fit table)\n"
    "  --figure FILE       an .svg or .png figure; --caption TEXT right after it sets its caption\n"
    "  --csv FILE          a CSV file shown as a table\n";

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
    free(hdr);
    free(cells);
    free(store);
    sc_table_free(t);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    const char *out = NULL, *title = "scalecast report";
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(report_usage, stdout);
            return SC_EXIT_OK;
        }
    }
    /* First pass: the output file and the title; items are added in a second pass. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--title") == 0 && i + 1 < argc) title = argv[++i];
        else if (argv[i][0] == '-' && i + 1 < argc) i++;
        else if (argv[i][0] == '-') return cli_fail(SC_EXIT_USAGE, "%s needs a value", argv[i]);
        else if (!out) out = argv[i];
        else return cli_fail(SC_EXIT_USAGE, "report takes one OUT.html, got a second: \"%s\"", argv[i]);
    }
    if (!out) return cli_fail(SC_EXIT_USAGE, "report: no OUT.html given (see 'scalecast report --help')");
    sc_report *r = NULL;
    if (sc_report_new(title, &r) != SC_OK) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    sc_error err;
    sc_error_clear(&err);
    int rc = 0;
    if (sc_report_heading(r, 1, title) != SC_OK) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (int i = 1; !rc && i < argc; i++) {
        const char *opt = argv[i];
        if (opt[0] != '-') continue;
        const char *val = argv[++i];
        sc_status st = SC_OK;
        if (strcmp(opt, "--title") == 0) continue;
        if (strcmp(opt, "--heading") == 0) st = sc_report_heading(r, 2, val);
        else if (strcmp(opt, "--subheading") == 0) st = sc_report_heading(r, 3, val);
        else if (strcmp(opt, "--text") == 0) st = sc_report_paragraph(r, val);
        else if (strcmp(opt, "--pre") == 0) {
            if ((rc = cli_not_folder(val)) == 0 && sc_report_code_file(r, val, &err) != SC_OK)
                rc = cli_report(&err);
        } else if (strcmp(opt, "--csv") == 0) {
            rc = add_csv(r, val);
        } else if (strcmp(opt, "--figure") == 0) {
            const char *caption = NULL;
            if (i + 2 < argc && strcmp(argv[i + 1], "--caption") == 0) {
                caption = argv[i + 2];
                i += 2;
            }
            if (sc_report_figure(r, val, caption, &err) != SC_OK) rc = cli_report(&err);
        } else if (strcmp(opt, "--caption") == 0) {
            rc = cli_fail(SC_EXIT_USAGE, "--caption must follow a --figure");
        } else {
            rc = cli_fail(SC_EXIT_USAGE, "unknown option \"%s\" (see 'scalecast report --help')", opt);
        }
        if (!rc && st != SC_OK) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    if (!rc && sc_report_save(r, out, &err) != SC_OK) rc = cli_report(&err);
    sc_report_free(r);
    return rc;
}
