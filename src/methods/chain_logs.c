/* SPDX-License-Identifier: GPL-3.0-or-later
 * The per-sample metric chain (Schaeffer et al. 2024) from a folder's worth of lm-evaluation-
 * harness sample logs and a table of models: each log is matched to its model and task, the
 * logs are grouped by (family, task), and each group is read and correlated with compute. */
#include "scalecast.h"

#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void sc_chain_models_free(sc_chain_models *m)
{
    if (!m) return;
    sc_table_free(m->t);
    free(m->id);
    free(m->rev);
    free(m->family);
    free(m->log10c);
    free(m);
}

sc_status sc_chain_models_read(const char *path, sc_chain_models **out, sc_error *err)
{
    *out = NULL;
    sc_chain_models *m = calloc(1, sizeof *m);
    if (!m) return sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    sc_status st = sc_csv_read(path, NULL, &m->t, err);
    size_t n = 0, jm = 0, jn = 0, jd = 0, jc = 0;
    long r = -1, f = -1;
    const double *flops = NULL, *np = NULL, *nd = NULL;
    if (st == SC_OK) st = sc_table_require(m->t, "model", &jm, err);
    if (st == SC_OK && sc_table_coltype(m->t, jm) != SC_COL_TEXT)
        st = sc_fail(err, SC_ETYPE, path, 0, 0, "column \"model\" must hold model ids (text)");
    if (st == SC_OK) {
        n = sc_table_nrows(m->t);
        r = sc_table_find(m->t, "revision");
        f = sc_table_find(m->t, "family");
        m->n = n;
        m->id = calloc(n ? n : 1, sizeof *m->id);
        m->rev = calloc(n ? n : 1, sizeof *m->rev);
        m->family = calloc(n ? n : 1, sizeof *m->family);
        m->log10c = calloc(n ? n : 1, sizeof *m->log10c);
        if (!m->id || !m->rev || !m->family || !m->log10c)
            st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    }
    if (st == SC_OK) {
        if (sc_table_find(m->t, "parameters") >= 0 || sc_table_find(m->t, "flops") < 0) {
            st = sc_table_require_num(m->t, "parameters", &jn, err);
            if (st == SC_OK) st = sc_table_require_num(m->t, "tokens", &jd, err);
            if (st == SC_OK) {
                np = sc_table_num(m->t, jn);
                nd = sc_table_num(m->t, jd);
            }
        } else {
            st = sc_table_require_num(m->t, "flops", &jc, err);
            if (st == SC_OK) flops = sc_table_num(m->t, jc);
        }
    }
    for (size_t i = 0; st == SC_OK && i < n; i++) {
        m->id[i] = sc_table_text(m->t, jm, i);
        if (!m->id[i]) {
            st = sc_fail(err, SC_EEMPTY, path, i + 2, 0, "empty model id");
            break;
        }
        m->rev[i] = (r >= 0 && sc_table_coltype(m->t, (size_t)r) == SC_COL_TEXT)
                        ? sc_table_text(m->t, (size_t)r, i) : NULL;
        m->family[i] = (f >= 0 && sc_table_coltype(m->t, (size_t)f) == SC_COL_TEXT)
                           ? sc_table_text(m->t, (size_t)f, i) : NULL;
        if (!m->family[i]) m->family[i] = "all";
        /* Compute of a dense transformer: C = 6 N D (Kaplan et al. 2020). */
        double c = flops ? flops[i] : 6.0 * np[i] * nd[i];
        m->log10c[i] = (c > 0 && isfinite(c)) ? log10(c) : NAN;
    }
    if (st != SC_OK) {
        sc_chain_models_free(m);
        return st;
    }
    *out = m;
    return SC_OK;
}

void sc_chain_groups_free(sc_chain_groups *g)
{
    if (!g) return;
    for (size_t k = 0; k < g->n; k++) {
        sc_chain_group *G = &g->group[k];
        free(G->family);
        free(G->task);
        free(G->model);
        free(G->log10c);
        free(G->id);
        sc_chain_result_free(G->res);
        sc_chain_set_free(G->set);
    }
    free(g->group);
    free(g);
}

typedef struct log_file {
    const char *path;
    size_t model;
    char task[256];
} log_file;

/* One (family, task) group of nm logs (members, in the order given): read, correlated, and
 * its models put in order of compute (a stable order: ties keep the order of the logs). */
