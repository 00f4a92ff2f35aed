/* SPDX-License-Identifier: GPL-3.0-or-later
 * Tables: building, lookup errors, subsets, CSV output, and pivoting, including the pivot of
 * the real Apple downstream files (Krajewski et al. 2025) checked against the raw rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/table_internal.h"
#include "scalecast.h"

static size_t col(const sc_table *t, const char *name)
{
    long j = sc_table_find(t, name);
    if (j < 0) fail_msg("no column %s", name);
    return (size_t)j;
}

static sc_table *from_csv(const char *csv, const char *name)
{
    sc_table *t = NULL;
    sc_error err;
    if (sc_csv_read_mem(csv, strlen(csv), name, NULL, &t, &err) != SC_OK)
        fail_msg("%s", err.message);
    return t;
}

static sc_table *read_data(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", SC_DATA_DIR, rel);
    sc_table *t = NULL;
    sc_error err;
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK) fail_msg("%s: %s", rel, err.message);
    return t;
}

/* Writes t as CSV into a string (caller frees). */
static char *to_csv(const sc_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(sc_table_write_csv(t, f), SC_OK);
    fclose(f);
    return buf;
}

/* ---- building and accessors ---- */

static void test_build(void **state)
{
    (void)state;
    sc_table_free(NULL);
    sc_table *t = sc_table_new();
    assert_non_null(t);
    assert_int_equal(sc_table_nrows(t), 0);
    assert_int_equal(sc_table_ncols(t), 0);
    assert_string_equal(sc_table_source(t), "");
    const double x[] = {1, 2, NAN};
    const char *s[] = {"a", NULL, "c"};
    assert_int_equal(sc_table_add_num(t, "x", x, 3), SC_OK);
    assert_int_equal(sc_table_add_text(t, "s", s, 3), SC_OK);
    assert_int_equal(sc_table_add_num(t, "x", x, 3), SC_EDUP);
    assert_int_equal(sc_table_add_text(t, "x", s, 3), SC_EDUP);
    assert_int_equal(sc_table_add_num(t, "y", x, 2), SC_EINVAL);
    assert_int_equal(sc_table_add_num(t, NULL, x, 3), SC_EINVAL);
    assert_int_equal(sc_table_nrows(t), 3);
    assert_int_equal(sc_table_ncols(t), 2);
    assert_string_equal(sc_table_colname(t, 1), "s");
    assert_null(sc_table_colname(t, 2));
    assert_int_equal(sc_table_coltype(t, 0), SC_COL_NUM);
    assert_int_equal(sc_table_coltype(t, 1), SC_COL_TEXT);
    assert_int_equal(sc_table_find(t, "s"), 1);
    assert_int_equal(sc_table_find(t, "nope"), -1);
    assert_null(sc_table_num(t, 1));
    assert_null(sc_table_num(t, 5));
    const double *v = sc_table_num(t, 0);
    assert_true(v[0] == 1 && v[1] == 2 && isnan(v[2]));
    assert_null(sc_table_text(t, 0, 0));
    assert_null(sc_table_text(t, 1, 1));
    assert_null(sc_table_text(t, 1, 3));
    assert_string_equal(sc_table_text(t, 1, 2), "c");
    sc_table_free(t);
}

