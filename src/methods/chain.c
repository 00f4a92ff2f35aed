/* SPDX-License-Identifier: GPL-3.0-or-later
 * Correlating every stage of the metric chain with compute across a model family (Schaeffer et
 * al. 2024, Sec. 4): for each sample and metric, Pearson, Spearman and Kendall tau-b of the
 * per-model scores against log10 C, then summaries of those per-sample correlations. */
#include "methods/chain_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

struct sc_chain_set {
    size_t nmodels;
    char **names;
    double *log10c;
    /* The documents, fixed by the first file read. */
    size_t ndocs, K, dcap, kcap;
    long long *doc_id;
    size_t *line;   /* where each document starts in the first file */
    size_t *off;    /* ndocs + 1 offsets into the K choices */
    size_t *target;
    size_t *len;    /* K */
    double *first;  /* K log-likelihoods of the first file, until loglik exists */
    size_t *sorted; /* document indices sorted by doc_id */
    size_t first_model;
    char first_file[256];
    char filter[256];
    int have_filter;
    double *loglik; /* nmodels x K */
    unsigned char *filled;
    unsigned char *seen; /* ndocs, scratch for one file */
};

sc_status sc_chain_set_new(size_t nmodels, const char *const *names, const double *log10c,
                           sc_chain_set **out)
{
    *out = NULL;
    if (nmodels == 0 || log10c == NULL) return SC_EINVAL;
    sc_chain_set *s = calloc(1, sizeof *s);
    if (!s) return SC_ENOMEM;
    s->nmodels = nmodels;
    s->names = calloc(nmodels, sizeof *s->names);
    s->log10c = sc_malloc_array(nmodels, sizeof *s->log10c);
    s->filled = calloc(nmodels, 1);
    if (!s->names || !s->log10c || !s->filled) {
        sc_chain_set_free(s);
        return SC_ENOMEM;
    }
    for (size_t k = 0; k < nmodels; k++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "model %zu", k + 1);
        s->names[k] = sc_strdup(names && names[k] ? names[k] : tmp);
        if (!s->names[k]) {
            sc_chain_set_free(s);
            return SC_ENOMEM;
        }
        s->log10c[k] = log10c[k];
    }
    *out = s;
    return SC_OK;
}

void sc_chain_set_free(sc_chain_set *s)
{
    if (!s) return;
    if (s->names)
        for (size_t k = 0; k < s->nmodels; k++) free(s->names[k]);
    free(s->names);
    free(s->log10c);
    free(s->doc_id);
    free(s->line);
    free(s->off);
    free(s->target);
    free(s->len);
    free(s->first);
    free(s->sorted);
    free(s->loglik);
    free(s->filled);
    free(s->seen);
    free(s);
}

size_t sc_chain_set_nsamples(const sc_chain_set *s)
{
    return s ? s->ndocs : 0;
}

long long sc_chain_set_doc_id(const sc_chain_set *s, size_t i)
{
    return s && i < s->ndocs ? s->doc_id[i] : -1;
}

