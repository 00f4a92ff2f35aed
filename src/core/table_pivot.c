/* SPDX-License-Identifier: GPL-3.0-or-later
 * Long ("tidy") to wide tables.
 *
 * Rows are grouped by the values of the id columns, in order of first appearance. Each distinct
 * combination of key values, joined with sep, becomes a numeric column. The k-th occurrence of
 * a (group, key) pair goes to the group's k-th wide row, so that a run evaluated twice (the
 * Apple DCLM file holds one) gives two wide rows instead of one row with mixed values.
 * Everything is hashed, so the cost is linear in the number of long rows. */
#include "core/table_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a small open-addressing set of indices; equality is the caller's ---- */

typedef struct hset {
    size_t *slot; /* index + 1, 0 = empty */
    uint64_t *hash;
    size_t cap, n;
} hset;

typedef int (*hset_eq)(const void *ctx, size_t a, size_t b);

static void hset_free(hset *h)
{
    free(h->slot);
    free(h->hash);
    memset(h, 0, sizeof *h);
}

static sc_status hset_grow(hset *h)
{
    size_t cap = h->cap ? 2 * h->cap : 64;
    if (cap > SIZE_MAX / sizeof(uint64_t)) return SC_ENOMEM;
    size_t *slot = sc_tbl_calloc(cap, sizeof *slot);
    uint64_t *hash = sc_tbl_calloc(cap, sizeof *hash);
    if (slot == NULL || hash == NULL) {
        free(slot);
        free(hash);
        return SC_ENOMEM;
    }
    for (size_t i = 0; i < h->cap; i++) {
        if (h->slot[i] == 0) continue;
        size_t k = (size_t)h->hash[i] & (cap - 1);
        while (slot[k]) k = (k + 1) & (cap - 1);
        slot[k] = h->slot[i];
        hash[k] = h->hash[i];
    }
    free(h->slot);
    free(h->hash);
    h->slot = slot;
    h->hash = hash;
    h->cap = cap;
    return SC_OK;
}

/* Finds an element equal to candidate idx (hash hv); if none, inserts idx. *found receives the
 * index of the element in the set (idx itself when it was inserted). */
static sc_status hset_intern(hset *h, uint64_t hv, size_t idx, hset_eq eq, const void *ctx,
                             size_t *found)
{
    if (2 * (h->n + 1) > h->cap) SC_TRY(hset_grow(h));
    size_t k = (size_t)hv & (h->cap - 1);
    while (h->slot[k]) {
        if (h->hash[k] == hv && eq(ctx, h->slot[k] - 1, idx)) {
            *found = h->slot[k] - 1;
            return SC_OK;
        }
        k = (k + 1) & (h->cap - 1);
    }
    h->slot[k] = idx + 1;
    h->hash[k] = hv;
    h->n++;
    *found = idx;
    return SC_OK;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    return sc_seed_mix(h ^ v, 0x5CA1EC5u);
}

static uint64_t hash_bytes(uint64_t h, const char *s)
{
    /* FNV-1a, then mixed so that the low bits used for the table index are good. */
    uint64_t x = 0xcbf29ce484222325ULL;
    for (; *s; s++) x = (x ^ (unsigned char)*s) * 0x100000001b3ULL;
    return mix(h, x);
}

static uint64_t hash_double(uint64_t h, double v)
{
    if (v == 0) v = 0; /* -0 and +0 group together */
    uint64_t bits;
    if (isnan(v)) bits = 0x7ff8000000000000ULL;
    else memcpy(&bits, &v, sizeof bits);
    return mix(h, bits);
}

/* ---- grouping by id columns ---- */

typedef struct group_ctx {
    const sc_table *t;
    const size_t *cols;
    size_t ncols;
} group_ctx;

static int same_cell(const sc_column *c, size_t a, size_t b)
{
    if (c->type == SC_COL_NUM) {
        double x = c->num[a], y = c->num[b];
        return x == y || (isnan(x) && isnan(y));
    }
    const char *x = c->text[a], *y = c->text[b];
    if (x == NULL || y == NULL) return x == y;
    return strcmp(x, y) == 0;
}

static int same_group(const void *ctx, size_t a, size_t b)
{
    const group_ctx *g = ctx;
    for (size_t k = 0; k < g->ncols; k++)
        if (!same_cell(&g->t->cols[g->cols[k]], a, b)) return 0;
    return 1;
}

