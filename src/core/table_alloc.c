/* SPDX-License-Identifier: GPL-3.0-or-later
 * The allocation countdown that tests use to make the n-th allocation fail, so that every
 * out-of-memory path is exercised (as Lua's test build does). It is consulted by the table and
 * CSV allocators here and by the library's helpers sc_calloc, sc_malloc_array and sc_strdup
 * (status.c); each allocation counts once. */
#include "core/table_internal.h"

#include <stdlib.h>

long sc_tbl_fail_countdown = -1;

/* True when this allocation is to fail. */
int sc_alloc_fail_now(void)
{
    if (sc_tbl_fail_countdown < 0) return 0;
    if (sc_tbl_fail_countdown == 0) return 1; /* and every one after it */
    sc_tbl_fail_countdown--;
    return 0;
}

void *sc_tbl_malloc(size_t n)
{
    return sc_alloc_fail_now() ? NULL : malloc(n ? n : 1);
}

/* The helpers consult the countdown themselves. */
void *sc_tbl_calloc(size_t n, size_t size)
{
    return sc_calloc(n, size);
}

void *sc_tbl_array(size_t n, size_t size)
{
    return sc_malloc_array(n, size);
}

void *sc_tbl_realloc(void *p, size_t n)
{
    return sc_alloc_fail_now() ? NULL : realloc(p, n ? n : 1);
}

char *sc_tbl_strdup(const char *s)
{
    return sc_strdup(s);
}