const char *sc_chain_set_filter(const sc_chain_set *s)
{
    return s && s->have_filter ? s->filter : "";
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 256;
    while (c < need) c *= 2;
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

typedef struct doc_key {
    long long id;
    size_t i;
} doc_key;

static int cmp_doc(const void *a, const void *b)
{
    const doc_key *x = a, *y = b;
    if (x->id != y->id) return x->id < y->id ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

static size_t find_doc(const sc_chain_set *s, long long id)
{
    size_t lo = 0, hi = s->ndocs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        long long v = s->doc_id[s->sorted[mid]];
        if (v < id) lo = mid + 1;
        else hi = mid;
    }
    if (lo < s->ndocs && s->doc_id[s->sorted[lo]] == id) return s->sorted[lo];
    return (size_t)-1;
}

/* Called when the first file is complete: index the documents and allocate the matrix. */
static sc_status finish_first(sc_chain_set *s, size_t model, sc_error *err)
{
    if (s->ndocs == 0)
        return sc_fail(err, SC_EEMPTY, s->first_file, 0, 0, "no documents%s%s%s",
                       s->have_filter ? " with filter \"" : "", s->have_filter ? s->filter : "",
                       s->have_filter ? "\"" : "");
    s->sorted = sc_malloc_array(s->ndocs, sizeof *s->sorted);
    s->seen = calloc(s->ndocs, 1);
    if (!s->sorted || !s->seen) return SC_ENOMEM;
    doc_key *keys = sc_malloc_array(s->ndocs, sizeof *keys);
    if (!keys) return SC_ENOMEM;
    for (size_t i = 0; i < s->ndocs; i++) keys[i] = (doc_key){s->doc_id[i], i};
    qsort(keys, s->ndocs, sizeof *keys, cmp_doc);
    for (size_t i = 0; i < s->ndocs; i++) s->sorted[i] = keys[i].i;
    free(keys);
    for (size_t i = 1; i < s->ndocs; i++) {
        size_t a = s->sorted[i - 1], b = s->sorted[i];
        if (s->doc_id[a] == s->doc_id[b])
            return sc_fail(err, SC_EDUP, s->first_file, s->line[b], 0,
                           "doc %lld (filter \"%s\") appears twice (first at line %zu)",
                           s->doc_id[b], s->filter, s->line[a]);
    }
    if (s->K > ((size_t)-1) / sizeof(double) / s->nmodels) return SC_ENOMEM;
    s->loglik = malloc(s->nmodels * s->K * sizeof *s->loglik);
    if (!s->loglik) return SC_ENOMEM;
    for (size_t i = 0; i < s->nmodels * s->K; i++) s->loglik[i] = NAN;
    memcpy(s->loglik + model * s->K, s->first, s->K * sizeof *s->first);
    free(s->first);
    s->first = NULL;
    s->first_model = model;
    return SC_OK;
}

static sc_status read_first(sc_chain_set *s, size_t model, sc_lmeval_samples *r,
                            const char *path, sc_error *err)
{
    snprintf(s->first_file, sizeof s->first_file, "%s", path);
    size_t ocap = 0, lcap = 0, tcap = 0, icap = 0, fcap = 0;
    s->kcap = 0;
    for (;;) {
        const sc_lmeval_doc *d;
        SC_TRY(sc_lmeval_samples_next(r, &d, err));
        if (!d) break;
        if (!s->have_filter) {
            snprintf(s->filter, sizeof s->filter, "%s", d->filter);
            s->have_filter = 1;
        }
        if (strcmp(d->filter, s->filter) != 0) continue;
        size_t i = s->ndocs;
        if (grow((void **)&s->doc_id, &s->dcap, i + 1, sizeof *s->doc_id) ||
            grow((void **)&s->line, &lcap, i + 1, sizeof *s->line) ||
            grow((void **)&s->target, &tcap, i + 1, sizeof *s->target) ||
            grow((void **)&s->off, &ocap, i + 2, sizeof *s->off) ||
            grow((void **)&s->len, &s->kcap, s->K + d->nchoices, sizeof *s->len) ||
            grow((void **)&s->first, &fcap, s->K + d->nchoices, sizeof *s->first))
            return sc_fail(err, SC_ENOMEM, path, d->line, 0, "out of memory");
        (void)icap;
        s->doc_id[i] = d->doc_id;
        s->line[i] = d->line;
        s->target[i] = d->target;
        s->off[i] = s->K;
        memcpy(s->len + s->K, d->len, d->nchoices * sizeof *s->len);
        memcpy(s->first + s->K, d->loglik, d->nchoices * sizeof *s->first);
        s->K += d->nchoices;
        s->off[i + 1] = s->K;
        s->ndocs++;
    }
    return finish_first(s, model, err);
}

static sc_status read_more(sc_chain_set *s, size_t model, sc_lmeval_samples *r, const char *path,
                           sc_error *err)
{
    memset(s->seen, 0, s->ndocs);
    double *row = s->loglik + model * s->K;
    for (;;) {
        const sc_lmeval_doc *d;
        SC_TRY(sc_lmeval_samples_next(r, &d, err));
        if (!d) break;
        if (strcmp(d->filter, s->filter) != 0) continue;
        size_t i = find_doc(s, d->doc_id);
        if (i == (size_t)-1)
            return sc_fail(err, SC_EDOMAIN, path, d->line, 0,
                           "doc %lld is not in %s (the first file read)", d->doc_id,
                           s->first_file);
        size_t m = s->off[i + 1] - s->off[i];
        if (d->nchoices != m)
            return sc_fail(err, SC_EDOMAIN, path, d->line, 0,
                           "doc %lld has %zu choices here but %zu in %s", d->doc_id,
                           d->nchoices, m, s->first_file);
        if (d->target != s->target[i])
            return sc_fail(err, SC_EDOMAIN, path, d->line, 0,
                           "doc %lld: gold choice %zu here but %zu in %s", d->doc_id, d->target,
                           s->target[i], s->first_file);
        if (s->seen[i])
            return sc_fail(err, SC_EDUP, path, d->line, 0, "doc %lld (filter \"%s\") appears twice",
                           d->doc_id, s->filter);
        s->seen[i] = 1;
        memcpy(row + s->off[i], d->loglik, m * sizeof *row);
    }
    for (size_t i = 0; i < s->ndocs; i++)
        if (!s->seen[i])
            return sc_fail(err, SC_EDOMAIN, path, 0, 0,
                           "doc %lld (filter \"%s\") of %s is missing", s->doc_id[i], s->filter,
                           s->first_file);
    return SC_OK;
}

sc_status sc_chain_set_read(sc_chain_set *s, size_t model, const char *path, const char *filter,
                            const sc_lmeval_opts *opts, sc_error *err)
{
    if (!s || model >= s->nmodels)
        return sc_fail(err, SC_EINVAL, path, 0, 0, "model index out of range");
    if (s->filled[model])
        return sc_fail(err, SC_EDUP, path, 0, 0, "a second per-sample log for %s",
                       s->names[model]);
    if (filter && !s->have_filter) {
        snprintf(s->filter, sizeof s->filter, "%s", filter);
        s->have_filter = 1;
    }
    sc_lmeval_samples *r;
    SC_TRY(sc_lmeval_samples_open(path, opts, &r, err));
    sc_status st = s->loglik ? read_more(s, model, r, path, err)
                             : read_first(s, model, r, path, err);
    sc_lmeval_samples_close(r);
    if (st == SC_ENOMEM && err && err->code != SC_ENOMEM)
        st = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    if (st == SC_OK) s->filled[model] = 1;
    return st;
}

sc_status sc_chain_set_fill(sc_chain_set *s, size_t model, size_t nsamples,
                            const size_t *nchoices, const size_t *target, const size_t *len,
                            const double *loglik, sc_error *err)
{
    if (!s || model >= s->nmodels)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "model index out of range");
    if (s->filled[model])
        return sc_fail(err, SC_EDUP, NULL, 0, 0, "%s filled twice", s->names[model]);
    if (!s->loglik) {
        size_t K = 0;
        for (size_t i = 0; i < nsamples; i++) K += nchoices[i];
        s->doc_id = sc_malloc_array(nsamples, sizeof *s->doc_id);
        s->line = calloc(nsamples ? nsamples : 1, sizeof *s->line);
        s->target = sc_malloc_array(nsamples, sizeof *s->target);
        s->off = sc_malloc_array(nsamples + 1, sizeof *s->off);
        s->len = sc_malloc_array(K, sizeof *s->len);
        s->first = sc_malloc_array(K, sizeof *s->first);
        if (!s->doc_id || !s->line || !s->target || !s->off || !s->len || !s->first)
            return SC_ENOMEM;
        size_t k = 0;
        for (size_t i = 0; i < nsamples; i++) {
            if (nchoices[i] == 0 || target[i] >= nchoices[i])
                return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                               "sample %zu: target %zu outside the %zu choices", i, target[i],
                               nchoices[i]);
            s->doc_id[i] = (long long)i;
            s->target[i] = target[i];
            s->off[i] = k;
            for (size_t j = 0; j < nchoices[i]; j++) s->len[k + j] = len ? len[k + j] : 1;
            k += nchoices[i];
        }
        s->off[nsamples] = k;
        memcpy(s->first, loglik, K * sizeof *loglik);
        s->ndocs = nsamples;
        s->K = K;
        snprintf(s->first_file, sizeof s->first_file, "%s", s->names[model]);
        SC_TRY(finish_first(s, model, err));
    } else {
        if (nsamples != s->ndocs)
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "%s: %zu samples but %zu before",
                           s->names[model], nsamples, s->ndocs);
        for (size_t i = 0; i < nsamples; i++) {
            if (nchoices[i] != s->off[i + 1] - s->off[i])
                return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                               "%s: sample %zu has %zu choices but %zu before", s->names[model],
                               i, nchoices[i], s->off[i + 1] - s->off[i]);
            if (target[i] != s->target[i])
                return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "%s: sample %zu: gold %zu but %zu before",
                               s->names[model], i, target[i], s->target[i]);
        }
        memcpy(s->loglik + model * s->K, loglik, s->K * sizeof *loglik);
    }
    s->filled[model] = 1;
    return SC_OK;
}

