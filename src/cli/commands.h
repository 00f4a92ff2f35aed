/* SPDX-License-Identifier: GPL-3.0-or-later
 * The commands of the tool, one file each (cmd_<name>.c). */
#ifndef SC_CLI_COMMANDS_H
#define SC_CLI_COMMANDS_H

int cmd_fit(int argc, char **argv);
int cmd_laws(int argc, char **argv);
int cmd_chain(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_obs(int argc, char **argv);
int cmd_passuntil(int argc, char **argv);
int cmd_passk(int argc, char **argv);
int cmd_backtest(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_forecast(int argc, char **argv);
int cmd_score(int argc, char **argv);

/* Each command's option table (cli.h), listed by `scalecast --list-options`. */
#include "cli.h"
extern const cli_option_set cli_forecast_options;
extern const cli_option_set cli_score_options;
extern const cli_option_set cli_fit_options;
extern const cli_option_set cli_laws_options;
extern const cli_option_set cli_predict_options;
extern const cli_option_set cli_backtest_options;
extern const cli_option_set cli_obs_options;
extern const cli_option_set cli_chain_options;
extern const cli_option_set cli_import_options;
extern const cli_option_set cli_passuntil_sample_options;
extern const cli_option_set cli_passuntil_estimate_options;
extern const cli_option_set cli_passuntil_fit_options;
extern const cli_option_set cli_passuntil_classify_options;
extern const cli_option_set cli_passuntil_draw_options;
extern const cli_option_set cli_passk_options;
extern const cli_option_set cli_report_options;

#endif
