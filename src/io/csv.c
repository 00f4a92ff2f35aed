/* SPDX-License-Identifier: GPL-3.0-or-later
 * CSV reader (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180) into sc_table.
 *
 * The whole input is read into one buffer and parsed in place: quoted fields are unescaped
 * where they stand and every cell is NUL-terminated inside the buffer, so pass 1 allocates
 * nothing per cell (it records one offset per cell and one per line). Pass 2 decides each
 * column's type and converts it; only text cells are copied, into the table's arena.
 *
 * Dialect: fields separated by the delimiter (',' by default); records end with LF, CRLF or a
 * lone CR; a field that starts with '"' is quoted and may hold delimiters, line breaks and
 * doubled quotes; blank lines are skipped; a UTF-8 byte order mark at the start is ignored. */
#include "core/table_internal.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Growable array of size_t. */
typedef struct offs {
    size_t *v;
    size_t n, cap;
} offs;

static sc_status offs_push(offs *a, size_t x)
{
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 1024;
        if (cap > SIZE_MAX / sizeof(size_t)) return SC_ENOMEM;
        size_t *v = sc_tbl_realloc(a->v, cap * sizeof *v);
        if (v == NULL) return SC_ENOMEM;
        a->v = v;
        a->cap = cap;
    }
    a->v[a->n++] = x;
    return SC_OK;
}

typedef struct parser {
    char *b;         /* the input, len + 1 bytes, b[len] = '\0'; modified in place */
    size_t len;
    size_t begin;    /* first byte after a byte order mark */
    char delim;
    const char *name;
    sc_error *err;
    offs cells;      /* start offset of every cell, row-major, header first */
    offs lines;      /* start offset of every physical line (line k starts at lines.v[k-1]) */
    offs rowlines;   /* line where each record starts (header first) */
    size_t ncols;    /* fields in the header */
    unsigned char special[256]; /* bytes that end an unquoted run */
} parser;

static void parser_free(parser *p)
{
    free(p->cells.v);
    free(p->lines.v);
    free(p->rowlines.v);
}