void sc_chain_result_free(sc_chain_result *res)
{
    if (!res) return;
    free(res->values);
    free(res->corr);
    free(res->model_mean);
    free(res);
}

static int cmp_double_idx_base(const double *v, size_t a, size_t b)
{
    if (v[a] < v[b]) return -1;
    if (v[a] > v[b]) return 1;
    return (a > b) - (a < b);
}

static int trend_class(double tau)
{
    if (isnan(tau) || tau == 0.0) return 1;
    return tau > 0.0 ? 0 : 2;
}

sc_status sc_chain_set_run(const sc_chain_set *s, int threads, sc_chain_result **out,
                           sc_error *err)
{
    *out = NULL;
    if (!s) return SC_EINVAL;
    for (size_t k = 0; k < s->nmodels; k++)
        if (!s->filled[k])
            return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no per-sample log for %s", s->names[k]);
    if (s->nmodels < 3)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "%zu models: per-sample correlations need at least 3", s->nmodels);
    for (size_t k = 0; k < s->nmodels; k++)
        if (!isfinite(s->log10c[k]))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "%s: compute is not a positive number",
                           s->names[k]);
    const size_t nm = s->nmodels, ns = s->ndocs;
    /* Models in order of compute (ties: in the given order). */
    size_t *ord = sc_malloc_array(nm, sizeof *ord);
    double *x = sc_malloc_array(nm, sizeof *x);
    double *rx = sc_malloc_array(nm, sizeof *rx);
    sc_chain_result *res = calloc(1, sizeof *res);
    if (!ord || !x || !rx || !res) goto oom;
    for (size_t k = 0; k < nm; k++) ord[k] = k;
    for (size_t a = 1; a < nm; a++) {
        size_t key = ord[a], b = a;
        while (b > 0 && cmp_double_idx_base(s->log10c, ord[b - 1], key) > 0) {
            ord[b] = ord[b - 1];
            b--;
        }
        ord[b] = key;
    }
    for (size_t k = 0; k < nm; k++) x[k] = s->log10c[ord[k]];
    res->nmodels = nm;
    res->nsamples = ns;
    const size_t NM = SC_CHAIN_NMETRICS, NK = SC_CORR_NKINDS;
    res->values = sc_malloc_array(NM * nm, ns * sizeof(double));
    res->corr = sc_malloc_array(NM * NK, ns * sizeof(double));
    res->model_mean = sc_malloc_array(nm, NM * sizeof(double));
    if (!res->values || !res->corr || !res->model_mean) goto oom;
    {
        corr_ws w0;
        if (corr_ws_init(&w0, nm)) goto oom;
        corr_avg_ranks(x, nm, rx, &w0);
        corr_ws_free(&w0);
    }

    int failed = 0;
    int nt = threads > 0 ? threads : 0;
