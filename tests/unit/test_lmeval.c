/* SPDX-License-Identifier: GPL-3.0-or-later
 * lm-evaluation-harness readers: per-sample logs of both generations (the shipped format files
 * and fixtures with the traps), results JSON, model matching, streaming across buffer refills. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FMT SC_DATA_DIR "/lmeval-format/"
#define FIX SC_TEST_DATA_DIR "/lmeval/"

typedef struct doc_copy {
    long long id;
    char filter[32];
    size_t m, target, line;
    double ll[8];
    size_t len[8];
    char choice[8][64];
    double acc, acc_norm;
} doc_copy;

/* Reads a whole log; returns the number of documents, or -1 with err filled. */
static long read_all(const char *path, doc_copy *out, size_t max, sc_error *err)
{
    sc_lmeval_samples *r = NULL;
    sc_error_clear(err);
    if (sc_lmeval_samples_open(path, NULL, &r, err) != SC_OK) return -1;
    long n = 0;
    for (;;) {
        const sc_lmeval_doc *d = NULL;
        if (sc_lmeval_samples_next(r, &d, err) != SC_OK) {
            sc_lmeval_samples_close(r);
            return -1;
        }
        if (!d) break;
        if ((size_t)n < max) {
            doc_copy *c = &out[n];
            memset(c, 0, sizeof *c);
            c->id = d->doc_id;
            snprintf(c->filter, sizeof c->filter, "%s", d->filter);
            c->m = d->nchoices;
            c->target = d->target;
            c->line = d->line;
            c->acc = d->acc;
            c->acc_norm = d->acc_norm;
            for (size_t j = 0; j < d->nchoices && j < 8; j++) {
                c->ll[j] = d->loglik[j];
                c->len[j] = d->len[j];
                snprintf(c->choice[j], sizeof c->choice[j], "%s", d->choice[j]);
            }
        }
        n++;
    }
    sc_lmeval_samples_close(r);
    return n;
}

static void msg_of(const sc_error *e, char *buf, size_t n)
{
    sc_error_format(e, buf, n);
}

/* The harness's own acc / acc_norm, logged per document, agree with the chain's. */
static void check_logged_acc(const doc_copy *d, long n)
{
    for (long i = 0; i < n; i++) {
        double m[SC_CHAIN_NMETRICS];
        sc_chain_sample(d[i].ll, d[i].len, d[i].m, d[i].target, m);
        if (!isnan(d[i].acc)) assert_true(m[SC_CHAIN_ACC] == d[i].acc);
        if (!isnan(d[i].acc_norm)) assert_true(m[SC_CHAIN_ACC_NORM] == d[i].acc_norm);
    }
}

static void test_format_jsonl(void **state)
{
    (void)state;
    doc_copy d[8];
    sc_error e;
    long n = read_all(FMT "samples_toy_arc_2026-01-15T10-20-30.123456.jsonl", d, 8, &e);
    assert_int_equal(n, 4);
    const size_t targets[4] = {1, 1, 2, 1};
    for (long i = 0; i < n; i++) {
        assert_int_equal(d[i].id, i);
        assert_int_equal(d[i].m, 4);
        assert_int_equal(d[i].target, targets[i]);
        assert_int_equal(d[i].line, (size_t)i + 1);
        assert_string_equal(d[i].filter, "none");
    }
    assert_string_equal(d[0].choice[1], "carbon dioxide");
    assert_int_equal(d[0].len[1], 14);
    assert_true(d[0].ll[0] == -9.734375);
    /* "50 °C": five characters, six bytes. */
    assert_string_equal(d[1].choice[0], "50 °C");
    assert_int_equal(d[1].len[0], 5);
    assert_true(isinf(d[2].ll[3]) && d[2].ll[3] < 0);
    check_logged_acc(d, n);

    /* Gold given as the choice text: the same indices. */
    doc_copy t[8];
    assert_int_equal(read_all(FMT "samples_toy_arc_textgold_2026-01-15T10-20-30.123456.jsonl", t,
                              8, &e),
                     4);
    for (int i = 0; i < 4; i++) assert_int_equal(t[i].target, targets[i]);
}

