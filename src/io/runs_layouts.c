/* SPDX-License-Identifier: GPL-3.0-or-later
 * Loading published training runs into one row per run for the direct downstream laws
 * (Krajewski et al. 2025): the Apple long-format release and the OLMo model ladder
 * (Bhagia et al. 2024). Every table gets the numeric columns C, N, D, tpr and the text column
 * run, and keeps its metric columns. */
#include "core/internal.h"

#include <ctype.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- Apple long format ---- */

static sc_status add_columns(sc_table *out, const double *C, const double *N, const double *D,
                             const double *tpr, char *const *label, size_t n)
{
    SC_TRY(sc_table_add_text(out, "run", (const char *const *)label, n));
    SC_TRY(sc_table_add_num(out, "C", C, n));
    SC_TRY(sc_table_add_num(out, "N", N, n));
    SC_TRY(sc_table_add_num(out, "D", D, n));
    SC_TRY(sc_table_add_num(out, "tpr", tpr, n));
    return SC_OK;
}

static int is_reserved(const char *name)
{
    static const char *const reserved[] = {"run", "C", "N", "D", "tpr"};
    for (size_t k = 0; k < sizeof reserved / sizeof reserved[0]; k++)
        if (strcmp(name, reserved[k]) == 0) return 1;
    return 0;
}

typedef struct runs_build {
    size_t n;
    double *C, *N, *D, *tpr;
    char **label;
    size_t *src_row; /* row of the source table for each kept run */
} runs_build;

static void runs_build_free(runs_build *b)
{
    if (b->label)
        for (size_t i = 0; i < b->n; i++) free(b->label[i]);
    free(b->C);
    free(b->N);
    free(b->D);
    free(b->tpr);
    free(b->label);
    free(b->src_row);
    memset(b, 0, sizeof *b);
}

static sc_status runs_build_alloc(runs_build *b, size_t cap)
{
    memset(b, 0, sizeof *b);
    b->C = sc_malloc_array(cap, sizeof(double));
    b->N = sc_malloc_array(cap, sizeof(double));
    b->D = sc_malloc_array(cap, sizeof(double));
    b->tpr = sc_malloc_array(cap, sizeof(double));
    b->label = sc_calloc(cap, sizeof(char *));
    b->src_row = sc_malloc_array(cap, sizeof(size_t));
    if (!b->C || !b->N || !b->D || !b->tpr || !b->label || !b->src_row) {
        runs_build_free(b);
        return SC_ENOMEM;
    }
    return SC_OK;
}

/* Copies the numeric columns of src (rows b->src_row) that are not id columns into out. */
static sc_status copy_metrics(const sc_table *src, const runs_build *b,
                              const char *const *skip, size_t nskip, sc_table *out)
{
    double *col = sc_malloc_array(b->n, sizeof *col);
    if (!col) return SC_ENOMEM;
    sc_status s = SC_OK;
    for (size_t j = 0; j < sc_table_ncols(src) && s == SC_OK; j++) {
        const char *name = sc_table_colname(src, j);
        int drop = is_reserved(name) || sc_table_coltype(src, j) != SC_COL_NUM;
        for (size_t k = 0; k < nskip && !drop; k++) drop = strcmp(name, skip[k]) == 0;
        if (drop) continue;
        const double *v = sc_table_num(src, j);
        for (size_t i = 0; i < b->n; i++) col[i] = v[b->src_row[i]];
        s = sc_table_add_num(out, name, col, b->n);
    }
    free(col);
    return s;
}