static void test_copy(void **state)
{
    (void)state;
    sc_table *t = from_csv("a,b\n1,x\n2,y\n", "c.csv");
    sc_table *c = NULL;
    assert_int_equal(sc_table_copy(t, &c), SC_OK);
    sc_table_free(t); /* the copy owns all of its memory */
    assert_int_equal(sc_table_nrows(c), 2);
    assert_string_equal(sc_table_source(c), "c.csv");
    assert_string_equal(sc_table_text(c, 1, 1), "y");
    assert_true(sc_table_num(c, 0)[1] == 2);
    /* Positions survive a copy. */
    size_t j;
    sc_error err;
    assert_int_equal(sc_table_require_num(c, "b", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 3);
    sc_table_free(c);
}

static void test_require_errors(void **state)
{
    (void)state;
    const double x[] = {1, 2};
    const char *s[] = {"3.5", "n/a"};
    sc_table *t = sc_table_new();
    assert_int_equal(sc_table_add_num(t, "x", x, 2), SC_OK);
    assert_int_equal(sc_table_add_text(t, "s", s, 2), SC_OK);
    size_t j = 7;
    sc_error err;
    assert_int_equal(sc_table_require(t, "s", &j, &err), SC_OK);
    assert_int_equal(j, 1);
    assert_int_equal(sc_table_require(t, "z", &j, &err), SC_ENOCOL);
    assert_string_equal(err.message, "no column named \"z\" (columns: x, s)");
    assert_int_equal(err.line, 0);
    /* Built in memory: no line, the row is named instead. */
    assert_int_equal(sc_table_require_num(t, "s", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 0);
    assert_string_equal(err.message, "column \"s\": expected a number, got \"n/a\" (row 2)");
    sc_table_free(t);

    /* A long column list is cut short, not overflowed. */
    t = sc_table_new();
    char name[64];
    for (int k = 0; k < 100; k++) {
        snprintf(name, sizeof name, "a_rather_long_column_name_%d", k);
        assert_int_equal(sc_table_add_num(t, name, x, 2), SC_OK);
    }
    assert_int_equal(sc_table_require(t, "z", &j, &err), SC_ENOCOL);
    assert_non_null(strstr(err.message, "..."));
    sc_table_free(t);
}

static void test_rename(void **state)
{
    (void)state;
    sc_table *t = from_csv("a,b\n1,2\n", "r.csv");
    sc_error err;
    assert_int_equal(sc_table_rename(t, "a", "alpha", &err), SC_OK);
    assert_int_equal(sc_table_find(t, "alpha"), 0);
    assert_int_equal(sc_table_find(t, "a"), -1);
    assert_int_equal(sc_table_rename(t, "alpha", "alpha", &err), SC_OK);
    assert_int_equal(sc_table_rename(t, "alpha", "b", &err), SC_EDUP);
    assert_int_equal(sc_table_rename(t, "zz", "c", &err), SC_ENOCOL);
    assert_string_equal(err.file, "r.csv");
    assert_int_equal(err.line, 1);
    sc_table_free(t);
}

static void test_filter_select(void **state)
{
    (void)state;
    sc_table *t = from_csv("name,flops,acc\nA,1e18,0.3\nB,,0.4\nC,5e18,x\nD,1e19,0.6\n", "f.csv");
    const unsigned char keep[] = {1, 0, 0, 1};
    sc_table *f = NULL;
    assert_int_equal(sc_table_filter(t, keep, &f), SC_OK);
    assert_int_equal(sc_table_nrows(f), 2);
    assert_string_equal(sc_table_text(f, 0, 1), "D");
    sc_table_free(f);

    sc_error err;
    assert_int_equal(sc_table_filter_range(t, "flops", 1e18, 5e18, &f, &err), SC_OK);
    assert_int_equal(sc_table_nrows(f), 2); /* A and C; B (missing) is dropped */
    assert_string_equal(sc_table_text(f, 0, 0), "A");
    assert_string_equal(sc_table_text(f, 0, 1), "C");
    /* The text cell of C keeps its source position through the filter. */
    size_t j;
    assert_int_equal(sc_table_require_num(f, "acc", &j, &err), SC_ETYPE);
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 8);
    sc_table_free(f);
    assert_int_equal(sc_table_filter_range(t, "acc", 0, 1, &f, &err), SC_ETYPE);
    assert_null(f);
    assert_int_equal(sc_table_filter_range(t, "nope", 0, 1, &f, &err), SC_ENOCOL);

    const char *names[] = {"acc", "name"};
    sc_table *s = NULL;
    assert_int_equal(sc_table_select(t, names, 2, &s, &err), SC_OK);
    assert_int_equal(sc_table_ncols(s), 2);
    assert_string_equal(sc_table_colname(s, 0), "acc");
    assert_string_equal(sc_table_text(s, 1, 2), "C");
    sc_table_free(s);
    const char *bad[] = {"name", "nope"};
    assert_int_equal(sc_table_select(t, bad, 2, &s, &err), SC_ENOCOL);
    assert_null(s);
    const char *twice[] = {"name", "name"};
    assert_int_equal(sc_table_select(t, twice, 2, &s, &err), SC_EDUP);
    assert_null(s);
    sc_table_free(t);
}

static void test_write_csv(void **state)
{
    (void)state;
    const double x[] = {0.1, NAN, 1e300, -INFINITY};
    const char *s[] = {"a,b", NULL, "say \"x\"", "l1\nl2"};
    sc_table *t = sc_table_new();
    assert_int_equal(sc_table_add_num(t, "x", x, 4), SC_OK);
    assert_int_equal(sc_table_add_text(t, "the \"s\"", s, 4), SC_OK);
    char *out = to_csv(t);
    assert_string_equal(out, "x,\"the \"\"s\"\"\"\n"
                             "0.10000000000000001,\"a,b\"\n"
                             ",\n"
                             "1.0000000000000001e+300,\"say \"\"x\"\"\"\n"
                             "-inf,\"l1\nl2\"\n");
    free(out);
    assert_int_equal(sc_table_write_csv(t, NULL), SC_EINVAL);
    sc_table_free(t);

    /* One column: empty cells are quoted so that no line is blank; a leading byte order mark
     * in text is quoted so that it is not taken for the file's. */
    const double y[] = {NAN, 2};
    const char *b[] = {"\xEF\xBB\xBFx", NULL};
    t = sc_table_new();
    assert_int_equal(sc_table_add_num(t, "", y, 2), SC_OK);
    out = to_csv(t);
    assert_string_equal(out, "\"\"\n\"\"\n2\n");
    sc_table *u = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read_mem(out, strlen(out), "o.csv", NULL, &u, &err), SC_OK);
    assert_int_equal(sc_table_nrows(u), 2);
    assert_string_equal(sc_table_colname(u, 0), "");
    assert_true(isnan(sc_table_num(u, 0)[0]) && sc_table_num(u, 0)[1] == 2);
    free(out);
    sc_table_free(u);
    sc_table_free(t);
    t = sc_table_new();
    assert_int_equal(sc_table_add_text(t, "\xEF\xBB\xBFs", b, 2), SC_OK);
    out = to_csv(t);
    assert_string_equal(out, "\"\xEF\xBB\xBFs\"\n\"\xEF\xBB\xBFx\"\n\"\"\n");
    assert_int_equal(sc_csv_read_mem(out, strlen(out), "o.csv", NULL, &u, &err), SC_OK);
    assert_string_equal(sc_table_colname(u, 0), "\xEF\xBB\xBFs");
    assert_string_equal(sc_table_text(u, 0, 0), "\xEF\xBB\xBFx");
    assert_null(sc_table_text(u, 0, 1));
    free(out);
    sc_table_free(u);
    sc_table_free(t);
}

