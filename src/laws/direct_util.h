/* SPDX-License-Identifier: GPL-3.0-or-later
 * Small numerical helpers shared by the direct-law descriptors (not installed). */
#ifndef SC_LAWS_DIRECT_UTIL_H
#define SC_LAWS_DIRECT_UTIL_H

#include <math.h>
#include <stddef.h>

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

#endif