static void test_format_array(void **state)
{
    (void)state;
    doc_copy a[8], b[8];
    sc_error e;
    long n = read_all(FMT "pretrained__org__toy-160m,revision__step1000_toy_arc.jsonl", a, 8, &e);
    assert_int_equal(n, 4);
    assert_int_equal(read_all(FMT "samples_toy_arc_2026-01-15T10-20-30.123456.jsonl", b, 8, &e), 4);
    /* Both generations hold the same made-up documents: every field read agrees. */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(a[i].id, b[i].id);
        assert_int_equal(a[i].m, b[i].m);
        assert_int_equal(a[i].target, b[i].target);
        for (size_t j = 0; j < a[i].m; j++) {
            assert_true(a[i].ll[j] == b[i].ll[j]);
            assert_int_equal(a[i].len[j], b[i].len[j]);
            assert_string_equal(a[i].choice[j], b[i].choice[j]);
        }
    }
    /* The bare -Infinity token. */
    assert_true(isinf(a[2].ll[3]) && a[2].ll[3] < 0);
    assert_int_equal(a[0].line, 2);
    check_logged_acc(a, n);
}

static void test_fixture_mixed(void **state)
{
    (void)state;
    doc_copy d[8];
    sc_error e;
    long n = read_all(FIX "samples_mixed_2026-02-01T00-00-00.000000.jsonl", d, 8, &e);
    assert_int_equal(n, 5);
    /* Several filters per document, in file order. */
    assert_int_equal(d[0].id, 0);
    assert_string_equal(d[0].filter, "none");
    assert_int_equal(d[1].id, 0);
    assert_string_equal(d[1].filter, "strict-match");
    assert_int_equal(d[1].line, 2);
    /* Unicode lengths in code points (Python's len), raw UTF-8. */
    assert_string_equal(d[0].choice[0], "café");
    assert_int_equal(d[0].len[0], 4);
    assert_int_equal(d[0].len[1], 12);
    assert_string_equal(d[0].choice[2], "日本語");
    assert_int_equal(d[0].len[2], 3);
    assert_int_equal(d[0].len[3], 7); /* emoji = one code point */
    assert_true(isinf(d[0].ll[3]));
    assert_int_equal(d[0].target, 2);
    /* Doc 1: gold as text, a "nan" log-likelihood, \u escapes. The line after a CRLF. */
    assert_int_equal(d[2].target, 0);
    assert_true(isnan(d[2].ll[1]));
    assert_string_equal(d[2].choice[2], "über-earth");
    assert_int_equal(d[2].len[2], 10);
    assert_int_equal(d[2].line, 3);
    /* Doc 2: escapes decoded; a surrogate pair is one character. */
    assert_string_equal(d[4].choice[0], "say \"hi\"\n");
    assert_int_equal(d[4].len[0], 9);
    assert_string_equal(d[4].choice[1], "back\\slash");
    assert_string_equal(d[4].choice[2], "\xF0\x9F\x98\x80");
    assert_int_equal(d[4].len[2], 1);
    check_logged_acc(d, n);
}

static void test_fixture_array(void **state)
{
    (void)state;
    doc_copy d[4];
    sc_error e;
    long n = read_all(FIX "pretrained__org__tiny,revision__v1_mixtask.jsonl", d, 4, &e);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].target, 3);
    assert_true(d[0].ll[1] == -INFINITY);
    assert_true(isnan(d[0].ll[2])); /* the bare NaN token of the older generation */
    assert_string_equal(d[0].choice[1], "Åland");
    assert_int_equal(d[0].len[1], 5);
    assert_int_equal(d[0].len[2], 2);
    assert_int_equal(d[0].line, 2);
    assert_int_equal(d[1].line, 54);
    assert_true(d[1].ll[1] == -1.25);
    assert_string_equal(d[1].filter, "none");
}

static void expect_error(const char *path, sc_status code, const char *want)
{
    doc_copy d[8];
    sc_error e;
    assert_int_equal(read_all(path, d, 8, &e), -1);
    assert_int_equal(e.code, code);
    char buf[1024];
    msg_of(&e, buf, sizeof buf);
    if (strstr(buf, want) == NULL) fail_msg("error \"%s\" lacks \"%s\"", buf, want);
}

