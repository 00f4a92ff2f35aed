/* SPDX-License-Identifier: GPL-3.0-or-later
 * Pearson, Spearman and Kendall tau-b correlations, and summaries of a distribution of
 * per-sample correlations against the ideal point mass at +1 (Schaeffer et al. 2024, Sec. 4:
 * per-sample correlations between scores and compute, summarised per metric).
 *
 * Kendall tau-b (Kendall 1945):  tau_b = (n_c - n_d) / sqrt((n_0 - n_1)(n_0 - n_2)) with
 * n_0 = n(n-1)/2 pairs, n_1 / n_2 pairs tied in x / y. For large n it is computed in
 * O(n log n) after Knight (1966, JASA 61:436): sort by (x, y), count the ties, then count the
 * discordant pairs as the inversions of y in a merge sort; n_c - n_d = n_0 - n_1 - n_2 + n_3 -
 * 2 n_d, with n_3 the pairs tied in both. */
#include "methods/chain_internal.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int corr_ws_init(corr_ws *w, size_t n)
{
    memset(w, 0, sizeof *w);
    w->n = n;
    w->idx = sc_malloc_array(n, sizeof *w->idx);
    w->rank = sc_malloc_array(n, sizeof *w->rank);
    w->a = sc_malloc_array(2 * n, sizeof *w->a);
    w->b = sc_malloc_array(2 * n, sizeof *w->b);
    if (!w->idx || !w->rank || !w->a || !w->b) {
        corr_ws_free(w);
        return -1;
    }
    return 0;
}

void corr_ws_free(corr_ws *w)
{
    free(w->idx);
    free(w->rank);
    free(w->a);
    free(w->b);
    memset(w, 0, sizeof *w);
}

double corr_pearson(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    double mx = 0.0, my = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) return NAN;
        mx += x[i];
        my += y[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0.0, sxx = 0.0, syy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double dx = x[i] - mx, dy = y[i] - my;
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if (sxx == 0.0 || syy == 0.0) return NAN;
    double r = sxy / sqrt(sxx * syy);
    /* Rounding can push |r| a hair past 1. */
    if (r > 1.0) r = 1.0;
    if (r < -1.0) r = -1.0;
    return r;
}

/* Sorts idx[0..n) by v ascending: insertion sort for small n, GSL's index sort otherwise. */
static void sort_index(const double *v, size_t n, size_t *idx)
{
    if (n > 48) {
        gsl_sort_index(idx, v, 1, n);
        return;
    }
    for (size_t i = 0; i < n; i++) idx[i] = i;
    for (size_t i = 1; i < n; i++) {
        size_t k = idx[i];
        double key = v[k];
        size_t j = i;
        while (j > 0 && v[idx[j - 1]] > key) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = k;
    }
}

void corr_avg_ranks(const double *v, size_t n, double *rank, corr_ws *w)
{
    if (n <= 64) {
        /* Small n: count directly, rank_i = 1 + #{v_j < v_i} + (#{v_j = v_i} - 1) / 2, the
         * mean of the positions its ties occupy; branch-free, so it vectorises. */
        for (size_t i = 0; i < n; i++) {
            const double vi = v[i];
            long long below = 0, equal = 0;
            for (size_t j = 0; j < n; j++) {
                below += (long long)(v[j] < vi);
                equal += (long long)(v[j] == vi);
            }
            rank[i] = 1.0 + (double)below + 0.5 * (double)(equal - 1);
        }
        return;
    }
    size_t *idx = w->idx;
    sort_index(v, n, idx);
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && v[idx[j]] == v[idx[i]]) j++;
        /* Positions i..j-1 (0-based) share the mean rank ((i+1) + j) / 2. */
        double r = 0.5 * (double)(i + 1 + j);
        for (size_t k = i; k < j; k++) rank[idx[k]] = r;
        i = j;
    }
}

double corr_spearman_rx(const double *rx, const double *y, size_t n, corr_ws *w)
{
    if (n < 2) return NAN;
    for (size_t i = 0; i < n; i++)
        if (isnan(y[i])) return NAN;
    corr_avg_ranks(y, n, w->rank, w);
    return corr_pearson(rx, w->rank, n);
}

