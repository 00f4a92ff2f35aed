/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target for the instances file of 'passuntil sample': any input ends in a list of
 * distinct, non-empty UTF-8 names (what the log header must hold to read back) or an exit code
 * with a message. */
#include "cli.h"
#include "passuntil_cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz_pu_inst_%ld.txt", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    char **names = NULL;
    size_t n = 0;
    if (pu_read_instances(path, &names, &n) == 0) {
        if (n == 0) __builtin_trap();
        for (size_t i = 0; i < n; i++) {
            if (!names[i][0] || !pu_utf8_valid(names[i])) __builtin_trap();
            if (i > 0 && strcmp(names[i], names[0]) == 0) __builtin_trap();
        }
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
    }
    return 0;
}
