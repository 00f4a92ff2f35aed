/* SPDX-License-Identifier: GPL-3.0-or-later
 * The --columns option of the commands that read per-problem counts (passuntil, passk). */
#ifndef SC_CLI_COUNTS_H
#define SC_CLI_COUNTS_H

#include "scalecast.h"

/* Parses KEY=NAME,... (keys problem, model, size, n, c, K, r, censored) into cols, whose names
 * point into *buf (allocated here, freed by the caller; a previous *buf is freed). 0 or an exit
 * code (message printed). */
int cli_counts_columns(const char *v, sc_counts_cols *cols, char **buf);

#endif
