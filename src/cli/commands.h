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

#endif