static uint64_t hash_row(const sc_table *t, const size_t *cols, size_t ncols, size_t i)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (size_t k = 0; k < ncols; k++) {
        const sc_column *c = &t->cols[cols[k]];
        if (c->type == SC_COL_NUM) h = hash_double(h, c->num[i]);
        else if (c->text[i] == NULL) h = mix(h, 0xdeadu);
        else h = hash_bytes(h, c->text[i]);
    }
    return h;
}

/* ---- keys: joined strings ---- */

typedef struct key_ctx {
    char **names; /* key names by key index */
} key_ctx;

static int same_key(const void *ctx, size_t a, size_t b)
{
    const key_ctx *k = ctx;
    return strcmp(k->names[a], k->names[b]) == 0;
}

/* ---- (group, key) occurrence counts ---- */

typedef struct pair_ctx {
    size_t *g, *k;
} pair_ctx;

static int same_pair(const void *ctx, size_t a, size_t b)
{
    const pair_ctx *p = ctx;
    return p->g[a] == p->g[b] && p->k[a] == p->k[b];
}

/* Growable string buffer for joining key cells. */
typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

static sc_status sb_add(strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = sc_tbl_realloc(b->s, cap);
        if (p == NULL) return SC_ENOMEM;
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return SC_OK;
}

static sc_status check_distinct(const sc_table *t, const size_t *all, size_t n, sc_error *err)
{
    for (size_t a = 0; a < n; a++)
        for (size_t b = 0; b < a; b++)
            if (all[a] == all[b])
                return sc_fail(err, SC_EDUP, t->source, t->header_line, 0,
                               "pivot: column \"%.100s\" is used twice", t->cols[all[a]].name);
    return SC_OK;
}

typedef struct pivot_work {
    size_t *all;       /* id, key and value column indices */
    char **keynames;   /* nkeys distinct joined keys (owned) */
    size_t nkeys, capkeys;
    size_t *rowkey;    /* per long row: key index */
    size_t *rowgroup;  /* per long row: group index */
    size_t *occ;       /* per long row: occurrence of its (group, key) pair */
    size_t *gfirst;    /* per group: first long row */
    size_t *gstart;    /* per group: first wide row */
    size_t *count;     /* per pair (indexed by its first long row): occurrences so far */
    size_t *wide_from; /* per wide row: the long row whose id values it copies */
    double *vals;
    hset keys, groups, pairs;
    strbuf sb;
} pivot_work;

static void work_free(pivot_work *w)
{
    for (size_t k = 0; k < w->nkeys; k++) free(w->keynames[k]);
    free(w->keynames);
    free(w->all);
    free(w->rowkey);
    free(w->rowgroup);
    free(w->occ);
    free(w->gfirst);
    free(w->gstart);
    free(w->count);
    free(w->wide_from);
    free(w->vals);
    hset_free(&w->keys);
    hset_free(&w->groups);
    hset_free(&w->pairs);
    free(w->sb.s);
}

/* Joins the key cells of row i into w->sb. */
static sc_status join_key(const sc_table *t, const size_t *kc, size_t nkey, const char *sep,
                          size_t i, pivot_work *w, sc_error *err)
{
    w->sb.len = 0;
    SC_TRY(sb_add(&w->sb, "", 0));
    for (size_t k = 0; k < nkey; k++) {
        const sc_column *c = &t->cols[kc[k]];
        char num[40];
        const char *s;
        if (c->type == SC_COL_NUM) {
            if (isnan(c->num[i])) s = NULL;
            else {
                snprintf(num, sizeof num, "%.17g", c->num[i]);
                s = num;
            }
        } else {
            s = c->text[i];
        }
        if (s == NULL) {
            size_t line = sc_table_row_line(t, i);
            size_t col = (c->type == SC_COL_TEXT && c->pos) ? c->pos[i].col : 0;
            if (c->type == SC_COL_TEXT && c->pos) line = c->pos[i].line;
            if (line == 0)
                return sc_fail(err, SC_EDOMAIN, t->source, 0, 0,
                               "pivot: key column \"%.100s\" is missing in row %zu", c->name,
                               i + 1);
            return sc_fail(err, SC_EDOMAIN, t->source, line, col,
                           "pivot: key column \"%.100s\" is missing", c->name);
        }
        if (k > 0 && sb_add(&w->sb, sep, strlen(sep)) != SC_OK) return SC_ENOMEM;
        if (sb_add(&w->sb, s, strlen(s)) != SC_OK) return SC_ENOMEM;
    }
    return SC_OK;
}

