/* SPDX-License-Identifier: GPL-3.0-or-later
 * CSV reader: the RFC 4180 dialect, number recognition, every error with its position, the
 * shipped data files, and write -> read round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_internal.h"
#include "scalecast.h"

/* Reads a NUL-terminated CSV text named "t.csv"; returns the status. */
static sc_status rd(const char *csv, sc_table **t, sc_error *err)
{
    sc_error_clear(err);
    return sc_csv_read_mem(csv, strlen(csv), "t.csv", NULL, t, err);
}

static sc_table *rd_ok(const char *csv)
{
    sc_table *t = NULL;
    sc_error err;
    sc_status s = rd(csv, &t, &err);
    if (s != SC_OK) fail_msg("unexpected error: %s (line %zu col %zu)", err.message, err.line,
                             err.column);
    assert_non_null(t);
    return t;
}

static size_t col(const sc_table *t, const char *name)
{
    long j = sc_table_find(t, name);
    if (j < 0) fail_msg("no column %s", name);
    return (size_t)j;
}

/* Expects csv to fail with code at line:column and a message containing part. */
static void expect_error(const char *csv, sc_status code, size_t line, size_t column,
                         const char *part)
{
    sc_table *t = (sc_table *)1;
    sc_error err;
    sc_status s = rd(csv, &t, &err);
    assert_int_equal(s, code);
    assert_null(t);
    assert_int_equal(err.code, code);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, line);
    assert_int_equal(err.column, column);
    if (strstr(err.message, part) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, part);
}

/* ---- dialect ---- */

static void test_basic_types(void **state)
{
    (void)state;
    sc_table *t = rd_ok("model,flops,acc\nA,1e20,0.5\nB,2.5e21,0.75\n");
    assert_int_equal(sc_table_nrows(t), 2);
    assert_int_equal(sc_table_ncols(t), 3);
    assert_string_equal(sc_table_source(t), "t.csv");
    assert_string_equal(sc_table_colname(t, 0), "model");
    assert_int_equal(sc_table_coltype(t, 0), SC_COL_TEXT);
    assert_int_equal(sc_table_coltype(t, 1), SC_COL_NUM);
    assert_string_equal(sc_table_text(t, 0, 1), "B");
    assert_null(sc_table_num(t, 0));
    const double *f = sc_table_num(t, 1);
    assert_true(f[0] == 1e20 && f[1] == 2.5e21);
    assert_true(sc_table_num(t, 2)[1] == 0.75);
    sc_table_free(t);
}

static void test_quotes(void **state)
{
    (void)state;
    sc_table *t = rd_ok("a,b,c\n"
                        "\"x,y\",\"he said \"\"hi\"\"\",\"line1\nline2\"\n"
                        "\"\",\"\"\"\",plain\n");
    assert_int_equal(sc_table_nrows(t), 2);
    assert_string_equal(sc_table_text(t, 0, 0), "x,y");
    assert_string_equal(sc_table_text(t, 1, 0), "he said \"hi\"");
    assert_string_equal(sc_table_text(t, 2, 0), "line1\nline2");
    assert_null(sc_table_text(t, 0, 1)); /* "" is an empty, hence missing, cell */
    assert_string_equal(sc_table_text(t, 1, 1), "\"");
    assert_string_equal(sc_table_text(t, 2, 1), "plain");
    sc_table_free(t);

    /* Quoted numbers are numbers; quoted header names are names. */
    t = rd_ok("\"x\",\"y, z\"\n\"1\",\"2.5\"\n");
    assert_string_equal(sc_table_colname(t, 1), "y, z");
    assert_int_equal(sc_table_coltype(t, 0), SC_COL_NUM);
    assert_true(sc_table_num(t, 1)[0] == 2.5);
    sc_table_free(t);
}

static void test_line_endings(void **state)
{
    (void)state;
    const char *variants[] = {"a,b\r\n1,x\r\n2,y\r\n", "a,b\n1,x\n2,y", "a,b\r1,x\r2,y\r",
                              "a,b\n\n1,x\n\n\r\n2,y\n\n"};
    for (size_t v = 0; v < sizeof variants / sizeof variants[0]; v++) {
        sc_table *t = rd_ok(variants[v]);
        assert_int_equal(sc_table_nrows(t), 2);
        assert_int_equal(sc_table_ncols(t), 2);
        assert_string_equal(sc_table_colname(t, 1), "b");
        assert_true(sc_table_num(t, 0)[1] == 2);
        assert_string_equal(sc_table_text(t, 1, 1), "y");
        sc_table_free(t);
    }
    /* CRLF inside a quoted field is kept as it is. */
    sc_table *t = rd_ok("a\r\n\"p\r\nq\"\r\n");
    assert_string_equal(sc_table_text(t, 0, 0), "p\r\nq");
    sc_table_free(t);
}

