/* SPDX-License-Identifier: GPL-3.0-or-later
 * Extrapolation error metrics of the backtests (Krajewski et al. 2025, Sec. 4: MRE, MAE, RMSE,
 * R^2 on the held-out runs). */
#include "core/internal.h"

#include <math.h>

sc_status sc_metrics_compute(const double *y, const double *yhat, size_t n, sc_metrics *m)
{
    if (y == NULL || yhat == NULL || m == NULL || n == 0) return SC_EINVAL;
    double sum_abs = 0.0, sum_rel = 0.0, sse = 0.0, mean = 0.0;
    int zero = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || !isfinite(yhat[i])) return SC_EINVAL;
        double e = yhat[i] - y[i];
        sum_abs += fabs(e);
        sse += e * e;
        if (y[i] == 0.0) zero = 1;
        else sum_rel += fabs(e) / fabs(y[i]);
        mean += y[i];
    }
    if (zero) return SC_EDOMAIN;
    mean /= (double)n;
    double sst = 0.0;
    for (size_t i = 0; i < n; i++) sst += (y[i] - mean) * (y[i] - mean);
    m->n = n;
    m->mre = 100.0 * sum_rel / (double)n;
    m->mae = sum_abs / (double)n;
    m->mse = sse / (double)n;
    m->rmse = sqrt(m->mse);
    m->r2 = (n >= 2 && sst > 0.0) ? 1.0 - sse / sst : NAN;
    return SC_OK;
}
