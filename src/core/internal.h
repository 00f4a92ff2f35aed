/* SPDX-License-Identifier: GPL-3.0-or-later
 * Internal helpers shared by the library's layers. Not installed. */
#ifndef SC_CORE_INTERNAL_H
#define SC_CORE_INTERNAL_H

#include "scalecast.h"

#include <stdarg.h>
#include <stdio.h>

/* Fills err (when not NULL) and returns code, so that error paths are one line:
 *   return sc_fail(err, SC_EPARSE, file, line, col, "unterminated quote");  */
sc_status sc_fail(sc_error *err, sc_status code, const char *file, size_t line, size_t column,
                  const char *fmt, ...) SC_PRINTF(6, 7);
sc_status sc_vfail(sc_error *err, sc_status code, const char *file, size_t line, size_t column,
                   const char *fmt, va_list ap) SC_PRINTF(6, 0);

/* Evaluates expr once; returns its status from the calling function when it is not SC_OK. */
#define SC_TRY(expr)                                                                            \
    do {                                                                                        \
        sc_status sc_try_status_ = (expr);                                                      \
        if (sc_try_status_ != SC_OK) return sc_try_status_;                                     \
    } while (0)

/* The failure tests' countdown (table_internal.h: sc_tbl_fail_countdown): 1 when this
 * allocation is to fail. */
int sc_alloc_fail_now(void);

/* Allocation helpers that check for overflow of n * size. Return NULL on failure (and under
 * the failure tests' countdown). */
void *sc_calloc(size_t n, size_t size);
void *sc_malloc_array(size_t n, size_t size);
char *sc_strdup(const char *s);

/* When SOURCE_DATE_EPOCH is set: the creation and modification dates of the PDF file at path
 * become that time (UTC), in place (same length), so that the file is reproducible. */
sc_status sc_pdf_set_date(const char *path, sc_error *err);

/* Opens path for reading (binary, close-on-exec). *limit is the most bytes the caller may hold
 * from it: SIZE_MAX for a regular file, sc_input_limit() for anything else (see scalecast.h).
 * SC_EIO "cannot open: ..." on failure. */
sc_status sc_input_open(const char *path, FILE **f, size_t *limit, sc_error *err);
/* The error for an input past its limit: SC_EPARSE at file, line. */
sc_status sc_input_too_large(sc_error *err, const char *path, size_t line, size_t limit);

/* Reads a whole file (up to sc_input_limit() bytes when it is not a regular file); *data is
 * NUL-terminated and owned by the caller. */
sc_status sc_read_file(const char *path, char **data, size_t *len, sc_error *err);


#endif