static void test_bom_file(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_error err;
    sc_status s = sc_csv_read(SC_TEST_DATA_DIR "/csv/bom_crlf.csv", NULL, &t, &err);
    assert_int_equal(s, SC_OK);
    assert_int_equal(sc_table_nrows(t), 2);
    assert_string_equal(sc_table_colname(t, 0), "name"); /* no BOM bytes in the name */
    assert_string_equal(sc_table_colname(t, 1), "note, with comma");
    assert_string_equal(sc_table_text(t, 0, 0), "Smith, J.");
    assert_string_equal(sc_table_text(t, 1, 0), "said \"hi\"\r\nthen left");
    assert_null(sc_table_text(t, 1, 1));
    assert_string_equal(sc_table_text(t, 0, 1), "plain");
    const double *v = sc_table_num(t, 2);
    assert_true(v[0] == 1.5 && v[1] == 2000);
    /* Positions count bytes after the BOM: the second row starts on line 4 (the first
     * spans lines 2 and 3). */
    size_t j;
    assert_int_equal(sc_table_require_num(t, "name", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    sc_table_free(t);
}

static void test_missing_cells(void **state)
{
    (void)state;
    sc_table *t = rd_ok("a,b,c\n1,,x\n,2,\n3,4,\n");
    const double *a = sc_table_num(t, 0), *b = sc_table_num(t, 1);
    assert_true(a[0] == 1 && isnan(a[1]) && a[2] == 3);
    assert_true(isnan(b[0]) && b[1] == 2 && b[2] == 4);
    assert_int_equal(sc_table_coltype(t, 2), SC_COL_TEXT);
    assert_string_equal(sc_table_text(t, 2, 0), "x");
    assert_null(sc_table_text(t, 2, 1));
    assert_null(sc_table_text(t, 2, 2));
    sc_table_free(t);

    /* A column with nothing in it is numeric and all NaN. */
    t = rd_ok("a,b\n1,\n2,\n");
    assert_int_equal(sc_table_coltype(t, 1), SC_COL_NUM);
    assert_true(isnan(sc_table_num(t, 1)[0]) && isnan(sc_table_num(t, 1)[1]));
    sc_table_free(t);
}

static void test_numbers(void **state)
{
    (void)state;
    sc_table *t = rd_ok("x\n1.97e+18\n-0.5\n.5\n5.\n+7\n inf \n-Infinity\nNaN\n1E-3\n"
                        "0.17064846416382254\n122777600.0\n00012\n");
    const double *x = sc_table_num(t, 0);
    assert_non_null(x);
    assert_true(x[0] == 1.97e18);
    assert_true(x[1] == -0.5);
    assert_true(x[2] == 0.5);
    assert_true(x[3] == 5.0);
    assert_true(x[4] == 7.0);
    assert_true(isinf(x[5]) && x[5] > 0);
    assert_true(isinf(x[6]) && x[6] < 0);
    assert_true(isnan(x[7]));
    assert_true(x[8] == 1e-3);
    assert_true(x[9] == 0.17064846416382254);
    assert_true(x[10] == 122777600.0);
    assert_true(x[11] == 12.0);
    sc_table_free(t);

    /* Not numbers: each makes its column text. */
    const char *bad[] = {"0x10", "1e", "1.2.3", "--1", "e5", ".", "1,5", "nanx", "12abc", "1 2",
                         "+", "infinit"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double v;
        if (sc_text_to_double(bad[k], &v)) fail_msg("\"%s\" taken for a number", bad[k]);
    }
}

/* The fast path of the number parser must agree with strtod bit for bit. */
static void test_number_exactness(void **state)
{
    (void)state;
    uint64_t s = 12345;
    char buf[64];
    for (int k = 0; k < 200000; k++) {
        s = sc_seed_mix(s, (uint64_t)k);
        int digits = 1 + (int)(s % 19);
        int point = (int)((s >> 8) % (uint64_t)(digits + 1));
        int e = (int)((s >> 16) % 61) - 30;
        size_t n = 0;
        if ((s >> 24) & 1) buf[n++] = '-';
        uint64_t r = s >> 25;
        for (int d = 0; d < digits; d++) {
            if (d == point) buf[n++] = '.';
            r = sc_seed_mix(r, (uint64_t)d);
            buf[n++] = (char)('0' + (int)(r % 10));
        }
        if ((s >> 40) & 1) n += (size_t)snprintf(buf + n, sizeof buf - n, "e%d", e);
        buf[n] = '\0';
        double v, w = strtod(buf, NULL);
        if (!sc_text_to_double(buf, &v)) fail_msg("\"%s\" not read", buf);
        if (memcmp(&v, &w, sizeof v) != 0) fail_msg("\"%s\": %.17g vs strtod %.17g", buf, v, w);
    }
}

static void test_header_names(void **state)
{
    (void)state;
    /* Apple files: an unnamed leading index column. */
    sc_table *t = rd_ok(",flops,,score\n0,1e18,a,0.5\n3,2e18,b,0.6\n");
    assert_string_equal(sc_table_colname(t, 0), "");
    assert_string_equal(sc_table_colname(t, 1), "flops");
    assert_string_equal(sc_table_colname(t, 2), "col3");
    assert_int_equal(sc_table_find(t, ""), 0);
    assert_int_equal(sc_table_find(t, "col3"), 2);
    assert_true(sc_table_num(t, 0)[1] == 3);
    sc_table_free(t);

    /* A trailing delimiter makes an unnamed last column. */
    t = rd_ok("a,b,\n1,2,\n");
    assert_int_equal(sc_table_ncols(t), 3);
    assert_string_equal(sc_table_colname(t, 2), "col3");
    sc_table_free(t);

    /* Other delimiters. */
    sc_table *u = NULL;
    sc_error err;
    sc_csv_opts o = {';'};
    const char *semi = "a;b\n1,5;\"x;y\"\n";
    assert_int_equal(sc_csv_read_mem(semi, strlen(semi), "s.csv", &o, &u, &err), SC_OK);
    assert_string_equal(sc_table_text(u, 0, 0), "1,5");
    assert_string_equal(sc_table_text(u, 1, 0), "x;y");
    sc_table_free(u);
    o.delimiter = '\t';
    const char *tsv = "a\tb\n1\t2\n";
    assert_int_equal(sc_csv_read_mem(tsv, strlen(tsv), "s.tsv", &o, &u, &err), SC_OK);
    assert_true(sc_table_num(u, 1)[0] == 2);
    sc_table_free(u);
    o.delimiter = '"';
    assert_int_equal(sc_csv_read_mem(tsv, strlen(tsv), "s.tsv", &o, &u, &err), SC_EINVAL);
    assert_null(u);
}

/* ---- errors ---- */

static void test_error_unterminated(void **state)
{
    (void)state;
    expect_error("a,b\n1,\"abc\n", SC_EPARSE, 2, 3, "unterminated quoted field");
    /* The opening quote is reported, lines after it notwithstanding. */
    expect_error("a,b\n1,2\nxy,\"q\nr\ns\n", SC_EPARSE, 3, 4, "unterminated");
    expect_error("\"a", SC_EPARSE, 1, 1, "unterminated");
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read(SC_TEST_DATA_DIR "/csv/unterminated.csv", NULL, &t, &err),
                     SC_EPARSE);
    char buf[1024];
    sc_error_format(&err, buf, sizeof buf);
    const char *want = "/csv/unterminated.csv:2:3: unterminated quoted field";
    assert_true(strlen(buf) > strlen(want));
    assert_string_equal(buf + strlen(buf) - strlen(want), want);
}

static void test_error_ragged(void **state)
{
    (void)state;
    /* Too many: the first extra field. */
    expect_error("a,b,c\n1,2,3\n4,5,6,7,8\n", SC_EPARSE, 3, 7,
                 "too many fields: expected 3 (as in the header), got 5");
    /* Too few: where the row ends. */
    expect_error("a,b,c\n1,2,3\n4,5\n6,7,8\n", SC_EPARSE, 3, 4,
                 "too few fields: expected 3 (as in the header), got 2");
    expect_error("a,b,c\n1,2,3\n4", SC_EPARSE, 3, 2, "got 1");
    /* A quoted newline does not end the row. */
    expect_error("a,b\n\"x\ny\",2,3\n", SC_EPARSE, 3, 6, "too many fields");
}

static void test_error_empty(void **state)
{
    (void)state;
    expect_error("", SC_EEMPTY, 0, 0, "empty file");
    expect_error("\n\r\n\n", SC_EEMPTY, 0, 0, "empty file");
    expect_error("\xEF\xBB\xBF", SC_EEMPTY, 0, 0, "empty file");
    expect_error("a,b,c\n", SC_EEMPTY, 1, 0, "no data rows");
    expect_error("\n\na,b,c", SC_EEMPTY, 3, 0, "no data rows");
}

static void test_error_duplicate(void **state)
{
    (void)state;
    expect_error("x,y,z,y,x\n1,2,3,4,5\n", SC_EDUP, 1, 7,
                 "duplicate column name \"y\" (also column 2)");
    /* A generated name can clash with a given one. */
    expect_error("a,,col2\n1,2,3\n", SC_EDUP, 1, 4, "\"col2\"");
}

static void test_error_stray_quote(void **state)
{
    (void)state;
    expect_error("a,b\n1,ab\"c\n", SC_EPARSE, 2, 5, "stray quote");
    expect_error("a,b\n1,\"ab\"c\n", SC_EPARSE, 2, 7, "after the closing quote");
    expect_error("a,b\n1,\"ab\" \n", SC_EPARSE, 2, 7, "after the closing quote");
    char nul[] = "a,b\n1,x\0y\n";
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read_mem(nul, sizeof nul - 1, "t.csv", NULL, &t, &err), SC_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "NUL"));
}

