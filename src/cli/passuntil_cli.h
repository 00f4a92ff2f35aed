/* SPDX-License-Identifier: GPL-3.0-or-later
 * Pieces of `scalecast passuntil` shared by its files: the run log (JSON lines) and the sampling
 * driver. */
#ifndef SC_CLI_PASSUNTIL_H
#define SC_CLI_PASSUNTIL_H

#include "scalecast.h"

#include <stdio.h>

/* The largest K_max (and so draw number) accepted, as in the schedule (docs/passuntil.md). */
#define PU_KMAX_LIMIT ((size_t)1000000000)

/* A run log: its header and the schedule rebuilt from its outcome records. */
typedef struct pu_log {
    char *path;
    char *model;
    double N;
    size_t r, kmax;
    uint64_t seed, budget;
    size_t S;
    char **inst;
    sc_pu_sched *sched;
    size_t nrecords;
    long valid_bytes;  /* length of the complete lines (a torn last line is not counted) */
    int torn;          /* the last line was incomplete */
} pu_log;

/* Reads a log; budget (may be NULL) replaces the header's budget in the rebuilt schedule.
 * Returns 0 or an exit code (message printed). */
int pu_log_load(const char *path, const uint64_t *budget, pu_log *log);
void pu_log_free(pu_log *log);
/* 1 if the file holds at least one complete line (a header), else 0. */
int pu_log_has_line(const char *path);

/* Reads an instances file: one name a line, blank lines and # comments skipped, surrounding
 * blanks trimmed; names must be UTF-8 and distinct. 0 or an exit code (message printed). */
int pu_read_instances(const char *path, char ***out, size_t *n);

/* 1 when s is valid UTF-8 (what a JSON reader accepts back), else 0. */
int pu_utf8_valid(const char *s);

/* Writes the header line / one outcome line and flushes it. */
void pu_log_write_header(FILE *f, const pu_log *log);
void pu_log_write_outcome(FILE *f, const char *instance, size_t draw, sc_pu_outcome o,
                          const char *msg);

int pu_sample_main(int argc, char **argv);

#endif
