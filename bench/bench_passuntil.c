/* SPDX-License-Identifier: GPL-3.0-or-later
 * PassUntil speed: the sampling schedule with in-process simulated draws (draws per second, the
 * driver's overhead per draw without process start-up), the task-law fit with its bootstrap, and
 * the emergence test. Prints min and median wall time over repeated runs.
 *   usage: build/bench_passuntil   (from the project root) */
#include "bench_util.h"
#include "scalecast.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define S 20
#define M 6
#define RUNS 7

static void report(const char *what, double *t, double per, const char *unit)
{
    qsort(t, RUNS, sizeof *t, bench_cmp_double);
    printf("%-46s min %.4f s  median %.4f s", what, t[0], t[RUNS / 2]);
    if (per > 0) printf("  (%.3g %s at the min)", per / t[0], unit);
    printf("\n");
}

int main(void)
{
    static char buf[S][8];
    const char *names[S];
    for (size_t s = 0; s < S; s++) {
        snprintf(buf[s], sizeof buf[s], "b%02zu", s);
        names[s] = buf[s];
    }
    const double N[M] = {1e7, 3e7, 1e8, 3e8, 1e9, 3e9};
    sc_pu_sim sim = {SC_PU_SIM_LAW, 1, {959.0}, {0.306}, {1.0}, 0.3, 0.02, 1};
    static sc_pu_est est[S * M], col[S];
    double t[RUNS], draws = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = bench_wall();
        draws = 0;
        for (size_t m = 0; m < M; m++) {
            if (sc_pu_sim_run(&sim, names, S, N[m], 2, 10000000, 0, 0.9, col, NULL) != SC_OK) return 1;
            for (size_t s = 0; s < S; s++) {
                est[s * M + m] = col[s];
                draws += (double)col[s].draws;
            }
        }
        t[run] = bench_wall() - t0;
    }
    printf("ladder: %d instances x %d sizes, r = 2, %.0f draws (p from 1e-3 to 0.3)\n", S, M, draws);
    report("schedule + simulated draws + estimates", t, draws, "draws/s");
    for (int run = 0; run < RUNS; run++) {
        double t0 = bench_wall();
        sc_pu_fit *fit = NULL;
        sc_pu_fit_opts o = {0.9, 1000, 1, 0};
        if (sc_pu_fit_task(N, M, est, S, &o, &fit, NULL) != SC_OK) return 1;
        sc_pu_fit_free(fit);
        t[run] = bench_wall() - t0;
    }
    report("task law, weighted LS + 1000 bootstrap", t, 0, "");
    for (int run = 0; run < RUNS; run++) {
        double t0 = bench_wall();
        sc_pu_emergence e;
        sc_pu_fit_opts o = {0.9, 1000, 1, 0};
        if (sc_pu_classify(N, M, est, S, &o, &e, NULL) != SC_OK) return 1;
        t[run] = bench_wall() - t0;
    }
    report("emergence test (two fits, 1000 bootstrap)", t, 0, "");
    return 0;
}
