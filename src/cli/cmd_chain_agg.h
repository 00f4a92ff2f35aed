/* SPDX-License-Identifier: GPL-3.0-or-later
 * The aggregate metric chain of `scalecast chain --aggregate`. */
#ifndef SC_CLI_CMD_CHAIN_AGG_H
#define SC_CLI_CMD_CHAIN_AGG_H

#include <stddef.h>

typedef struct agg_opts {
    char **files;
    size_t nfiles;
    const char *x;       /* compute column, or NULL: flops / 6 params tokens / 6 tokens^2/tpr */
    double xscale;       /* multiplies the x column (1e9 for GFLOPs) */
    const char *metrics; /* stage templates with {task}, ":-1" for lower-is-better */
    int long_format;     /* pivot benchmark, metric_type, score first */
    int last;            /* one point per file: its last row */
    int within;          /* correlate within each file, average over files */
    int json;
} agg_opts;

int chain_aggregate(const agg_opts *o);

#endif
