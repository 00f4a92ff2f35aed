/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark: the nonlinear direct-law fits of the DCLM backtest, one benchmark at a time, on
 * one thread: powerlaw-qmax (Huber(1e-3) from its 150-start grid, tol 1e-12, as the backtest)
 * and BNSL (sc_bnsl_fit, 100 box draws), on the seven benchmarks of the paper, tpr 20 runs with
 * C <= 6e21 (chance-normalised Q' above chance + 0.05 for powerlaw-qmax, raw accuracy for
 * BNSL). Per benchmark and law: CPU time of the fit (minimum over the repeats), time per start,
 * loss, starts, starts carried to full convergence and how many of those reached the best
 * loss (within 1e-6 relative). Run from the project root.
 *   usage: bench_laws [REPEATS [BENCHMARK]]   (default 3, all seven benchmarks) */
#include "bench_util.h"
#include "scalecast.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const benches[] = {"arc_easy:acc_norm", "arc_challenge:acc_norm",
                                      "hellaswag:acc_norm", "piqa:acc_norm",
                                      "sciq:acc_norm",      "winogrande:acc",
                                      "mmlu:acc"};

/* Full-convergence statistics: the screening fields exist from the version that added them;
 * before it every start ran to the full tolerance. */
static void full_stats(const sc_fit *f, size_t *nfull, size_t *nbest_full)
{
#ifdef SC_SCREEN_ON
    *nfull = f->nconverged_full;
    *nbest_full = f->nbest_full;
#else
    *nfull = f->nstarts;
    *nbest_full = f->nbest;
#endif
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 3;
    if (reps < 1 || reps > 100) reps = 3;
    omp_set_num_threads(1);
    sc_table *t = NULL;
    sc_error e;
    sc_error_clear(&e);
    if (sc_runs_load("data/apple/metrics_dclm_data_mixture_subset.csv", 0, &t, NULL, &e) !=
        SC_OK) {
        fprintf(stderr, "bench_laws: %s (run from the project root)\n", e.message);
        return 1;
    }
    const size_t nr = sc_table_nrows(t);
    const double *C = sc_table_num(t, (size_t)sc_table_find(t, "C"));
    const double *T = sc_table_num(t, (size_t)sc_table_find(t, "tpr"));
    double *x = malloc(nr * sizeof *x), *y = malloc(nr * sizeof *y), *qn = malloc(nr * sizeof *qn);
    double *xq = malloc(nr * sizeof *xq);
    if (!x || !y || !qn || !xq) return 1;
    printf("%-24s %-14s %4s %9s %10s %8s %6s %5s %10s %14s\n", "benchmark", "law", "n", "cpu s",
           "us/start", "starts", "full", "best", "best/full", "loss");
    double tot[2] = {0, 0};
    size_t totst[2] = {0, 0}, totfull[2] = {0, 0}, totbest[2] = {0, 0};
    for (size_t b = 0; b < sizeof benches / sizeof benches[0]; b++) {
        if (argc > 2 && strcmp(argv[2], benches[b]) != 0) continue;
        const double *Q = sc_table_num(t, (size_t)sc_table_find(t, benches[b]));
        double q0 = 0.25;
        if (sc_chance_level(benches[b], &q0) != SC_OK) return 1;
        size_t n = 0, m = 0;
        for (size_t i = 0; i < nr; i++)
            if (T[i] == 20.0 && C[i] <= 6e21 && !isnan(Q[i])) {
                x[n] = C[i];
                y[n++] = Q[i];
                if (Q[i] > q0 + 0.05 && Q[i] < 1.0) {
                    xq[m] = C[i];
                    qn[m++] = sc_chance_normalise(Q[i], q0);
                }
            }
        for (int law = 0; law < 2; law++) {
            double best_cpu = INFINITY, loss = NAN;
            size_t ns = 0, nfull = 0, nbf = 0, np = law == 0 ? m : n;
            if (np < 6) continue;
            for (int r = 0; r < reps; r++) {
                sc_fit *f = NULL;
                double c0 = bench_cpu();
                sc_status st;
                if (law == 0) {
                    sc_fit_opts o;
                    sc_fit_opts_init(&o);
                    o.loss = SC_LOSS_HUBER;
                    o.huber_delta = 1e-3;
                    o.tol = 1e-12;
                    o.max_iter = 20000;
                    o.threads = 1;
#ifdef SC_SCREEN_ON
                    o.screen = SC_SCREEN_ON;
#endif
                    st = sc_fit_run(&sc_law_powerlaw_qmax, xq, qn, m, &o, &f, &e);
                } else {
                    st = sc_bnsl_fit(x, y, n, 100, 1, 1, &f, &e);
                }
                double c = bench_cpu() - c0;
                if (st != SC_OK) {
                    fprintf(stderr, "bench_laws: %s: %s\n", benches[b], e.message);
                    return 1;
                }
                if (c < best_cpu) best_cpu = c;
                loss = f->loss;
                ns = f->nstarts;
                full_stats(f, &nfull, &nbf);
                sc_fit_free(f);
            }
            tot[law] += best_cpu;
            totst[law] += ns;
            totfull[law] += nfull;
            totbest[law] += nbf;
            printf("%-24s %-14s %4zu %9.4f %10.1f %8zu %6zu %5zu %9.1f%% %14.8e\n", benches[b],
                   law == 0 ? "powerlaw-qmax" : "bnsl", np, best_cpu, 1e6 * best_cpu / (double)ns,
                   ns, nfull, nbf, 100.0 * (double)nbf / (double)nfull, loss);
        }
    }
    for (int law = 0; law < 2; law++)
        printf("%-24s %-14s %4s %9.4f %10.1f %8zu %6zu %5zu %9.1f%%\n", "total",
               law == 0 ? "powerlaw-qmax" : "bnsl", "", tot[law],
               1e6 * tot[law] / (double)totst[law], totst[law], totfull[law], totbest[law],
               100.0 * (double)totbest[law] / (double)totfull[law]);
    free(x);
    free(y);
    free(qn);
    free(xq);
    sc_table_free(t);
    return 0;
}