#ifdef _OPENMP
    if (nt == 0) nt = omp_get_max_threads();
#else
    nt = 1;
#endif
    int distinct = 1; /* compute strictly increasing: the fast Kendall count applies */
    for (size_t k = 1; k < nm; k++)
        if (!(x[k] > x[k - 1])) distinct = 0;
    /* Each sample is independent: results do not depend on the number of threads. */
#pragma omp parallel num_threads(nt) reduction(| : failed)
    {
        corr_ws w;
        double *loc = NULL; /* this sample's NM x nm values */
        double *y = NULL;
        if (corr_ws_init(&w, nm) == 0 && (loc = malloc(NM * nm * sizeof *loc)) != NULL &&
            (y = malloc(nm * sizeof *y)) != NULL) {
#pragma omp for schedule(static)
            for (size_t i = 0; i < ns; i++) {
                const size_t o = s->off[i], m = s->off[i + 1] - s->off[i];
                double met[SC_CHAIN_NMETRICS];
                for (size_t k = 0; k < nm; k++) {
                    sc_chain_sample(s->loglik + ord[k] * s->K + o, s->len + o, m, s->target[i],
                                    met);
                    for (size_t q = 0; q < NM; q++) loc[q * nm + k] = met[q];
                }
                memcpy(res->values + i * NM * nm, loc, NM * nm * sizeof *loc);
                for (size_t q = 0; q < NM; q++) {
                    const double sg = (double)sc_chain_metric_sign((sc_chain_metric)q);
                    for (size_t k = 0; k < nm; k++) {
                        double v = loc[q * nm + k];
                        y[k] = v == 0.0 ? 0.0 : sg * v; /* no -0.0 */
                    }
                    double *c = res->corr + (q * NK) * ns + i;
                    c[SC_CORR_PEARSON * ns] = corr_pearson(x, y, nm);
                    c[SC_CORR_SPEARMAN * ns] = corr_spearman_rx(rx, y, nm, &w);
                    c[SC_CORR_KENDALL * ns] = nm > CORR_KENDALL_DIRECT_MAX
                                                  ? corr_kendall_knight(x, y, nm, &w)
                                                  : (distinct ? corr_kendall_xsorted(y, nm)
                                                              : corr_kendall_direct(x, y, nm));
                }
            }
        } else {
            failed = 1;
        }
        free(y);
        free(loc);
        corr_ws_free(&w);
    }
    if (failed) goto oom;

    for (size_t q = 0; q < NM; q++)
        for (size_t c = 0; c < NK; c++)
            if (sc_corr_summarise(res->corr + (q * NK + c) * ns, ns, &res->summary[q][c]) != SC_OK)
                goto oom;
    /* The mechanism: do the gold and the strongest wrong choice gain or lose mass? */
    memset(res->trend_vocab, 0, sizeof res->trend_vocab);
    memset(res->trend_choices, 0, sizeof res->trend_choices);
    const double *kg = res->corr + (SC_CHAIN_P_VOCAB * NK + SC_CORR_KENDALL) * ns;
    const double *kw = res->corr + (SC_CHAIN_P_VOCAB_WRONG * NK + SC_CORR_KENDALL) * ns;
    const double *cg = res->corr + (SC_CHAIN_P_CHOICES * NK + SC_CORR_KENDALL) * ns;
    const double *cw = res->corr + (SC_CHAIN_P_CHOICES_WRONG * NK + SC_CORR_KENDALL) * ns;
    for (size_t i = 0; i < ns; i++) {
        /* Wrong-choice correlations are stored for -mass: undo the sign. */
        res->trend_vocab[trend_class(kg[i])][trend_class(-kw[i])] += 1.0;
        res->trend_choices[trend_class(cg[i])][trend_class(-cw[i])] += 1.0;
    }
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) {
            res->trend_vocab[a][b] /= (double)(ns ? ns : 1);
            res->trend_choices[a][b] /= (double)(ns ? ns : 1);
        }
    /* Aggregate chain: per-model means over the samples (NaN skipped). */
    for (size_t k = 0; k < nm; k++)
        for (size_t q = 0; q < NM; q++) {
            double sum = 0.0;
            size_t cnt = 0;
            for (size_t i = 0; i < ns; i++) {
                double v = res->values[(i * NM + q) * nm + k];
                if (!isnan(v)) {
                    sum += v;
                    cnt++;
                }
            }
            res->model_mean[k * NM + q] = cnt ? sum / (double)cnt : NAN;
        }
    free(ord);
    free(x);
    free(rx);
    *out = res;
    return SC_OK;
oom:
    free(ord);
    free(x);
    free(rx);
    sc_chain_result_free(res);
    return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
}

sc_status sc_chain_aggregate(const double *log10c, const double *metrics, size_t n, size_t ncol,
                             const int *sign, double *r)
{
    double *x = sc_malloc_array(n, sizeof *x), *y = sc_malloc_array(n, sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        return SC_ENOMEM;
    }
    sc_status st = SC_OK;
    for (size_t j = 0; j < ncol && st == SC_OK; j++) {
        size_t m = 0;
        double sg = sign ? (double)sign[j] : 1.0;
        for (size_t i = 0; i < n; i++) {
            double v = metrics[i * ncol + j];
            if (isnan(v) || !isfinite(log10c[i])) continue;
            x[m] = log10c[i];
            y[m] = v == 0.0 ? 0.0 : sg * v;
            m++;
        }
        for (int c = 0; c < SC_CORR_NKINDS && st == SC_OK; c++)
            st = sc_corr((sc_corr_kind)c, x, y, m, &r[j * SC_CORR_NKINDS + (size_t)c]);
    }
    free(x);
    free(y);
    return st;
}
