/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fit spaces (where residuals are measured) and predictions on the observation scale. The
 * engine needs only these and the law descriptor, never the list of laws. */
#include "fit/fit_internal.h"

#include <math.h>

double sc_space_to(sc_space s, double y)
{
    switch (s) {
    case SC_SPACE_RAW: return y;
    case SC_SPACE_LOG: return y > 0 ? log(y) : NAN;
    case SC_SPACE_LOGLOG: return (y > 0 && y < 1) ? log(-log(y)) : NAN;
    }
    return NAN;
}

double sc_space_from(sc_space s, double f)
{
    switch (s) {
    case SC_SPACE_RAW: return f;
    case SC_SPACE_LOG: return exp(f);
    case SC_SPACE_LOGLOG: return exp(-exp(f));
    }
    return NAN;
}

void sc_law_predict(const sc_law *law, const double *theta, const double *x, size_t n, double *y)
{
    if (law == NULL || n == 0) return;
    law->f(theta, x, n, y);
    for (size_t i = 0; i < n; i++) y[i] = sc_space_from(law->space, y[i]);
}

const sc_law_fast *sc_law_fast_find(const sc_law *law)
{
    return law != NULL ? law->fast : NULL;
}