static void test_error_not_found(void **state)
{
    (void)state;
    sc_table *t = (sc_table *)1;
    sc_error err;
    const char *path = SC_TEST_DATA_DIR "/csv/no-such-file.csv";
    assert_int_equal(sc_csv_read(path, NULL, &t, &err), SC_EIO);
    assert_null(t);
    assert_int_equal(err.code, SC_EIO);
    assert_string_equal(err.file, path);
    assert_int_equal(err.line, 0);
    char want[256];
    snprintf(want, sizeof want, "cannot open: %s", strerror(ENOENT));
    assert_string_equal(err.message, want);
    /* A directory opens but cannot be read. */
    assert_int_equal(sc_csv_read(SC_TEST_DATA_DIR, NULL, &t, &err), SC_EIO);
    snprintf(want, sizeof want, "cannot read: %s", strerror(EISDIR));
    assert_string_equal(err.message, want);
}

static void test_require_num_position(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read(SC_TEST_DATA_DIR "/csv/runs.csv", NULL, &t, &err), SC_OK);
    assert_int_equal(sc_table_nrows(t), 13);
    size_t j = 99;
    assert_int_equal(sc_table_require_num(t, "lr", &j, &err), SC_OK);
    assert_int_equal(j, 1);
    assert_int_equal(sc_table_require_num(t, "loss", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 12);
    assert_int_equal(err.column, 7);
    assert_string_equal(err.message, "column \"loss\": expected a number, got \"n/a\"");
    char buf[1024];
    sc_error_format(&err, buf, sizeof buf);
    const char *want = "runs.csv:12:7: column \"loss\": expected a number, got \"n/a\"";
    assert_string_equal(buf + strlen(buf) - strlen(want), want);

    /* A missing column names the header line and the columns there are. */
    assert_int_equal(sc_table_require_num(t, "acc", &j, &err), SC_ENOCOL);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 0);
    assert_string_equal(err.message, "no column named \"acc\" (columns: run, lr, loss)");
    sc_table_free(t);

    /* A quoted cell on a row that starts on an earlier line: position of its quote. */
    t = rd_ok("note,x\n\"two\nlines\",\"n/a\"\n");
    assert_int_equal(sc_table_require_num(t, "x", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 8);
    assert_string_equal(err.message, "column \"x\": expected a number, got \"n/a\"");
    sc_table_free(t);
}

