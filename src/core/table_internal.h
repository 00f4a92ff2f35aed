/* SPDX-License-Identifier: GPL-3.0-or-later
 * The layout of sc_table, shared by the table functions and the readers that build tables.
 * Not installed. */
#ifndef SC_CORE_TABLE_INTERNAL_H
#define SC_CORE_TABLE_INTERNAL_H

#include "core/internal.h"

#include <stdint.h>

/* Source position of a cell (1-based; 0 = unknown). 32 bits keep text columns small; larger
 * values saturate at UINT32_MAX. */
typedef struct sc_cellpos {
    uint32_t line;
    uint32_t col;
} sc_cellpos;

typedef struct sc_column {
    char *name;        /* owned (malloc) */
    sc_coltype type;
    double *num;       /* SC_COL_NUM: nrows values (NaN = missing), owned */
    const char **text; /* SC_COL_TEXT: nrows strings in the table's arena (NULL = missing) */
    sc_cellpos *pos;   /* where each cell was read (nrows), or NULL when unknown */
} sc_column;

/* Strings of text cells live in a chain of blocks owned by the table: one free per block,
 * no allocation per cell. */
typedef struct sc_arena_block {
    struct sc_arena_block *next;
    size_t used, cap;
    char data[];
} sc_arena_block;

struct sc_table {
    char *source;       /* file name or NULL */
    size_t header_line; /* line of the header in source, 0 when built in memory */
    size_t nrows, ncols, cap;
    sc_column *cols;
    size_t *rowline;    /* source line where each row starts, or NULL */
    sc_arena_block *arena;
};

/* Allocation used by the table and CSV code: the standard functions (sc_calloc and
 * sc_malloc_array semantics for _calloc and _array), except that when sc_tbl_fail_countdown is
 * n >= 0, the allocation after the next n ones and all later ones fail. Tests only set it;
 * it is -1 (off) otherwise. */
extern long sc_tbl_fail_countdown;
void *sc_tbl_malloc(size_t n);
void *sc_tbl_calloc(size_t n, size_t size);
void *sc_tbl_array(size_t n, size_t size);
void *sc_tbl_realloc(void *p, size_t n);
char *sc_tbl_strdup(const char *s);

/* Copies len bytes of s (plus a NUL) into t's arena. NULL when out of memory. */
char *sc_table_strndup(sc_table *t, const char *s, size_t len);
/* Appends a column; on success t owns col's memory. On failure the caller still owns it.
 * The length must match (SC_EINVAL) and, when check_dup is set, the name must not exist yet
 * (SC_EDUP; callers that know their names are distinct skip this O(ncols) test). */
sc_status sc_table_push_column(sc_table *t, sc_column *col, size_t nrows, int check_dup);
/* Releases what a column owns (not its arena strings). */
void sc_column_release(sc_column *col);
/* Sets the source name and header line. */
sc_status sc_table_set_source(sc_table *t, const char *source, size_t header_line);

/* Strict number syntax shared by the readers and sc_table_require_num: optional spaces or tabs
 * around [+-]? (digits [. digits] | . digits) ([eE] [+-]? digits)?, or [+-]? inf / infinity /
 * nan in any case. No hexadecimal, no locale. Returns 1 and sets *v when s is a number. */
int sc_text_to_double(const char *s, double *v);

/* Position of a row for messages: writes " (row N)" style context when no line is known. */
size_t sc_table_row_line(const sc_table *t, size_t i);

#endif
