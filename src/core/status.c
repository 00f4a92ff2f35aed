/* SPDX-License-Identifier: GPL-3.0-or-later
 * Status codes, error records and checked allocation. */
#include "core/internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *sc_strerror(sc_status s)
{
    switch (s) {
    case SC_OK: return "success";
    case SC_ENOMEM: return "out of memory";
    case SC_EINVAL: return "invalid argument";
    case SC_EIO: return "input/output error";
    case SC_EPARSE: return "malformed input";
    case SC_ETYPE: return "wrong type of value";
    case SC_ENOCOL: return "missing column";
    case SC_EEMPTY: return "empty input";
    case SC_EDOMAIN: return "value out of domain";
    case SC_ETOOFEW: return "too few points";
    case SC_ENOCONV: return "no convergence";
    case SC_EUNKNOWN: return "unknown name";
    case SC_ECHANCE: return "at or below chance";
    case SC_EINTERNAL: return "internal error";
    case SC_EDUP: return "duplicate";
    case SC_ENUMERIC: return "numerical failure";
    }
    return "unknown status";
}

void sc_error_clear(sc_error *err)
{
    if (err == NULL) return;
    memset(err, 0, sizeof *err);
}

void sc_error_format(const sc_error *err, char *buf, size_t size)
{
    if (buf == NULL || size == 0) return;
    buf[0] = '\0';
    if (err == NULL) return;
    const char *msg = err->message[0] ? err->message : sc_strerror(err->code);
    if (err->file[0] && err->line && err->column)
        snprintf(buf, size, "%s:%zu:%zu: %s", err->file, err->line, err->column, msg);
    else if (err->file[0] && err->line)
        snprintf(buf, size, "%s:%zu: %s", err->file, err->line, msg);
    else if (err->file[0])
        snprintf(buf, size, "%s: %s", err->file, msg);
    else
        snprintf(buf, size, "%s", msg);
}

sc_status sc_vfail(sc_error *err, sc_status code, const char *file, size_t line, size_t column,
                   const char *fmt, va_list ap)
{
    if (err == NULL) return code;
    err->code = code;
    err->line = line;
    err->column = column;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    /* Keep the message on one line whatever the input held. */
    for (char *p = err->message; *p; p++)
        if (*p == '\n' || *p == '\r') *p = ' ';
    return code;
}

sc_status sc_fail(sc_error *err, sc_status code, const char *file, size_t line, size_t column,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sc_status s = sc_vfail(err, code, file, line, column, fmt, ap);
    va_end(ap);
    return s;
}

/* The helpers honour the allocation countdown of the failure tests (table_alloc.c). */
void *sc_calloc(size_t n, size_t size)
{
    if (sc_alloc_fail_now()) return NULL;
    if (n == 0 || size == 0) return calloc(1, 1);
    return calloc(n, size);
}

void *sc_malloc_array(size_t n, size_t size)
{
    if (sc_alloc_fail_now()) return NULL;
    if (size != 0 && n > SIZE_MAX / size) return NULL;
    size_t bytes = n * size;
    return malloc(bytes != 0 ? bytes : 1);
}

char *sc_strdup(const char *s)
{
    if (s == NULL) return NULL;
    if (sc_alloc_fail_now()) return NULL;
    size_t len = strlen(s) + 1;
    char *d = malloc(len);
    if (d) memcpy(d, s, len);
    return d;
}

uint64_t sc_seed_mix(uint64_t seed, uint64_t index)
{
    /* SplitMix64 (Steele, Lea, Flood 2014) applied to seed + golden-ratio * (index + 1). */
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