static sc_status pivot_run(const sc_table *t, const char *const *id_cols, size_t nid,
                           const char *const *key_cols, size_t nkey, const char *value_col,
                           const char *sep, sc_table **out, sc_error *err, pivot_work *w)
{
    const size_t n = t->nrows;
    const size_t nall = nid + nkey + 1;
    if ((w->all = sc_tbl_array(nall, sizeof(size_t))) == NULL) return SC_ENOMEM;
    size_t *ic = w->all, *kc = w->all + nid, *vc = w->all + nid + nkey;
    for (size_t k = 0; k < nid; k++) SC_TRY(sc_table_require(t, id_cols[k], &ic[k], err));
    for (size_t k = 0; k < nkey; k++) SC_TRY(sc_table_require(t, key_cols[k], &kc[k], err));
    SC_TRY(sc_table_require_num(t, value_col, vc, err));
    SC_TRY(check_distinct(t, w->all, nall, err));
    const double *value = t->cols[*vc].num;

    w->rowkey = sc_tbl_array(n, sizeof(size_t));
    w->rowgroup = sc_tbl_array(n, sizeof(size_t));
    w->occ = sc_tbl_array(n, sizeof(size_t));
    w->gfirst = sc_tbl_array(n, sizeof(size_t));
    w->count = sc_tbl_calloc(n, sizeof(size_t));
    if (!w->rowkey || !w->rowgroup || !w->occ || !w->gfirst || !w->count) return SC_ENOMEM;

    /* Keys: a temporary name is appended as candidate nkeys; it stays when it is new. */
    key_ctx kctx;
    group_ctx gctx = {t, ic, nid};
    pair_ctx pctx = {w->rowgroup, w->rowkey};
    size_t ngroups = 0;
    for (size_t i = 0; i < n; i++) {
        SC_TRY(join_key(t, kc, nkey, sep, i, w, err));
        if (w->nkeys == w->capkeys) {
            size_t cap = w->capkeys ? 2 * w->capkeys : 16;
            char **p = sc_tbl_realloc(w->keynames, cap * sizeof *p);
            if (p == NULL) return SC_ENOMEM;
            w->keynames = p;
            w->capkeys = cap;
        }
        /* The joined key is looked up as candidate number nkeys (borrowed from the buffer);
         * it is copied only when it is new. */
        w->keynames[w->nkeys] = w->sb.s;
        kctx.names = w->keynames;
        size_t key = 0;
        sc_status hs = hset_intern(&w->keys, hash_bytes(0, w->sb.s), w->nkeys, same_key, &kctx,
                                   &key);
        w->keynames[w->nkeys] = NULL;
        if (hs != SC_OK) return hs;
        if (key == w->nkeys) {
            if ((w->keynames[w->nkeys] = sc_tbl_strdup(w->sb.s)) == NULL) return SC_ENOMEM;
            w->nkeys++;
        }
        w->rowkey[i] = key;

        size_t first;
        SC_TRY(hset_intern(&w->groups, hash_row(t, ic, nid, i), i, same_group, &gctx, &first));
        if (first == i) w->gfirst[ngroups++] = i;
        /* The group index is found through its first row: rowgroup of the first row. */
        w->rowgroup[i] = first == i ? ngroups - 1 : w->rowgroup[first];

        size_t pfirst;
        uint64_t ph = mix(mix(0, (uint64_t)w->rowgroup[i]), (uint64_t)key);
        SC_TRY(hset_intern(&w->pairs, ph, i, same_pair, &pctx, &pfirst));
        w->occ[i] = w->count[pfirst]++;
    }

    /* Wide rows of group g: gstart[g] .. gstart[g] + (max occurrence + 1). */
    w->gstart = sc_tbl_calloc(ngroups + 1, sizeof(size_t));
    if (w->gstart == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t g = w->rowgroup[i];
        if (w->occ[i] + 1 > w->gstart[g + 1]) w->gstart[g + 1] = w->occ[i] + 1;
    }
    for (size_t g = 0; g < ngroups; g++) w->gstart[g + 1] += w->gstart[g];
    const size_t nwide = w->gstart[ngroups];

    w->wide_from = sc_tbl_array(nwide, sizeof(size_t));
    if (w->wide_from == NULL) return SC_ENOMEM;
    for (size_t g = 0; g < ngroups; g++)
        for (size_t r = w->gstart[g]; r < w->gstart[g + 1]; r++) w->wide_from[r] = w->gfirst[g];

    for (size_t k = 0; k < w->nkeys; k++)
        for (size_t q = 0; q < nid; q++)
            if (strcmp(w->keynames[k], t->cols[ic[q]].name) == 0)
                return sc_fail(err, SC_EDUP, t->source, t->header_line, 0,
                               "pivot: key \"%.100s\" is also the name of an id column",
                               w->keynames[k]);

    /* The wide table: id columns (copied from each group's first row), then one numeric
     * column per key in order of first appearance. */
    sc_table *r = sc_table_new();
    if (r == NULL) return SC_ENOMEM;
    sc_status s = sc_table_set_source(r, t->source, 0);
    r->nrows = nwide;
    for (size_t q = 0; s == SC_OK && q < nid; q++) {
        const sc_column *src = &t->cols[ic[q]];
        sc_column c = {0};
        c.type = src->type;
        if ((c.name = sc_tbl_strdup(src->name)) == NULL) s = SC_ENOMEM;
        if (s == SC_OK && c.type == SC_COL_NUM) {
            if ((c.num = sc_tbl_array(nwide, sizeof(double))) == NULL) s = SC_ENOMEM;
            for (size_t i = 0; s == SC_OK && i < nwide; i++) c.num[i] = src->num[w->wide_from[i]];
        } else if (s == SC_OK) {
            if ((c.text = sc_tbl_calloc(nwide, sizeof(char *))) == NULL) s = SC_ENOMEM;
            for (size_t i = 0; s == SC_OK && i < nwide; i++) {
                const char *v = src->text[w->wide_from[i]];
                if (v != NULL && (c.text[i] = sc_table_strndup(r, v, strlen(v))) == NULL)
                    s = SC_ENOMEM;
            }
        }
        if (s == SC_OK) s = sc_table_push_column(r, &c, nwide, 0); /* checked above */
        sc_column_release(&c);
    }
    for (size_t k = 0; s == SC_OK && k < w->nkeys; k++) {
        sc_column c = {0};
        c.type = SC_COL_NUM;
        c.name = w->keynames[k];
        w->keynames[k] = NULL;
        if ((c.num = sc_tbl_array(nwide, sizeof(double))) == NULL) s = SC_ENOMEM;
        for (size_t i = 0; s == SC_OK && i < nwide; i++) c.num[i] = NAN;
        if (s == SC_OK) s = sc_table_push_column(r, &c, nwide, 0); /* checked above */
        sc_column_release(&c);
    }
    if (s == SC_OK) {
        for (size_t i = 0; i < n; i++) {
            size_t row = w->gstart[w->rowgroup[i]] + w->occ[i];
            r->cols[nid + w->rowkey[i]].num[row] = value[i];
        }
        *out = r;
        return SC_OK;
    }
    sc_table_free(r);
    return s;
}

sc_status sc_table_pivot(const sc_table *t, const char *const *id_cols, size_t nid,
                         const char *const *key_cols, size_t nkey, const char *value_col,
                         const char *sep, sc_table **out, sc_error *err)
{
    if (out == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "pivot: no output table");
    *out = NULL;
    if (t == NULL || value_col == NULL || nkey == 0 || key_cols == NULL ||
        (nid > 0 && id_cols == NULL))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                       "pivot: a table, at least one key column and a value column are needed");
    if (sep == NULL) sep = ":";
    pivot_work w;
    memset(&w, 0, sizeof w);
    sc_status s = pivot_run(t, id_cols, nid, key_cols, nkey, value_col, sep, out, err, &w);
    work_free(&w);
    if (s == SC_ENOMEM) return sc_fail(err, s, NULL, 0, 0, "pivot: out of memory");
    return s;
}
