/* SPDX-License-Identifier: GPL-3.0-or-later
 * Source positions of cells, numeric and text, through reading, filtering and selecting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "scalecast.h"

static void test_positions(void **state)
{
    (void)state;
    const char csv[] = "n,loss,name\n1e9,2.5,a\n\"2e9\",-3,\"b\nc\"\n4e9,2.1,d\n";
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read_mem(csv, strlen(csv), "runs.csv", NULL, &t, &err), SC_OK);
    size_t line, col;
    sc_table_cell_pos(t, 0, 1, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 5);
    sc_table_cell_pos(t, 1, 1, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 7);
    sc_table_cell_pos(t, 2, 2, &line, &col); /* after a cell spanning two lines */
    assert_int_equal(line, 5);
    assert_int_equal(col, 9);
    sc_table *f = NULL;
    assert_int_equal(sc_table_filter_range(t, "n", 1.5e9, 1e10, &f, &err), SC_OK);
    assert_int_equal(sc_table_nrows(f), 2);
    sc_table_cell_pos(f, 1, 0, &line, &col);
    assert_int_equal(line, 5);
    assert_int_equal(col, 1);
    sc_table_cell_pos(f, 99, 0, &line, &col); /* out of range: unknown */
    assert_int_equal(line, 0);
    assert_int_equal(col, 0);
    sc_table_free(f);
    sc_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_positions)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