/* Line (1-based) holding byte offset off, and its 1-based byte column. */
static void locate(const parser *p, size_t off, size_t *line, size_t *col)
{
    size_t lo = 0, hi = p->lines.n; /* find the last line start <= off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->lines.v[mid] <= off) lo = mid;
        else hi = mid;
    }
    *line = lo + 1;
    *col = off - p->lines.v[lo] + 1;
}

static sc_status fail_at(parser *p, sc_status code, size_t off, const char *fmt, ...)
    SC_PRINTF(4, 5);

static sc_status fail_at(parser *p, sc_status code, size_t off, const char *fmt, ...)
{
    size_t line, col;
    locate(p, off, &line, &col);
    va_list ap;
    va_start(ap, fmt);
    sc_status s = sc_vfail(p->err, code, p->name, line, col, fmt, ap);
    va_end(ap);
    return s;
}

static sc_status oom(parser *p)
{
    return sc_fail(p->err, SC_ENOMEM, p->name, 0, 0, "out of memory");
}

/* Consumes the line break c found at *pos (CR, LF or CRLF; the byte itself may already have
 * been overwritten) and records the new line's start. */
static sc_status line_break(parser *p, size_t *pos, char c)
{
    size_t q = *pos;
    if (c == '\r' && q + 1 < p->len && p->b[q + 1] == '\n') q++;
    *pos = q + 1;
    if (offs_push(&p->lines, q + 1) != SC_OK) return oom(p);
    return SC_OK;
}

/* Parses one field starting at *pos. On return *pos is at the byte that ended it (delimiter,
 * line break, or len) and *end holds that byte's value as it was ('\0' for the end). */
static sc_status parse_field(parser *p, size_t *pos, char *end)
{
    char *b = p->b;
    size_t r = *pos;
    if (r < p->len && b[r] == '"') {
        size_t open = r, w = r + 1;
        r++;
        for (;;) {
            if (r >= p->len)
                return fail_at(p, SC_EPARSE, open, "unterminated quoted field");
            char c = b[r];
            if (c == '"') {
                if (r + 1 < p->len && b[r + 1] == '"') {
                    b[w++] = '"';
                    r += 2;
                    continue;
                }
                r++; /* closing quote */
                break;
            }
            if (c == '\0') return fail_at(p, SC_EPARSE, r, "NUL byte in input");
            if (c == '\n' || (c == '\r' && !(r + 1 < p->len && b[r + 1] == '\n'))) {
                if (offs_push(&p->lines, r + 1) != SC_OK) return oom(p);
            }
            b[w++] = c;
            r++;
        }
        char c = r < p->len ? b[r] : '\0';
        if (r < p->len && c != p->delim && c != '\n' && c != '\r')
            return fail_at(p, SC_EPARSE, r,
                           "unexpected character after the closing quote of a field "
                           "(a quote inside a quoted field must be doubled)");
        b[w] = '\0'; /* w < r: the terminator at r is untouched */
        *pos = r;
        *end = c;
        return SC_OK;
    }
    const unsigned char *special = p->special;
    while (r < p->len && !special[(unsigned char)b[r]]) r++;
    char c = r < p->len ? b[r] : '\0';
    if (r < p->len) {
        if (c == '"')
            return fail_at(p, SC_EPARSE, r,
                           "stray quote in an unquoted field (quote the whole field and double "
                           "the quote)");
        if (c == '\0') return fail_at(p, SC_EPARSE, r, "NUL byte in input");
    }
    b[r] = '\0';
    *pos = r;
    *end = c;
    return SC_OK;
}

/* Parses every record. Checks that each has as many fields as the header. */
static sc_status parse_all(parser *p)
{
    size_t pos = p->begin;
    size_t record = 0;
    memset(p->special, 0, sizeof p->special);
    p->special[(unsigned char)p->delim] = 1;
    p->special['\n'] = p->special['\r'] = p->special['"'] = p->special[0] = 1;
    if (offs_push(&p->lines, p->begin) != SC_OK) return oom(p);

    while (pos < p->len) {
        if (p->b[pos] == '\n' || p->b[pos] == '\r') { /* blank line */
            SC_TRY(line_break(p, &pos, p->b[pos]));
            continue;
        }
        if (offs_push(&p->rowlines, p->lines.n) != SC_OK) return oom(p);
        size_t nfields = 0, extra = 0;
        for (;;) {
            size_t start = pos;
            char end = 0;
            SC_TRY(parse_field(p, &pos, &end));
            nfields++;
            if (record == 0 || nfields <= p->ncols) {
                if (offs_push(&p->cells, start) != SC_OK) return oom(p);
            } else if (nfields == p->ncols + 1) {
                extra = start;
            }
            if (end == p->delim && pos < p->len) {
                pos++;
                continue;
            }
            /* End of record: a line break or the end of the input. */
            if (record == 0) {
                p->ncols = nfields;
            } else if (nfields != p->ncols) {
                if (nfields > p->ncols)
                    return fail_at(p, SC_EPARSE, extra,
                                   "too many fields: expected %zu (as in the header), got %zu",
                                   p->ncols, nfields);
                return fail_at(p, SC_EPARSE, pos,
                               "too few fields: expected %zu (as in the header), got %zu",
                               p->ncols, nfields);
            }
            if (pos < p->len) SC_TRY(line_break(p, &pos, end));
            break;
        }
        record++;
    }
    if (record == 0) return sc_fail(p->err, SC_EEMPTY, p->name, 0, 0, "empty file: no header");
    if (record == 1)
        return sc_fail(p->err, SC_EEMPTY, p->name, p->rowlines.v[0], 0,
                       "no data rows after the header");
    return SC_OK;
}

/* Content of cell (offset of its first byte): after the opening quote of a quoted cell. */
static const char *cell_text(const parser *p, size_t off)
{
    return p->b + off + (p->b[off] == '"');
}

static uint32_t sat32(size_t x)
{
    return x > UINT32_MAX ? UINT32_MAX : (uint32_t)x;
}

typedef struct named {
    const char *name;
    size_t index;
} named;

static int cmp_named(const void *a, const void *b)
{
    const named *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    if (c != 0) return c;
    return (x->index > y->index) - (x->index < y->index);
}

/* Column names: "" for an empty first name, "col<k>" for other empty names; no duplicates. */
static sc_status header_names(parser *p, char **names)
{
    for (size_t j = 0; j < p->ncols; j++) {
        const char *s = cell_text(p, p->cells.v[j]);
        char gen[32];
        if (s[0] == '\0' && j > 0) {
            snprintf(gen, sizeof gen, "col%zu", j + 1);
            s = gen;
        }
        if ((names[j] = sc_tbl_strdup(s)) == NULL) return oom(p);
    }
    /* Duplicates: sort (name, index) pairs, then report the earliest second occurrence.
     * O(n log n), so that a header of a million empty names is no trap. */
    named *idx = sc_tbl_array(p->ncols, sizeof(named));
    if (idx == NULL) return oom(p);
    for (size_t j = 0; j < p->ncols; j++) {
        idx[j].name = names[j];
        idx[j].index = j;
    }
    qsort(idx, p->ncols, sizeof *idx, cmp_named);
    size_t dup = SIZE_MAX, first = 0;
    for (size_t i = 1; i < p->ncols; i++)
        if (strcmp(idx[i].name, idx[i - 1].name) == 0 && idx[i].index < dup &&
            (i < 2 || strcmp(idx[i - 1].name, idx[i - 2].name) != 0)) {
            dup = idx[i].index;
            first = idx[i - 1].index;
        }
    free(idx);
    if (dup != SIZE_MAX)
        return fail_at(p, SC_EDUP, p->cells.v[dup],
                       "duplicate column name \"%.100s\" (also column %zu)", names[dup],
                       first + 1);
    return SC_OK;
}

/* Converts column j into t: numeric when every non-empty cell is a number, else text. Every
 * cell keeps its position (line, byte column of its first byte), so that later checks can name
 * it. The cells of a column come in file order, so their lines are found by walking the line
 * starts once instead of searching for each. */
static sc_status build_column(parser *p, sc_table *t, size_t j, char **name)
{
    const size_t nrows = p->rowlines.n - 1, ncols = p->ncols;
    const size_t *cell = p->cells.v + ncols + j; /* row i at cell[i * ncols] */
    sc_column c = {0};
    c.pos = sc_tbl_array(nrows, sizeof(sc_cellpos));
    double *num = sc_tbl_array(nrows, sizeof(double));
    if (c.pos == NULL || num == NULL) {
        free(num);
        sc_column_release(&c);
        return oom(p);
    }
    size_t line = 0; /* index into p->lines of the line holding the current cell */
    for (size_t i = 0; i < nrows; i++) {
        size_t off = cell[i * ncols];
        while (line + 1 < p->lines.n && p->lines.v[line + 1] <= off) line++;
        c.pos[i].line = sat32(line + 1);
        c.pos[i].col = sat32(off - p->lines.v[line] + 1);
    }
    size_t i = 0;
    for (; i < nrows; i++) {
        const char *s = cell_text(p, cell[i * ncols]);
        if (s[0] == '\0') num[i] = NAN;
        else if (!sc_text_to_double(s, &num[i])) break;
    }
    if (i == nrows) {
        c.type = SC_COL_NUM;
        c.num = num;
    } else {
        free(num);
        c.type = SC_COL_TEXT;
        if ((c.text = sc_tbl_calloc(nrows, sizeof(char *))) == NULL) {
            sc_column_release(&c);
            return oom(p);
        }
        for (i = 0; i < nrows; i++) {
            const char *s = cell_text(p, cell[i * ncols]);
            if (s[0] == '\0') continue;
            if ((c.text[i] = sc_table_strndup(t, s, strlen(s))) == NULL) {
                sc_column_release(&c);
                return oom(p);
            }
        }
    }
    c.name = *name;
    sc_status s = sc_table_push_column(t, &c, nrows, 0); /* names are checked already */
    if (s != SC_OK) {
        c.name = NULL; /* still owned by the caller's names[] */
        sc_column_release(&c);
        return s == SC_ENOMEM ? oom(p) : sc_fail(p->err, s, p->name, 0, 0, "internal error");
    }
    *name = NULL;
    return SC_OK;
}

/* Parses buf (len bytes followed by a writable NUL at buf[len]); buf is modified. */
static sc_status parse_buffer(char *buf, size_t len, const char *name, const sc_csv_opts *opts,
                              sc_table **out, sc_error *err)
{
    parser p;
    memset(&p, 0, sizeof p);
    p.b = buf;
    p.len = len;
    p.name = name ? name : "";
    p.err = err;
    p.delim = (opts && opts->delimiter) ? opts->delimiter : ',';
    if (p.delim == '"' || p.delim == '\n' || p.delim == '\r')
        return sc_fail(err, SC_EINVAL, p.name, 0, 0, "invalid delimiter");
    buf[len] = '\0';
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) p.begin = 3;

    sc_status s = parse_all(&p);
    char **names = NULL;
    sc_table *t = NULL;
    if (s == SC_OK) {
        names = sc_tbl_calloc(p.ncols, sizeof(char *));
        if (names == NULL) s = oom(&p);
    }
    if (s == SC_OK) s = header_names(&p, names);
    if (s == SC_OK && (t = sc_table_new()) == NULL) s = oom(&p);
    if (s == SC_OK && sc_table_set_source(t, p.name, p.rowlines.v[0]) != SC_OK) s = oom(&p);
    for (size_t j = 0; s == SC_OK && j < p.ncols; j++) s = build_column(&p, t, j, &names[j]);
    if (s == SC_OK) {
        /* Row lines: the records after the header. */
        size_t nrows = p.rowlines.n - 1;
        memmove(p.rowlines.v, p.rowlines.v + 1, nrows * sizeof(size_t));
        t->rowline = p.rowlines.v;
        p.rowlines.v = NULL;
    }
    if (names)
        for (size_t j = 0; j < p.ncols; j++) free(names[j]);
    free(names);
    parser_free(&p);
    if (s != SC_OK) {
        sc_table_free(t);
        return s;
    }
    *out = t;
    return SC_OK;
}

