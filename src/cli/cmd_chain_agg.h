/* SPDX-License-Identifier: GPL-3.0-or-later
 * Printing the aggregate metric chain of `scalecast chain --aggregate`. */
#ifndef SC_CLI_CMD_CHAIN_AGG_H
#define SC_CLI_CMD_CHAIN_AGG_H

#include "scalecast.h"

#include <stddef.h>

/* Runs sc_chain_agg_run and prints a table or (json) the document; returns an exit code. */
int chain_aggregate(const char *const *files, size_t nfiles, const sc_chain_agg_opts *o, int json);

#endif
