/* SPDX-License-Identifier: GPL-3.0-or-later
 * Small numerical helpers shared by the direct-law descriptors (not installed). */
#ifndef SC_LAWS_DIRECT_UTIL_H
#define SC_LAWS_DIRECT_UTIL_H

#include "scalecast.h"

#include "core/internal.h"
#include "fit/fastmath.h"
#include "fit/fit_internal.h" /* SC_CHUNK */

#include <gsl/gsl_fit.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

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

/* Two-term log-sum-exp with the branch-free exp and log of fit/fastmath.h (vectorisable):
 * LSE(u, v) = max(u, v) + log(1 + e^-|u - v|), and the softmax weights. */
static inline double sc_lse2_fast(double u, double v, double *wu, double *wv)
{
    const double d = u - v, m = u > v ? u : v;
    double ad = d < 0 ? -d : d;
    ad = ad < 708.0 ? ad : 708.0;
    const double t = sc_fast_exp(-ad);
    const double big = 1.0 / (1.0 + t), small = t * big;
    *wu = d > 0 ? big : small;
    *wv = d > 0 ? small : big;
    return m + sc_fast_log(1.0 + t);
}

/* sc_lse2_fast over m <= SC_CHUNK points (u[i], v[i]), in loops of plain arithmetic and stored
 * selects that the compiler vectorises (in one loop it turns the clamp into a branch): the same
 * operations, so the same numbers. */
static inline void sc_lse2_block(const double *restrict u, const double *restrict v, size_t m,
                                 double *restrict f, double *restrict wu, double *restrict wv)
{
    double dd[SC_CHUNK], ac[SC_CHUNK], tt[SC_CHUNK];
    for (size_t i = 0; i < m; i++) {
        const double d = u[i] - v[i];
        const double ad = d < 0 ? -d : d;
        dd[i] = d;
        ac[i] = ad < 708.0 ? ad : 708.0;
    }
    for (size_t i = 0; i < m; i++) tt[i] = sc_fast_exp(-ac[i]);
    for (size_t i = 0; i < m; i++) {
        const double t = tt[i], d = dd[i], mx = u[i] > v[i] ? u[i] : v[i];
        const double big = 1.0 / (1.0 + t), small = t * big;
        wu[i] = d > 0 ? big : small;
        wv[i] = d > 0 ? small : big;
        f[i] = mx + sc_fast_log(1.0 + t);
    }
}

/* Per point of a two-term LSE law, f = LSE(u1, u2) with u1, u2 linear in the parameters
 * (gradients A1, A2): grad f = s1 A1 + s2 A2 and Hess f = s1 s2 v v^T with v = A1 - A2
 * (diag(s) - s s^T = s1 s2 [[1, -1], [-1, 1]] for s1 + s2 = 1; the Hessian of log-sum-exp,
 * Boyd and Vandenberghe 2004, "Convex Optimization", sec. 3.1.5). Writes the p(p+1)/2 packed
 * upper triangle of s1 s2 v v^T. */
static inline void sc_lse2_hess(double s1s2, const double *v, size_t p, double *H)
{
    size_t t = 0;
    for (size_t j = 0; j < p; j++)
        for (size_t k = j; k < p; k++) H[t++] = s1s2 * v[j] * v[k];
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

/* Straight line y = c0 + c1 x by (weighted, when w) least squares (gsl_fit_linear). */
static inline sc_status sc_lsq_line(const double *x, const double *y, const double *w, size_t n,
                                    double *c0, double *c1)
{
    double cov00, cov01, cov11, chisq;
    int rc = w ? gsl_fit_wlinear(x, 1, w, 1, y, 1, n, c0, c1, &cov00, &cov01, &cov11, &chisq)
               : gsl_fit_linear(x, 1, y, 1, n, c0, c1, &cov00, &cov01, &cov11, &chisq);
    if (rc != 0 || !isfinite(*c0) || !isfinite(*c1)) return SC_ENUMERIC;
    return SC_OK;
}

/* fy(y) = c0 + c1 log x by least squares: the closed forms of the laws that are straight lines
 * in log compute (the direct power law in log(-log Q'), the loss power law in log L). */
static inline sc_status sc_lsq_logline(const double *x, const double *y, const double *w,
                                       size_t n, double (*fy)(double), double *c0, double *c1)
{
    if (n < 2) return SC_ETOOFEW;
    double *lx = sc_malloc_array(n, sizeof *lx), *ly = sc_malloc_array(n, sizeof *ly);
    sc_status s = (lx && ly) ? SC_OK : SC_ENOMEM;
    for (size_t i = 0; s == SC_OK && i < n; i++) {
        lx[i] = log(x[i]);
        ly[i] = fy(y[i]);
    }
    if (s == SC_OK) s = sc_lsq_line(lx, ly, w, n, c0, c1);
    free(lx);
    free(ly);
    return s;
}

#endif
