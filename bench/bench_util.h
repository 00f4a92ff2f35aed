/* SPDX-License-Identifier: GPL-3.0-or-later
 * Clocks and sorting shared by the benchmarks. */
#ifndef SC_BENCH_UTIL_H
#define SC_BENCH_UTIL_H

#include <time.h>

static inline double bench_clock(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Wall-clock and process CPU seconds. */
static inline double bench_wall(void) { return bench_clock(CLOCK_MONOTONIC); }
static inline double bench_cpu(void) { return bench_clock(CLOCK_PROCESS_CPUTIME_ID); }

/* qsort comparison of doubles, ascending (for min / median of repeated runs). */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#endif