double corr_kendall_direct(const double *x, const double *y, size_t n)
{
    if (n < 2) return NAN;
    long long s = 0, tx = 0, ty = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i])) return NAN;
    }
    for (size_t i = 0; i + 1 < n; i++) {
        const double xi = x[i], yi = y[i];
        for (size_t j = i + 1; j < n; j++) {
            int dx = (x[j] > xi) - (x[j] < xi);
            int dy = (y[j] > yi) - (y[j] < yi);
            s += dx * dy;
            tx += dx == 0;
            ty += dy == 0;
        }
    }
    long long n0 = (long long)n * (long long)(n - 1) / 2;
    double d = (double)(n0 - tx) * (double)(n0 - ty);
    if (d <= 0.0) return NAN;
    return (double)s / sqrt(d);
}

double corr_kendall_xsorted(const double *y, size_t n)
{
    if (n < 2) return NAN;
    for (size_t i = 0; i < n; i++)
        if (isnan(y[i])) return NAN;
    /* x strictly increasing: every pair is ordered in x, so n_1 = 0 and the sign of each pair
     * is the sign of y_j - y_i. Branch-free counts vectorise. */
    long long s = 0, ty = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        const double yi = y[i];
        long long si = 0, ti = 0;
        for (size_t j = i + 1; j < n; j++) {
            si += (long long)(y[j] > yi) - (long long)(y[j] < yi);
            ti += (long long)(y[j] == yi);
        }
        s += si;
        ty += ti;
    }
    long long n0 = (long long)n * (long long)(n - 1) / 2;
    double d = (double)n0 * (double)(n0 - ty);
    if (d <= 0.0) return NAN;
    return (double)s / sqrt(d);
}

/* Merge sort of a[lo..hi) by (a, b) pairs kept together; counts nothing. */
static void msort_pairs(double *a, double *b, double *ta, double *tb, size_t n)
{
    if (n < 2) return;
    size_t h = n / 2;
    msort_pairs(a, b, ta, tb, h);
    msort_pairs(a + h, b + h, ta, tb, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (a[j] < a[i] || (a[j] == a[i] && b[j] < b[i])) {
            ta[k] = a[j];
            tb[k++] = b[j++];
        } else {
            ta[k] = a[i];
            tb[k++] = b[i++];
        }
    }
    while (i < h) {
        ta[k] = a[i];
        tb[k++] = b[i++];
    }
    while (j < n) {
        ta[k] = a[j];
        tb[k++] = b[j++];
    }
    memcpy(a, ta, n * sizeof *a);
    memcpy(b, tb, n * sizeof *b);
}

/* Merge sort of v, returning the number of strict inversions (i < j, v_i > v_j). */
static long long msort_inversions(double *v, double *t, size_t n)
{
    if (n < 2) return 0;
    size_t h = n / 2;
    long long inv = msort_inversions(v, t, h) + msort_inversions(v + h, t, n - h);
    size_t i = 0, j = h, k = 0;
    while (i < h && j < n) {
        if (v[j] < v[i]) {
            inv += (long long)(h - i);
            t[k++] = v[j++];
        } else {
            t[k++] = v[i++];
        }
    }
    while (i < h) t[k++] = v[i++];
    while (j < n) t[k++] = v[j++];
    memcpy(v, t, n * sizeof *v);
    return inv;
}

static long long tie_pairs_sorted(const double *v, size_t n)
{
    long long t = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i]) j++;
        long long c = (long long)(j - i);
        t += c * (c - 1) / 2;
        i = j;
    }
    return t;
}

double corr_kendall_knight(const double *x, const double *y, size_t n, corr_ws *w)
{
    if (n < 2) return NAN;
    double *a = w->a, *b = w->b, *ta = w->a + n, *tb = w->b + n;
    for (size_t i = 0; i < n; i++) {
        if (isnan(x[i]) || isnan(y[i])) return NAN;
        a[i] = x[i];
        b[i] = y[i];
    }
    msort_pairs(a, b, ta, tb, n);
    long long n1 = tie_pairs_sorted(a, n);
    long long n3 = 0;
    size_t i = 0;
    while (i < n) {
        size_t j = i + 1;
        while (j < n && a[j] == a[i] && b[j] == b[i]) j++;
        long long c = (long long)(j - i);
        n3 += c * (c - 1) / 2;
        i = j;
    }
    long long nd = msort_inversions(b, tb, n); /* b is now sorted */
    long long n2 = tie_pairs_sorted(b, n);
    long long n0 = (long long)n * (long long)(n - 1) / 2;
    double d = (double)(n0 - n1) * (double)(n0 - n2);
    if (d <= 0.0) return NAN;
    return (double)(n0 - n1 - n2 + n3 - 2 * nd) / sqrt(d);
}

