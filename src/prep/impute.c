/* SPDX-License-Identifier: GPL-3.0-or-later
 * Iterative low-rank PCA imputation of a benchmark matrix (Ruan et al. 2024, Appendix on
 * missing values: standardise, mean-fill, repeatedly replace the missing cells by their rank-r
 * PCA reconstruction). The components are fitted on the training rows only; test rows are
 * filled with the final training components, so no test information reaches the training set.
 *
 * Stopping rule: the largest change of a missing cell between two rounds, in standardised
 * units, is below tol. (Comparing the whole matrix with its reconstruction, observed cells
 * included, would never stop for rank < p; this rule measures what is being iterated.) */
#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sc_impute_opts_init(sc_impute_opts *opts)
{
    if (opts == NULL) return;
    opts->rank = 1;
    opts->tol = 1e-4;
    opts->max_rounds = 1000;
    opts->lo = 0.0;
    opts->hi = 1.0;
}

/* Replaces the missing cells of z (m x p, standardised) by mean + (z - mean) V V^T with the
 * pca's mean and components; returns the largest change of a missing cell. */
static double reconstruct(const sc_pca *pca, double *z, const unsigned char *miss, size_t m,
                          size_t p, double *scores)
{
    double change = 0.0;
    sc_pca_transform(pca, z, m, scores);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < p; j++) {
            if (!miss[i * p + j]) continue;
            double v = pca->mean[j];
            for (size_t a = 0; a < pca->k; a++)
                v += scores[i * pca->k + a] * pca->components[a * p + j];
            double d = fabs(v - z[i * p + j]);
            if (d > change) change = d;
            z[i * p + j] = v;
        }
    return change;
}

static void finish(double *x, const double *z, size_t m, size_t p, const double *mu,
                   const double *sd, double lo, double hi)
{
    int clip = lo <= hi;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < p; j++) {
            if (!isnan(x[i * p + j])) continue;
            double v = z[i * p + j] * sd[j] + mu[j];
            if (clip) v = v < lo ? lo : (v > hi ? hi : v);
            x[i * p + j] = v;
        }
}

sc_status sc_impute_pca(double *train, size_t ntrain, double *test, size_t ntest, size_t p,
                        const sc_impute_opts *opts, sc_impute_info *info, sc_error *err)
{
    sc_impute_opts o;
    sc_impute_opts_init(&o);
    if (opts) o = *opts;
    if (o.rank == 0) o.rank = 1;
    if (!(o.tol > 0.0)) o.tol = 1e-4;
    if (o.max_rounds == 0) o.max_rounds = 1000;
    sc_impute_info local;
    if (info == NULL) info = &local;
    memset(info, 0, sizeof *info);
    if (train == NULL || p == 0) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "imputation: no data");
    if (test == NULL) ntest = 0;
    if (ntrain < 2 || o.rank >= ntrain || o.rank >= p)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "imputation: rank %zu needs more than %zu training rows and metrics "
                       "(have %zu rows, %zu metrics)",
                       o.rank, o.rank, ntrain, p);

    size_t m = ntrain > ntest ? ntrain : ntest;
    double *mu = sc_calloc(p, sizeof(double)), *sd = sc_calloc(p, sizeof(double));
    double *z = sc_calloc(m * p, sizeof(double)), *scores = sc_calloc(m * o.rank, sizeof(double));
    unsigned char *miss = sc_calloc(m * p, 1);
    sc_pca *pca = NULL;
    sc_status st = SC_OK;
    if (!mu || !sd || !z || !scores || !miss) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* Observed training mean and population sd (the scaler of the recipe); sd 0 -> 1. */
    for (size_t j = 0; j < p; j++) {
        double s = 0.0, ss = 0.0;
        size_t c = 0;
        for (size_t i = 0; i < ntrain; i++) {
            double v = train[i * p + j];
            if (isnan(v)) continue;
            if (!isfinite(v)) {
                st = sc_fail(err, SC_EDOMAIN, NULL, i + 1, j + 1,
                             "imputation: training row %zu, metric %zu is infinite", i + 1, j + 1);
                goto done;
            }
            s += v;
            c++;
        }
        if (c == 0) {
            st = sc_fail(err, SC_EEMPTY, NULL, 0, j + 1,
                         "imputation: metric %zu has no observed value among the %zu training "
                         "models",
                         j + 1, ntrain);
            goto done;
        }
        mu[j] = s / (double)c;
        for (size_t i = 0; i < ntrain; i++) {
            double v = train[i * p + j];
            if (!isnan(v)) ss += (v - mu[j]) * (v - mu[j]);
        }
        sd[j] = sqrt(ss / (double)c);
        if (!(sd[j] > 0.0)) sd[j] = 1.0;
    }

    /* Training rows: standardise, mean-fill (0 in standardised units), iterate. */
    for (size_t i = 0; i < ntrain; i++)
        for (size_t j = 0; j < p; j++) {
            double v = train[i * p + j];
            miss[i * p + j] = (unsigned char)isnan(v);
            info->nmissing_train += isnan(v) ? 1u : 0u;
            z[i * p + j] = isnan(v) ? 0.0 : (v - mu[j]) / sd[j];
        }
    for (size_t round = 1; round <= o.max_rounds; round++) {
        sc_pca_free(pca);
        pca = NULL;
        st = sc_pca_fit(z, ntrain, p, o.rank, &pca, err);
        if (st != SC_OK) goto done;
        if (info->nmissing_train == 0) break; /* nothing to impute: keep the components */
        info->rounds_train = round;
        info->change_train = reconstruct(pca, z, miss, ntrain, p, scores);
        if (info->change_train < o.tol) {
            info->converged_train = 1;
            break;
        }
    }
    if (info->nmissing_train == 0) info->converged_train = 1;
    finish(train, z, ntrain, p, mu, sd, o.lo, o.hi);

    /* Test rows: same scaler, fixed training components (the PCA of the last round). */
    info->converged_test = 1; /* nothing to do unless a test cell is missing */
    if (ntest > 0) {
        for (size_t i = 0; i < ntest; i++)
            for (size_t j = 0; j < p; j++) {
                double v = test[i * p + j];
                miss[i * p + j] = (unsigned char)isnan(v);
                info->nmissing_test += isnan(v) ? 1u : 0u;
                z[i * p + j] = isnan(v) ? 0.0 : (v - mu[j]) / sd[j];
            }
        if (info->nmissing_test > 0) info->converged_test = 0;
        for (size_t round = 1; info->nmissing_test > 0 && round <= o.max_rounds; round++) {
            info->rounds_test = round;
            info->change_test = reconstruct(pca, z, miss, ntest, p, scores);
            if (info->change_test < o.tol) {
                info->converged_test = 1;
                break;
            }
        }
        finish(test, z, ntest, p, mu, sd, o.lo, o.hi);
    }
done:
    sc_pca_free(pca);
    free(mu);
    free(sd);
    free(z);
    free(scores);
    free(miss);
    return st;
}