sc_status sc_runs_load_apple(const char *path, sc_table **out, sc_runs_info *info, sc_error *err)
{
    if (path == NULL || out == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no input");
    *out = NULL;
    sc_table *t = NULL, *wide = NULL, *res = NULL;
    runs_build b = {0};
    sc_status s = sc_csv_read(path, NULL, &t, err);
    if (s != SC_OK) return s;
    size_t j;
    if ((s = sc_table_require(t, "benchmark", &j, err)) != SC_OK ||
        (s = sc_table_require(t, "metric_type", &j, err)) != SC_OK ||
        (s = sc_table_require_num(t, "score", &j, err)) != SC_OK ||
        (s = sc_table_require_num(t, "tokens", &j, err)) != SC_OK ||
        (s = sc_table_require_num(t, "tpr", &j, err)) != SC_OK)
        goto done;
    int has_flops = sc_table_find(t, "flops") >= 0 && sc_table_find(t, "params") >= 0;
    if (has_flops && ((s = sc_table_require_num(t, "flops", &j, err)) != SC_OK ||
                      (s = sc_table_require_num(t, "params", &j, err)) != SC_OK))
        goto done;
    static const char *const ids_full[] = {"flops", "params", "tokens", "tpr"};
    static const char *const ids_tok[] = {"tokens", "tpr"};
    static const char *const keys[] = {"benchmark", "metric_type"};
    const char *const *ids = has_flops ? ids_full : ids_tok;
    size_t nid = has_flops ? 4 : 2;
    if ((s = sc_table_pivot(t, ids, nid, keys, 2, "score", ":", &wide, err)) != SC_OK) goto done;

    size_t n = sc_table_nrows(wide);
    if (n == 0) {
        s = sc_fail(err, SC_EEMPTY, path, 0, 0, "no runs");
        goto done;
    }
    const double *tok = sc_table_num(wide, (size_t)sc_table_find(wide, "tokens"));
    const double *tp = sc_table_num(wide, (size_t)sc_table_find(wide, "tpr"));
    const double *fl = has_flops ? sc_table_num(wide, (size_t)sc_table_find(wide, "flops")) : NULL;
    const double *pa = has_flops ? sc_table_num(wide, (size_t)sc_table_find(wide, "params")) : NULL;
    if ((s = runs_build_alloc(&b, n)) != SC_OK) goto done;
    size_t ndup = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(tok[i] > 0.0) || !(tp[i] > 0.0) || (has_flops && (!(fl[i] > 0.0) || !(pa[i] > 0.0)))) {
            s = sc_fail(err, SC_EDOMAIN, path, 0, 0,
                        "run with tokens %g, tpr %g: tokens, tpr, params and flops must be > 0",
                        tok[i], tp[i]);
            goto done;
        }
        /* A run listed twice in the release (same ids) is kept once. */
        int dup = 0;
        for (size_t k = 0; k < b.n && !dup; k++) {
            size_t r = b.src_row[k];
            dup = tok[r] == tok[i] && tp[r] == tp[i] &&
                  (!has_flops || (fl[r] == fl[i] && pa[r] == pa[i]));
        }
        if (dup) {
            ndup++;
            continue;
        }
        size_t k = b.n++;
        b.src_row[k] = i;
        b.D[k] = tok[i];
        b.tpr[k] = tp[i];
        if (has_flops) {
            b.N[k] = pa[i];
            b.C[k] = fl[i];
        } else {
            /* No params or flops column (the DCLM file): N ~ tokens / tpr and C = 6 N D. An
             * approximation: the true ratio differs from the nominal tpr by up to ~10%. */
            b.N[k] = tok[i] / tp[i];
            b.C[k] = 6.0 * b.N[k] * b.D[k];
        }
        char buf[64];
        snprintf(buf, sizeof buf, "tpr%g-D%.3g", tp[i], tok[i]);
        b.label[k] = sc_strdup(buf);
        if (!b.label[k]) {
            s = SC_ENOMEM;
            goto done;
        }
    }
    res = sc_table_new();
    if (!res) {
        s = SC_ENOMEM;
        goto done;
    }
    if ((s = add_columns(res, b.C, b.N, b.D, b.tpr, b.label, b.n)) != SC_OK) goto done;
    if ((s = copy_metrics(wide, &b, ids, nid, res)) != SC_OK) goto done;
    if (info) {
        memset(info, 0, sizeof *info);
        info->nruns = b.n;
        info->nduplicates = ndup;
        info->approx_flops = !has_flops;
    }
    *out = res;
    res = NULL;
done:
    if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    runs_build_free(&b);
    sc_table_free(res);
    sc_table_free(wide);
    sc_table_free(t);
    return s;
}

/* --------------------------------------------------------------------- OLMo ladder ---- */

