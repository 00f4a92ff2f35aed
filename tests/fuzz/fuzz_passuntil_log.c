/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target for the PassUntil run log reader (what estimate, fit and a resume read):
 * any input ends in a loaded log or an exit code with a message, never a crash or a leak; a
 * loaded log has a schedule and as many instance names as it says. */
#include "cli.h"
#include "passuntil_cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/fuzz_pu_log_%ld.jsonl", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    pu_log log;
    int rc = pu_log_load(path, NULL, &log);
    if (rc == 0 && (!log.sched || log.S == 0 || !log.inst)) __builtin_trap();
    pu_log_free(&log);
    return 0;
}