static void test_bad_inputs(void **state)
{
    /* A positive (here +Infinity) log-likelihood is bad data, named at its position. */
    expect_error(FIX "bad_positive_loglik_array.jsonl", SC_EPARSE,
                 "bad_positive_loglik_array.jsonl:43:9: a log-likelihood must be <= 0, got inf");
    (void)state;
    expect_error(FIX "bad_truncated.jsonl", SC_EPARSE,
                 "bad_truncated.jsonl:2:201: unexpected end of line (truncated JSON line?)");
    expect_error(FIX "bad_truncated_array.jsonl", SC_EPARSE,
                 "bad_truncated_array.jsonl:20:5: unexpected end of file");
    expect_error(FIX "bad_target_range.jsonl", SC_EPARSE,
                 "bad_target_range.jsonl:2:111: doc 1: target 7 outside the 4 choices");
    expect_error(FIX "bad_target_text.jsonl", SC_EPARSE,
                 "doc 0: target \"sodium\" is not one of the 2 choices");
    expect_error(FIX "bad_counts.jsonl", SC_EPARSE,
                 "bad_counts.jsonl:1:1: doc 0: 3 continuations in arguments but 2 log-likelihoods");
    expect_error(FIX "bad_generate.jsonl", SC_EPARSE, "the continuation is not a string");
    expect_error(FIX "no-such-file.jsonl", SC_EIO, "no-such-file.jsonl: cannot open");
}

/* The lmms-eval variants as described for its v0.7 sample logs: "resps" left out (it equals
 * "filtered_resps"), per-choice log-likelihood rows still nested: read as the harness's own
 * log (the reader uses only filtered_resps). A flattened generation response (["blue"] for
 * [["blue"]]) is not a multiple-choice log: an error that says so. The fixtures are the
 * harness-format file with "resps" removed and a hand-written generation document; they were
 * not produced by lmms-eval itself. */
static void test_lmms_eval_variants(void **state)
{
    (void)state;
    doc_copy a[8], b[8];
    sc_error e;
    long n = read_all(FIX "lmms_no_resps.jsonl", a, 8, &e);
    long m = read_all(FMT "samples_toy_arc_2026-01-15T10-20-30.123456.jsonl", b, 8, &e);
    assert_int_equal(n, 4);
    assert_int_equal(m, 4);
    for (long i = 0; i < n; i++) {
        assert_int_equal(a[i].m, b[i].m);
        assert_int_equal(a[i].target, b[i].target);
        for (size_t j = 0; j < a[i].m; j++) assert_true(a[i].ll[j] == b[i].ll[j] || (isinf(a[i].ll[j]) && isinf(b[i].ll[j])));
    }
    expect_error(FIX "lmms_generate_flat.jsonl", SC_EPARSE, "the continuation is not a string");
}

/* Every prefix of a valid log reads cleanly up to an error or the end: no crash, no leak. */
static void prefixes_of(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    for (size_t cut = 0; cut <= len; cut++) {
        sc_lmeval_samples *r = NULL;
        sc_error e;
        char *copy = malloc(cut ? cut : 1);
        assert_non_null(copy);
        memcpy(copy, buf, cut);
        if (sc_lmeval_samples_open_mem(copy, cut, "prefix", NULL, &r, &e) == SC_OK) {
            for (;;) {
                const sc_lmeval_doc *d;
                if (sc_lmeval_samples_next(r, &d, &e) != SC_OK) {
                    assert_true(e.line >= 1);
                    break;
                }
                if (!d) break;
                assert_true(d->nchoices >= 1 && d->target < d->nchoices);
            }
            sc_lmeval_samples_close(r);
        }
        free(copy);
    }
}

static void test_prefixes(void **state)
{
    (void)state;
    prefixes_of(FIX "samples_mixed_2026-02-01T00-00-00.000000.jsonl");
    prefixes_of(FIX "pretrained__org__tiny,revision__v1_mixtask.jsonl");
}

/* Files larger than the read buffer, with one document larger than it: documents cross
 * refills, and memory grows only to the largest document. */
