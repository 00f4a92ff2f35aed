/* SPDX-License-Identifier: GPL-3.0-or-later
 * Aggregated results JSON of lm-evaluation-harness (both generations) -> sc_table, one row per
 * (model, revision), one numeric column per task and metric. */
#include "core/internal.h"
#include "core/table_internal.h"
#include "io/json_file.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int sc_lmeval_model_args(const char *args, char *model, size_t model_size, char *revision,
                         size_t revision_size)
{
    if (model_size) model[0] = '\0';
    if (revision_size) revision[0] = '\0';
    if (args == NULL) return -1;
    int found = 0;
    const char *p = args;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *eq = memchr(p, '=', n);
        if (eq) {
            size_t kn = (size_t)(eq - p), vn = n - kn - 1;
            char *dst = NULL;
            size_t size = 0;
            if ((kn == 10 && strncmp(p, "pretrained", 10) == 0) ||
                (kn == 5 && strncmp(p, "model", 5) == 0 && !found)) {
                dst = model;
                size = model_size;
                found = 1;
            } else if (kn == 8 && strncmp(p, "revision", 8) == 0) {
                dst = revision;
                size = revision_size;
            }
            if (dst && size) {
                if (vn >= size) vn = size - 1;
                memcpy(dst, eq + 1, vn);
                dst[vn] = '\0';
            }
        }
        if (!e) break;
        p = e + 1;
    }
    return found ? 0 : -1;
}

/* Collected cells before the table is built. Rows, columns and (row, column) cells are found
 * through hash indexes, so that reading F files with T task metrics each takes O(F T) time. */
typedef struct res_row {
    char *model, *revision, *source;
    size_t source_len, source_cap;
} res_row;

typedef struct res_cell {
    size_t row, col;
    double v;
    const char *file; /* borrowed from the accumulator's file list */
} res_cell;

/* Open addressing, linear probing; a slot holds an entry's index + 1 (0: empty) and its hash. */
typedef struct res_index {
    size_t *slot;
    uint64_t *hash;
    size_t cap, n;
} res_index;

typedef struct res_acc {
    res_row *rows;
    size_t nrows, rcap;
    char **cols;
    size_t ncols, ccap;
    res_cell *cells;
    size_t ncells, kcap;
    char **files; /* every file read, for messages */
    size_t nfiles, fcap;
    res_index row_ix, col_ix, cell_ix;
} res_acc;

static void index_free(res_index *x)
{
    free(x->slot);
    free(x->hash);
    memset(x, 0, sizeof *x);
}