static sc_status run_group(const sc_chain_models *m, const log_file *files, const size_t *members,
                           size_t nm, const sc_chain_logs_opts *o, sc_chain_group *G,
                           sc_error *err)
{
    const char *fam = m->family[files[members[0]].model], *tk = files[members[0]].task;
    size_t *rows = calloc(nm, sizeof *rows);
    const char **names = calloc(nm, sizeof *names);
    double *lc = calloc(nm, sizeof *lc);
    sc_status st = rows && names && lc ? SC_OK : sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    for (size_t i = 0; st == SC_OK && i < nm; i++) {
        size_t row = files[members[i]].model;
        for (size_t j = 0; j < i && st == SC_OK; j++)
            if (rows[j] == row)
                st = sc_fail(err, SC_EDUP, "", 0, 0, "%s and %s: two logs of task %s for model %s",
                             files[members[j]].path, files[members[i]].path, tk, m->id[row]);
        rows[i] = row;
        names[i] = files[members[i]].path;
        lc[i] = m->log10c[row];
        if (st == SC_OK && isnan(lc[i]))
            st = sc_fail(err, SC_EDOMAIN, sc_table_source(m->t), 0, 0,
                         "model %s: parameters x tokens (or flops) is not a positive number",
                         m->id[row]);
    }
    if (st == SC_OK && sc_chain_set_new(nm, names, lc, &G->set) != SC_OK)
        st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    for (size_t i = 0; st == SC_OK && i < nm; i++)
        st = sc_chain_set_read(G->set, i, names[i], o ? o->filter : NULL, o ? &o->lmeval : NULL, err);
    if (st == SC_OK) {
        st = sc_chain_set_run(G->set, o ? o->threads : 0, &G->res, err);
        if (st == SC_ETOOFEW) {
            char msg[1100];
            sc_error_format(err, msg, sizeof msg);
            st = sc_fail(err, SC_ETOOFEW, "", 0, 0, "family %s, task %s: %s", fam, tk, msg);
        }
    }
    if (st == SC_OK) {
        G->family = sc_strdup(fam);
        G->task = sc_strdup(tk);
        G->nmodels = nm;
        G->model = calloc(nm, sizeof *G->model);
        G->log10c = calloc(nm, sizeof *G->log10c);
        G->id = calloc(nm, sizeof *G->id);
        if (!G->family || !G->task || !G->model || !G->log10c || !G->id)
            st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    }
    if (st == SC_OK) {
        /* Insertion sort by compute, as the result holds the models. */
        for (size_t i = 0; i < nm; i++) {
            size_t b = i;
            while (b > 0 && m->log10c[G->model[b - 1]] > m->log10c[rows[i]]) {
                G->model[b] = G->model[b - 1];
                b--;
            }
            G->model[b] = rows[i];
        }
        for (size_t i = 0; i < nm; i++) {
            G->log10c[i] = m->log10c[G->model[i]];
            G->id[i] = m->id[G->model[i]];
        }
    }
    free(rows);
    free(names);
    free(lc);
    return st;
}

sc_status sc_chain_run_logs(const sc_chain_models *m, const char *const *logs, size_t nlogs,
                            const sc_chain_logs_opts *o, sc_chain_groups **out, sc_error *err)
{
    *out = NULL;
    if (nlogs == 0) return sc_fail(err, SC_EINVAL, "", 0, 0, "no per-sample logs given");
    sc_chain_groups *g = calloc(1, sizeof *g);
    log_file *files = calloc(nlogs, sizeof *files);
    unsigned char *done = calloc(nlogs, 1);
    size_t *members = calloc(nlogs, sizeof *members);
    sc_status st = SC_OK;
    if (!g || !files || !done || !members) st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    if (st == SC_OK) {
        g->group = calloc(nlogs, sizeof *g->group);
        if (!g->group) st = sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory");
    }
    for (size_t k = 0; st == SC_OK && k < nlogs; k++) {
        files[k].path = logs[k];
        st = sc_lmeval_samples_match(logs[k], m->id, m->rev, m->n, &files[k].model,
                                     files[k].task, sizeof files[k].task, err);
    }
    /* Groups: (family, task) in order of first appearance. */
    for (size_t k = 0; st == SC_OK && k < nlogs; k++) {
        if (done[k]) continue;
        const char *fam = m->family[files[k].model], *tk = files[k].task;
        size_t nm = 0;
        for (size_t q = k; q < nlogs; q++) {
            if (done[q] || strcmp(m->family[files[q].model], fam) != 0 ||
                strcmp(files[q].task, tk) != 0)
                continue;
            done[q] = 1;
            members[nm++] = q;
        }
        if (o && ((o->family && strcmp(o->family, fam) != 0) || (o->task && strcmp(o->task, tk) != 0)))
            continue;
        st = run_group(m, files, members, nm, o, &g->group[g->n], err);
        g->n++; /* freed with the others even when it failed half-way */
    }
    if (st == SC_OK && g->n == 0)
        st = sc_fail(err, SC_EEMPTY, "", 0, 0, "no logs of family %s%s%s",
                     o && o->family ? o->family : "(any)", o && o->task ? " and task " : "",
                     o && o->task ? o->task : "");
    free(files);
    free(done);
    free(members);
    if (st != SC_OK) {
        sc_chain_groups_free(g);
        return st;
    }
    *out = g;
    return SC_OK;
}