/* The size label of a ladder file: the part of "<label>-<mult>xC[-rerun].csv" before the first
 * '-', when the rest has the "<mult>xC" form; 0 when the file is not named like a ladder run. */
static int olmo_label(const char *file, char *label, size_t size)
{
    const char *dash = strchr(file, '-');
    if (!dash || dash == file || (size_t)(dash - file) >= size) return 0;
    const char *x = strstr(dash, "xC");
    if (!x || x == dash + 1) return 0;
    for (const char *p = dash + 1; p < x; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '.')) return 0;
    snprintf(label, size, "%.*s", (int)(dash - file), file);
    return 1;
}

/* Sizes stated in the folder's SOURCE.md in the form "<label> = 190,354,176" (label ending in M
 * or B, optionally followed by a parenthesis), e.g. "190M = 190,354,176; 1B (labelled 1.3B) =
 * 1,279,395,840". Returns how many were found (at most max). */
static size_t olmo_source_sizes(const char *dir, sc_olmo_size *out, size_t max)
{
    size_t len = strlen(dir) + 16;
    char *path = malloc(len);
    if (!path) return 0;
    snprintf(path, len, "%s/SOURCE.md", dir);
    char *text = NULL;
    size_t tlen = 0;
    sc_status s = sc_read_file(path, &text, &tlen, NULL);
    free(path);
    if (s != SC_OK) return 0;
    size_t n = 0;
    for (char *p = text; (p = strstr(p, " = ")) != NULL && n < max; p += 3) {
        /* The number after " = ": digits with thousands commas. */
        const char *q = p + 3;
        double v = 0.0;
        int digits = 0;
        for (; (*q >= '0' && *q <= '9') || (*q == ',' && q[1] >= '0' && q[1] <= '9'); q++)
            if (*q != ',') {
                v = v * 10.0 + (*q - '0');
                digits++;
            }
        if (digits < 4) continue;
        /* The label before it: skip a parenthesis, then the word. */
        const char *e = p;
        while (e > text && e[-1] == ' ') e--;
        if (e > text && e[-1] == ')') {
            while (e > text && e[-1] != '(') e--;
            if (e > text) e--;
            while (e > text && e[-1] == ' ') e--;
        }
        const char *b = e;
        while (b > text && (isalnum((unsigned char)b[-1]) || b[-1] == '.')) b--;
        if (e - b < 2 || (e[-1] != 'M' && e[-1] != 'B') || (size_t)(e - b) >= sizeof out->label)
            continue;
        snprintf(out[n].label, sizeof out[n].label, "%.*s", (int)(e - b), b);
        out[n].N = v;
        n++;
    }
    free(text);
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "eval/downstream/arc_easy_val_rc_5shot_len_norm" -> "arc_easy_val:acc_norm" and the like;
 * 0 when the column has no short name. */
static int olmo_short_name(const char *col, char *buf, size_t size)
{
    static const struct {
        const char *pre, *suf, *kind;
    } forms[] = {
        {"eval/downstream/", "_rc_5shot_len_norm", "acc_norm"},
        {"eval/downstream/", "_rc_5shot_acc", "acc"},
        {"eval/downstream_bpb/", "_rc_5shot_bpb", "bpb"},
        {"eval/", "-validation/CrossEntropyLoss", "loss"},
    };
    size_t len = strlen(col);
    for (size_t k = 0; k < sizeof forms / sizeof forms[0]; k++) {
        size_t lp = strlen(forms[k].pre), ls = strlen(forms[k].suf);
        if (len > lp + ls && strncmp(col, forms[k].pre, lp) == 0 &&
            strcmp(col + len - ls, forms[k].suf) == 0 && memchr(col + lp, '/', len - lp - ls) == NULL) {
            snprintf(buf, size, "%.*s:%s", (int)(len - lp - ls), col + lp, forms[k].kind);
            return 1;
        }
    }
    return 0;
}

typedef struct olmo_file {
    char *name;
    sc_table *t;
} olmo_file;

sc_status sc_runs_load_olmo(const char *dir, int all_checkpoints, sc_table **out,
                            sc_runs_info *info, sc_error *err)
{
    return sc_runs_load_olmo_sized(dir, all_checkpoints, NULL, 0, 0, out, info, err);
}

static double size_of(const sc_olmo_size *sizes, size_t n, const char *label)
{
    for (size_t k = 0; k < n; k++)
        if (strcmp(sizes[k].label, label) == 0) return sizes[k].N;
    return NAN;
}

sc_status sc_runs_load_olmo_sized(const char *dir, int all_checkpoints,
                                  const sc_olmo_size *given, size_t ngiven, int skip_missing,
                                  sc_table **out, sc_runs_info *info, sc_error *err)
{
    if (dir == NULL || out == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no input");
    *out = NULL;
    sc_olmo_size found[32];
    const sc_olmo_size *sizes = given;
    size_t nsizes = ngiven;
    if (!given) {
        nsizes = olmo_source_sizes(dir, found, sizeof found / sizeof found[0]);
        sizes = found;
    }
    size_t nskipped = 0, nother = 0;
    char first_skipped[256] = "";
    DIR *d = opendir(dir);
    if (!d) return sc_fail(err, SC_EIO, dir, 0, 0, "cannot open folder");
    char **names = NULL;
    size_t nnames = 0, cap = 0;
    sc_status s = SC_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".csv") != 0) continue;
        char label[32];
        if (!olmo_label(e->d_name, label, sizeof label)) {
            nother++; /* a CSV file not named like a ladder run: counted, not read */
            continue;
        }
        if (isnan(size_of(sizes, nsizes, label))) {
            if (!skip_missing) {
                s = sc_fail(err, SC_ENOCOL, dir, 0, 0,
                            "%s: size %s is not in the sizes table%s", e->d_name, label,
                            given ? "" : " (none given; SOURCE.md of the folder lists no such size)");
                break;
            }
            if (nskipped++ == 0) snprintf(first_skipped, sizeof first_skipped, "%s", e->d_name);
            continue;
        }
        if (nnames == cap) {
            size_t nc = cap ? 2 * cap : 32;
            char **nn = realloc(names, nc * sizeof *nn);
            if (!nn) {
                s = SC_ENOMEM;
                break;
            }
            names = nn;
            cap = nc;
        }
        if (!(names[nnames] = sc_strdup(e->d_name))) {
            s = SC_ENOMEM;
            break;
        }
        nnames++;
    }
    closedir(d);
    if (s == SC_OK && nnames == 0)
        s = sc_fail(err, SC_EEMPTY, dir, 0, 0,
                    "no ladder files (<size>-<mult>xC.csv with a size in the sizes table)");
    if (s != SC_OK) goto fail_names;
    qsort(names, nnames, sizeof *names, cmp_str);

    olmo_file *files = sc_calloc(nnames, sizeof *files);
    if (!files) {
        s = SC_ENOMEM;
        goto fail_names;
    }
    size_t total = 0;
    for (size_t f = 0; f < nnames && s == SC_OK; f++) {
        size_t len = strlen(dir) + strlen(names[f]) + 2;
        char *p = malloc(len);
        if (!p) {
            s = SC_ENOMEM;
            break;
        }
        snprintf(p, len, "%s/%s", dir, names[f]);
        s = sc_csv_read(p, NULL, &files[f].t, err);
        free(p);
        if (s != SC_OK) break;
        size_t j;
        if ((s = sc_table_require_num(files[f].t, "_step", &j, err)) != SC_OK ||
            (s = sc_table_require_num(files[f].t, "throughput/total_tokens", &j, err)) != SC_OK ||
            (s = sc_table_require_num(files[f].t, "throughput/total_training_Gflops", &j, err)) !=
                SC_OK)
            break;
        if (sc_table_nrows(files[f].t) == 0) {
            s = sc_fail(err, SC_EEMPTY, names[f], 0, 0, "no checkpoints");
            break;
        }
        total += all_checkpoints ? sc_table_nrows(files[f].t) : 1;
    }
    runs_build b = {0};
    sc_table *res = NULL;
    /* Which (file, row) each output row comes from. */
    size_t *file_of = NULL;
    double *col = NULL;
    if (s != SC_OK) goto fail_files;
    if ((s = runs_build_alloc(&b, total)) != SC_OK) goto fail_files;
    file_of = sc_malloc_array(total, sizeof *file_of);
    col = sc_malloc_array(total, sizeof *col);
    if (!file_of || !col) {
        s = SC_ENOMEM;
        goto fail_files;
    }
    for (size_t f = 0; f < nnames; f++) {
        const sc_table *t = files[f].t;
        size_t nr = sc_table_nrows(t);
        const double *step = sc_table_num(t, (size_t)sc_table_find(t, "_step"));
        const double *tok = sc_table_num(t, (size_t)sc_table_find(t, "throughput/total_tokens"));
        const double *gfl =
            sc_table_num(t, (size_t)sc_table_find(t, "throughput/total_training_Gflops"));
        size_t last = 0;
        for (size_t i = 1; i < nr; i++)
            if (step[i] > step[last]) last = i;
        char stem[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[f]) - 4), names[f]);
        for (size_t i = 0; i < nr; i++) {
            if (!all_checkpoints && i != last) continue;
            size_t k = b.n++;
            file_of[k] = f;
            b.src_row[k] = i;
            char label[32];
            (void)olmo_label(names[f], label, sizeof label);
            b.N[k] = size_of(sizes, nsizes, label);
            b.D[k] = tok[i];
            b.C[k] = gfl[i] * 1e9; /* cumulative training compute in GFLOPs */
            b.tpr[k] = tok[i] / b.N[k];
            char buf[300];
            if (all_checkpoints) snprintf(buf, sizeof buf, "%s@%.0f", stem, step[i]);
            else snprintf(buf, sizeof buf, "%s", stem);
            if (!(b.label[k] = sc_strdup(buf))) {
                s = SC_ENOMEM;
                goto fail_files;
            }
        }
    }
    res = sc_table_new();
    if (!res) {
        s = SC_ENOMEM;
        goto fail_files;
    }
    if ((s = add_columns(res, b.C, b.N, b.D, b.tpr, b.label, b.n)) != SC_OK) goto fail_files;
    /* The numeric columns of the first file, looked up by name in each file (NaN if absent),
     * plus their short names. */
    const sc_table *t0 = files[0].t;
    for (size_t j = 0; j < sc_table_ncols(t0); j++) {
        const char *name = sc_table_colname(t0, j);
        if (sc_table_coltype(t0, j) != SC_COL_NUM || is_reserved(name)) continue;
        for (size_t k = 0; k < b.n; k++) {
            const sc_table *t = files[file_of[k]].t;
            long jj = sc_table_find(t, name);
            const double *v = jj >= 0 ? sc_table_num(t, (size_t)jj) : NULL;
            col[k] = v ? v[b.src_row[k]] : NAN;
        }
        if ((s = sc_table_add_num(res, name, col, b.n)) != SC_OK) goto fail_files;
        char sname[256];
        if (olmo_short_name(name, sname, sizeof sname) && sc_table_find(res, sname) < 0 &&
            (s = sc_table_add_num(res, sname, col, b.n)) != SC_OK)
            goto fail_files;
    }
    if (info) {
        memset(info, 0, sizeof *info);
        info->nruns = b.n;
        info->olmo = 1;
        info->nskipped = nskipped;
        info->nother = nother;
        snprintf(info->first_skipped, sizeof info->first_skipped, "%s", first_skipped);
    }
    *out = res;
    res = NULL;
fail_files:
    sc_table_free(res);
    runs_build_free(&b);
    free(file_of);
    free(col);
    for (size_t f = 0; f < nnames; f++) sc_table_free(files[f].t);
    free(files);
fail_names:
    for (size_t f = 0; f < nnames; f++) free(names[f]);
    free(names);
    if (s == SC_ENOMEM) sc_fail(err, SC_ENOMEM, dir, 0, 0, "out of memory");
    return s;
}

sc_status sc_runs_load(const char *path, int all_checkpoints, sc_table **out, sc_runs_info *info,
                       sc_error *err)
{
    struct stat st;
    if (path == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no input");
    if (stat(path, &st) != 0) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open");
    if (S_ISDIR(st.st_mode)) return sc_runs_load_olmo(path, all_checkpoints, out, info, err);
    return sc_runs_load_apple(path, out, info, err);
}
