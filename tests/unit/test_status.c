/* SPDX-License-Identifier: GPL-3.0-or-later
 * Status codes and error formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/internal.h"

static void test_status_values_are_stable(void **state)
{
    (void)state;
    /* The numbers are ABI: a renumbering must fail this test. */
    assert_int_equal(SC_OK, 0);
    assert_int_equal(SC_ENOMEM, 1);
    assert_int_equal(SC_EPARSE, 4);
    assert_int_equal(SC_EDOMAIN, 8);
    assert_int_equal(SC_ENUMERIC, 15);
    assert_string_equal(sc_strerror(SC_ETOOFEW), "too few points");
    assert_string_equal(sc_strerror((sc_status)999), "unknown status");
}

static void test_error_format(void **state)
{
    (void)state;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_fail(&e, SC_ETYPE, "runs.csv", 12, 7, "expected a number, got \"%s\"", "n/a"),
                     SC_ETYPE);
    char buf[600];
    sc_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "runs.csv:12:7: expected a number, got \"n/a\"");
    sc_fail(&e, SC_EIO, "x.csv", 0, 0, "cannot open\nfile");
    sc_error_format(&e, buf, sizeof buf);
    assert_string_equal(buf, "x.csv: cannot open file");
    assert_int_equal(sc_fail(NULL, SC_EINVAL, NULL, 0, 0, "ignored"), SC_EINVAL);
}

static void test_seed_mix_is_deterministic(void **state)
{
    (void)state;
    assert_true(sc_seed_mix(1, 0) == sc_seed_mix(1, 0));
    assert_true(sc_seed_mix(1, 0) != sc_seed_mix(1, 1));
    assert_true(sc_seed_mix(1, 0) != sc_seed_mix(2, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_values_are_stable),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_seed_mix_is_deterministic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
