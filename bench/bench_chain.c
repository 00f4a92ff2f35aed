/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark of the metric chain on a generated family: 40 models x 20,000 samples x 4 choices
 * in the v0.4.3+ per-sample format (tools/gen_samples.c).
 *   usage: bench_chain [DIR [MODELS [SAMPLES]]]   (run from the project root)
 * Without DIR the set is written to a temporary folder and removed afterwards; with DIR it is
 * written there unless DIR/models.csv exists, and kept. Reports:
 *  - parse throughput of the streaming reader, one core (MB/s over every log; best of 3);
 *  - time to read the logs into a chain set (parse + store);
 *  - time for Pearson, Spearman and Kendall tau-b of one metric for every sample, one thread
 *    (the task SciPy does in 3.9 s / 4.6 s / 9.9 s looping per sample), and for the full
 *    table (9 metrics x 3 correlations + summaries) on 1 thread and on every thread;
 *  - peak resident memory of a child process parsing one log and parsing all logs
 *    concatenated into one file (memory independent of file size). */
#define GEN_SAMPLES_NO_MAIN
#include "bench_util.h"
#include "../tools/gen_samples.c"

#include "methods/chain_internal.h"
#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char DATE[] = "2026-01-15T10-20-30.123456";

static void log_path(const char *dir, int k, char *buf, size_t n)
{
    snprintf(buf, n, "%s/synth__m%02d/samples_synth_mc_%s.jsonl", dir, k, DATE);
}

/* Parses one file completely; returns bytes or 0 on error. */
static size_t parse_file(const char *path, size_t *docs)
{
    sc_lmeval_samples *r;
    sc_error e;
    if (sc_lmeval_samples_open(path, NULL, &r, &e) != SC_OK) return 0;
    for (;;) {
        const sc_lmeval_doc *d;
        if (sc_lmeval_samples_next(r, &d, &e) != SC_OK) {
            char b[1024];
            sc_error_format(&e, b, sizeof b);
            fprintf(stderr, "bench_chain: %s\n", b);
            sc_lmeval_samples_close(r);
            return 0;
        }
        if (!d) break;
        (*docs)++;
    }
    size_t bytes = sc_lmeval_samples_offset(r);
    sc_lmeval_samples_close(r);
    return bytes;
}

/* Peak RSS (KiB) of a child that parses path. */
static long child_rss(const char *path, size_t *bytes)
{
    int fd[2];
    if (pipe(fd) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        size_t docs = 0, b = parse_file(path, &docs);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        long v[2] = {ru.ru_maxrss, (long)b};
        if (write(fd[1], v, sizeof v) != (ssize_t)sizeof v) _exit(1);
        _exit(0);
    }
    close(fd[1]);
    long v[2] = {-1, 0};
    if (read(fd[0], v, sizeof v) != (ssize_t)sizeof v) v[0] = -1;
    close(fd[0]);
    waitpid(pid, NULL, 0);
    *bytes = (size_t)v[1];
    return v[0];
}

