/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast chain --aggregate: prints the aggregate metric chain the library computes
 * (sc_chain_agg_run): for each task, the correlation of each stage of the chain with log10 C
 * across runs (or across the checkpoints of each run). */
#include "cli.h"
#include "commands.h"
#include "cmd_chain_agg.h"

#include <stdio.h>

int chain_aggregate(const char *const *files, size_t nfiles, const sc_chain_agg_opts *o, int json)
{
    sc_error err;
    sc_error_clear(&err);
    sc_chain_agg *a = NULL;
    if (sc_chain_agg_run(files, nfiles, o, &a, &err) != SC_OK) {
        /* A malformed stage list is the --metrics option's fault. */
        if (err.code == SC_EINVAL) return cli_fail(SC_EXIT_USAGE, "--metrics: %s", err.message);
        return cli_report(&err);
    }
    int rc = 0;
    const size_t NS = a->nstages, NK = SC_CORR_NKINDS;
    if (json) {
        if (sc_chain_agg_doc_write(a, stdout, &err) != SC_OK) rc = cli_report(&err);
    } else {
        printf("aggregate chain: correlation with log10 C %s (sign * metric; +1 ideal)\n",
               a->mode == SC_CHAIN_AGG_WITHIN ? "across the checkpoints of each run, mean over runs"
               : a->mode == SC_CHAIN_AGG_LAST ? "across the runs' final checkpoints"
                                              : "across runs");
        printf("%-34s %5s", "task", "n");
        for (size_t s = 0; s < NS; s++) {
            char h[80];
            snprintf(h, sizeof h, "%s%s", a->sign[s] < 0 ? "-" : "", a->label[s]);
            printf(" %22.22s", h);
        }
        printf("\n%-34s %5s", "", "");
        for (size_t s = 0; s < NS; s++) printf(" %6s %7s %7s", "P", "S", "K");
        printf("\n");
        for (size_t k = 0; k < a->ntasks; k++) {
            const double *r = a->r + k * NS * NK;
            printf("%-34.34s %5zu", a->task[k], a->n[k]);
            for (size_t s = 0; s < NS; s++)
                printf(" %6.3f %7.3f %7.3f", r[s * NK], r[s * NK + 1], r[s * NK + 2]);
            printf("\n");
        }
        printf("%-34s %5zu", "mean over tasks", a->ntasks);
        for (size_t s = 0; s < NS; s++)
            printf(" %6.3f %7.3f %7.3f", a->mean[s][0], a->mean[s][1], a->mean[s][2]);
        printf("\n");
    }
    if (!rc && fflush(stdout) != 0) rc = cli_fail(SC_EXIT_IO, "cannot write to standard output");
    sc_chain_agg_free(a);
    return rc;
}
