/* SPDX-License-Identifier: GPL-3.0-or-later
 * Principal component analysis, mean-centred and not standardised, as used for the capability
 * space of observational scaling laws (Ruan et al. 2024, Sec. 3.2: S = principal components of
 * the benchmark matrix B). */
#include "core/internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sc_pca_free(sc_pca *pca)
{
    if (pca == NULL) return;
    free(pca->mean);
    free(pca->components);
    free(pca->variance);
    free(pca->ratio);
    free(pca);
}

/* Thin SVD of the centred matrix A (rows x cols, rows >= cols): fills the cols right singular
 * vectors (columns of V) and the singular values, sorted by decreasing singular value. */
static sc_status svd_tall(gsl_matrix *A, gsl_matrix *V, gsl_vector *s)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_linalg_SV_decomp_jacobi(A, V, s);
    gsl_set_error_handler(old);
    if (rc != GSL_SUCCESS) return SC_ENUMERIC;
    /* One-sided Jacobi already orders them, but do not depend on it. */
    size_t c = s->size;
    for (size_t a = 0; a + 1 < c; a++) {
        size_t best = a;
        for (size_t b = a + 1; b < c; b++)
            if (gsl_vector_get(s, b) > gsl_vector_get(s, best)) best = b;
        if (best != a) {
            gsl_vector_swap_elements(s, a, best);
            gsl_matrix_swap_columns(V, a, best);
            gsl_matrix_swap_columns(A, a, best);
        }
    }
    return SC_OK;
}

sc_status sc_pca_fit(const double *X, size_t n, size_t p, size_t k, sc_pca **out, sc_error *err)
{
    if (out == NULL || X == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "PCA: no data");
    *out = NULL;
    if (k == 0 || k > p)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "PCA: %zu components asked for %zu metrics (need 1 to %zu)", k, p, p);
    if (n <= k)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "PCA: %zu training models for %zu components: need more models than "
                       "components",
                       n, k);
    for (size_t i = 0; i < n * p; i++)
        if (!isfinite(X[i]))
            return sc_fail(err, SC_EDOMAIN, NULL, i / p + 1, 0,
                           "PCA: row %zu, metric %zu is not a finite number (impute first)",
                           i / p + 1, i % p + 1);

    sc_pca *pca = sc_calloc(1, sizeof *pca);
    if (pca == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    pca->n = n;
    pca->p = p;
    pca->k = k;
    pca->nall = n - 1 < p ? n - 1 : p;
    pca->mean = sc_calloc(p, sizeof(double));
    pca->components = sc_calloc(k * p, sizeof(double));
    pca->variance = sc_calloc(pca->nall, sizeof(double));
    pca->ratio = sc_calloc(pca->nall, sizeof(double));
    int tall = n >= p;
    size_t r = tall ? n : p, c = tall ? p : n;
    gsl_matrix *A = gsl_matrix_alloc(r, c);
    gsl_matrix *V = gsl_matrix_alloc(c, c);
    gsl_vector *s = gsl_vector_alloc(c);
    sc_status st = SC_OK;
    if (!pca->mean || !pca->components || !pca->variance || !pca->ratio || !A || !V || !s) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        double m = 0.0;
        for (size_t i = 0; i < n; i++) m += X[i * p + j];
        pca->mean[j] = m / (double)n;
    }
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++) {
            double v = X[i * p + j] - pca->mean[j];
            total += v * v;
            if (tall)
                gsl_matrix_set(A, i, j, v);
            else
                gsl_matrix_set(A, j, i, v);
        }
    if (svd_tall(A, V, s) != SC_OK) {
        st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0, "PCA: the SVD did not converge");
        goto done;
    }
    /* Components: the right singular vectors of the centred X, i.e. the columns of V when X is
     * tall, the left singular vectors of X^T (now in A) when it is wide. */
    for (size_t a = 0; a < k; a++) {
        double *row = pca->components + a * p;
        for (size_t j = 0; j < p; j++) row[j] = tall ? gsl_matrix_get(V, j, a) : gsl_matrix_get(A, j, a);
        size_t big = 0;
        for (size_t j = 1; j < p; j++)
            if (fabs(row[j]) > fabs(row[big])) big = j;
        if (row[big] < 0.0)
            for (size_t j = 0; j < p; j++) row[j] = -row[j];
    }
    pca->total_variance = total / (double)(n - 1);
    for (size_t a = 0; a < pca->nall; a++) {
        double sv = gsl_vector_get(s, a);
        pca->variance[a] = sv * sv / (double)(n - 1);
        pca->ratio[a] = total > 0.0 ? sv * sv / total : 0.0;
    }
    if (!(total > 0.0)) {
        st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0, "PCA: every row is the same (no variance)");
        goto done;
    }
done:
    gsl_matrix_free(A);
    gsl_matrix_free(V);
    gsl_vector_free(s);
    if (st != SC_OK) {
        sc_pca_free(pca);
        return st;
    }
    *out = pca;
    return SC_OK;
}

void sc_pca_transform(const sc_pca *pca, const double *X, size_t m, double *S)
{
    for (size_t i = 0; i < m; i++)
        for (size_t a = 0; a < pca->k; a++) {
            double v = 0.0;
            for (size_t j = 0; j < pca->p; j++)
                v += (X[i * pca->p + j] - pca->mean[j]) * pca->components[a * pca->p + j];
            S[i * pca->k + a] = v;
        }
}