/* ---- pivot ---- */

static void test_pivot_rule(void **state)
{
    (void)state;
    /* Run r1 appears twice for every key: two wide rows; r2 has one value per key, except
     * b:acc which it has twice, so it gets a second, mostly empty, row. */
    sc_table *t = from_csv("run,bench,metric,score,junk\n"
                           "r1,a,acc,0.1,z\n"
                           "r1,b,acc,0.2,z\n"
                           "r2,a,acc,0.3,z\n"
                           "r1,a,acc,0.4,z\n"
                           "r2,b,acc,0.5,z\n"
                           "r1,b,acc,0.6,z\n"
                           "r2,b,acc,0.7,z\n"
                           "r3,a,brier,,z\n",
                           "p.csv");
    const char *ids[] = {"run"};
    const char *keys[] = {"bench", "metric"};
    sc_table *w = NULL;
    sc_error err;
    assert_int_equal(sc_table_pivot(t, ids, 1, keys, 2, "score", ":", &w, &err), SC_OK);
    char *out = to_csv(w);
    assert_string_equal(out, "run,a:acc,b:acc,a:brier\n"
                             "r1,0.10000000000000001,0.20000000000000001,\n"
                             "r1,0.40000000000000002,0.59999999999999998,\n"
                             "r2,0.29999999999999999,0.5,\n"
                             "r2,,0.69999999999999996,\n"
                             "r3,,,\n");
    free(out);
    sc_table_free(w);

    /* No id columns: one group; a numeric key; another separator. */
    sc_table *u = from_csv("k,v\n1,10\n2,20\n1,30\n", "q.csv");
    const char *k1[] = {"k"};
    assert_int_equal(sc_table_pivot(u, NULL, 0, k1, 1, "v", NULL, &w, &err), SC_OK);
    out = to_csv(w);
    assert_string_equal(out, "1,2\n10,20\n30,\n");
    free(out);
    sc_table_free(w);
    sc_table_free(u);

    /* Errors. */
    assert_int_equal(sc_table_pivot(t, ids, 1, keys, 2, "junk", ":", &w, &err), SC_ETYPE);
    assert_null(w);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 14);
    assert_int_equal(sc_table_pivot(t, ids, 1, keys, 2, "nope", ":", &w, &err), SC_ENOCOL);
    const char *idsdup[] = {"bench"};
    assert_int_equal(sc_table_pivot(t, idsdup, 1, keys, 2, "score", ":", &w, &err), SC_EDUP);
    assert_int_equal(sc_table_pivot(t, ids, 1, keys, 0, "score", ":", &w, &err), SC_EINVAL);
    sc_table_free(t);

    /* A missing value still takes its occurrence. */
    t = from_csv("run,key,v\nr1,a,1\nr1,a,\nr1,a,3\n", "n.csv");
    const char *k3[] = {"key"};
    assert_int_equal(sc_table_pivot(t, ids, 1, k3, 1, "v", ":", &w, &err), SC_OK);
    out = to_csv(w);
    assert_string_equal(out, "run,a\nr1,1\nr1,\nr1,3\n");
    free(out);
    sc_table_free(w);
    sc_table_free(t);

    /* A key value that is also an id column's name. */
    t = from_csv("run,key,v\nr1,run,1\n", "c.csv");
    const char *k2[] = {"key"};
    assert_int_equal(sc_table_pivot(t, ids, 1, k2, 1, "v", ":", &w, &err), SC_EDUP);
    sc_table_free(t);

    /* A missing key is reported where it is. */
    t = from_csv("run,key,v\nr1,a,1\nr1,,2\n", "m.csv");
    assert_int_equal(sc_table_pivot(t, ids, 1, k2, 1, "v", ":", &w, &err), SC_EDOMAIN);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 4);
    assert_null(w);
    sc_table_free(t);
}

