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
    /* 1 - C(n-c, k) / C(n, k) has two product forms:
     *   C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i)        (c factors)
     *                       = prod_{i=0}^{k-1} (1 - c / (n - i))     (k factors)
     * and the shorter one (min(c, k) factors) is used. When n - c < k the first contains the
     * factor i = k and the second the factor i = n - c, both 0: pass@k = 1 exactly. Otherwise
     * every factor is in (0, 1] and the product is summed in logs (log1p keeps small ratios
     * accurate); c = 0 gives the empty product and pass@k = 0. */
    if (n - c < k) {
        *out = 1.0;
        return SC_OK;
    }
    double logq = 0.0;
    if (c <= k)
        for (size_t i = n - c + 1; i <= n; i++) logq += log1p(-(double)k / (double)i);
    else
        for (size_t i = 0; i < k; i++) logq += log1p(-(double)c / (double)(n - i));
    *out = -expm1(logq);
    return SC_OK;
}