/* ---- shipped data ---- */

static sc_table *read_data(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SC_DATA_DIR, rel);
    sc_table *t = NULL;
    sc_error err;
    sc_status s = sc_csv_read(path, NULL, &t, &err);
    if (s != SC_OK) fail_msg("%s: %s", rel, err.message);
    return t;
}

static void test_apple_files(void **state)
{
    (void)state;
    sc_table *t = read_data("apple/metrics_c4_mixture_subset.csv");
    assert_int_equal(sc_table_nrows(t), 2101);
    assert_int_equal(sc_table_ncols(t), 8);
    assert_string_equal(sc_table_colname(t, 0), "");
    const char *numeric[] = {"", "flops", "params", "tokens", "score", "tpr"};
    for (size_t k = 0; k < 6; k++) {
        size_t j;
        sc_error err;
        assert_int_equal(sc_table_require_num(t, numeric[k], &j, &err), SC_OK);
    }
    assert_int_equal(sc_table_coltype(t, col(t, "benchmark")), SC_COL_TEXT);
    /* Line 7 of the file: 10,1.9739956381483008e+18,...,arc_easy,acc_norm,0.3653198653198653 */
    assert_true(sc_table_num(t, 0)[5] == 10);
    assert_true(sc_table_num(t, col(t, "flops"))[5] == 1.9739956381483008e+18);
    assert_string_equal(sc_table_text(t, col(t, "benchmark"), 5), "arc_easy");
    assert_string_equal(sc_table_text(t, col(t, "metric_type"), 5), "acc_norm");
    assert_true(sc_table_num(t, col(t, "score"))[5] == 0.3653198653198653);
    sc_table_free(t);

    t = read_data("apple/metrics_dclm_data_mixture_subset.csv");
    assert_int_equal(sc_table_nrows(t), 10134);
    assert_int_equal(sc_table_ncols(t), 6);
    sc_error err;
    size_t j;
    assert_int_equal(sc_table_require_num(t, "benchmark", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 16); /* 0,1825570816.0,arc_challenge */
    sc_table_free(t);
}

static void test_chinchilla_file(void **state)
{
    (void)state;
    sc_table *t = read_data("chinchilla-epoch/svg_extracted_data.csv");
    assert_int_equal(sc_table_nrows(t), 245);
    assert_int_equal(sc_table_ncols(t), 7);
    assert_int_equal(sc_table_coltype(t, col(t, "color")), SC_COL_TEXT);
    assert_int_equal(sc_table_coltype(t, col(t, "hex_color")), SC_COL_TEXT);
    assert_string_equal(sc_table_text(t, col(t, "color"), 0), "#faebdd");
    const char *numeric[] = {"x", "y", "Model Size", "Training FLOP", "loss"};
    for (size_t k = 0; k < 5; k++)
        assert_int_equal(sc_table_coltype(t, col(t, numeric[k])), SC_COL_NUM);
    assert_true(sc_table_num(t, col(t, "Training FLOP"))[0] == 9.993852799709755e+18);
    assert_true(sc_table_num(t, col(t, "loss"))[0] == 5.005581996196243);
    sc_table_free(t);
}

static void test_obsscaling_file(void **state)
{
    (void)state;
    sc_table *t = read_data("obsscaling/base_llm_benchmark_eval.csv");
    assert_int_equal(sc_table_nrows(t), 148);
    assert_int_equal(sc_table_ncols(t), 13);
    assert_int_equal(sc_table_coltype(t, col(t, "Model")), SC_COL_TEXT);
    assert_int_equal(sc_table_coltype(t, col(t, "Model Family")), SC_COL_TEXT);
    for (size_t j = 2; j < 13; j++) assert_int_equal(sc_table_coltype(t, j), SC_COL_NUM);
    /* Line 9: meta-llama/Meta-Llama-3-70B,Llama-3,70.0,15.0,6300.0,0.792...,<empty ARC-C>,... */
    size_t r = 7;
    assert_string_equal(sc_table_text(t, 0, r), "meta-llama/Meta-Llama-3-70B");
    assert_string_equal(sc_table_text(t, 1, r), "Llama-3");
    assert_true(sc_table_num(t, col(t, "FLOPs (1E21)"))[r] == 6300.0);
    assert_true(isnan(sc_table_num(t, col(t, "ARC-C"))[r]));
    assert_true(sc_table_num(t, col(t, "MMLU"))[r] == 0.792329338617972);
    size_t nmissing = 0;
    const double *arc = sc_table_num(t, col(t, "ARC-C"));
    for (size_t i = 0; i < 148; i++) nmissing += isnan(arc[i]) != 0;
    assert_true(nmissing >= 3 && nmissing < 148);
    sc_table_free(t);
}

/* Every CSV file shipped in data/ reads, with one row per line after the header (none has a
 * quoted line break); text columns are the model names (and families) of the obsscaling files,
 * the OLMo ladder files are all numeric. */
static void test_all_shipped_files(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        size_t rows, cols, text;
    } files[] = {
        {"apple/metrics_c4_mixture_subset.csv", 2101, 8, 2},
        {"apple/metrics_dclm_data_mixture_subset.csv", 10134, 6, 2},
        {"chinchilla-epoch/svg_extracted_data.csv", 245, 7, 2},
        {"obsscaling/base_llm_benchmark_eval.csv", 148, 13, 2},
        {"obsscaling/base_llm_benchmark_eval_sub_10b.csv", 92, 13, 2},
        {"obsscaling/base_llm_emergent_capability_eval.csv", 84, 9, 1},
        {"obsscaling/base_llm_leaderboard_v2_eval.csv", 72, 7, 1},
        {"obsscaling/base_llm_post_training_eval.csv", 96, 235, 1},
        {"obsscaling/instruct_llm_agent_eval.csv", 27, 30, 1},
        {"obsscaling/instruct_llm_benchmark_eval.csv", 27, 14, 2},
        {"olmo-ladder/190M-0.5xC.csv", 72, 97, 0},
        {"olmo-ladder/190M-10xC.csv", 73, 97, 0},
        {"olmo-ladder/190M-1xC-rerun.csv", 73, 97, 0},
        {"olmo-ladder/190M-1xC.csv", 37, 97, 0},
        {"olmo-ladder/190M-2xC.csv", 73, 97, 0},
        {"olmo-ladder/190M-5xC.csv", 73, 97, 0},
        {"olmo-ladder/1B-0.5xC.csv", 163, 97, 0},
        {"olmo-ladder/1B-10xC.csv", 163, 97, 0},
        {"olmo-ladder/1B-1xC-rerun.csv", 163, 97, 0},
        {"olmo-ladder/1B-1xC.csv", 82, 97, 0},
        {"olmo-ladder/1B-2xC.csv", 163, 97, 0},
        {"olmo-ladder/1B-5xC.csv", 163, 97, 0},
        {"olmo-ladder/370M-0.5xC.csv", 95, 97, 0},
        {"olmo-ladder/370M-10xC.csv", 95, 97, 0},
        {"olmo-ladder/370M-1xC-rerun.csv", 95, 97, 0},
        {"olmo-ladder/370M-1xC.csv", 48, 97, 0},
        {"olmo-ladder/370M-2xC.csv", 95, 97, 0},
        {"olmo-ladder/370M-5xC.csv", 95, 97, 0},
        {"olmo-ladder/760M-0.5xC.csv", 116, 97, 0},
        {"olmo-ladder/760M-10xC.csv", 116, 97, 0},
        {"olmo-ladder/760M-1xC-rerun.csv", 116, 97, 0},
        {"olmo-ladder/760M-1xC.csv", 58, 97, 0},
        {"olmo-ladder/760M-2xC.csv", 116, 97, 0},
        {"olmo-ladder/760M-5xC.csv", 116, 97, 0},
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        sc_table *t = read_data(files[k].file);
        assert_int_equal(sc_table_nrows(t), files[k].rows);
        assert_int_equal(sc_table_ncols(t), files[k].cols);
        size_t ntext = 0;
        for (size_t j = 0; j < sc_table_ncols(t); j++)
            ntext += sc_table_coltype(t, j) == SC_COL_TEXT;
        assert_int_equal(ntext, files[k].text);
        sc_table_free(t);
    }
    /* Quoted header names with commas in them (lm-eval metric names). */
    sc_table *t = read_data("obsscaling/base_llm_post_training_eval.csv");
    assert_true(sc_table_find(t, "gsm8k_cot_self_consistency_8_exact_match,score-first") == 1);
    assert_int_equal(sc_table_coltype(t, 1), SC_COL_NUM);
    sc_table_free(t);
}

