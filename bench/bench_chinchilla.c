/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark: the Chinchilla Approach-3 fit on the Epoch AI extraction (data/chinchilla-epoch):
 * the full 4500-start Huber grid, and a 4000-replicate bootstrap with one start each from the
 * best fit. Run from the project root; OMP_NUM_THREADS sets the threads.
 *   usage: bench_chinchilla [REPEATS]           (default 5) */
#include "bench_util.h"
#include "scalecast.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAXPTS 400

/* Reads (N, C, L) from the shipped CSV: columns "Model Size", "Training FLOP", "loss". */
static size_t load(const char *path, double *N, double *C, double *L)
{
    sc_table *t = NULL;
    sc_error err;
    size_t jN, jC, jL;
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK ||
        sc_table_require_num(t, "Model Size", &jN, &err) != SC_OK ||
        sc_table_require_num(t, "Training FLOP", &jC, &err) != SC_OK ||
        sc_table_require_num(t, "loss", &jL, &err) != SC_OK) {
        sc_table_free(t);
        return 0;
    }
    size_t n = sc_table_nrows(t);
    if (n > MAXPTS) n = MAXPTS;
    memcpy(N, sc_table_num(t, jN), n * sizeof(double));
    memcpy(C, sc_table_num(t, jC), n * sizeof(double));
    memcpy(L, sc_table_num(t, jL), n * sizeof(double));
    sc_table_free(t);
    return n;
}

/* Reports wall time and the CPU time of the whole process (all threads): on a shared machine
 * the second shows the work done when the first is inflated by other load. */
int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1) reps = 1;
    static double N[MAXPTS], C[MAXPTS], L[MAXPTS], X[2 * MAXPTS], Y[MAXPTS];
    size_t n0 = load("data/chinchilla-epoch/svg_extracted_data.csv", N, C, L);
    if (n0 < 10) {
        fprintf(stderr, "bench_chinchilla: cannot read data/chinchilla-epoch (run from the root)\n");
        return 1;
    }
    /* The replication's recipe: D = C / (6 N); drop the 5 highest losses. */
    double sorted[MAXPTS];
    memcpy(sorted, L, n0 * sizeof(double));
    qsort(sorted, n0, sizeof(double), bench_cmp_double);
    double cut = sorted[n0 - 5];
    size_t n = 0;
    for (size_t i = 0; i < n0; i++) {
        if (L[i] >= cut) continue;
        X[2 * n] = N[i];
        X[2 * n + 1] = C[i] / (6.0 * N[i]);
        Y[n] = L[i];
        n++;
    }
    const sc_law *law = sc_law_find("chinchilla");
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 1e-3;
    printf("chinchilla: %zu points, %d threads, %d repeats\n", n, omp_get_max_threads(), reps);

    double *tf = calloc((size_t)reps, sizeof(double)), *tb = calloc((size_t)reps, sizeof(double));
    double *cf = calloc((size_t)reps, sizeof(double)), *cb = calloc((size_t)reps, sizeof(double));
    sc_fit *fit = NULL;
    for (int r = 0; r < reps; r++) {
        sc_fit_free(fit);
        fit = NULL;
        sc_error err;
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_fit_run(law, X, Y, n, &o, &fit, &err) != SC_OK) {
            fprintf(stderr, "fit failed: %s\n", err.message);
            return 1;
        }
        tf[r] = bench_wall() - t0;
        cf[r] = bench_cpu() - c0;
    }
    double sh[5];
    law->natural(fit->theta, sh);
    printf("fit: huber %.10e A %.4f B %.4f E %.6f alpha %.6f beta %.6f\n", fit->loss, sh[0],
           sh[1], sh[2], sh[3], sh[4]);
    printf("fit: starts %zu nbest %zu failed %zu iterations %zu reason \"%s\" inside %.4f\n",
           fit->nstarts, fit->nbest, fit->nfailed, fit->iterations, fit->reason,
           fit->inside_share);
    for (size_t k = 0; k < fit->nfailed && k < 3; k++)
        printf("  failure: start %zu: %s\n", fit->failures[k].start, fit->failures[k].reason);

    sc_fit_opts bo = o;
    bo.starts = fit->theta;
    bo.nstarts = 1;
    bo.no_covariance = 1;
    sc_boot *boot = NULL;
    for (int r = 0; r < reps; r++) {
        sc_boot_free(boot);
        boot = NULL;
        sc_error err;
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_bootstrap(law, X, Y, n, NULL, 4000, 42, &bo, &boot, &err) != SC_OK) {
            fprintf(stderr, "bootstrap failed: %s\n", err.message);
            return 1;
        }
        tb[r] = bench_wall() - t0;
        cb[r] = bench_cpu() - c0;
    }
    double alo, ahi, blo, bhi;
    if (sc_boot_param_interval(boot, 3, 0.8, &alo, &ahi) != SC_OK ||
        sc_boot_param_interval(boot, 4, 0.8, &blo, &bhi) != SC_OK)
        return 1;
    printf("bootstrap: B 4000 seed 42 failed %zu; 80%% alpha %.4f-%.4f beta %.4f-%.4f\n",
           boot->nfailed, alo, ahi, blo, bhi);
    qsort(tf, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(tb, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(cf, (size_t)reps, sizeof(double), bench_cmp_double);
    qsort(cb, (size_t)reps, sizeof(double), bench_cmp_double);
    printf("fit 4500 starts: wall min %.3f s median %.3f s; cpu min %.3f s median %.3f s\n",
           tf[0], tf[reps / 2], cf[0], cf[reps / 2]);
    printf("bootstrap 4000:  wall min %.3f s median %.3f s; cpu min %.3f s median %.3f s\n",
           tb[0], tb[reps / 2], cb[0], cb[reps / 2]);
    sc_boot_free(boot);
    sc_fit_free(fit);
    free(tf);
    free(tb);
    free(cf);
    free(cb);
    return 0;
}
