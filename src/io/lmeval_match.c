/* SPDX-License-Identifier: GPL-3.0-or-later
 * Which model a per-sample log belongs to, from the harness's own file layout:
 *  - v0.4.3+: OUT/<model>/samples_<task>_<date>.jsonl beside OUT/<model>/results_<date>.json,
 *    whose config.model_args names the model and revision;
 *  - up to v0.4.2: OUT/<model_args with '/' and '=' written '__'>_<task>.jsonl. */
#include "core/internal.h"
#include "io/json_file.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static int ends_with(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcmp(s + n - m, suf) == 0;
}

/* The model and revision of a v0.4.3+ log, from its results file. */
static sc_status new_gen_model(const char *path, char *model, size_t msize, char *rev,
                               size_t rsize, char *task, size_t tsize, sc_error *err)
{
    const char *base = base_name(path);
    size_t dlen = (size_t)(base - path);
    char stem[1024];
    snprintf(stem, sizeof stem, "%s", base + 8); /* after "samples_" */
    size_t sl = strlen(stem);
    if (sl > 6 && strcmp(stem + sl - 6, ".jsonl") == 0) stem[sl - 6] = '\0';
    char *us = strrchr(stem, '_');
    if (!us)
        return sc_fail(err, SC_ENOCOL, path, 0, 0,
                       "cannot tell the task and date from the name (samples_<task>_<date>.jsonl)");
    *us = '\0';
    const char *date = us + 1;
    if (task && tsize) snprintf(task, tsize, "%s", stem);
    char res[4096];
    snprintf(res, sizeof res, "%.*sresults_%s.json", (int)dlen, path, date);
    FILE *f = fopen(res, "rbe");
    if (!f) {
        /* No results file with the same date: accept the folder's only results file. */
        char dir[4096];
        snprintf(dir, sizeof dir, "%.*s", (int)(dlen ? dlen : 1), dlen ? path : ".");
        DIR *d = opendir(dir);
        int count = 0;
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL)
                if (strncmp(e->d_name, "results_", 8) == 0 && ends_with(e->d_name, ".json")) {
                    int w = snprintf(res, sizeof res, "%s/%s", dir, e->d_name);
                    if (w > 0 && (size_t)w < sizeof res) count++;
                }
            closedir(d);
        }
        if (count != 1)
            return sc_fail(err, SC_ENOCOL, path, 0, 0,
                           "cannot tell the model: no results_%s.json beside it%s", date,
                           count > 1 ? " (and several other results files)" : "");
    } else {
        fclose(f);
    }
    sc_error e2;
    json_t *root = sc_json_load_path(res, JSON_ALLOW_NUL, &e2);
    if (!root) {
        if (err) *err = e2;
        return e2.code;
    }
    json_t *args = json_object_get(json_object_get(root, "config"), "model_args");
    model[0] = rev[0] = '\0';
    if (json_is_string(args))
        sc_lmeval_model_args(json_string_value(args), model, msize, rev, rsize);
    if (!model[0]) {
        json_t *mn = json_object_get(root, "model_name");
        if (json_is_string(mn)) snprintf(model, msize, "%s", json_string_value(mn));
    }
    json_decref(root);
    if (!model[0])
        return sc_fail(err, SC_ENOCOL, res, 0, 0, "no model in config.model_args");
    return SC_OK;
}

/* Writes s with '/' and '=' as "__" (how the older harness named its files). */
static void sanitize(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 3 < size; s++) {
        if (*s == '/' || *s == '=') {
            out[k++] = '_';
            out[k++] = '_';
        } else {
            out[k++] = *s;
        }
    }
    out[k] = '\0';
}

sc_status sc_lmeval_samples_match(const char *path, const char *const *models,
                                  const char *const *revisions, size_t n, size_t *index,
                                  char *task, size_t task_size, sc_error *err)
{
    const char *base = base_name(path);
    if (task && task_size) task[0] = '\0';
    if (strncmp(base, "samples_", 8) == 0) {
        char model[512], rev[256];
        SC_TRY(new_gen_model(path, model, sizeof model, rev, sizeof rev, task, task_size, err));
        for (size_t i = 0; i < n; i++) {
            if (strcmp(models[i], model) != 0) continue;
            const char *r = revisions ? revisions[i] : NULL;
            if (r == NULL || r[0] == '\0' || strcmp(r, rev) == 0) {
                *index = i;
                return SC_OK;
            }
        }
        return sc_fail(err, SC_ENOCOL, path, 0, 0,
                       "no row of the models table matches model %s%s%s", model,
                       rev[0] ? " revision " : "", rev);
    }
    /* Older generation: "<sanitized model_args>_<task>.jsonl". */
    char stem[1024];
    snprintf(stem, sizeof stem, "%s", base);
    size_t sl = strlen(stem);
    if (sl > 6 && strcmp(stem + sl - 6, ".jsonl") == 0) stem[sl - 6] = '\0';
    size_t best = n, best_len = 0;
    const char *best_tail = NULL;
    for (size_t i = 0; i < n; i++) {
        char want[1024], rv[600];
        char mod[512];
        sanitize(models[i], mod, sizeof mod);
        snprintf(want, sizeof want, "pretrained__%s", mod);
        size_t wl = strlen(want);
        if (strncmp(stem, want, wl) != 0 || (stem[wl] != ',' && stem[wl] != '_')) continue;
        const char *tail = stem + wl;
        const char *r = revisions ? revisions[i] : NULL;
        if (r && r[0]) {
            char rs[512];
            sanitize(r, rs, sizeof rs);
            snprintf(rv, sizeof rv, ",revision__%s", rs);
            const char *at = strstr(stem, rv);
            size_t rl = strlen(rv);
            if (!at || (at[rl] != ',' && at[rl] != '_')) continue;
            if (at + rl > tail) tail = at + rl;
        }
        /* The task follows the last argument: skip "key__value" of any later argument. */
        const char *lastc = strrchr(tail, ',');
        if (lastc) {
            const char *v = strstr(lastc, "__");
            tail = v ? strchr(v + 2, '_') : NULL;
            if (!tail) continue;
        }
        if (*tail != '_') continue;
        size_t score = wl + (r && r[0] ? strlen(r) + 1000 : 0);
        if (best == n || score > best_len) {
            best = i;
            best_len = score;
            best_tail = tail + 1;
        }
    }
    if (best == n)
        return sc_fail(err, SC_ENOCOL, path, 0, 0,
                       "no row of the models table matches this log (expected "
                       "samples_<task>_<date>.jsonl beside results_<date>.json, or "
                       "pretrained__<model>[,revision__<rev>]_<task>.jsonl)");
    *index = best;
    if (task && task_size) snprintf(task, task_size, "%s", best_tail);
    return SC_OK;
}
