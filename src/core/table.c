/* SPDX-License-Identifier: GPL-3.0-or-later
 * Tables: named numeric and text columns, building, lookup with errors that point into the
 * source file, row and column subsets, and CSV output. Pivoting is in table_pivot.c. */
#include "core/table_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_BLOCK = 64 * 1024 };

sc_table *sc_table_new(void)
{
    return sc_tbl_calloc(1, sizeof(sc_table));
}

void sc_column_release(sc_column *col)
{
    if (col == NULL) return;
    free(col->name);
    free(col->num);
    free((void *)col->text);
    free(col->pos);
    memset(col, 0, sizeof *col);
}

void sc_table_free(sc_table *t)
{
    if (t == NULL) return;
    for (size_t j = 0; j < t->ncols; j++) sc_column_release(&t->cols[j]);
    free(t->cols);
    free(t->rowline);
    free(t->source);
    sc_arena_block *b = t->arena;
    while (b) {
        sc_arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(t);
}

char *sc_table_strndup(sc_table *t, const char *s, size_t len)
{
    if (len >= SIZE_MAX - sizeof(sc_arena_block) - ARENA_BLOCK) return NULL;
    size_t need = len + 1;
    sc_arena_block *b = t->arena;
    if (b == NULL || b->cap - b->used < need) {
        /* Big strings get a block of their own, placed behind the current one so that the
         * current block keeps filling up. */
        size_t cap = need > ARENA_BLOCK / 4 ? need : ARENA_BLOCK;
        sc_arena_block *nb = sc_tbl_malloc(sizeof *nb + cap);
        if (nb == NULL) return NULL;
        nb->used = 0;
        nb->cap = cap;
        if (b != NULL && cap != ARENA_BLOCK) {
            nb->next = b->next;
            b->next = nb;
        } else {
            nb->next = b;
            t->arena = nb;
        }
        b = nb;
    }
    char *d = b->data + b->used;
    if (len) memcpy(d, s, len);
    d[len] = '\0';
    b->used += need;
    return d;
}

sc_status sc_table_set_source(sc_table *t, const char *source, size_t header_line)
{
    char *s = NULL;
    if (source != NULL && (s = sc_tbl_strdup(source)) == NULL) return SC_ENOMEM;
    free(t->source);
    t->source = s;
    t->header_line = header_line;
    return SC_OK;
}

size_t sc_table_row_line(const sc_table *t, size_t i)
{
    return (t->rowline != NULL && i < t->nrows) ? t->rowline[i] : 0;
}

sc_status sc_table_push_column(sc_table *t, sc_column *col, size_t nrows, int check_dup)
{
    if (t == NULL || col == NULL || col->name == NULL) return SC_EINVAL;
    if (check_dup && sc_table_find(t, col->name) >= 0) return SC_EDUP;
    if (t->ncols > 0 && nrows != t->nrows) return SC_EINVAL;
    if (t->ncols == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 8;
        if (cap > SIZE_MAX / sizeof(sc_column)) return SC_ENOMEM;
        sc_column *c = sc_tbl_realloc(t->cols, cap * sizeof *c);
        if (c == NULL) return SC_ENOMEM;
        t->cols = c;
        t->cap = cap;
    }
    if (t->ncols == 0) t->nrows = nrows;
    t->cols[t->ncols++] = *col;
    memset(col, 0, sizeof *col);
    return SC_OK;
}

/* ---- accessors ---- */

size_t sc_table_nrows(const sc_table *t) { return t ? t->nrows : 0; }
size_t sc_table_ncols(const sc_table *t) { return t ? t->ncols : 0; }

const char *sc_table_source(const sc_table *t)
{
    return (t && t->source) ? t->source : "";
}

const char *sc_table_colname(const sc_table *t, size_t j)
{
    return (t && j < t->ncols) ? t->cols[j].name : NULL;
}

sc_coltype sc_table_coltype(const sc_table *t, size_t j)
{
    return (t && j < t->ncols) ? t->cols[j].type : SC_COL_NUM;
}

long sc_table_find(const sc_table *t, const char *name)
{
    if (t == NULL || name == NULL) return -1;
    for (size_t j = 0; j < t->ncols; j++)
        if (strcmp(t->cols[j].name, name) == 0) return (long)j;
    return -1;
}

const double *sc_table_num(const sc_table *t, size_t j)
{
    if (t == NULL || j >= t->ncols || t->cols[j].type != SC_COL_NUM) return NULL;
    return t->cols[j].num;
}

const char *sc_table_text(const sc_table *t, size_t j, size_t i)
{
    if (t == NULL || j >= t->ncols || i >= t->nrows || t->cols[j].type != SC_COL_TEXT)
        return NULL;
    return t->cols[j].text[i];
}

/* ---- lookup with errors ---- */

/* Appends s to buf (size bytes, NUL-terminated), keeping room for "..." when it does not fit.
 * Returns 0 once the buffer is full. */
static int append(char *buf, size_t size, const char *s)
{
    size_t used = strlen(buf);
    size_t len = strlen(s);
    if (used + len + 4 >= size) {
        if (used + 4 < size) memcpy(buf + used, "...", 4);
        return 0;
    }
    memcpy(buf + used, s, len + 1);
    return 1;
}

static sc_status no_column(const sc_table *t, const char *name, sc_error *err)
{
    char list[320] = "";
    for (size_t j = 0; j < t->ncols; j++) {
        if (j > 0 && !append(list, sizeof list, ", ")) break;
        if (!append(list, sizeof list, t->cols[j].name[0] ? t->cols[j].name : "\"\"")) break;
    }
    return sc_fail(err, SC_ENOCOL, t->source, t->header_line, 0,
                   "no column named \"%.100s\" (columns: %s)", name, list);
}

sc_status sc_table_require(const sc_table *t, const char *name, size_t *j, sc_error *err)
{
    if (t == NULL || name == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no table or name");
    long k = sc_table_find(t, name);
    if (k < 0) return no_column(t, name, err);
    if (j) *j = (size_t)k;
    return SC_OK;
}

sc_status sc_table_require_num(const sc_table *t, const char *name, size_t *j, sc_error *err)
{
    size_t k = 0;
    SC_TRY(sc_table_require(t, name, &k, err));
    const sc_column *c = &t->cols[k];
    if (c->type == SC_COL_TEXT) {
        for (size_t i = 0; i < t->nrows; i++) {
            double v;
            const char *s = c->text[i];
            if (s == NULL || sc_text_to_double(s, &v)) continue;
            size_t line = c->pos ? c->pos[i].line : sc_table_row_line(t, i);
            size_t col = c->pos ? c->pos[i].col : 0;
            if (line == 0)
                return sc_fail(err, SC_ETYPE, t->source, 0, 0,
                               "column \"%.100s\": expected a number, got \"%.80s\" (row %zu)",
                               name, s, i + 1);
            return sc_fail(err, SC_ETYPE, t->source, line, col,
                           "column \"%.100s\": expected a number, got \"%.80s\"", name, s);
        }
        /* Every cell is missing or a number (possible after filtering): still not a numeric
         * column, whose values callers would read with sc_table_num. */
        return sc_fail(err, SC_ETYPE, t->source, t->header_line, 0,
                       "column \"%.100s\" is a text column", name);
    }
    if (j) *j = k;
    return SC_OK;
}

/* ---- building ---- */

sc_status sc_table_add_num(sc_table *t, const char *name, const double *values, size_t nrows)
{
    if (t == NULL || name == NULL || (values == NULL && nrows > 0)) return SC_EINVAL;
    if (sc_table_find(t, name) >= 0) return SC_EDUP;
    if (t->ncols > 0 && nrows != t->nrows) return SC_EINVAL;
    sc_column c = {0};
    c.type = SC_COL_NUM;
    c.name = sc_tbl_strdup(name);
    c.num = sc_tbl_array(nrows, sizeof(double));
    if (c.name == NULL || c.num == NULL) {
        sc_column_release(&c);
        return SC_ENOMEM;
    }
    if (nrows) memcpy(c.num, values, nrows * sizeof(double));
    sc_status s = sc_table_push_column(t, &c, nrows, 1);
    if (s != SC_OK) sc_column_release(&c);
    return s;
}

sc_status sc_table_add_text(sc_table *t, const char *name, const char *const *values,
                            size_t nrows)
{
    if (t == NULL || name == NULL || (values == NULL && nrows > 0)) return SC_EINVAL;
    if (sc_table_find(t, name) >= 0) return SC_EDUP;
    if (t->ncols > 0 && nrows != t->nrows) return SC_EINVAL;
    sc_column c = {0};
    c.type = SC_COL_TEXT;
    c.name = sc_tbl_strdup(name);
    c.text = sc_tbl_calloc(nrows, sizeof(char *));
    if (c.name == NULL || c.text == NULL) {
        sc_column_release(&c);
        return SC_ENOMEM;
    }
    for (size_t i = 0; i < nrows; i++) {
        if (values[i] == NULL) continue;
        if ((c.text[i] = sc_table_strndup(t, values[i], strlen(values[i]))) == NULL) {
            sc_column_release(&c);
            return SC_ENOMEM;
        }
    }
    sc_status s = sc_table_push_column(t, &c, nrows, 1);
    if (s != SC_OK) sc_column_release(&c);
    return s;
}

sc_status sc_table_rename(sc_table *t, const char *from, const char *to, sc_error *err)
{
    if (t == NULL || from == NULL || to == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no table or name");
    size_t j = 0;
    SC_TRY(sc_table_require(t, from, &j, err));
    if (strcmp(from, to) == 0) return SC_OK;
    if (sc_table_find(t, to) >= 0)
        return sc_fail(err, SC_EDUP, t->source, t->header_line, 0,
                       "cannot rename \"%.100s\": a column named \"%.100s\" exists", from, to);
    char *name = sc_tbl_strdup(to);
    if (name == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    free(t->cols[j].name);
    t->cols[j].name = name;
    return SC_OK;
}

/* ---- subsets ---- */

/* New table with rows rows[0..nr) (NULL: all) and columns cols[0..nc) (NULL: all) of t. */
static sc_status subset(const sc_table *t, const size_t *rows, size_t nr, const size_t *cols,
                        size_t nc, sc_table **out)
{
    *out = NULL;
    if (rows == NULL) nr = t->nrows;
    if (cols == NULL) nc = t->ncols;
    sc_table *r = sc_table_new();
    if (r == NULL) return SC_ENOMEM;
    sc_status s = sc_table_set_source(r, t->source, t->header_line);
    if (s == SC_OK && t->rowline != NULL) {
        if ((r->rowline = sc_tbl_array(nr, sizeof(size_t))) == NULL) s = SC_ENOMEM;
        for (size_t i = 0; s == SC_OK && i < nr; i++)
            r->rowline[i] = t->rowline[rows ? rows[i] : i];
    }
    r->nrows = nr;
    for (size_t k = 0; s == SC_OK && k < nc; k++) {
        const sc_column *src = &t->cols[cols ? cols[k] : k];
        sc_column c = {0};
        c.type = src->type;
        if ((c.name = sc_tbl_strdup(src->name)) == NULL) s = SC_ENOMEM;
        if (s == SC_OK && src->pos != NULL &&
            (c.pos = sc_tbl_array(nr, sizeof(sc_cellpos))) == NULL)
            s = SC_ENOMEM;
        for (size_t i = 0; s == SC_OK && c.pos != NULL && i < nr; i++)
            c.pos[i] = src->pos[rows ? rows[i] : i];
        if (s == SC_OK && src->type == SC_COL_NUM) {
            if ((c.num = sc_tbl_array(nr, sizeof(double))) == NULL) s = SC_ENOMEM;
            for (size_t i = 0; s == SC_OK && i < nr; i++) c.num[i] = src->num[rows ? rows[i] : i];
        } else if (s == SC_OK) {
            if ((c.text = sc_tbl_calloc(nr, sizeof(char *))) == NULL) s = SC_ENOMEM;
            for (size_t i = 0; s == SC_OK && i < nr; i++) {
                const char *v = src->text[rows ? rows[i] : i];
                if (v != NULL && (c.text[i] = sc_table_strndup(r, v, strlen(v))) == NULL)
                    s = SC_ENOMEM;
            }
        }
        if (s == SC_OK) s = sc_table_push_column(r, &c, nr, 0); /* names of t are distinct */
        sc_column_release(&c);
    }
    if (s != SC_OK) {
        sc_table_free(r);
        return s;
    }
    r->nrows = nr;
    *out = r;
    return SC_OK;
}

sc_status sc_table_copy(const sc_table *t, sc_table **out)
{
    if (out == NULL) return SC_EINVAL;
    *out = NULL;
    if (t == NULL) return SC_EINVAL;
    return subset(t, NULL, 0, NULL, 0, out);
}

sc_status sc_table_filter(const sc_table *t, const unsigned char *keep, sc_table **out)
{
    if (out == NULL) return SC_EINVAL;
    *out = NULL;
    if (t == NULL || (keep == NULL && t->nrows > 0)) return SC_EINVAL;
    size_t *rows = sc_tbl_array(t->nrows, sizeof(size_t));
    if (rows == NULL) return SC_ENOMEM;
    size_t nr = 0;
    for (size_t i = 0; i < t->nrows; i++)
        if (keep[i]) rows[nr++] = i;
    sc_status s = subset(t, rows, nr, NULL, 0, out);
    free(rows);
    return s;
}

sc_status sc_table_filter_range(const sc_table *t, const char *col, double lo, double hi,
                                sc_table **out, sc_error *err)
{
    if (out == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no output table");
    *out = NULL;
    if (t == NULL || col == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no table or name");
    size_t j = 0;
    SC_TRY(sc_table_require_num(t, col, &j, err));
    size_t *rows = sc_tbl_array(t->nrows, sizeof(size_t));
    if (rows == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t nr = 0;
    const double *v = t->cols[j].num;
    for (size_t i = 0; i < t->nrows; i++)
        if (v[i] >= lo && v[i] <= hi) rows[nr++] = i; /* false for NaN */
    sc_status s = subset(t, rows, nr, NULL, 0, out);
    free(rows);
    if (s != SC_OK) return sc_fail(err, s, NULL, 0, 0, "%s", sc_strerror(s));
    return SC_OK;
}

sc_status sc_table_select(const sc_table *t, const char *const *names, size_t n, sc_table **out,
                          sc_error *err)
{
    if (out == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no output table");
    *out = NULL;
    if (t == NULL || (names == NULL && n > 0))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no table or names");
    size_t *cols = sc_tbl_array(n, sizeof(size_t));
    if (cols == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_status s = SC_OK;
    for (size_t k = 0; s == SC_OK && k < n; k++) {
        s = sc_table_require(t, names[k], &cols[k], err);
        for (size_t q = 0; s == SC_OK && q < k; q++)
            if (cols[q] == cols[k])
                s = sc_fail(err, SC_EDUP, t->source, t->header_line, 0,
                            "column \"%.100s\" selected twice", names[k]);
    }
    if (s == SC_OK && (s = subset(t, NULL, 0, cols, n, out)) != SC_OK)
        sc_fail(err, s, NULL, 0, 0, "%s", sc_strerror(s));
    free(cols);
    return s;
}

/* ---- CSV output ---- */

/* Writes one field, quoted when it holds a delimiter, quote or line break, or when it would
 * otherwise read back differently: the only field of a line when it is empty (a blank line is
 * skipped by the reader), or text starting with a UTF-8 byte order mark. */
static int write_field(FILE *f, const char *s, int alone)
{
    int quote = strpbrk(s, ",\"\r\n") != NULL || (alone && s[0] == '\0') ||
                strncmp(s, "\xEF\xBB\xBF", 3) == 0;
    if (!quote) return fputs(s, f) >= 0;
    if (fputc('"', f) == EOF) return 0;
    for (; *s; s++) {
        if (*s == '"' && fputc('"', f) == EOF) return 0;
        if (fputc(*s, f) == EOF) return 0;
    }
    return fputc('"', f) != EOF;
}

sc_status sc_table_write_csv(const sc_table *t, FILE *f)
{
    if (t == NULL || f == NULL) return SC_EINVAL;
    int ok = 1;
    const int alone = t->ncols == 1;
    for (size_t j = 0; ok && j < t->ncols; j++) {
        if (j > 0) ok = fputc(',', f) != EOF;
        if (ok) ok = write_field(f, t->cols[j].name, alone);
    }
    if (ok) ok = fputc('\n', f) != EOF;
    for (size_t i = 0; ok && i < t->nrows; i++) {
        for (size_t j = 0; ok && j < t->ncols; j++) {
            if (j > 0) ok = fputc(',', f) != EOF;
            const sc_column *c = &t->cols[j];
            if (!ok) break;
            if (c->type == SC_COL_NUM && !isnan(c->num[i])) {
                /* %.17g round-trips every double. */
                ok = fprintf(f, "%.17g", c->num[i]) > 0;
            } else if (c->type == SC_COL_TEXT && c->text[i] != NULL) {
                ok = write_field(f, c->text[i], alone);
            } else if (alone) {
                ok = fputs("\"\"", f) >= 0; /* a missing cell, not a blank line */
            }
        }
        if (ok) ok = fputc('\n', f) != EOF;
    }
    if (!ok || ferror(f)) return SC_EIO;
    return SC_OK;
}

void sc_table_cell_pos(const sc_table *t, size_t i, size_t j, size_t *line, size_t *column)
{
    size_t l = 0, c = 0;
    if (t != NULL && j < t->ncols && i < t->nrows) {
        const sc_column *col = &t->cols[j];
        if (col->pos != NULL) {
            l = col->pos[i].line;
            c = col->pos[i].col;
        } else {
            l = sc_table_row_line(t, i);
        }
    }
    if (line) *line = l;
    if (column) *column = c;
}