/* ---- round trip ---- */

static void test_round_trip(void **state)
{
    (void)state;
    const double a[] = {0.1,  -1.0 / 3.0, 1.97e18, NAN, INFINITY,
                        -0.0, 5e-324,     1.7976931348623157e308};
    const char *s[] = {"plain", "with,comma", "quote \" inside", NULL, "two\nlines", "cr\r\nlf",
                       " spaced ", "x"};
    sc_table *t = sc_table_new();
    assert_int_equal(sc_table_add_num(t, "", a, 8), SC_OK);
    assert_int_equal(sc_table_add_text(t, "name, \"quoted\"", s, 8), SC_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(sc_table_write_csv(t, f), SC_OK);
    fclose(f);

    sc_table *u = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read_mem(buf, len, "rt.csv", NULL, &u, &err), SC_OK);
    assert_int_equal(sc_table_nrows(u), 8);
    assert_string_equal(sc_table_colname(u, 0), "");
    assert_string_equal(sc_table_colname(u, 1), "name, \"quoted\"");
    const double *b = sc_table_num(u, 0);
    for (size_t i = 0; i < 8; i++) {
        if (isnan(a[i])) assert_true(isnan(b[i]));
        else assert_memory_equal(&a[i], &b[i], sizeof(double));
        if (s[i] == NULL) assert_null(sc_table_text(u, 1, i));
        else assert_string_equal(sc_table_text(u, 1, i), s[i]);
    }
    sc_table_free(u);
    sc_table_free(t);
    free(buf);
}

