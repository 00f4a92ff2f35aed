/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark: the whole DCLM backtest of docs/direct-laws.md (seven benchmarks x five laws,
 * fit C <= 6e21 at tpr 20, two-stage on the dclm loss), without figures. Reports wall and
 * process CPU time, min and median over the repeats. Run from the project root.
 *   usage: bench_backtest [REPEATS]           (default 3) */
#include "bench_util.h"
#include "scalecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1 || reps > 100) reps = 3;
    sc_table *t = NULL;
    sc_error e;
    sc_error_clear(&e);
    double w0 = bench_wall();
    if (sc_runs_load("data/apple/metrics_dclm_data_mixture_subset.csv", 0, &t, NULL, &e) != SC_OK) {
        fprintf(stderr, "bench_backtest: %s (run from the project root)\n", e.message);
        return 1;
    }
    double load = bench_wall() - w0;
    double wall[100], cpu[100], mean_pl = 0;
    for (int r = 0; r < reps; r++) {
        sc_backtest_opts o;
        sc_backtest_opts_init(&o);
        o.cutoff = 6e21;
        o.tpr = 20;
        o.loss = "dclm:cross_entropy_loss";
        sc_backtest *bt = NULL;
        double a = bench_wall(), c = bench_cpu();
        if (sc_backtest_run(t, &o, &bt, &e) != SC_OK) {
            fprintf(stderr, "bench_backtest: %s\n", e.message);
            return 1;
        }
        wall[r] = bench_wall() - a;
        cpu[r] = bench_cpu() - c;
        mean_pl = bt->mean_mre_ok[0];
        sc_backtest_free(bt);
    }
    qsort(wall, (size_t)reps, sizeof *wall, bench_cmp_double);
    qsort(cpu, (size_t)reps, sizeof *cpu, bench_cmp_double);
    printf("DCLM backtest (7 benchmarks x 5 laws), %d repeats; loading the file %.3f s\n", reps,
           load);
    printf("  wall: min %.3f s, median %.3f s;  cpu: min %.3f s, median %.3f s;  "
           "powerlaw mean MRE %.4f%%\n",
           wall[0], wall[reps / 2], cpu[0], cpu[reps / 2], mean_pl);
    sc_table_free(t);
    return 0;
}
