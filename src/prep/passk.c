/* SPDX-License-Identifier: GPL-3.0-or-later
 * Unbiased pass@k from n samples with c correct (Chen et al. 2021, Eq. 1). */
#include "core/internal.h"

#include <math.h>

sc_status sc_passk(size_t n, size_t c, size_t k, double *out, sc_error *err)
{
    if (n == 0) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "pass@k: n = 0 samples");
    if (k == 0) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "pass@k: k must be >= 1");
    if (c > n)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "pass@k: %zu correct out of %zu samples (correct > samples)", c, n);
    if (k > n)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "pass@%zu: k > n: pass@k needs at least k samples (n = %zu)", k, n);
    /* 1 - C(n-c, k) / C(n, k) = 1 - prod_{i=n-c+1}^{n} (1 - k / i). When n - c < k the product
     * contains the factor i = k, which is 0, and pass@k = 1 exactly. Otherwise every factor is in
     * (0, 1) and the product is summed in logs (log1p keeps small k / i accurate). */
    if (n - c < k) {
        *out = 1.0;
        return SC_OK;
    }
    double logq = 0.0;
    for (size_t i = n - c + 1; i <= n; i++) logq += log1p(-(double)k / (double)i);
    *out = -expm1(logq);
    return SC_OK;
}
