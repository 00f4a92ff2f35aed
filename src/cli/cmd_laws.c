/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast laws: lists the registered laws with their formulas and parameters. */
#include "cli.h"
#include "commands.h"

#include <string.h>

static const char *space_name(sc_space s)
{
    switch (s) {
    case SC_SPACE_LOG: return "log y";
    case SC_SPACE_LOGLOG: return "log(-log y)";
    default: return "y";
    }
}

int cmd_laws(int argc, char **argv)
{
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs("usage: scalecast laws [--json]\n\n"
                  "Lists the laws 'scalecast fit --law' knows: name, formula, covariates, the\n"
                  "space residuals are measured in, and the fitted parameters.\n",
                  stdout);
            return SC_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0) json = 1;
        else return cli_fail(SC_EXIT_USAGE, "unknown option \"%s\" (see 'scalecast laws --help')", argv[i]);
    }
    if (json) fputc('[', stdout);
    int first = 1;
    for (const sc_law *const *l = sc_laws(); *l; l++) {
        const sc_law *law = *l;
        if (json) {
            fputs(first ? "{\"name\":" : ",{\"name\":", stdout);
            cli_json_string(stdout, law->name);
            fputs(",\"formula\":", stdout);
            cli_json_string(stdout, law->formula);
            fputs(",\"space\":", stdout);
            cli_json_string(stdout, space_name(law->space));
            fputs(",\"covariates\":[", stdout);
            for (size_t k = 0; k < law->nx; k++) {
                if (k) fputc(',', stdout);
                cli_json_string(stdout, law->x_names ? law->x_names[k] : "x");
            }
            fputs("],\"parameters\":[", stdout);
            for (size_t k = 0; k < law->nparam; k++) {
                if (k) fputc(',', stdout);
                cli_json_string(stdout, law->param_names[k]);
            }
            fputs("]}", stdout);
        } else {
            printf("%-16s %s\n", law->name, law->formula);
            printf("%-16s covariates:", "");
            for (size_t k = 0; k < law->nx; k++) printf(" %s", law->x_names ? law->x_names[k] : "x");
            printf("; fitted on %s; parameters:", space_name(law->space));
            for (size_t k = 0; k < law->nparam; k++) printf(" %s", law->param_names[k]);
            putchar('\n');
        }
        first = 0;
    }
    if (json) fputs("]\n", stdout);
    return SC_EXIT_OK;
}
