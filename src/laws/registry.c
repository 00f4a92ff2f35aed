/* SPDX-License-Identifier: GPL-3.0-or-later
 * The list of laws and lookup by name. Adding a law: one `extern const sc_law sc_law_<name>;`
 * line and one entry in the list below (a law's fast path hangs off its descriptor). */
#include "core/internal.h"

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
