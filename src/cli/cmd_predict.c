/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast predict: evaluate a fitted law (the JSON of `scalecast fit --json`) at new points,
 * e.g. the accuracy a direct law predicts at a larger compute budget. */
#include "cli.h"
#include "commands.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[] =
    "usage: scalecast predict FIT.json --at X[,X...] [--chance Q0] [--json]\n"
    "\n"
    "Evaluates the law fitted by 'scalecast fit --json' at new points and prints one line per\n"
    "point: the covariates and the predicted value (observation scale).\n"
    "\n"
    "options:\n"
    "  --at LIST      comma-separated points; a law with two covariates (N and D) takes N:D\n"
    "  --chance Q0    for the direct laws fitted to chance-normalised accuracy Q': report\n"
    "                 Q = Q0 + (1 - Q0) Q' (Krajewski et al. 2025, Eq. 2)\n"
    "  --json         machine-readable output\n"
    "  -o, --output FILE  write to FILE instead of standard output\n"
    "\n"
    "exit codes: 0 ok, 2 bad option or point, 3 malformed or unknown fit file, 4 unreadable\n";

#define MAX_AT 256

static const cli_option cli_predict_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--at", NULL, CLI_VALUE},
    {"--chance", NULL, CLI_VALUE},
    {"--output", "-o", CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_predict_options = {"predict", cli_predict_options_opts};

int cmd_predict(int argc, char **argv)
{
    const char *path = NULL, *at = NULL, *out_path = "-", *v = NULL;
    double chance = NAN;
    int json = 0, rc = 0;
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_predict_options);
    while (rc == 0 && cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--json")) json = 1;
        else if (cli_opt(&a, "--at", &v)) at = v;
        else if (cli_opt(&a, "--chance", &v)) rc = a.error ? a.error : cli_parse_double("--chance", v, &chance);
        else if (cli_opt(&a, "--output", &v) || cli_opt(&a, "-o", &v)) out_path = v;
        else if (a.positional) {
            if (path) rc = cli_fail(SC_EXIT_USAGE, "predict takes one FIT.json argument");
            path = a.positional;
        } else rc = cli_args_unknown(&a);
    }
    if (rc == 0 && a.error) rc = a.error;
    if (rc) return rc;
    if (!path) return cli_fail(SC_EXIT_USAGE, "predict needs a FIT.json file (see 'scalecast predict --help')");
    if (!at) return cli_fail(SC_EXIT_USAGE, "predict needs --at");
    if (!isnan(chance) && !(chance >= 0.0 && chance < 1.0))
        return cli_fail(SC_EXIT_USAGE, "--chance must lie in [0, 1) (got %g)", chance);

    json_error_t jerr;
    if ((rc = cli_not_folder(path))) return rc;
    json_t *root = cli_json_load_file(path, 0, &jerr);
    if (!root) {
        FILE *f = fopen(path, "re");
        if (!f) return cli_fail(SC_EXIT_IO, "%s: cannot read", path);
        fclose(f);
        return cli_fail(SC_EXIT_DATA, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    }
    const char *lname = json_string_value(json_object_get(root, "law"));
    const sc_law *law = lname ? sc_law_find(lname) : NULL;
    json_t *theta_obj = json_object_get(root, "theta");
    double theta[16];
    if (!lname || !json_is_object(theta_obj)) rc = cli_fail(SC_EXIT_DATA, "%s: not a fit file: no \"law\" and \"theta\"", path);
    else if (!law) rc = cli_fail(SC_EXIT_DATA, "%s: unknown law \"%s\"", path, lname);
    else if (law->nparam > 16) rc = cli_fail(SC_EXIT_INTERNAL, "law %s has too many parameters", lname);
    for (size_t k = 0; rc == 0 && k < law->nparam; k++) {
        json_t *t = json_object_get(theta_obj, law->param_names[k]);
        if (!json_is_number(t)) rc = cli_fail(SC_EXIT_DATA, "%s: theta has no number \"%s\"", path, law->param_names[k]);
        else theta[k] = json_number_value(t);
    }
    if (rc == 0) rc = cli_fit_params_agree(path, law, theta, root);
    if (rc == 0 && !isnan(chance) && law->space != SC_SPACE_LOGLOG)
        rc = cli_fail(SC_EXIT_USAGE, "--chance applies to laws fitted to log(-log Q'), not to %s", law->name);
    /* Points. */
    double x[MAX_AT * 2];
    size_t m = 0;
    char *buf = rc == 0 ? cli_strdup(at) : NULL;
    if (rc == 0 && !buf) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    size_t alen = strlen(at);
    if (rc == 0 && (alen == 0 || at[0] == ',' || at[alen - 1] == ',' || strstr(at, ",,")))
        rc = cli_fail(SC_EXIT_USAGE, "--at: an empty point in \"%s\"", at);
    for (char *tok = buf ? strtok(buf, ",") : NULL; rc == 0 && tok; tok = strtok(NULL, ",")) {
        if (m >= MAX_AT) {
            rc = cli_fail(SC_EXIT_USAGE, "--at: at most %d points", MAX_AT);
            break;
        }
        char *colon = strchr(tok, ':');
        if ((law->nx == 2) != (colon != NULL)) {
            rc = cli_fail(SC_EXIT_USAGE, "--at: law %s takes %s points, got \"%s\"", law->name,
                          law->nx == 2 ? "N:D" : "single", tok);
            break;
        }
        if (colon) *colon = '\0';
        rc = cli_parse_double("--at", tok, &x[m * law->nx]);
        if (rc == 0 && colon) rc = cli_parse_double("--at", colon + 1, &x[m * law->nx + 1]);
        for (size_t k = 0; rc == 0 && k < law->nx; k++)
            if (!isfinite(x[m * law->nx + k]))
                rc = cli_fail(SC_EXIT_USAGE, "--at \"%s\": expected finite numbers", tok);
        if (rc == 0 && law->check) {
            char why[96];
            if (law->check(&x[m * law->nx], 0.5, why, sizeof why) != SC_OK)
                rc = cli_fail(SC_EXIT_USAGE, "--at \"%s\": %s", tok, why);
        }
        m++;
    }
    free(buf);
    double y[MAX_AT];
    if (rc == 0) {
        sc_law_predict(law, theta, x, m, y);
        if (!isnan(chance))
            for (size_t i = 0; i < m; i++) y[i] = chance + (1.0 - chance) * y[i];
        for (size_t i = 0; i < m && rc == 0; i++)
            if (!isfinite(y[i]))
                rc = cli_fail(SC_EXIT_NUMERIC,
                              "the prediction at point %zu of --at is not finite (the fitted law "
                              "overflows there)", i + 1);
    }
    if (rc == 0) {
        cli_out out;
        rc = cli_out_open(&out, out_path);
        if (rc == 0) {
            FILE *f = out.f;
            if (json) {
                fputs("{\"law\": ", f);
                cli_json_string(f, law->name);
                fputs(", \"chance\": ", f);
                cli_json_number(f, chance);
                fputs(", \"predictions\": [", f);
                for (size_t i = 0; i < m; i++) {
                    fputs(i ? ", {" : "{", f);
                    for (size_t k = 0; k < law->nx; k++) {
                        cli_json_string(f, law->x_names[k]);
                        fputs(": ", f);
                        cli_json_number(f, x[i * law->nx + k]);
                        fputs(", ", f);
                    }
                    fputs("\"y\": ", f);
                    cli_json_number(f, y[i]);
                    fputc('}', f);
                }
                fputs("]}\n", f);
            } else {
                for (size_t k = 0; k < law->nx; k++) fprintf(f, "%-14s", law->x_names[k]);
                fputs("predicted\n", f);
                for (size_t i = 0; i < m; i++) {
                    for (size_t k = 0; k < law->nx; k++) fprintf(f, "%-14.6g", x[i * law->nx + k]);
                    fprintf(f, "%.6g\n", y[i]);
                }
            }
            rc = cli_out_commit(&out);
        }
    }
    json_decref(root);
    return rc;
}