sc_status sc_csv_read_mem(const char *buf, size_t len, const char *name,
                          const sc_csv_opts *opts, sc_table **out, sc_error *err)
{
    if (out == NULL) return sc_fail(err, SC_EINVAL, name, 0, 0, "no output table");
    *out = NULL;
    if (buf == NULL && len > 0) return sc_fail(err, SC_EINVAL, name, 0, 0, "no input buffer");
    if (len == SIZE_MAX) return sc_fail(err, SC_ENOMEM, name, 0, 0, "out of memory");
    char *copy = sc_tbl_malloc(len + 1);
    if (copy == NULL) return sc_fail(err, SC_ENOMEM, name, 0, 0, "out of memory");
    if (len) memcpy(copy, buf, len);
    sc_status s = parse_buffer(copy, len, name, opts, out, err);
    free(copy);
    return s;
}

sc_status sc_csv_read(const char *path, const sc_csv_opts *opts, sc_table **out, sc_error *err)
{
    if (out == NULL) return sc_fail(err, SC_EINVAL, path, 0, 0, "no output table");
    *out = NULL;
    if (path == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no file name");
    FILE *f;
    size_t limit;
    SC_TRY(sc_input_open(path, &f, &limit, err));
    /* Read in growing chunks: works for pipes and files alike. */
    size_t cap = 1 << 16, len = 0;
    char *buf = sc_tbl_malloc(cap);
    sc_status s = buf ? SC_OK : SC_ENOMEM;
    while (s == SC_OK) {
        if (len > limit) {
            s = SC_EPARSE;
            break;
        }
        if (cap - len < 2) {
            if (cap > SIZE_MAX / 2) {
                s = SC_ENOMEM;
                break;
            }
            /* Never more than the limit (plus the byte that shows it was passed). */
            size_t ncap = limit < SIZE_MAX - 2 && cap * 2 > limit + 2 ? limit + 2 : cap * 2;
            char *nb = sc_tbl_realloc(buf, ncap);
            if (nb == NULL) {
                s = SC_ENOMEM;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (got == 0) {
            if (ferror(f)) s = SC_EIO;
            break;
        }
    }
    int read_errno = errno;
    fclose(f);
    if (s == SC_OK) s = parse_buffer(buf, len, path, opts, out, err);
    else if (s == SC_EIO)
        sc_fail(err, s, path, 0, 0, "cannot read: %s", strerror(read_errno));
    else if (s == SC_EPARSE)
        sc_input_too_large(err, path, 0, limit);
    else
        sc_fail(err, s, path, 0, 0, "out of memory");
    free(buf);
    return s;
}
