/* SPDX-License-Identifier: GPL-3.0-or-later
 * Whole-file reads, and output files that are complete or absent: written under a temporary
 * name beside the target and renamed over it only when everything was written. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "core/internal.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SC_INPUT_LIMIT_DEFAULT ((size_t)256 << 20)

static size_t input_limit = 0; /* 0: not yet set */

void sc_set_input_limit(size_t bytes)
{
    input_limit = bytes;
}

/* SCALECAST_MAX_INPUT: a whole number of bytes with an optional K, M or G (powers of 1024);
 * anything else (or 0) leaves the default. */
static size_t limit_from_env(void)
{
    const char *s = getenv("SCALECAST_MAX_INPUT");
    if (!s || *s < '0' || *s > '9') return SC_INPUT_LIMIT_DEFAULT;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') shift = 10, end++;
    else if (*end == 'M' || *end == 'm') shift = 20, end++;
    else if (*end == 'G' || *end == 'g') shift = 30, end++;
    if (errno || *end != '\0' || v == 0) return SC_INPUT_LIMIT_DEFAULT;
    if (v > (SIZE_MAX >> shift)) return SIZE_MAX;
    return (size_t)v << shift;
}

size_t sc_input_limit(void)
{
    if (input_limit == 0) return limit_from_env();
    return input_limit;
}

sc_status sc_input_open(const char *path, FILE **f, size_t *limit, sc_error *err)
{
    *f = fopen(path, "rbe");
    if (!*f) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    struct stat st;
    *limit = fstat(fileno(*f), &st) == 0 && S_ISREG(st.st_mode) ? SIZE_MAX : sc_input_limit();
    return SC_OK;
}

sc_status sc_input_too_large(sc_error *err, const char *path, size_t line, size_t limit)
{
    return sc_fail(err, SC_EPARSE, path, line, 0,
                   "more than the input limit of %zu bytes for an input that is not a regular "
                   "file (SCALECAST_MAX_INPUT raises it)", limit);
}

sc_status sc_read_file(const char *path, char **data, size_t *len, sc_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f;
    size_t limit;
    SC_TRY(sc_input_open(path, &f, &limit, err));
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    int big = 0;
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        if (n > limit) {
            big = 1;
            break;
        }
        /* Never more than the limit (plus the byte that shows it was passed). */
        size_t ncap = limit < SIZE_MAX - 2 && cap * 2 > limit + 2 ? limit + 2 : cap * 2;
        char *g = cap <= SIZE_MAX / 2 ? realloc(b, ncap) : NULL;
        if (!g) {
            free(b);
            b = NULL;
            break;
        }
        b = g;
        cap = ncap;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    if (big || n > limit) {
        free(b);
        return sc_input_too_large(err, path, 0, limit);
    }
    if (bad) {
        free(b);
        return sc_fail(err, SC_EIO, path, 0, 0, "read error");
    }
    b[n] = '\0';
    *data = b;
    *len = n;
    return SC_OK;
}

sc_status sc_tmpfile_open(sc_tmpfile *t, const char *path, int open_stream, sc_error *err)
{
    memset(t, 0, sizeof *t);
    /* A link to a regular file is followed (the file beside its target is renamed over the
     * target, so the link survives); anything else that exists and is not a regular file (a
     * device, a FIFO) is written directly, since a rename would replace it. */
    struct stat st;
    char *target = NULL;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) target = realpath(path, NULL);
    const char *dest = target ? target : path;
    int direct = stat(dest, &st) == 0 && !S_ISREG(st.st_mode);
    size_t len = strlen(dest);
    t->path = sc_strdup(dest);
    t->tmp = malloc(len + 32);
    free(target);
    if (!t->path || !t->tmp) {
        sc_tmpfile_abort(t);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    if (direct) snprintf(t->tmp, len + 32, "%s", t->path);
    else snprintf(t->tmp, len + 32, "%s.tmp%ld", t->path, (long)getpid());
    t->direct = direct;
    /* Created even when the caller writes the file by name (e.g. a plotting library), so
     * that an unwritable place is reported before any work. */
    t->f = fopen(t->tmp, "w");
    if (!t->f) {
        sc_status s = sc_fail(err, SC_EIO, path, 0, 0, "cannot write: %s", strerror(errno));
        free(t->path);
        free(t->tmp);
        t->path = t->tmp = NULL;
        return s;
    }
    if (!open_stream) {
        fclose(t->f);
        t->f = NULL;
    }
    return SC_OK;
}

sc_status sc_tmpfile_commit(sc_tmpfile *t, sc_error *err)
{
    int bad = 0;
    if (t->f) {
        bad = ferror(t->f);
        if (fclose(t->f) != 0) bad = 1;
        t->f = NULL;
    }
    sc_status s = SC_OK;
    if (bad || (!t->direct && rename(t->tmp, t->path) != 0)) {
        s = sc_fail(err, SC_EIO, t->path, 0, 0, "cannot write: %s", strerror(errno));
        if (!t->direct) remove(t->tmp);
    }
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
    return s;
}

void sc_tmpfile_abort(sc_tmpfile *t)
{
    if (t->f) fclose(t->f);
    if (t->tmp && !t->direct) remove(t->tmp);
    free(t->path);
    free(t->tmp);
    memset(t, 0, sizeof *t);
}
