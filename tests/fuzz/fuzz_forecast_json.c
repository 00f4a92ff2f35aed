/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the saved-forecast reader (what `scalecast score` reads back), and the
 * invariants of what it accepts. */
#include "scalecast.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_fc_saved *s = NULL;
    sc_error err;
    if (sc_forecast_read_json_mem((const char *)data, size, "fuzz.json", &s, &err) == SC_OK) {
        for (size_t k = 0; k < s->nrows; k++) {
            const sc_fc_saved_row *r = &s->rows[k];
            if (!r->benchmark || !r->target[0]) __builtin_trap();
            if (strcmp(r->status, "ok") == 0 &&
                !(r->value >= 0 && r->value <= 1 && r->lo <= r->value && r->value <= r->hi))
                __builtin_trap();
        }
        sc_fc_saved_free(s);
    }
    return 0;
}