static void acc_free(res_acc *a)
{
    for (size_t i = 0; i < a->nrows; i++) {
        free(a->rows[i].model);
        free(a->rows[i].revision);
        free(a->rows[i].source);
    }
    for (size_t j = 0; j < a->ncols; j++) free(a->cols[j]);
    for (size_t f = 0; f < a->nfiles; f++) free(a->files[f]);
    free(a->rows);
    free(a->cols);
    free(a->cells);
    free(a->files);
    index_free(&a->row_ix);
    index_free(&a->col_ix);
    index_free(&a->cell_ix);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

/* FNV-1a over a string, continued from h. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}
#define HASH_INIT 0xcbf29ce484222325ULL

static uint64_t hash_cell(size_t row, size_t col)
{
    /* SplitMix64's finaliser (Steele, Lea, Flood 2014) over row and column. */
    uint64_t z = (uint64_t)row * 0x9E3779B97F4A7C15ULL + (uint64_t)col;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef int (*res_eq)(const res_acc *a, size_t idx, const void *key);

/* The index of the entry equal to key, or -1. */
static long index_find(const res_acc *a, const res_index *x, uint64_t h, res_eq eq, const void *key)
{
    if (x->cap == 0) return -1;
    for (size_t k = (size_t)h & (x->cap - 1);; k = (k + 1) & (x->cap - 1)) {
        if (x->slot[k] == 0) return -1;
        if (x->hash[k] == h && eq(a, x->slot[k] - 1, key)) return (long)(x->slot[k] - 1);
    }
}

/* Adds entry idx (not yet present) under hash h. -1 when out of memory. */
static int index_add(res_index *x, uint64_t h, size_t idx)
{
    if (2 * (x->n + 1) > x->cap) {
        size_t cap = x->cap ? 2 * x->cap : 64;
        size_t *slot = calloc(cap, sizeof *slot);
        uint64_t *hash = calloc(cap, sizeof *hash);
        if (!slot || !hash) {
            free(slot);
            free(hash);
            return -1;
        }
        for (size_t k = 0; k < x->cap; k++) {
            if (x->slot[k] == 0) continue;
            size_t j = (size_t)x->hash[k] & (cap - 1);
            while (slot[j]) j = (j + 1) & (cap - 1);
            slot[j] = x->slot[k];
            hash[j] = x->hash[k];
        }
        free(x->slot);
        free(x->hash);
        x->slot = slot;
        x->hash = hash;
        x->cap = cap;
    }
    size_t j = (size_t)h & (x->cap - 1);
    while (x->slot[j]) j = (j + 1) & (x->cap - 1);
    x->slot[j] = idx + 1;
    x->hash[j] = h;
    x->n++;
    return 0;
}

typedef struct row_key {
    const char *model, *rev;
} row_key;

static int row_eq(const res_acc *a, size_t i, const void *key)
{
    const row_key *k = key;
    return strcmp(a->rows[i].model, k->model) == 0 && strcmp(a->rows[i].revision, k->rev) == 0;
}

static int col_eq(const res_acc *a, size_t j, const void *key)
{
    return strcmp(a->cols[j], key) == 0;
}

static int cell_eq(const res_acc *a, size_t c, const void *key)
{
    const size_t *rc = key;
    return a->cells[c].row == rc[0] && a->cells[c].col == rc[1];
}

static uint64_t hash_row(const char *model, const char *rev)
{
    return hash_str(hash_str(HASH_INIT, model) * 0x100000001b3ULL, rev);
}

static const char *model_args_of(json_t *root, char *model, size_t msize, char *rev,
                                 size_t rsize)
{
    json_t *config = json_object_get(root, "config");
    json_t *args = json_object_get(config, "model_args");
    model[0] = rev[0] = '\0';
    if (json_is_string(args)) {
        sc_lmeval_model_args(json_string_value(args), model, msize, rev, rsize);
    } else if (json_is_object(args)) { /* newer releases may keep the arguments as a dict */
        json_t *p = json_object_get(args, "pretrained");
        json_t *r = json_object_get(args, "revision");
        if (json_is_string(p)) snprintf(model, msize, "%s", json_string_value(p));
        if (json_is_string(r)) snprintf(rev, rsize, "%s", json_string_value(r));
    }
    if (!model[0]) {
        json_t *mn = json_object_get(root, "model_name");
        if (json_is_string(mn)) snprintf(model, msize, "%s", json_string_value(mn));
    }
    if (!model[0]) {
        json_t *m = json_object_get(config, "model");
        if (json_is_string(m)) snprintf(model, msize, "%s", json_string_value(m));
    }
    return model;
}

/* A number written as a string ("0.5", "-inf"): the whole string is the number. */
static int numeric_string(const char *t)
{
    char *end = NULL;
    if (!t[0]) return 0;
    (void)strtod(t, &end);
    return end != t && *end == '\0';
}

/* Adds one parsed results document. Returns SC_OK, or SC_EEMPTY when it is not a results file. */
static sc_status add_doc(res_acc *a, json_t *root, const char *name, sc_error *err)
{
    json_t *results = json_object_get(root, "results");
    if (!json_is_object(results))
        return sc_fail(err, SC_EEMPTY, name, 0, 0, "not an lm-evaluation-harness results file "
                                                   "(no \"results\" object)");
    char model[512], rev[256];
    model_args_of(root, model, sizeof model, rev, sizeof rev);
    if (!model[0])
        return sc_fail(err, SC_ENOCOL, name, 0, 0,
                       "no model in config.model_args (pretrained=...) nor model_name");
    row_key rk = {model, rev};
    uint64_t rh = hash_row(model, rev);
    long found = index_find(a, &a->row_ix, rh, row_eq, &rk);
    size_t row = found >= 0 ? (size_t)found : a->nrows;
    if (grow((void **)&a->files, &a->fcap, a->nfiles + 1, sizeof *a->files)) return SC_ENOMEM;
    a->files[a->nfiles] = sc_strdup(name);
    if (!a->files[a->nfiles]) return SC_ENOMEM;
    const char *file = a->files[a->nfiles++];
    size_t n = strlen(name);
    if (row == a->nrows) {
        if (grow((void **)&a->rows, &a->rcap, a->nrows + 1, sizeof *a->rows)) return SC_ENOMEM;
        res_row *r = &a->rows[a->nrows];
        r->model = sc_strdup(model);
        r->revision = sc_strdup(rev);
        r->source = sc_strdup(name);
        r->source_len = r->source_cap = n;
        if (!r->model || !r->revision || !r->source || index_add(&a->row_ix, rh, a->nrows)) {
            free(r->model);
            free(r->revision);
            free(r->source);
            return SC_ENOMEM;
        }
        a->nrows++;
    } else {
        /* The source list grows geometrically: a model split over many files stays linear. */
        res_row *r = &a->rows[row];
        size_t need = r->source_len + n + 2;
        if (need > r->source_cap + 1) {
            size_t cap = 2 * r->source_cap > need ? 2 * r->source_cap : need;
            char *g = realloc(r->source, cap + 1);
            if (!g) return SC_ENOMEM;
            r->source = g;
            r->source_cap = cap;
        }
        r->source[r->source_len] = ';';
        memcpy(r->source + r->source_len + 1, name, n + 1);
        r->source_len += n + 1;
    }
    const char *task;
    json_t *metrics;
    json_object_foreach(results, task, metrics) {
        if (!json_is_object(metrics)) continue;
        const char *key;
        json_t *val;
        json_object_foreach(metrics, key, val) {
            double v;
            if (json_is_number(val)) v = json_number_value(val);
            else if (json_is_string(val) && strcmp(json_string_value(val), "N/A") == 0) v = NAN;
            else if (json_is_string(val) && numeric_string(json_string_value(val)))
                /* The harness writes metrics as numbers: a number in a string was written by
                 * something else, and reading or skipping it silently would both hide that. */
                return sc_fail(err, SC_ETYPE, name, 0, 0,
                               "results.%s.\"%s\": the string \"%s\" where a number is "
                               "expected (metrics are JSON numbers; \"N/A\" is read as missing)",
                               task, key, json_string_value(val));
            else continue; /* "alias" and other text */
            char col[768];
            const char *comma = strchr(key, ',');
            if (comma && strcmp(comma + 1, "none") == 0)
                snprintf(col, sizeof col, "%s:%.*s", task, (int)(comma - key), key);
            else
                snprintf(col, sizeof col, "%s:%s", task, key);
            uint64_t ch = hash_str(HASH_INIT, col);
            long j = index_find(a, &a->col_ix, ch, col_eq, col);
            if (j < 0) {
                if (grow((void **)&a->cols, &a->ccap, a->ncols + 1, sizeof *a->cols))
                    return SC_ENOMEM;
                a->cols[a->ncols] = sc_strdup(col);
                if (!a->cols[a->ncols]) return SC_ENOMEM;
                if (index_add(&a->col_ix, ch, a->ncols)) {
                    free(a->cols[a->ncols]);
                    return SC_ENOMEM;
                }
                j = (long)a->ncols++;
            }
            size_t key2[2] = {row, (size_t)j};
            uint64_t kh = hash_cell(row, (size_t)j);
            long c = index_find(a, &a->cell_ix, kh, cell_eq, key2);
            if (c >= 0)
                return sc_fail(err, SC_EDUP, name, 0, 0,
                               "\"%s\" of %s%s%s is also in %s", col, model,
                               rev[0] ? " revision " : "", rev, a->cells[c].file);
            if (grow((void **)&a->cells, &a->kcap, a->ncells + 1, sizeof *a->cells))
                return SC_ENOMEM;
            if (index_add(&a->cell_ix, kh, a->ncells)) return SC_ENOMEM;
            a->cells[a->ncells++] = (res_cell){row, (size_t)j, v, file};
        }
    }
    return SC_OK;
}

static sc_status build(const res_acc *a, sc_table **out)
{
    sc_table *t = sc_table_new();
    const char **txt = calloc(a->nrows ? a->nrows : 1, sizeof *txt);
    double *num = sc_malloc_array(a->nrows, sizeof *num);
    sc_status st = (t && txt && num) ? SC_OK : SC_ENOMEM;
    for (int c = 0; c < 3 && st == SC_OK; c++) {
        for (size_t i = 0; i < a->nrows; i++) {
            const char *v = c == 0 ? a->rows[i].model
                                   : (c == 1 ? a->rows[i].revision : a->rows[i].source);
            txt[i] = (v && v[0]) ? v : NULL;
        }
        st = sc_table_add_text(t, c == 0 ? "model" : (c == 1 ? "revision" : "source"), txt,
                               a->nrows);
    }
    /* Cells grouped by column (a counting sort), so that each column is filled from its own. */
    size_t *start = st == SC_OK ? calloc(a->ncols + 1, sizeof *start) : NULL;
    size_t *order = st == SC_OK ? sc_malloc_array(a->ncells, sizeof *order) : NULL;
    if (st == SC_OK && (!start || !order)) st = SC_ENOMEM;
    if (st == SC_OK) {
        for (size_t c = 0; c < a->ncells; c++) start[a->cells[c].col + 1]++;
        for (size_t j = 0; j < a->ncols; j++) start[j + 1] += start[j];
        for (size_t c = 0; c < a->ncells; c++) order[start[a->cells[c].col]++] = c;
        for (size_t j = a->ncols; j > 0; j--) start[j] = start[j - 1];
        start[0] = 0;
    }
    for (size_t j = 0; j < a->ncols && st == SC_OK; j++) {
        for (size_t i = 0; i < a->nrows; i++) num[i] = NAN;
        for (size_t k = start[j]; k < start[j + 1]; k++)
            num[a->cells[order[k]].row] = a->cells[order[k]].v;
        /* Column names are unique by construction (the hash index) and contain a ':', so
         * they cannot repeat model/revision/source: no linear search per column. */
        sc_column col = {0};
        col.type = SC_COL_NUM;
        col.name = sc_tbl_strdup(a->cols[j]);
        col.num = sc_tbl_array(a->nrows, sizeof(double));
        if (!col.name || !col.num) st = SC_ENOMEM;
        else {
            if (a->nrows) memcpy(col.num, num, a->nrows * sizeof(double));
            st = sc_table_push_column(t, &col, a->nrows, 0);
        }
        if (st != SC_OK) sc_column_release(&col);
    }
    free(start);
    free(order);
    free(txt);
    free(num);
    if (st != SC_OK) {
        sc_table_free(t);
        return st;
    }
    *out = t;
    return SC_OK;
}

static sc_status parse_error(const json_error_t *je, const char *name, sc_error *err)
{
    return sc_fail(err, SC_EPARSE, name, je->line > 0 ? (size_t)je->line : 0,
                   je->column > 0 ? (size_t)je->column : 0, "%s", je->text);
}

sc_status sc_lmeval_results_read_mem(const char *buf, size_t len, const char *name,
                                     sc_table **out, sc_error *err)
{
    *out = NULL;
    json_error_t je;
    json_t *root = json_loadb(buf, len, JSON_ALLOW_NUL, &je);
    if (!root) return parse_error(&je, name, err);
    res_acc a;
    memset(&a, 0, sizeof a);
    sc_status st = add_doc(&a, root, name, err);
    json_decref(root);
    if (st == SC_OK) st = build(&a, out);
    acc_free(&a);
    if (st == SC_ENOMEM) sc_fail(err, SC_ENOMEM, name, 0, 0, "out of memory");
    return st;
}

sc_status sc_lmeval_results_read(const char *path, sc_table **out, sc_error *err)
{
    *out = NULL;
    sc_error e2;
    json_t *root = sc_json_load_path(path, JSON_ALLOW_NUL, &e2);
    if (!root) {
        if (err) *err = e2;
        return e2.code;
    }
    res_acc a;
    memset(&a, 0, sizeof a);
    sc_status st = add_doc(&a, root, path, err);
    json_decref(root);
    if (st == SC_OK) st = build(&a, out);
    acc_free(&a);
    if (st == SC_ENOMEM) sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    return st;
}

/* Collects the paths of *.json files under dir, recursively. */
typedef struct path_list {
    char **p;
    size_t n, cap;
} path_list;

static sc_status list_json(const char *dir, path_list *l, int depth, sc_error *err)
{
    if (depth > 32) return SC_OK;
    DIR *d = opendir(dir);
    if (!d) return sc_fail(err, SC_EIO, dir, 0, 0, "cannot open folder: %s", strerror(errno));
    struct dirent *e;
    sc_status st = SC_OK;
    while (st == SC_OK && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            st = SC_ENOMEM;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        struct stat sb;
        if (stat(p, &sb) != 0) {
            free(p);
            continue;
        }
        if (S_ISDIR(sb.st_mode)) {
            st = list_json(p, l, depth + 1, err);
            free(p);
            continue;
        }
        size_t ln = strlen(e->d_name);
        if (!S_ISREG(sb.st_mode) || ln < 5 || strcmp(e->d_name + ln - 5, ".json") != 0) {
            free(p);
            continue;
        }
        if (grow((void **)&l->p, &l->cap, l->n + 1, sizeof *l->p)) {
            free(p);
            st = SC_ENOMEM;
            break;
        }
        l->p[l->n++] = p;
    }
    closedir(d);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

sc_status sc_lmeval_results_read_dir(const char *dir, sc_table **out, sc_error *err)
{
    *out = NULL;
    path_list l = {NULL, 0, 0};
    res_acc a;
    memset(&a, 0, sizeof a);
    sc_status st = list_json(dir, &l, 0, err);
    if (st == SC_OK && l.n > 1) qsort(l.p, l.n, sizeof *l.p, cmp_str);
    for (size_t k = 0; k < l.n && st == SC_OK; k++) {
        sc_error e2;
        json_t *root = sc_json_load_path(l.p[k], JSON_ALLOW_NUL, &e2);
        if (!root) {
            st = e2.code;
            if (err) *err = e2;
            break;
        }
        if (json_is_object(json_object_get(root, "results"))) st = add_doc(&a, root, l.p[k], err);
        json_decref(root);
    }
    if (st == SC_OK && a.nrows == 0)
        st = sc_fail(err, SC_EEMPTY, dir, 0, 0, "no lm-evaluation-harness results file (*.json "
                                                "with a \"results\" object) in this folder");
    if (st == SC_OK) st = build(&a, out);
    if (st == SC_ENOMEM) sc_fail(err, SC_ENOMEM, dir, 0, 0, "out of memory");
    for (size_t k = 0; k < l.n; k++) free(l.p[k]);
    free(l.p);
    acc_free(&a);
    return st;
}
