/* SPDX-License-Identifier: GPL-3.0-or-later
 * libFuzzer target for the CSV reader and the table operations behind it.
 *
 * Any input must either fail with a filled, one-line error, or give a table on which lookups,
 * subsets, a pivot and CSV output work; and the written CSV must read back into the same table
 * (same names, types and cells). A violated invariant traps, so the fuzzer reports it. */
#include "core/table_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "invariant failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);       \
            __builtin_trap();                                                                   \
        }                                                                                       \
    } while (0)

static void check_error(sc_status s, const sc_error *err)
{
    CHECK(err->code == s);
    CHECK(err->message[0] != '\0');
    CHECK(strchr(err->message, '\n') == NULL);
    char buf[1024];
    sc_error_format(err, buf, sizeof buf);
}

static int same_double(double a, double b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void check_same(const sc_table *a, const sc_table *b)
{
    CHECK(sc_table_nrows(a) == sc_table_nrows(b));
    CHECK(sc_table_ncols(a) == sc_table_ncols(b));
    for (size_t j = 0; j < sc_table_ncols(a); j++) {
        CHECK(strcmp(sc_table_colname(a, j), sc_table_colname(b, j)) == 0);
        CHECK(sc_table_coltype(a, j) == sc_table_coltype(b, j));
        for (size_t i = 0; i < sc_table_nrows(a); i++) {
            if (sc_table_coltype(a, j) == SC_COL_NUM) {
                CHECK(same_double(sc_table_num(a, j)[i], sc_table_num(b, j)[i]));
            } else {
                const char *x = sc_table_text(a, j, i), *y = sc_table_text(b, j, i);
                CHECK((x == NULL) == (y == NULL));
                CHECK(x == NULL || strcmp(x, y) == 0);
            }
        }
    }
}

/* Writes t to memory and reads it back; the result must equal t. */
static void round_trip(const sc_table *t)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL) return;
    sc_status s = sc_table_write_csv(t, f);
    fclose(f);
    CHECK(s == SC_OK);
    sc_table *u = NULL;
    sc_error err;
    s = sc_csv_read_mem(buf, len, "round-trip.csv", NULL, &u, &err);
    if (s == SC_ENOMEM) {
        free(buf);
        return;
    }
    CHECK(s == SC_OK);
    check_same(t, u);
    sc_table_free(u);
    free(buf);
}

static void exercise(const sc_table *t)
{
    const size_t n = sc_table_nrows(t), p = sc_table_ncols(t);
    CHECK(n > 0 && p > 0);
    /* Every cell has a position; lines never go back down a column, and within a column a
     * later cell on the same line can only be further right. */
    for (size_t k = 0; k < p && k < 64; k++) {
        size_t prev_line = 0, prev_col = 0;
        for (size_t i = 0; i < n; i++) {
            size_t line, col;
            sc_table_cell_pos(t, i, k, &line, &col);
            CHECK(line >= 2 && col >= 1);
            CHECK(line > prev_line || (line == prev_line && col > prev_col));
            prev_line = line;
            prev_col = col;
        }
    }
    sc_error err;
    size_t j;
    long numeric = -1;
    for (size_t k = 0; k < p && k < 64; k++) { /* lookups are O(p): keep wide inputs fast */
        const char *name = sc_table_colname(t, k);
        CHECK(sc_table_find(t, name) == (long)k);
        sc_status s = sc_table_require_num(t, name, &j, &err);
        CHECK(s == (sc_table_coltype(t, k) == SC_COL_NUM ? SC_OK : SC_ETYPE));
        if (s != SC_OK) check_error(s, &err);
        else if (numeric < 0 && k >= 2) numeric = (long)k;
    }
    const char *absent = "\x01no such column";
    if (sc_table_find(t, absent) < 0) {
        CHECK(sc_table_require(t, absent, &j, &err) == SC_ENOCOL);
        check_error(SC_ENOCOL, &err);
    }

    /* Subsets: every other row; the first numeric column in a range. */
    unsigned char *keep = malloc(n);
    if (keep == NULL) return;
    for (size_t i = 0; i < n; i++) keep[i] = (unsigned char)(i % 2 == 0);
    sc_table *f = NULL;
    if (sc_table_filter(t, keep, &f) == SC_OK) {
        CHECK(sc_table_nrows(f) == (n + 1) / 2);
        sc_table_free(f);
    }
    free(keep);
    if (numeric >= 0) {
        const char *name = sc_table_colname(t, (size_t)numeric);
        if (sc_table_filter_range(t, name, -1.0, 1.0, &f, &err) == SC_OK) sc_table_free(f);
    }

    /* Pivot: first column as id, second as key, the first numeric column after them as value. */
    if (numeric >= 0) {
        const char *ids[] = {sc_table_colname(t, 0)};
        const char *keys[] = {sc_table_colname(t, 1)};
        sc_table *w = NULL;
        sc_status s = sc_table_pivot(t, ids, 1, keys, 1, sc_table_colname(t, (size_t)numeric),
                                     ":", &w, &err);
        if (s == SC_OK) {
            CHECK(sc_table_nrows(w) <= n);
            CHECK(sc_table_ncols(w) >= 1);
            round_trip(w);
            sc_table_free(w);
        } else {
            CHECK(s == SC_EDOMAIN || s == SC_EDUP || s == SC_ENOMEM);
            check_error(s, &err);
        }
    }

    sc_table *c = NULL;
    if (sc_table_copy(t, &c) == SC_OK) {
        check_same(t, c);
        sc_table_free(c);
    }
    round_trip(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sc_table *t = NULL;
    sc_error err;
    sc_error_clear(&err);
    sc_status s = sc_csv_read_mem((const char *)data, size, "fuzz.csv", NULL, &t, &err);
    if (s != SC_OK) {
        CHECK(t == NULL);
        check_error(s, &err);
        CHECK(s == SC_EPARSE || s == SC_EEMPTY || s == SC_EDUP || s == SC_ENOMEM);
        return 0;
    }
    exercise(t);
    sc_table_free(t);
    return 0;
}
