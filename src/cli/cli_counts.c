/* SPDX-License-Identifier: GPL-3.0-or-later
 * The --columns option of the commands that read per-problem counts. */
#include "cli_counts.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>

int cli_counts_columns(const char *v, sc_counts_cols *cols, char **buf)
{
    free(*buf);
    *buf = cli_strdup(v);
    if (!*buf) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    memset(cols, 0, sizeof *cols);
    for (char *save = NULL, *tok = strtok_r(*buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq || eq == tok || !eq[1])
            return cli_fail(SC_EXIT_USAGE, "--columns: expected KEY=NAME, got \"%s\"", tok);
        *eq = '\0';
        const char *name = eq + 1, **slot = NULL;
        if (strcmp(tok, "problem") == 0) slot = &cols->problem;
        else if (strcmp(tok, "model") == 0) slot = &cols->model;
        else if (strcmp(tok, "size") == 0) slot = &cols->size;
        else if (strcmp(tok, "n") == 0) slot = &cols->n;
        else if (strcmp(tok, "c") == 0) slot = &cols->c;
        else if (strcmp(tok, "K") == 0) slot = &cols->K;
        else if (strcmp(tok, "r") == 0) slot = &cols->r;
        else if (strcmp(tok, "censored") == 0) slot = &cols->censored;
        else
            return cli_fail(SC_EXIT_USAGE, "--columns: unknown key \"%s\" (problem, model, size, n, "
                            "c, K, r or censored)", tok);
        *slot = name;
    }
    return 0;
}
