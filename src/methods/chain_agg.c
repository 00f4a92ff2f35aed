/* SPDX-License-Identifier: GPL-3.0-or-later
 * The aggregate metric chain (Schaeffer et al. 2024): how the per-model means of each metric
 * correlate with compute. */
#include "scalecast.h"

#include <stdlib.h>

sc_status sc_chain_result_aggregate(const sc_chain_result *res, const double *log10c, double *r)
{
    int sign[SC_CHAIN_NMETRICS];
    for (size_t q = 0; q < SC_CHAIN_NMETRICS; q++) sign[q] = sc_chain_metric_sign((sc_chain_metric)q);
    return sc_chain_aggregate(log10c, res->model_mean, res->nmodels, SC_CHAIN_NMETRICS, sign, r);
}
