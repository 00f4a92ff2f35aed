/* SPDX-License-Identifier: GPL-3.0-or-later
 * The list of laws, lookup by name, fit-space maps and prediction. Adding a law: one
 * `extern const sc_law sc_law_<name>;` line and one entry in the list below. */
#include "fit/fit_internal.h"

#include <math.h>
#include <string.h>

extern const sc_law sc_law_chinchilla;
extern const sc_law sc_law_satpower;
extern const sc_law sc_law_passk;

static const sc_law *const laws[] = {
    &sc_law_chinchilla,
    &sc_law_satpower,
    &sc_law_passk,
    &sc_law_powerlaw,      /* direct laws (declared in scalecast.h) */
    &sc_law_powerlaw_qmax,
    &sc_law_bnsl,
    &sc_law_multitpr,
    &sc_law_loss_power,
    &sc_law_acc_linear,
    &sc_law_acc_logistic,
    NULL,
};

/* Optional fast paths (see fit/fit_internal.h); a law without one simply is not listed. */
extern const sc_law_fast sc_law_fast_chinchilla;
extern const sc_law_fast sc_law_fast_satpower;

static const sc_law_fast *const fast_laws[] = {
    &sc_law_fast_chinchilla,
    &sc_law_fast_satpower,
    NULL,
};

const sc_law *const *sc_laws(void)
{
    return laws;
}

const sc_law *sc_law_find(const char *name)
{
    if (name == NULL) return NULL;
    for (size_t i = 0; laws[i] != NULL; i++)
        if (strcmp(laws[i]->name, name) == 0) return laws[i];
    return NULL;
}

const sc_law_fast *sc_law_fast_find(const sc_law *law)
{
    for (size_t i = 0; fast_laws[i] != NULL; i++)
        if (fast_laws[i]->law == law) return fast_laws[i];
    return NULL;
}

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
