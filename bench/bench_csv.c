/* SPDX-License-Identifier: GPL-3.0-or-later
 * CSV reading speed: the Apple DCLM file (10,134 rows) read and pivoted, and a generated
 * long-format CSV of about 100 MB read from memory and from a file. Prints min and median
 * wall time over repeated runs. Run from the project root: build/bench_csv [MB]. */
#include "bench_util.h"
#include "scalecast.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* CPU time of this process: less disturbed than wall time on a loaded machine. */
static void report(const char *what, double *t, double *c, int n, double mb)
{
    qsort(t, (size_t)n, sizeof *t, bench_cmp_double);
    qsort(c, (size_t)n, sizeof *c, bench_cmp_double);
    printf("%-34s wall min %7.4f s median %7.4f s, cpu min %7.4f s", what, t[0], t[n / 2],
           c[0]);
    if (mb > 0) printf(" (%.0f MB/s at the median)", mb / t[n / 2]);
    printf("\n");
}

static int die(const sc_error *err)
{
    char buf[1024];
    sc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "bench_csv: %s\n", buf);
    return 1;
}

/* A long-format CSV like the Apple files: index, flops, params, tokens, benchmark, metric,
 * score (17 significant digits), tpr. Deterministic. */
static char *generate(size_t target, size_t *len, size_t *rows)
{
    static const char *bench[] = {"arc_easy", "arc_challenge", "hellaswag", "piqa", "sciq",
                                  "winogrande", "mmlu", "lambada_openai"};
    static const char *metric[] = {"acc", "acc_norm", "brier", "loglikelihood"};
    size_t cap = target + 4096, n = 0, r = 0;
    char *buf = malloc(cap);
    if (buf == NULL) return NULL;
    n += (size_t)snprintf(buf, cap, ",flops,params,tokens,benchmark,metric_type,score,tpr\n");
    uint64_t s = 42;
    while (n + 256 < target) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double params = 1e8 * (double)(1 + (s >> 40) % 1000);
        double tokens = 20 * params;
        double score = (double)(s >> 11) / 9007199254740992.0;
        n += (size_t)snprintf(buf + n, cap - n, "%zu,%.17g,%.1f,%.1f,%s,%s,%.17g,20.0\n", r,
                              6 * params * tokens, params, tokens, bench[(s >> 20) % 8],
                              metric[(s >> 30) % 4], score);
        r++;
    }
    *len = n;
    *rows = r;
    return buf;
}

int main(int argc, char **argv)
{
    const int reps = 7;
    double t[16], c[16];
    sc_error err;
    size_t mb = argc > 1 ? (size_t)atoi(argv[1]) : 100;

    /* The real file. */
    const char *dclm = "data/apple/metrics_dclm_data_mixture_subset.csv";
    for (int k = 0; k < reps; k++) {
        sc_table *tab = NULL;
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_csv_read(dclm, NULL, &tab, &err) != SC_OK) return die(&err);
        t[k] = bench_wall() - t0;
        c[k] = bench_cpu() - c0;
        sc_table_free(tab);
    }
    report("read Apple DCLM (10134 rows)", t, c, reps, 0);
    for (int k = 0; k < reps; k++) {
        sc_table *tab = NULL, *w = NULL;
        if (sc_csv_read(dclm, NULL, &tab, &err) != SC_OK) return die(&err);
        const char *ids[] = {"tokens", "tpr"}, *keys[] = {"benchmark", "metric_type"};
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_table_pivot(tab, ids, 2, keys, 2, "score", ":", &w, &err) != SC_OK)
            return die(&err);
        t[k] = bench_wall() - t0;
        c[k] = bench_cpu() - c0;
        sc_table_free(w);
        sc_table_free(tab);
    }
    report("pivot Apple DCLM (-> 149 x 82)", t, c, reps, 0);

    /* Generated. */
    size_t len = 0, rows = 0;
    char *buf = generate(mb << 20, &len, &rows);
    if (buf == NULL) return 1;
    double size_mb = (double)len / (1 << 20);
    printf("generated: %.1f MB, %zu rows x 8 columns\n", size_mb, rows);
    for (int k = 0; k < 5; k++) {
        sc_table *tab = NULL;
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_csv_read_mem(buf, len, "gen.csv", NULL, &tab, &err) != SC_OK) return die(&err);
        t[k] = bench_wall() - t0;
        c[k] = bench_cpu() - c0;
        if (sc_table_nrows(tab) != rows) return 1;
        sc_table_free(tab);
    }
    report("read generated CSV from memory", t, c, 5, size_mb);

    const char *path = "bench/out/bench_csv.csv";
    mkdir("bench/out", 0777); /* may exist already */
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "bench_csv: cannot write %s\n", path);
        free(buf);
        return 1;
    }
    free(buf);
    for (int k = 0; k < 5; k++) {
        sc_table *tab = NULL;
        double t0 = bench_wall(), c0 = bench_cpu();
        if (sc_csv_read(path, NULL, &tab, &err) != SC_OK) return die(&err);
        t[k] = bench_wall() - t0;
        c[k] = bench_cpu() - c0;
        sc_table_free(tab);
    }
    report("read generated CSV from a file", t, c, 5, size_mb);
    remove(path);
    return 0;
}
