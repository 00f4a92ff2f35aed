/* SPDX-License-Identifier: GPL-3.0-or-later
 * Small numerical helpers shared by the direct-law descriptors (not installed). */
#ifndef SC_LAWS_DIRECT_UTIL_H
#define SC_LAWS_DIRECT_UTIL_H

#include "scalecast.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>

/* log(e^u + e^v) without overflow; also returns the weights e^(u-lse), e^(v-lse). */
static inline double sc_lse2(double u, double v, double *wu, double *wv)
{
    double m = u > v ? u : v;
    double eu = exp(u - m), ev = exp(v - m);
    double s = eu + ev;
    if (wu) *wu = eu / s;
    if (wv) *wv = ev / s;
    return m + log(s);
}

/* log(-log y) for y in (0, 1): the fit space of the direct laws (Krajewski et al. 2025, Eq. 2). */
static inline double sc_loglog(double y)
{
    return log(-log(y));
}

/* Domain of the laws in compute C fitted to chance-normalised accuracy Q' (powerlaw,
 * powerlaw-qmax): C > 0 and Q' in (0, 1), where log(-log Q') is defined. Reasons start with the
 * covariate's name so that a caller can point at the offending column. */
static inline sc_status sc_check_c_qnorm(const double *x, double y, char *why, size_t whysize)
{
    if (!(x[0] > 0.0) || !isfinite(x[0])) {
        snprintf(why, whysize, "C must be > 0 (got %g)", x[0]);
        return SC_EDOMAIN;
    }
    if (!(y > 0.0 && y < 1.0)) {
        snprintf(why, whysize, "normalised accuracy must lie in (0, 1) (got %g)", y);
        return SC_EDOMAIN;
    }
    return SC_OK;
}

#endif
