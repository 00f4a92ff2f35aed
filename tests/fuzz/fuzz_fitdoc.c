/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target: the fit document reader (what `scalecast predict` and the Python package
 * read back), and a prediction from whatever it accepts. */
#include "scalecast.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_saved_fit s;
    sc_error err;
    if (sc_saved_fit_read_mem((const char *)data, size, "fuzz.json", &s, &err) == SC_OK) {
        if (!s.law || s.version < 1 || s.version > SC_FIT_DOC_VERSION) __builtin_trap();
        if (!isnan(s.chance) && !(s.chance >= 0 && s.chance < 1)) __builtin_trap();
        double x[4] = {1e21, 1e9, 2e10, 1e3}, y[4];
        size_t nx = s.law->nx;
        if (nx >= 1 && nx <= 4) sc_saved_fit_predict(&s, x, 4 / nx, y);
    }
    return 0;
}
