/* SPDX-License-Identifier: GPL-3.0-or-later
 * Aggregated results JSON of lm-evaluation-harness (both generations) -> sc_table, one row per
 * (model, revision), one numeric column per task and metric. */
#include "core/internal.h"
#include "io/json_file.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
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

/* Collected cells before the table is built. */
typedef struct res_row {
    char *model, *revision, *source;
} res_row;

typedef struct res_cell {
    size_t row, col;
    double v;
    const char *file; /* borrowed from the row's source list at the time */
} res_cell;

typedef struct res_acc {
    res_row *rows;
    size_t nrows, rcap;
    char **cols;
    size_t ncols, ccap;
    res_cell *cells;
    size_t ncells, kcap;
    char **files; /* every file read, for messages */
    size_t nfiles, fcap;
} res_acc;

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

static long find_col(const res_acc *a, const char *name)
{
    for (size_t j = 0; j < a->ncols; j++)
        if (strcmp(a->cols[j], name) == 0) return (long)j;
    return -1;
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
    size_t row = a->nrows;
    for (size_t i = 0; i < a->nrows; i++)
        if (strcmp(a->rows[i].model, model) == 0 && strcmp(a->rows[i].revision, rev) == 0) {
            row = i;
            break;
        }
    if (grow((void **)&a->files, &a->fcap, a->nfiles + 1, sizeof *a->files)) return SC_ENOMEM;
    a->files[a->nfiles] = sc_strdup(name);
    if (!a->files[a->nfiles]) return SC_ENOMEM;
    const char *file = a->files[a->nfiles++];
    if (row == a->nrows) {
        if (grow((void **)&a->rows, &a->rcap, a->nrows + 1, sizeof *a->rows)) return SC_ENOMEM;
        res_row *r = &a->rows[a->nrows];
        r->model = sc_strdup(model);
        r->revision = sc_strdup(rev);
        r->source = sc_strdup(name);
        if (!r->model || !r->revision || !r->source) {
            free(r->model);
            free(r->revision);
            free(r->source);
            return SC_ENOMEM;
        }
        a->nrows++;
    } else {
        res_row *r = &a->rows[row];
        size_t l = strlen(r->source), n = strlen(name);
        char *s = realloc(r->source, l + n + 2);
        if (!s) return SC_ENOMEM;
        s[l] = ';';
        memcpy(s + l + 1, name, n + 1);
        r->source = s;
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
            else continue; /* "alias" and other text */
            char col[768];
            const char *comma = strchr(key, ',');
            if (comma && strcmp(comma + 1, "none") == 0)
                snprintf(col, sizeof col, "%s:%.*s", task, (int)(comma - key), key);
            else
                snprintf(col, sizeof col, "%s:%s", task, key);
            long j = find_col(a, col);
            if (j < 0) {
                if (grow((void **)&a->cols, &a->ccap, a->ncols + 1, sizeof *a->cols))
                    return SC_ENOMEM;
                a->cols[a->ncols] = sc_strdup(col);
                if (!a->cols[a->ncols]) return SC_ENOMEM;
                j = (long)a->ncols++;
            }
            for (size_t c = 0; c < a->ncells; c++)
                if (a->cells[c].row == row && a->cells[c].col == (size_t)j)
                    return sc_fail(err, SC_EDUP, name, 0, 0,
                                   "\"%s\" of %s%s%s is also in %s", col, model,
                                   rev[0] ? " revision " : "", rev, a->cells[c].file);
            if (grow((void **)&a->cells, &a->kcap, a->ncells + 1, sizeof *a->cells))
                return SC_ENOMEM;
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
    for (size_t j = 0; j < a->ncols && st == SC_OK; j++) {
        for (size_t i = 0; i < a->nrows; i++) num[i] = NAN;
        for (size_t c = 0; c < a->ncells; c++)
            if (a->cells[c].col == j) num[a->cells[c].row] = a->cells[c].v;
        st = sc_table_add_num(t, a->cols[j], num, a->nrows);
    }
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
