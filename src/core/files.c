/* SPDX-License-Identifier: GPL-3.0-or-later
 * Whole-file reads, and output files that are complete or absent: written under a temporary
 * name beside the target and renamed over it only when everything was written. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "core/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <time.h>
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

/* A name beside dest that nobody can guess: dest + "." + 12 random letters + suffix. */
static int random_name(char *buf, size_t size, const char *dest, const char *suffix)
{
    static const char abc[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    unsigned char r[12];
    size_t got = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t k = read(fd, r, sizeof r);
        if (k > 0) got = (size_t)k;
        close(fd);
    }
    /* Without /dev/urandom the name is still unique enough: exclusive creation below is what
     * makes the file safe, the randomness only makes collisions rare. */
    static unsigned long counter;
    unsigned long mix = (unsigned long)getpid() * 2654435761UL ^ (unsigned long)time(NULL) ^
                        (++counter * 40503UL) ^ (unsigned long)clock();
    char tail[13];
    for (size_t k = 0; k < 12; k++) {
        unsigned v = k < got ? r[k] : (unsigned)((mix >> (k * 5 % 60)) + k * 7);
        tail[k] = abc[v % (sizeof abc - 1)];
    }
    tail[12] = '\0';
    int n = snprintf(buf, size, "%s.%s%s", dest, tail, suffix);
    return n > 0 && (size_t)n < size;
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
    int exists = stat(dest, &st) == 0;
    int direct = exists && !S_ISREG(st.st_mode);
    /* The replaced file keeps its permission bits; a new one gets 0666 less the umask. */
    mode_t mode = exists && !direct ? (st.st_mode & 07777) : 0666;
    size_t len = strlen(dest), cap = len + 48;
    t->path = sc_strdup(dest);
    t->tmp = malloc(cap);
    free(target);
    if (!t->path || !t->tmp) {
        sc_tmpfile_abort(t);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    t->direct = direct;
    int fd = -1, e = 0;
    if (direct) {
        snprintf(t->tmp, cap, "%s", t->path);
        fd = open(t->tmp, O_WRONLY | O_CLOEXEC | O_NOCTTY);
        e = errno;
    } else if (open_stream) {
        /* Exclusive creation of a name nobody could have planted a link under: O_EXCL fails
         * on any existing name (a symbolic link included), O_NOFOLLOW says so twice. */
        for (int attempt = 0; attempt < 64; attempt++) {
            if (!random_name(t->tmp, cap, t->path, ".tmp")) {
                e = ENAMETOOLONG;
                break;
            }
            fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
            e = errno;
            if (fd >= 0 || e != EEXIST) break;
        }
        if (fd >= 0 && exists) (void)fchmod(fd, mode); /* the umask must not narrow it */
    } else {
        /* A library (PLplot) will open the file by name: give it a private folder beside the
         * target (mode 0700, so no one else can place a link in it), and the file inside. */
        t->dir = malloc(cap);
        if (!t->dir) {
            sc_tmpfile_abort(t);
            return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
        }
        for (int attempt = 0; attempt < 64; attempt++) {
            if (!random_name(t->dir, cap, t->path, ".d")) {
                e = ENAMETOOLONG;
                break;
            }
            if (mkdir(t->dir, 0700) == 0) {
                e = 0;
                break;
            }
            e = errno;
            if (e != EEXIST) break;
        }
        if (e == 0) {
            const char *base = strrchr(t->path, '/');
            base = base ? base + 1 : t->path;
            char *inner = malloc(strlen(t->dir) + strlen(base) + 2);
            if (!inner) {
                sc_tmpfile_abort(t);
                return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
            }
            sprintf(inner, "%s/%s", t->dir, base);
            free(t->tmp);
            t->tmp = inner;
            fd = open(t->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
            e = errno;
            if (fd >= 0 && exists) (void)fchmod(fd, mode);
        }
    }
    if (fd < 0) {
        sc_status s = sc_fail(err, SC_EIO, path, 0, 0, "cannot write: %s", strerror(e));
        if (t->dir) rmdir(t->dir);
        free(t->path);
        free(t->tmp);
        free(t->dir);
        memset(t, 0, sizeof *t);
        return s;
    }
    if (!open_stream) {
        /* Created even when the caller writes the file by name (e.g. a plotting library), so
         * that an unwritable place is reported before any work. */
        close(fd);
        return SC_OK;
    }
    t->f = fdopen(fd, "w");
    if (!t->f) {
        e = errno;
        close(fd);
        sc_tmpfile_abort(t);
        return sc_fail(err, SC_EIO, path, 0, 0, "cannot write: %s", strerror(e));
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
    if (t->dir) rmdir(t->dir);
    free(t->path);
    free(t->tmp);
    free(t->dir);
    memset(t, 0, sizeof *t);
    return s;
}

void sc_tmpfile_abort(sc_tmpfile *t)
{
    if (t->f) fclose(t->f);
    if (t->tmp && !t->direct) remove(t->tmp);
    if (t->dir) rmdir(t->dir);
    free(t->path);
    free(t->tmp);
    free(t->dir);
    memset(t, 0, sizeof *t);
}

sc_status sc_pdf_set_date(const char *path, sc_error *err)
{
    /* cairo 1.16 stamps every PDF with the current time and ignores SOURCE_DATE_EPOCH. The date
     * is rewritten in place with the same number of digits, so that no offset in the file's
     * cross-reference table moves. */
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e) return SC_OK;
    char *end = NULL;
    errno = 0;
    long long v = strtoll(e, &end, 10);
    if (errno || *end || v < 0 || v > 253402300799LL) return SC_OK; /* not a date: left alone */
    time_t t = (time_t)v;
    struct tm tm;
    char stamp[32];
    if (!gmtime_r(&t, &tm) || strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm) != 14)
        return SC_OK;
    char *data = NULL;
    size_t len = 0;
    SC_TRY(sc_read_file(path, &data, &len, err));
    int changed = 0;
    static const char *const keys[] = {"/CreationDate (D:", "/ModDate (D:"};
    for (size_t k = 0; k < 2; k++) {
        size_t kl = strlen(keys[k]);
        for (size_t i = 0; i + kl + 14 <= len; i++) {
            if (memcmp(data + i, keys[k], kl) != 0) continue;
            size_t d = 0;
            while (d < 14 && data[i + kl + d] >= '0' && data[i + kl + d] <= '9') d++;
            if (d == 14) {
                memcpy(data + i + kl, stamp, 14);
                changed = 1;
            }
        }
    }
    sc_status st = SC_OK;
    if (changed) {
        FILE *f = fopen(path, "r+be");
        if (!f || fwrite(data, 1, len, f) != len) st = sc_fail(err, SC_EIO, path, 0, 0, "cannot write");
        if (f && fclose(f) != 0 && st == SC_OK) st = sc_fail(err, SC_EIO, path, 0, 0, "cannot write");
    }
    free(data);
    return st;
}
