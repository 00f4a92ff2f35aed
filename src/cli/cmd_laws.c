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

static const cli_option cli_laws_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {NULL, NULL, 0}};
const cli_option_set cli_laws_options = {"laws", cli_laws_options_opts};

int cmd_laws(int argc, char **argv)
{
    int json = 0;
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_laws_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs("usage: scalecast laws [--json]\n\n"
                  "Lists the laws 'scalecast fit --law' knows: name, formula, covariates, the\n"
                  "space residuals are measured in, and the fitted parameters.\n",
                  stdout);
            return SC_EXIT_OK;
        }
        if (cli_flag(&a, "--json")) json = 1;
        else return cli_fail(SC_EXIT_USAGE, "laws takes no argument, got \"%s\"", a.current);
    }
    if (a.error) return a.error;
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
