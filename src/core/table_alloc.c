/* SPDX-License-Identifier: GPL-3.0-or-later
 * Allocation for the table and CSV code, with a countdown that tests use to make the n-th
 * allocation fail, so that every out-of-memory path is exercised (as Lua's test build does). */
#include "core/table_internal.h"

#include <stdlib.h>

long sc_tbl_fail_countdown = -1;

/* True when this allocation is to fail. */
static int fail_now(void)
{
    if (sc_tbl_fail_countdown < 0) return 0;
    if (sc_tbl_fail_countdown == 0) return 1; /* and every one after it */
    sc_tbl_fail_countdown--;
    return 0;
}

void *sc_tbl_malloc(size_t n)
{
    return fail_now() ? NULL : malloc(n ? n : 1);
}

void *sc_tbl_calloc(size_t n, size_t size)
{
    return fail_now() ? NULL : sc_calloc(n, size);
}

void *sc_tbl_array(size_t n, size_t size)
{
    return fail_now() ? NULL : sc_malloc_array(n, size);
}

void *sc_tbl_realloc(void *p, size_t n)
{
    return fail_now() ? NULL : realloc(p, n ? n : 1);
}

char *sc_tbl_strdup(const char *s)
{
    return fail_now() ? NULL : sc_strdup(s);
}