/* The Apple C4 file (Krajewski et al. 2025): 2101 long rows, SOURCE.md says 44 runs. */
static void test_pivot_apple_c4(void **state)
{
    (void)state;
    sc_table *t = read_data("apple/metrics_c4_mixture_subset.csv");
    const char *ids[] = {"flops", "params", "tokens", "tpr"};
    const char *keys[] = {"benchmark", "metric_type"};
    sc_table *w = NULL;
    sc_error err;
    assert_int_equal(sc_table_pivot(t, ids, 4, keys, 2, "score", ":", &w, &err), SC_OK);
    assert_int_equal(sc_table_nrows(w), 44);
    assert_int_equal(sc_table_ncols(w), 4 + 59); /* 59 distinct benchmark:metric pairs */
    assert_string_equal(sc_table_colname(w, 4), "arc_challenge:acc");
    assert_string_equal(sc_table_source(w), sc_table_source(t));

    /* Runs in order of first appearance; file line 7 is
     *   10,1.9739956381483008e+18,122777600.0,2679635968.0,arc_easy,acc_norm,
     *   0.3653198653198653,20.0 */
    const double *flops = sc_table_num(w, col(w, "flops"));
    const double *ae = sc_table_num(w, col(w, "arc_easy:acc_norm"));
    assert_true(flops[0] == 1.9739956381483008e+18);
    assert_true(sc_table_num(w, col(w, "params"))[0] == 122777600.0);
    assert_true(ae[0] == 0.3653198653198653);
    /* Line 2076: 18300,5.795271829209559e+21,...,arc_easy,acc_norm,0.6418350168350169,20.0 */
    size_t big = 44;
    for (size_t i = 0; i < 44; i++)
        if (flops[i] == 5.795271829209559e+21) big = i;
    assert_true(big < 44);
    assert_true(ae[big] == 0.6418350168350169);
    assert_true(sc_table_num(w, col(w, "tokens"))[big] == 136910471168.0);
    /* flops = 6 N D exactly in this file (SOURCE.md). */
    const double *n = sc_table_num(w, col(w, "params")), *d = sc_table_num(w, col(w, "tokens"));
    for (size_t i = 0; i < 44; i++)
        assert_true(fabs(flops[i] - 6 * n[i] * d[i]) <= 1e-12 * flops[i]);

    /* Every long row lands in its cell: each wide cell holds the value of its row. */
    size_t nfilled = 0;
    for (size_t j = 4; j < sc_table_ncols(w); j++) {
        const double *v = sc_table_num(w, j);
        for (size_t i = 0; i < 44; i++) nfilled += !isnan(v[i]);
    }
    assert_int_equal(nfilled, 2101); /* no score is missing in the file, none collides */

    /* filter_range on flops: 1e19 <= C <= 1e20 holds 12 of the runs; all are <= 6e21. */
    sc_table *f = NULL;
    assert_int_equal(sc_table_filter_range(w, "flops", 1e19, 1e20, &f, &err), SC_OK);
    assert_int_equal(sc_table_nrows(f), 12);
    const double *ff = sc_table_num(f, col(f, "flops"));
    for (size_t i = 0; i < 12; i++) assert_true(ff[i] >= 1e19 && ff[i] <= 1e20);
    sc_table_free(f);
    assert_int_equal(sc_table_filter_range(w, "flops", 0, 6e21, &f, &err), SC_OK);
    assert_int_equal(sc_table_nrows(f), 44);
    sc_table_free(f);
    sc_table_free(w);
    sc_table_free(t);
}

