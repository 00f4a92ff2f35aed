/* SPDX-License-Identifier: GPL-3.0-or-later
 * Whole-file reads, and output files that are complete or absent: written under a temporary
 * name beside the target and renamed over it only when everything was written. */
#include "core/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

sc_status sc_read_file(const char *path, char **data, size_t *len, sc_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 65536, n = 0;
    char *b = malloc(cap);
    while (b) {
        n += fread(b + n, 1, cap - n - 1, f);
        if (n < cap - 1) break;
        char *g = realloc(b, cap * 2);
        if (!g) {
            free(b);
            b = NULL;
            break;
        }
        b = g;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
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
    size_t len = strlen(path);
    t->path = sc_strdup(path);
    t->tmp = malloc(len + 32);
    if (!t->path || !t->tmp) {
        sc_tmpfile_abort(t);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    snprintf(t->tmp, len + 32, "%s.tmp%ld", path, (long)getpid());
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
    if (bad || rename(t->tmp, t->path) != 0) {
        s = sc_fail(err, SC_EIO, t->path, 0, 0, "cannot write: %s", strerror(errno));
        remove(t->tmp);
    }
    free(t->path);
    free(t->tmp);
    t->path = t->tmp = NULL;
    return s;
}

void sc_tmpfile_abort(sc_tmpfile *t)
{
    if (t->f) fclose(t->f);
    if (t->tmp) remove(t->tmp);
    free(t->path);
    free(t->tmp);
    memset(t, 0, sizeof *t);
}
