/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the per-sample log reader (both generations) and the per-sample chain on
 * whatever it accepts. */
#include "scalecast.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_lmeval_samples *r = NULL;
    sc_error err;
    sc_lmeval_opts opts = {size > 0 && (data[0] & 1) ? "" : NULL};
    if (sc_lmeval_samples_open_mem((const char *)data, size, "fuzz.jsonl", &opts, &r, &err) !=
        SC_OK)
        return 0;
    for (int k = 0; k < 100000; k++) {
        const sc_lmeval_doc *d = NULL;
        if (sc_lmeval_samples_next(r, &d, &err) != SC_OK || d == NULL) break;
        if (d->nchoices == 0 || d->target >= d->nchoices) __builtin_trap();
        double m[SC_CHAIN_NMETRICS];
        sc_chain_sample(d->loglik, d->len, d->nchoices, d->target, m);
        for (size_t j = 0; j < d->nchoices; j++)
            if (strlen(d->choice[j]) < d->len[j]) __builtin_trap();
    }
    sc_lmeval_samples_close(r);
    return 0;
}