/* ---- out of memory ---- */

/* Makes the k-th allocation fail for k = 0, 1, ... until the read succeeds: every failure must
 * be a clean SC_ENOMEM with no table (and no leak: the sanitizer build checks). */
static void test_out_of_memory(void **state)
{
    (void)state;
    const char *csv = "\xEF\xBB\xBF,name,x,note\n0,a,1.5,\"q \"\"1\"\"\nz\"\n1,b,,plain\n"
                      "2,c,3e300,\n3,d,nan,\"x,y\"\n";
    long k = 0;
    for (;; k++) {
        sc_tbl_fail_countdown = k;
        sc_table *t = (sc_table *)1;
        sc_error err;
        sc_status s = sc_csv_read_mem(csv, strlen(csv), "o.csv", NULL, &t, &err);
        long left = sc_tbl_fail_countdown;
        sc_tbl_fail_countdown = -1;
        if (s == SC_OK) {
            assert_int_equal(sc_table_nrows(t), 4);
            assert_string_equal(sc_table_text(t, 3, 0), "q \"1\"\nz");
            sc_table_free(t);
            if (left > 0) break; /* finished without reaching the failing allocation */
            continue;
        }
        assert_int_equal(s, SC_ENOMEM);
        assert_int_equal(err.code, SC_ENOMEM);
        assert_string_equal(err.message, "out of memory");
        assert_null(t);
        assert_true(k < 10000);
    }
    assert_true(k > 10); /* the loop did walk through the allocations */

    for (k = 0;; k++) {
        sc_tbl_fail_countdown = k;
        sc_table *t = (sc_table *)1;
        sc_error err;
        sc_status s = sc_csv_read(SC_TEST_DATA_DIR "/csv/runs.csv", NULL, &t, &err);
        long left = sc_tbl_fail_countdown;
        sc_tbl_fail_countdown = -1;
        if (s == SC_OK) {
            sc_table_free(t);
            if (left > 0) break;
            continue;
        }
        assert_int_equal(s, SC_ENOMEM);
        assert_int_equal(err.code, SC_ENOMEM);
        assert_null(t);
        assert_true(k < 10000);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_basic_types),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_line_endings),
        cmocka_unit_test(test_bom_file),
        cmocka_unit_test(test_missing_cells),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_number_exactness),
        cmocka_unit_test(test_header_names),
        cmocka_unit_test(test_error_unterminated),
        cmocka_unit_test(test_error_ragged),
        cmocka_unit_test(test_error_empty),
        cmocka_unit_test(test_error_duplicate),
        cmocka_unit_test(test_error_stray_quote),
        cmocka_unit_test(test_error_not_found),
        cmocka_unit_test(test_require_num_position),
        cmocka_unit_test(test_apple_files),
        cmocka_unit_test(test_chinchilla_file),
        cmocka_unit_test(test_obsscaling_file),
        cmocka_unit_test(test_all_shipped_files),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
