/* SPDX-License-Identifier: GPL-3.0-or-later
 * Correlation kernels shared by the metric-chain code and its tests. Not installed. */
#ifndef SC_METHODS_CHAIN_INTERNAL_H
#define SC_METHODS_CHAIN_INTERNAL_H

#include "core/internal.h"

/* Scratch space for one thread: sized once for n points. */
typedef struct corr_ws {
    size_t n;
    size_t *idx;
    double *rank;
    double *a, *b;
} corr_ws;

int corr_ws_init(corr_ws *w, size_t n); /* 0 or -1 (out of memory) */
void corr_ws_free(corr_ws *w);

/* Pearson of finite data (NaN otherwise or when a series is constant). */
double corr_pearson(const double *x, const double *y, size_t n);
/* Average ranks (1-based; ties share their mean rank) of v into rank; v must hold no NaN. */
void corr_avg_ranks(const double *v, size_t n, double *rank, corr_ws *w);
/* Spearman given the precomputed average ranks of x. */
double corr_spearman_rx(const double *rx, const double *y, size_t n, corr_ws *w);
/* Kendall tau-b: direct O(n^2) count, and Knight's O(n log n) merge-sort algorithm. */
double corr_kendall_direct(const double *x, const double *y, size_t n);
/* Kendall tau-b when x is strictly increasing (models in order of distinct compute). */
double corr_kendall_xsorted(const double *y, size_t n);
double corr_kendall_knight(const double *x, const double *y, size_t n, corr_ws *w);

/* Below this many points the direct count is faster than the merge sort. */
enum { CORR_KENDALL_DIRECT_MAX = 64 };

#endif
