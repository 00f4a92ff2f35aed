/* SPDX-License-Identifier: GPL-3.0-or-later
 * Allocation failures through whole commands, in-process: one command of each kind runs on a
 * tiny fixture while the n-th allocation of the library and the tool fails (n = 0, 1, ... with
 * a stride where a command makes thousands). Every allocation call made by scalecast's own code
 * is counted: the test is linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc, so the
 * direct calls reach the countdown as well as the helpers (sc_calloc, sc_malloc_array,
 * sc_strdup, the table allocators). Allocations inside shared libraries (GSL, jansson, PLplot,
 * the C library) are not counted. Each run must end normally (the sanitizer build also checks
 * for invalid accesses) with exit 0, or 5 (out of memory) after printing its one error line;
 * the other exit codes (a numerical or data error caused by a lost allocation) count as
 * failures of the test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cli.h"
#include "commands.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static long countdown = -1; /* as sc_tbl_fail_countdown: -1 off, n: the (n+1)-th fails */
static long calls;          /* allocations counted while a command runs */

static int fail_now(void)
{
    calls++;
    if (countdown < 0) return 0;
    if (countdown == 0) return 1;
    countdown--;
    return 0;
}

void *__wrap_malloc(size_t n) { return fail_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return fail_now() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return fail_now() ? NULL : __real_realloc(p, n); }

typedef struct walk_case {
    const char *name;
    int (*run)(int, char **);
    const char *argv[24];
} walk_case;

#define D SC_DATA_DIR
#define T SC_TEST_DATA_DIR
static char fit_json[64], out_csv[64], out_html[64], pu_csv[64];

static walk_case cases[] = {
    {"fit", cmd_fit, {"fit", T "/fit/good.csv", "--law", "chinchilla", "--n", "N", "--d", "D",
                      "--y", "loss", "--starts", "8", "--threads", "1", "--json", NULL}},
    {"predict", cmd_predict, {"predict", fit_json, "--at", "1e9:2e10,2e9:4e10", NULL}},
    {"backtest", cmd_backtest, {"backtest", D "/apple/metrics_dclm_data_mixture_subset.csv",
                                "--cutoff", "6e21", "--tpr", "20", "--benchmarks",
                                "arc_easy:acc_norm", "--laws", "powerlaw", "--boot", "0",
                                "--threads", "1", NULL}},
    {"import", cmd_import, {"import", "lmeval", D "/lmeval-format/results_2026-01-15T10-20-30.123456.json",
                            "-o", out_csv, NULL}},
    {"chain", cmd_chain, {"chain", T "/lmeval/chain", "--models", T "/lmeval/chain/models.csv",
                          "--threads", "1", NULL}},
    {"passuntil", cmd_passuntil, {"passuntil", "estimate", pu_csv, "--boot", "50", NULL}},
    {"passk", cmd_passk, {"passk", D "/apple/metrics_dclm_data_mixture_subset.csv", "--benchmark",
                          "humaneval-py", NULL}},
    {"obs", cmd_obs, {"obs", D "/obsscaling/base_llm_benchmark_eval.csv", "--split", "none",
                      NULL}},
    {"report", cmd_report, {"report", out_html, "--title", "t", "--pre", T "/fit/good.csv",
                            "--csv", T "/fit/good.csv", NULL}},
};

/* Runs one command with standard output and error sent to /dev/null. */
static int run_quiet(const walk_case *c)
{
    char *argv[24];
    int argc = 0;
    while (c->argv[argc]) {
        argv[argc] = (char *)c->argv[argc];
        argc++;
    }
    argv[argc] = NULL;
    fflush(stdout);
    fflush(stderr);
    int o = dup(1), e = dup(2), nul = open("/dev/null", O_WRONLY);
    dup2(nul, 1);
    dup2(nul, 2);
    int rc = c->run(argc, argv);
    fflush(stdout);
    fflush(stderr);
    cli_written_report(rc); /* as main does after each command */
    dup2(o, 1);
    dup2(e, 2);
    close(o);
    close(e);
    close(nul);
    return rc;
}

static void walk(void **state)
{
    const walk_case *c = *state;
    countdown = -1;
    calls = 0;
    int rc = run_quiet(c);
    assert_int_equal(rc, 0);
    long total = calls;
    long stride = total > 3000 ? total / 1500 : 1;
    long bad = 0, oom = 0, ok = 0;
    for (long k = 0; k < total; k += stride) {
        countdown = k;
        calls = 0;
        rc = run_quiet(c);
        countdown = -1;
        if (rc == SC_EXIT_INTERNAL) oom++;
        else if (rc == 0) ok++;
        else if (rc != 0) {
            if (bad < 5) fprintf(stderr, "%s: allocation %ld failed: exit %d\n", c->name, k, rc);
            bad++;
        }
    }
    fprintf(stderr, "%s: %ld allocations, every %ld-th made to fail: %ld out-of-memory exits, "
            "%ld completed (the allocation was optional), %ld others\n", c->name, total, stride,
            oom, ok, bad);
    assert_int_equal(bad, 0);
}

int main(void)
{
    setenv("OMP_NUM_THREADS", "1", 1);
    snprintf(fit_json, sizeof fit_json, "/tmp/sc_alloc_%ld.json", (long)getpid());
    snprintf(out_csv, sizeof out_csv, "/tmp/sc_alloc_%ld.csv", (long)getpid());
    snprintf(out_html, sizeof out_html, "/tmp/sc_alloc_%ld.html", (long)getpid());
    snprintf(pu_csv, sizeof pu_csv, "/tmp/sc_alloc_%ld_pu.csv", (long)getpid());
    FILE *f = fopen(pu_csv, "w");
    if (!f) return 1;
    fputs("instance,model,N,K,r,censored\na,m,1e8,40,2,0\nb,m,1e8,900,2,0\nc,m,1e8,1000,0,1\n"
          "d,m,1e8,12,2,0\n", f);
    fclose(f);
    /* The fit file that predict reads. */
    walk_case mk = {"fit --out", cmd_fit, {"fit", T "/fit/good.csv", "--law", "chinchilla", "--n",
                                          "N", "--d", "D", "--y", "loss", "--starts", "8",
                                          "--json", "--out", fit_json, NULL}};
    if (run_quiet(&mk) != 0) return 1;
    struct CMUnitTest tests[sizeof cases / sizeof cases[0]];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        tests[k] = (struct CMUnitTest){cases[k].name, walk, NULL, NULL, &cases[k]};
    int failed = _cmocka_run_group_tests("cli_alloc", tests, sizeof tests / sizeof tests[0],
                                         NULL, NULL);
    unlink(fit_json);
    unlink(out_csv);
    unlink(out_html);
    unlink(pu_csv);
    return failed;
}