/* The Apple DCLM file: SOURCE.md says 149 runs, one of them (357B tokens at tpr 20) repeated.
 * Checked against the raw file: grouping by (tokens, tpr) gives 148 distinct runs; the
 * 357358895104-token run has every one of its 64 benchmark:metric pairs twice (file lines
 * 4082-4145 and 4146-4209), identical except mbpp (n_ok 37612 on line 4120 vs 37613 on line
 * 4184). The k-th occurrence rule keeps the two evaluations apart: 149 wide rows. */
static void test_pivot_apple_dclm(void **state)
{
    (void)state;
    sc_table *t = read_data("apple/metrics_dclm_data_mixture_subset.csv");
    const char *ids[] = {"tokens", "tpr"};
    const char *keys[] = {"benchmark", "metric_type"};
    sc_table *w = NULL;
    sc_error err;
    assert_int_equal(sc_table_pivot(t, ids, 2, keys, 2, "score", ":", &w, &err), SC_OK);
    assert_int_equal(sc_table_nrows(w), 149);
    assert_int_equal(sc_table_ncols(w), 2 + 80);

    const double *tok = sc_table_num(w, col(w, "tokens"));
    const double *tpr = sc_table_num(w, col(w, "tpr"));
    size_t rep[3], nrep = 0;
    for (size_t i = 0; i < 149; i++)
        if (tok[i] == 357358895104.0 && tpr[i] == 20.0 && nrep < 3) rep[nrep++] = i;
    assert_int_equal(nrep, 2);
    assert_int_equal(rep[1], rep[0] + 1); /* a group's wide rows are adjacent */
    const double *ok = sc_table_num(w, col(w, "mbpp:n_ok"));
    assert_true(ok[rep[0]] == 37612 && ok[rep[1]] == 37613);
    const double *ae = sc_table_num(w, col(w, "arc_easy:acc_norm"));
    assert_true(ae[rep[0]] == 0.8089225589225589 && ae[rep[1]] == 0.8089225589225589);
    assert_true(sc_table_num(w, col(w, "mbpp:pass@1"))[rep[0]] == 0.37612000000000007);

    /* Line 3 of the file: the first run's arc_challenge acc_norm. */
    assert_true(tok[0] == 1825570816.0);
    assert_true(sc_table_num(w, col(w, "arc_challenge:acc_norm"))[0] == 0.2098976109215017);

    /* Every other run is distinct. */
    for (size_t i = 0; i < 149; i++)
        for (size_t k = 0; k < i; k++)
            if (tok[i] == tok[k] && tpr[i] == tpr[k])
                assert_true(tok[i] == 357358895104.0 && tpr[i] == 20.0);
    sc_table_free(w);
    sc_table_free(t);
}

/* ---- out of memory ---- */

typedef sc_status (*table_op)(const sc_table *t, sc_table **out, sc_error *err);