static void write_big(const char *path, int array, int ndocs, size_t huge_doc, size_t ctx_len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    char *ctx = malloc(ctx_len + 1);
    char *hctx = malloc(3u << 20);
    assert_non_null(ctx);
    assert_non_null(hctx);
    memset(ctx, 'x', ctx_len);
    ctx[ctx_len] = '\0';
    memset(hctx, 'y', (3u << 20) - 1);
    hctx[(3u << 20) - 1] = '\0';
    if (array) fputs("[\n", f);
    for (int i = 0; i < ndocs; i++) {
        const char *c = (size_t)i == huge_doc ? hctx : ctx;
        if (array)
            fprintf(f,
                    "%s  {\n    \"doc_id\": %d,\n    \"doc\": {\"q\": \"%s\"},\n    \"target\": %d,\n"
                    "    \"arguments\": [[\"%s\", \" a\"], [\"%s\", \" bb\"], [\"%s\", \" ccc\"]],\n"
                    "    \"filtered_resps\": [[-%d.5, false], [-Infinity, false], [-2.25, true]]\n  }",
                    i ? ",\n" : "", i, c, i % 3, c, c, c, i % 7);
        else
            fprintf(f,
                    "{\"doc_id\": %d, \"doc\": {\"q\": \"%s\"}, \"target\": \"%d\", \"arguments\": "
                    "{\"gen_args_0\": {\"arg_0\": \"%s\", \"arg_1\": \" a\"}, \"gen_args_1\": "
                    "{\"arg_0\": \"%s\", \"arg_1\": \" bb\"}, \"gen_args_2\": {\"arg_0\": \"%s\", "
                    "\"arg_1\": \" ccc\"}}, \"filtered_resps\": [[\"-%d.5\", \"False\"], [\"-inf\", "
                    "\"False\"], [\"-2.25\", \"True\"]], \"filter\": \"none\"}\n",
                    i, c, i % 3, c, c, c, i % 7);
    }
    if (array) fputs("\n]\n", f);
    fclose(f);
    free(ctx);
    free(hctx);
}

static void test_streaming_refills(void **state)
{
    (void)state;
    char path[] = "/tmp/sc_lmeval_bigXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (int array = 0; array < 2; array++) {
        write_big(path, array, 1500, 700, 1111);
        sc_lmeval_samples *r;
        sc_error e;
        assert_int_equal(sc_lmeval_samples_open(path, NULL, &r, &e), SC_OK);
        assert_int_equal(sc_lmeval_samples_generation(r), array ? SC_LMEVAL_ARRAY : SC_LMEVAL_JSONL);
        int n = 0;
        for (;;) {
            const sc_lmeval_doc *d;
            sc_status st = sc_lmeval_samples_next(r, &d, &e);
            if (st != SC_OK) {
                char b[1024];
                msg_of(&e, b, sizeof b);
                fail_msg("%s", b);
            }
            if (!d) break;
            assert_int_equal(d->doc_id, n);
            assert_int_equal(d->target, (size_t)(n % 3));
            assert_int_equal(d->nchoices, 3);
            assert_true(d->loglik[0] == -(double)(n % 7) - 0.5);
            assert_true(d->loglik[1] == -INFINITY);
            assert_int_equal(d->len[2], 3);
            assert_int_equal(d->line, array ? (size_t)(2 + 7 * n) : (size_t)(n + 1));
            n++;
        }
        assert_int_equal(n, 1500);
        sc_lmeval_samples_close(r);
    }
    remove(path);
}

