/* SPDX-License-Identifier: GPL-3.0-or-later
 * Weighted linear least squares through GSL. */
#include "fit/fit_internal.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>

sc_status sc_linfit(const double *X, const double *y, const double *w, size_t n, size_t p,
                    double *beta, double *cov, double *chisq)
{
    if (X == NULL || y == NULL || beta == NULL || p == 0) return SC_EINVAL;
    if (n < p) return SC_ETOOFEW;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || (w != NULL && !(w[i] >= 0 && isfinite(w[i])))) return SC_EDOMAIN;
        for (size_t j = 0; j < p; j++)
            if (!isfinite(X[i * p + j])) return SC_EDOMAIN;
    }
    sc_gsl_quiet();
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(n, p);
    gsl_vector *b = gsl_vector_alloc(p);
    gsl_matrix *C = gsl_matrix_alloc(p, p);
    gsl_vector *wv = gsl_vector_alloc(n);
    sc_status st = SC_OK;
    if (ws == NULL || b == NULL || C == NULL || wv == NULL) {
        st = SC_ENOMEM;
        goto done;
    }
    for (size_t i = 0; i < n; i++) wv->data[i] = w != NULL ? w[i] : 1.0;
    gsl_matrix_const_view Xv = gsl_matrix_const_view_array(X, n, p);
    gsl_vector_const_view yv = gsl_vector_const_view_array(y, n);
    double chi = 0.0;
    /* gsl_multifit_wlinear: beta minimising sum w (y - X beta)^2, C = (X^T W X)^-1. */
    if (gsl_multifit_wlinear(&Xv.matrix, wv, &yv.vector, b, C, &chi, ws) != GSL_SUCCESS) {
        st = SC_ENUMERIC;
        goto done;
    }
    for (size_t j = 0; j < p; j++)
        if (!isfinite(b->data[j])) st = SC_ENUMERIC;
    if (st != SC_OK) goto done;
    memcpy(beta, b->data, p * sizeof(double));
    if (chisq != NULL) *chisq = chi;
    if (cov != NULL) {
        /* Scaled by the residual variance chisq / (n - p), as for the nonlinear fits; NaN when
         * there are no degrees of freedom left. */
        const double s2 = n > p ? chi / (double)(n - p) : NAN;
        for (size_t k = 0; k < p * p; k++) cov[k] = s2 * C->data[k];
    }
done:
    if (ws) gsl_multifit_linear_free(ws);
    if (b) gsl_vector_free(b);
    if (C) gsl_matrix_free(C);
    if (wv) gsl_vector_free(wv);
    return st;
}
