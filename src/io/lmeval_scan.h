/* SPDX-License-Identifier: GPL-3.0-or-later
 * A small validating JSON scanner for lm-evaluation-harness per-sample logs. It walks a buffer
 * without building a tree, skips the values a reader does not need at memory speed, and
 * decodes only the fields it is asked for. It accepts the bare tokens NaN, Infinity and
 * -Infinity that Python's json module writes. When the buffer ends inside a value and more input
 * may follow (final == 0) it reports need_more instead of an error, so that a streaming reader
 * can refill its buffer and rescan the current document. Not installed. */
#ifndef SC_IO_LMEVAL_SCAN_H
#define SC_IO_LMEVAL_SCAN_H

#include <stddef.h>

typedef struct lm_strbuf {
    char *d;
    size_t len, cap;
    int oom;
} lm_strbuf;

typedef struct lm_scan {
    const char *p;
    const char *end;
    int final;          /* end is the end of the input (or of the line) */
    int need_more;      /* set when end was reached with final == 0 */
    int oom;            /* an allocation failed */
    const char *errpos; /* where the error is */
    char msg[224];
    int depth;
    const char *eof_msg;/* message for a premature end ("unexpected end of input") */
} lm_scan;

void lm_strbuf_free(lm_strbuf *b);
int lm_strbuf_put(lm_strbuf *b, const char *s, size_t n);

/* Each returns 0 on success, -1 on failure (need_more, oom, or errpos + msg set). */
void lm_ws(lm_scan *s);
int lm_peek(lm_scan *s, char *c);                 /* skips white space, looks at the next byte */
int lm_expect(lm_scan *s, char c);                /* skips white space, consumes c */
int lm_string(lm_scan *s, lm_strbuf *out);        /* out NULL: skip; else appends decoded UTF-8 */
int lm_number(lm_scan *s, double *v);             /* JSON number or NaN / Infinity / -Infinity */
int lm_literal(lm_scan *s, int *truth);           /* true / false / null (truth -1) */
int lm_skip(lm_scan *s);                          /* any value */
int lm_fail(lm_scan *s, const char *pos, const char *fmt, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