static void test_results(void **state)
{
    (void)state;
    const char *files[2] = {FMT "results_2026-01-15T10-20-30.123456.json",
                            FMT "toy-160m_step1000.json"};
    for (int k = 0; k < 2; k++) {
        sc_table *t = NULL;
        sc_error e;
        assert_int_equal(sc_lmeval_results_read(files[k], &t, &e), SC_OK);
        assert_int_equal(sc_table_nrows(t), 1);
        long jm = sc_table_find(t, "model"), jr = sc_table_find(t, "revision");
        assert_true(jm >= 0 && jr >= 0);
        assert_string_equal(sc_table_text(t, (size_t)jm, 0), "org/toy-160m");
        assert_string_equal(sc_table_text(t, (size_t)jr, 0), "step1000");
        long ja = sc_table_find(t, "toy_arc:acc"), js = sc_table_find(t, "toy_arc:acc_stderr");
        long jn = sc_table_find(t, "toy_arc:acc_norm");
        assert_true(ja >= 0 && js >= 0 && jn >= 0);
        assert_true(sc_table_num(t, (size_t)ja)[0] == 0.5);
        assert_true(sc_table_num(t, (size_t)js)[0] == 0.28867513459481287);
        assert_true(sc_table_find(t, "toy_arc:alias") < 0);
        sc_table_free(t);
    }
    /* Both files describe the same model and revision: a directory holding both is a
     * duplicate, named in the error. */
    sc_table *t = NULL;
    sc_error e;
    assert_int_equal(sc_lmeval_results_read_dir(SC_DATA_DIR "/lmeval-format", &t, &e), SC_EDUP);
    assert_non_null(strstr(e.message, "\"toy_arc:acc\" of org/toy-160m revision step1000 is also in"));
    /* A folder of runs: one row per model. */
    assert_int_equal(sc_lmeval_results_read_dir(FIX "chain", &t, &e), SC_OK);
    assert_int_equal(sc_table_nrows(t), 5);
    long jm = sc_table_find(t, "model");
    assert_string_equal(sc_table_text(t, (size_t)jm, 4), "synth/m04");
    assert_true(sc_table_find(t, "synth_mc:acc") >= 0);
    sc_table_free(t);
    /* Filters other than "none" keep their name; malformed JSON names line and column. */
    const char js[] = "{\"results\": {\"gsm\": {\"exact_match,strict-match\": 0.25, "
                      "\"exact_match,none\": \"N/A\"}}, \"config\": {\"model_args\": "
                      "\"pretrained=a/b\"}}";
    assert_int_equal(sc_lmeval_results_read_mem(js, strlen(js), "x.json", &t, &e), SC_OK);
    long jf = sc_table_find(t, "gsm:exact_match,strict-match");
    assert_true(jf >= 0);
    assert_true(sc_table_num(t, (size_t)jf)[0] == 0.25);
    assert_true(isnan(sc_table_num(t, (size_t)sc_table_find(t, "gsm:exact_match"))[0]));
    assert_null(sc_table_text(t, (size_t)sc_table_find(t, "revision"), 0));
    sc_table_free(t);
    const char bad[] = "{\"results\": {\n  \"a\": [1,,]}}";
    assert_int_equal(sc_lmeval_results_read_mem(bad, strlen(bad), "bad.json", &t, &e), SC_EPARSE);
    assert_int_equal(e.line, 2);
    assert_string_equal(e.file, "bad.json");
}

static void test_model_args_and_match(void **state)
{
    (void)state;
    char m[64], r[64];
    assert_int_equal(sc_lmeval_model_args("pretrained=EleutherAI/pythia-160m,revision=step143000,"
                                          "dtype=float16",
                                          m, sizeof m, r, sizeof r),
                     0);
    assert_string_equal(m, "EleutherAI/pythia-160m");
    assert_string_equal(r, "step143000");
    assert_int_equal(sc_lmeval_model_args("dtype=float16", m, sizeof m, r, sizeof r), -1);

    const char *models[3] = {"org/tiny", "org/tiny", "org/toy-160m"};
    const char *revs[3] = {"v0", "v1", "step1000"};
    size_t idx = 99;
    char task[64];
    sc_error e;
    assert_int_equal(sc_lmeval_samples_match(FIX "pretrained__org__tiny,revision__v1_mixtask.jsonl",
                                             models, revs, 3, &idx, task, sizeof task, &e),
                     SC_OK);
    assert_int_equal(idx, 1);
    assert_string_equal(task, "mixtask");
    assert_int_equal(sc_lmeval_samples_match(
                         FMT "pretrained__org__toy-160m,revision__step1000_toy_arc.jsonl", models,
                         revs, 3, &idx, task, sizeof task, &e),
                     SC_OK);
    assert_int_equal(idx, 2);
    assert_string_equal(task, "toy_arc");
    /* v0.4.3+: through results_<date>.json beside the log. */
    assert_int_equal(sc_lmeval_samples_match(FMT "samples_toy_arc_2026-01-15T10-20-30.123456.jsonl",
                                             models, revs, 3, &idx, task, sizeof task, &e),
                     SC_OK);
    assert_int_equal(idx, 2);
    assert_string_equal(task, "toy_arc");
    revs[2] = "step2000";
    assert_int_equal(sc_lmeval_samples_match(FMT "samples_toy_arc_2026-01-15T10-20-30.123456.jsonl",
                                             models, revs, 3, &idx, task, sizeof task, &e),
                     SC_ENOCOL);
    assert_non_null(
        strstr(e.message, "no row of the models table matches model org/toy-160m revision step1000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_jsonl),       cmocka_unit_test(test_format_array),
        cmocka_unit_test(test_fixture_mixed),      cmocka_unit_test(test_fixture_array),
        cmocka_unit_test(test_bad_inputs),         cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_streaming_refills),  cmocka_unit_test(test_results),
        cmocka_unit_test(test_model_args_and_match), cmocka_unit_test(test_lmms_eval_variants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