int main(int argc, char **argv)
{
    char tmpl[] = "/tmp/sc_bench_chainXXXXXX";
    const char *dir = argc > 1 ? argv[1] : NULL;
    int nm = argc > 2 ? atoi(argv[2]) : 40, ns = argc > 3 ? atoi(argv[3]) : 20000;
    int keep = dir != NULL;
    if (!dir) {
        dir = mkdtemp(tmpl);
        if (!dir) return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/models.csv", dir);
    struct stat sb;
    if (stat(path, &sb) != 0) {
        double t0 = bench_wall();
        if (gen_samples_write(dir, nm, ns, 4, 1) != 0) {
            fprintf(stderr, "bench_chain: cannot write the set\n");
            return 1;
        }
        printf("generated %d models x %d samples in %.1f s\n", nm, ns, bench_wall() - t0);
    }

    /* 1. Parse throughput, one core. */
    double best = 1e300, bestw = 1e300;
    size_t total = 0, docs = 0;
    for (int rep = 0; rep < 3; rep++) {
        size_t bytes = 0;
        docs = 0;
        double t0 = bench_cpu(), w0 = bench_wall();
        for (int k = 0; k < nm; k++) {
            log_path(dir, k, path, sizeof path);
            bytes += parse_file(path, &docs);
        }
        double t = bench_cpu() - t0, tw = bench_wall() - w0;
        if (t < best) best = t;
        if (tw < bestw) bestw = tw;
        total = bytes;
    }
    printf("parse: %zu documents, %.1f MB in %.3f s CPU: %.0f MB/s (one core, best of 3; wall "
           "%.3f s: %.0f MB/s)\n",
           docs, (double)total / 1e6, best, (double)total / 1e6 / best, bestw,
           (double)total / 1e6 / bestw);

    /* 2. Read into a chain set. */
    double *lc = malloc((size_t)nm * sizeof *lc);
    for (int k = 0; k < nm; k++) {
        double sk = nm > 1 ? (double)k / (nm - 1) : 0.0;
        double N = floor(1e7 * pow(1e3, sk));
        lc[k] = log10(6.0 * N * 20.0 * N);
    }
    sc_chain_set *set;
    sc_error e;
    if (sc_chain_set_new((size_t)nm, NULL, lc, &set) != SC_OK) return 1;
    double t0 = bench_cpu();
    for (int k = 0; k < nm; k++) {
        log_path(dir, k, path, sizeof path);
        if (sc_chain_set_read(set, (size_t)k, path, NULL, NULL, &e) != SC_OK) {
            char b[1024];
            sc_error_format(&e, b, sizeof b);
            fprintf(stderr, "bench_chain: %s\n", b);
            return 1;
        }
    }
    printf("read into a chain set: %.3f s CPU\n", bench_cpu() - t0);

    /* 3. Correlations of one metric per sample, one thread: the SciPy comparison. */
    sc_chain_result *res;
    if (sc_chain_set_run(set, 1, &res, &e) != SC_OK) return 1;
    const size_t NS = res->nsamples, NM = (size_t)nm;
    double *x = malloc(NM * sizeof *x), *rx = malloc(NM * sizeof *rx), *y = malloc(NM * sizeof *y);
    corr_ws w;
    if (corr_ws_init(&w, NM)) return 1;
    for (size_t k = 0; k < NM; k++) x[k] = lc[k]; /* lc is increasing */
    corr_avg_ranks(x, NM, rx, &w);
    double tk[3];
    const char *kn[3] = {"pearson", "spearman", "kendall"};
    volatile double sink = 0.0;
    for (int c = 0; c < 3; c++) {
        double reps[5];
        for (int rep = 0; rep < 5; rep++) {
            double s0 = bench_cpu();
            for (size_t i = 0; i < NS; i++) {
                for (size_t k = 0; k < NM; k++)
                    y[k] = res->values[(i * SC_CHAIN_NMETRICS + SC_CHAIN_P_CHOICES) * NM + k];
                double r = c == 0 ? corr_pearson(x, y, NM)
                                  : (c == 1 ? corr_spearman_rx(rx, y, NM, &w)
                                            : corr_kendall_xsorted(y, NM));
                sink += r;
            }
            reps[rep] = bench_cpu() - s0;
        }
        qsort(reps, 5, sizeof reps[0], bench_cmp_double);
        tk[c] = reps[2];
    }
    const double scipy[3] = {9.9, 4.6, 3.9};
    for (int c = 0; c < 3; c++)
        printf("%-8s of p_choices for %zu samples x %d models, 1 thread: %.4f s CPU (median of "
               "5); SciPy %.1f s: %.0fx\n",
               kn[c], NS, nm, tk[c], scipy[c], scipy[c] / tk[c]);
    double t3 = tk[0] + tk[1] + tk[2];
    printf("the three together: %.4f s CPU; SciPy 18.4 s: %.0fx\n", t3, 18.4 / t3);
    (void)sink;

    /* 4. The full table. */
    for (int threads = 1; threads <= 2; threads++) {
        double reps[3], creps[3];
        for (int rep = 0; rep < 3; rep++) {
            sc_chain_result *r2;
            double s0 = bench_wall(), c0 = bench_cpu();
            if (sc_chain_set_run(set, threads == 1 ? 1 : 0, &r2, &e) != SC_OK) return 1;
            reps[rep] = bench_wall() - s0;
            creps[rep] = bench_cpu() - c0;
            sc_chain_result_free(r2);
        }
        qsort(reps, 3, sizeof reps[0], bench_cmp_double);
        qsort(creps, 3, sizeof creps[0], bench_cmp_double);
        printf("full table (%d metrics x 3 correlations x %zu samples + summaries), %s: wall "
               "%.3f s, CPU %.3f s (medians of 3)\n",
               SC_CHAIN_NMETRICS, NS, threads == 1 ? "1 thread" : "every thread", reps[1],
               creps[1]);
    }
    sc_chain_result_free(res);
    sc_chain_set_free(set);
    corr_ws_free(&w);
    free(x);
    free(rx);
    free(y);

    /* 5. Memory against file size: one log, then every log in one file. */
    char big[4096];
    snprintf(big, sizeof big, "%s/all_models_concatenated.jsonl", dir);
    FILE *out = fopen(big, "wb");
    if (!out) return 1;
    char *buf = malloc(1 << 20);
    for (int k = 0; k < nm; k++) {
        log_path(dir, k, path, sizeof path);
        FILE *in = fopen(path, "rb");
        size_t n;
        while (in && (n = fread(buf, 1, 1 << 20, in)) > 0) fwrite(buf, 1, n, out);
        if (in) fclose(in);
    }
    fclose(out);
    free(buf);
    size_t b1 = 0, b2 = 0;
    log_path(dir, 0, path, sizeof path);
    long r1 = child_rss(path, &b1), r2 = child_rss(big, &b2);
    printf("peak RSS parsing %.0f MB: %ld KiB; parsing %.0f MB: %ld KiB\n", (double)b1 / 1e6, r1,
           (double)b2 / 1e6, r2);
    remove(big);

    if (!keep) {
        for (int k = 0; k < nm; k++) {
            log_path(dir, k, path, sizeof path);
            remove(path);
            snprintf(path, sizeof path, "%s/synth__m%02d/results_%s.json", dir, k, DATE);
            remove(path);
            snprintf(path, sizeof path, "%s/synth__m%02d", dir, k);
            rmdir(path);
        }
        snprintf(path, sizeof path, "%s/models.csv", dir);
        remove(path);
        rmdir(dir);
    }
    free(lc);
    return 0;
}
