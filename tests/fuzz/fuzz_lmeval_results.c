/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the aggregated results JSON reader, and model_args parsing. */
#include "scalecast.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_table *t = NULL;
    sc_error err;
    if (sc_lmeval_results_read_mem((const char *)data, size, "fuzz.json", &t, &err) == SC_OK) {
        if (sc_table_nrows(t) != 1) __builtin_trap();
        sc_table_free(t);
    }
    char *s = malloc(size + 1);
    if (s) {
        memcpy(s, data, size);
        s[size] = '\0';
        char m[32], r[16];
        (void)sc_lmeval_model_args(s, m, sizeof m, r, sizeof r);
        free(s);
    }
    return 0;
}
