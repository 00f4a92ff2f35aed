/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark: the BNSL fit of the backtest (Krajewski et al. 2025, Eq. 1) on one benchmark,
 * HellaSwag acc_norm of the Apple DCLM runs at tpr 20 with C <= 6e21 (46 runs): 100 box draws
 * plus their variable-projection copies, least squares then Huber(1e-3) (sc_bnsl_fit).
 * Reports wall and process CPU time, min and median over the repeats. Run from the project
 * root; OMP_NUM_THREADS sets the threads.
 *   usage: bench_bnsl [REPEATS]           (default 5) */
#include "bench_util.h"
#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1 || reps > 100) reps = 5;
    sc_table *t = NULL;
    sc_error e;
    sc_error_clear(&e);
    if (sc_runs_load("data/apple/metrics_dclm_data_mixture_subset.csv", 0, &t, NULL, &e) != SC_OK) {
        fprintf(stderr, "bench_bnsl: %s (run from the project root)\n", e.message);
        return 1;
    }
    const double *C = sc_table_num(t, (size_t)sc_table_find(t, "C"));
    const double *T = sc_table_num(t, (size_t)sc_table_find(t, "tpr"));
    const double *Q = sc_table_num(t, (size_t)sc_table_find(t, "hellaswag:acc_norm"));
    double x[200], y[200];
    size_t n = 0;
    for (size_t i = 0; i < sc_table_nrows(t) && n < 200; i++)
        if (T[i] == 20.0 && C[i] <= 6e21 && !isnan(Q[i])) {
            x[n] = C[i];
            y[n++] = Q[i];
        }
    double wall[100], cpu[100], loss = NAN;
    for (int r = 0; r < reps; r++) {
        double w0 = bench_wall(), c0 = bench_cpu();
        sc_fit *f = NULL;
        if (sc_bnsl_fit(x, y, n, 100, 1, 0, &f, &e) != SC_OK) {
            fprintf(stderr, "bench_bnsl: %s\n", e.message);
            return 1;
        }
        wall[r] = bench_wall() - w0;
        cpu[r] = bench_cpu() - c0;
        loss = f->loss;
        sc_fit_free(f);
    }
    qsort(wall, (size_t)reps, sizeof *wall, bench_cmp_double);
    qsort(cpu, (size_t)reps, sizeof *cpu, bench_cmp_double);
    printf("bnsl fit, hellaswag:acc_norm, %zu runs, 100 draws (201 starts), %d repeats\n", n, reps);
    printf("  wall: min %.3f s, median %.3f s;  cpu: min %.3f s, median %.3f s;  loss %.6g\n",
           wall[0], wall[reps / 2], cpu[0], cpu[reps / 2], loss);
    sc_table_free(t);
    return 0;
}