static sc_status op_copy(const sc_table *t, sc_table **out, sc_error *err)
{
    sc_error_clear(err);
    sc_status s = sc_table_copy(t, out);
    err->code = s;
    return s;
}

static sc_status op_filter(const sc_table *t, sc_table **out, sc_error *err)
{
    const unsigned char keep[] = {1, 0, 1, 1, 0, 1};
    sc_error_clear(err);
    sc_status s = sc_table_filter(t, keep, out);
    err->code = s;
    return s;
}

static sc_status op_range(const sc_table *t, sc_table **out, sc_error *err)
{
    return sc_table_filter_range(t, "v", 0.15, 0.45, out, err);
}

static sc_status op_select(const sc_table *t, sc_table **out, sc_error *err)
{
    const char *names[] = {"m", "run"};
    return sc_table_select(t, names, 2, out, err);
}

static sc_status op_pivot(const sc_table *t, sc_table **out, sc_error *err)
{
    const char *ids[] = {"run"}, *keys[] = {"b", "m"};
    return sc_table_pivot(t, ids, 1, keys, 2, "v", ":", out, err);
}

/* Makes the k-th allocation of op fail for k = 0, 1, ... until op succeeds: each failure
 * must be a clean SC_ENOMEM with no output (leaks are caught by the sanitizer build). */
static void fail_each_allocation(const sc_table *t, table_op op, size_t want_rows)
{
    for (long k = 0;; k++) {
        sc_tbl_fail_countdown = k;
        sc_table *out = (sc_table *)1;
        sc_error err;
        sc_status s = op(t, &out, &err);
        long left = sc_tbl_fail_countdown;
        sc_tbl_fail_countdown = -1;
        if (s == SC_OK) {
            assert_int_equal(sc_table_nrows(out), want_rows);
            sc_table_free(out);
            if (left > 0) return;
            continue;
        }
        assert_int_equal(s, SC_ENOMEM);
        assert_int_equal(err.code, SC_ENOMEM);
        assert_null(out);
        assert_true(k < 10000);
    }
}

static void test_out_of_memory(void **state)
{
    (void)state;
    sc_table *t = from_csv("run,b,m,v,note\nr1,a,acc,0.1,x\nr1,b,acc,0.2,y\nr2,a,acc,0.3,\n"
                           "r1,a,acc,0.4,z\nr2,b,acc,0.5,w\nr3,a,f1,0.6,v\n",
                           "o.csv");
    fail_each_allocation(t, op_copy, 6);
    fail_each_allocation(t, op_filter, 4);
    fail_each_allocation(t, op_range, 3);
    fail_each_allocation(t, op_select, 6);
    fail_each_allocation(t, op_pivot, 4);

    /* Building. */
    const double x[] = {1, 2, 3, 4, 5, 6};
    const char *s[] = {"p", NULL, "q", "r", "s", "t"};
    for (long k = 0;; k++) {
        sc_table *c = NULL;
        assert_int_equal(sc_table_copy(t, &c), SC_OK);
        sc_tbl_fail_countdown = k;
        sc_status s1 = sc_table_add_num(c, "x", x, 6);
        sc_status s2 = s1 == SC_OK ? sc_table_add_text(c, "s", s, 6) : s1;
        sc_error err;
        sc_status s3 = s2 == SC_OK ? sc_table_rename(c, "x", "xx", &err) : s2;
        long left = sc_tbl_fail_countdown;
        sc_tbl_fail_countdown = -1;
        if (s3 == SC_OK) {
            assert_int_equal(sc_table_ncols(c), 7);
            assert_string_equal(sc_table_text(c, 6, 5), "t");
            sc_table_free(c);
            if (left > 0) break;
            continue;
        }
        assert_int_equal(s3, SC_ENOMEM);
        /* A failed addition leaves the table as it was. */
        assert_true(sc_table_ncols(c) >= 5 && sc_table_ncols(c) <= 7);
        sc_table_free(c);
        assert_true(k < 10000);
    }
    sc_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_require_errors),
        cmocka_unit_test(test_rename),
        cmocka_unit_test(test_filter_select),
        cmocka_unit_test(test_write_csv),
        cmocka_unit_test(test_pivot_rule),
        cmocka_unit_test(test_pivot_apple_c4),
        cmocka_unit_test(test_pivot_apple_dclm),
        cmocka_unit_test(test_out_of_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