const char *sc_corr_name(sc_corr_kind k)
{
    switch (k) {
    case SC_CORR_PEARSON: return "pearson";
    case SC_CORR_SPEARMAN: return "spearman";
    case SC_CORR_KENDALL: return "kendall";
    default: return "?";
    }
}

sc_status sc_corr(sc_corr_kind kind, const double *x, const double *y, size_t n, double *r)
{
    *r = NAN;
    if ((unsigned)kind >= SC_CORR_NKINDS) return SC_EINVAL;
    if (n < 2) return SC_OK;
    if (kind == SC_CORR_PEARSON) {
        *r = corr_pearson(x, y, n);
        return SC_OK;
    }
    if (kind == SC_CORR_KENDALL && n <= CORR_KENDALL_DIRECT_MAX) {
        *r = corr_kendall_direct(x, y, n);
        return SC_OK;
    }
    corr_ws w;
    if (corr_ws_init(&w, n)) return SC_ENOMEM;
    if (kind == SC_CORR_KENDALL) {
        *r = corr_kendall_knight(x, y, n, &w);
    } else {
        double *rx = sc_malloc_array(n, sizeof *rx);
        if (!rx) {
            corr_ws_free(&w);
            return SC_ENOMEM;
        }
        int bad = 0;
        for (size_t i = 0; i < n; i++) bad |= isnan(x[i]);
        if (!bad) {
            corr_avg_ranks(x, n, rx, &w);
            *r = corr_spearman_rx(rx, y, n, &w);
        }
        free(rx);
    }
    corr_ws_free(&w);
    return SC_OK;
}

/* A correlation within this distance of +1 counts as +1 (rounding in Pearson). */
#define IDEAL_TOL 1e-12

sc_status sc_corr_summarise(const double *r, size_t n, sc_corr_summary *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    out->mean = out->median = out->std = NAN;
    out->auc_ccdf = out->wasserstein1 = out->energy = out->ks = NAN;
    out->share_nan = n ? 0.0 : NAN;
    double *v = sc_malloc_array(n, sizeof *v);
    if (!v) return SC_ENOMEM;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(r[i])) out->nnan++;
        else v[m++] = r[i];
    }
    if (n) out->share_nan = (double)out->nnan / (double)n;
    if (m == 0) {
        free(v);
        return SC_OK;
    }
    gsl_sort(v, 1, m);
    out->mean = gsl_stats_mean(v, 1, m);
    out->median = gsl_stats_median_from_sorted_data(v, 1, m);
    out->std = m > 1 ? gsl_stats_sd_m(v, 1, m, out->mean) : NAN;
    /* Complementary ECDF area: int_{-1}^{1} P(R > t) dt = E[clamp(R, -1, 1)] + 1. */
    double area = 0.0, w1 = 0.0, below = 0.0, pair = 0.0;
    for (size_t k = 0; k < m; k++) {
        double c = v[k] < -1.0 ? -1.0 : (v[k] > 1.0 ? 1.0 : v[k]);
        area += c + 1.0;
        w1 += fabs(1.0 - v[k]);
        if (v[k] < 1.0 - IDEAL_TOL) below += 1.0;
        /* sum_{i<j} |v_j - v_i| over sorted v = sum_k v_k (2k - m - 1), k 1-based. */
        pair += v[k] * (2.0 * (double)(k + 1) - (double)m - 1.0);
    }
    double dm = (double)m;
    out->auc_ccdf = area / dm;
    out->wasserstein1 = w1 / dm;
    out->ks = below / dm;
    /* Energy distance (Szekely & Rizzo 2013) to the point mass at 1, as
     * scipy.stats.energy_distance: sqrt(2 E|R - 1| - E|R - R'| - E|1 - 1|), with the
     * expectations over the empirical distribution (pairs including i = j). */
    double e = 2.0 * out->wasserstein1 - 2.0 * pair / (dm * dm);
    out->energy = sqrt(e > 0.0 ? e : 0.0);
    free(v);
    return SC_OK;
}
