/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target for a saved fit read back by 'scalecast predict' (the command itself, run
 * in-process on the input written to a file): any input ends in an exit code, 0 with the
 * predictions or another with a message, never a crash or a leak. */
#include "cli.h"
#include "commands.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0]) {
        snprintf(path, sizeof path, "/tmp/fuzz_fit_%ld.json", (long)getpid());
        int nul = open("/dev/null", O_WRONLY); /* the predictions are not needed */
        if (nul >= 0) dup2(nul, 1);
    }
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    static char w0[] = "predict", w2[] = "--at", w3[] = "1e21,1e9:2e10", w4[] = "1e22",
                w5[] = "--chance", w6[] = "0.25";
    char *argv[] = {w0, path, w2, w3, NULL};
    char *argv2[] = {w0, path, w2, w4, w5, w6, NULL};
    int rc = cmd_predict(4, argv);
    cli_written_report(rc);
    rc = cmd_predict(6, argv2);
    cli_written_report(rc);
    if (rc < 0 || rc > 5) __builtin_trap();
    return 0;
}
