/* SPDX-License-Identifier: GPL-3.0-or-later
 * `import lmeval` reading speed: a folder of 10,000 generated v0.4 results files (one model
 * each, 12 tasks x 4 metrics) and one file with 50,000 tasks (2 metrics and an alias each),
 * read into one table. Prints min and median wall time and min CPU time over repeated runs.
 * Run from the project root: build/bench_lmeval_import [FILES] [TASKS]. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */
#include "bench_util.h"
#include "scalecast.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int die(const sc_error *err)
{
    char buf[1024];
    sc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "bench_lmeval_import: %s\n", buf);
    return 1;
}

/* One results file: model org/m<i>, ntask tasks named <prefix><k>. Deterministic. */
static int write_results(const char *path, size_t i, size_t ntask, int metrics4)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs("{\n  \"results\": {\n", f);
    for (size_t k = 0; k < ntask; k++) {
        double v = (double)((i * 7919 + k * 104729) % 1000) / 1000.0;
        fprintf(f, "    \"task_%zu\": {\"alias\": \"task_%zu\", \"acc,none\": %.17g, "
                   "\"acc_stderr,none\": %.17g", k, k, v, v / 50);
        if (metrics4) fprintf(f, ", \"acc_norm,none\": %.17g, \"acc_norm_stderr,none\": %.17g",
                              1 - v, v / 40);
        fprintf(f, "}%s\n", k + 1 < ntask ? "," : "");
    }
    fprintf(f, "  },\n  \"config\": {\"model\": \"hf\", \"model_args\": "
               "\"pretrained=org/m%zu,revision=step1000\"}\n}\n", i);
    return fclose(f);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static void report(const char *what, double *t, double *c, int n)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    qsort(c, (size_t)n, sizeof *c, bench_cmp_double);
    printf("%-40s wall min %7.3f s median %7.3f s, cpu min %7.3f s\n", what, t[0], t[n / 2], c[0]);
}

int main(int argc, char **argv)
{
    size_t nfiles = argc > 1 ? (size_t)atol(argv[1]) : 10000;
    size_t ntasks = argc > 2 ? (size_t)atol(argv[2]) : 50000;
    char dir[] = "/tmp/bench_lmeval_XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[4200];
    for (size_t i = 0; i < nfiles; i++) {
        snprintf(path, sizeof path, "%s/results_%06zu.json", dir, i);
        if (write_results(path, i, 12, 1)) return 1;
    }
    char big[] = "/tmp/bench_lmeval_big_XXXXXX";
    int fd = mkstemp(big);
    if (fd < 0) return 1;
    close(fd);
    if (write_results(big, 0, ntasks, 0)) return 1;
    enum { REPS = 3 };
    double t[REPS], c[REPS];
    sc_error err;
    size_t rows = 0, cols = 0;
    for (int r = 0; r < REPS; r++) {
        sc_table *tab = NULL;
        double w0 = bench_wall(), c0 = bench_cpu();
        if (sc_lmeval_results_read_dir(dir, &tab, &err) != SC_OK) return die(&err);
        t[r] = bench_wall() - w0;
        c[r] = bench_cpu() - c0;
        rows = sc_table_nrows(tab);
        cols = sc_table_ncols(tab);
        sc_table_free(tab);
    }
    char what[128];
    snprintf(what, sizeof what, "%zu files (%zu rows x %zu columns)", nfiles, rows, cols);
    report(what, t, c, REPS);
    for (int r = 0; r < REPS; r++) {
        sc_table *tab = NULL;
        double w0 = bench_wall(), c0 = bench_cpu();
        if (sc_lmeval_results_read(big, &tab, &err) != SC_OK) return die(&err);
        t[r] = bench_wall() - w0;
        c[r] = bench_cpu() - c0;
        cols = sc_table_ncols(tab);
        sc_table_free(tab);
    }
    snprintf(what, sizeof what, "one file, %zu tasks (%zu columns)", ntasks, cols);
    report(what, t, c, REPS);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    remove(big);
    return 0;
}
