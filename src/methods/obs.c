/* SPDX-License-Identifier: GPL-3.0-or-later
 * Observational scaling laws (Ruan, Maddison, Hashimoto, NeurIPS 2024, arXiv 2405.10938):
 * benchmark matrix -> imputation -> capability PCs -> floored sigmoid link to a target, with a
 * log-FLOPs baseline, per-family compute efficiency, equivalent FLOPs and V-optimal selection
 * of the model families to evaluate. */
#include "core/internal.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const default_families[] = {
    "BLOOM", "CodeLlama", "DeepSeek-Coder", "Falcon", "GPT-Neo/J", "Gemma", "Llama",
    "Llama-2", "Llama-3", "MPT", "Mistral", "Mixtral", "OPT", "Phi", "Pythia", "Qwen",
    "Qwen1.5", "StarCoder", "StarCoder2", "XGLM", "Yi", NULL};
static const char *const default_metrics[] = {"MMLU", "ARC-C", "HellaSwag", "Winograd",
                                              "TruthfulQA", "GSM8K", "XWinograd", "HumanEval",
                                              NULL};
static const char *const later_models[] = {
    "Meta-Llama-3.1-405B-FP8", "Meta-Llama-3.1-70B", "Meta-Llama-3.1-8B", "Qwen1.5-110B",
    "Qwen2-72B", "Qwen2-57B-A14B", "Qwen2-7B", "Qwen2-1.5B", "Qwen2-0.5B", "DeepSeek-V2",
    "DeepSeek-Coder-V2-Base", "gemma-2-27b", "gemma-2-9b", "gemma-2-2b", "Mixtral-8x22B-v0.1",
    "Mistral-Nemo-Base-2407", "Yi-1.5-34B", "Yi-1.5-9B", "Yi-1.5-6B", "Jamba-v0.1", NULL};

const char *const *sc_obs_default_families(void) { return default_families; }
const char *const *sc_obs_default_metrics(void) { return default_metrics; }
const char *const *sc_obs_later_models(void) { return later_models; }

int sc_obs_is_later_model(const char *model)
{
    if (model == NULL) return 0;
    const char *slash = strrchr(model, '/');
    const char *name = slash ? slash + 1 : model;
    for (size_t i = 0; later_models[i]; i++)
        if (strcmp(name, later_models[i]) == 0) return 1;
    return 0;
}

void sc_obs_opts_init(sc_obs_opts *opts)
{
    if (opts == NULL) return;
    memset(opts, 0, sizeof *opts);
    opts->k = 3;
    opts->split = SC_OBS_SPLIT_CUTOFF;
    opts->cutoff = 84.0;
    opts->top_fraction = 0.1;
    opts->reference_family = "Llama-2";
    opts->seed = 1;
    sc_impute_opts_init(&opts->impute);
    sc_link_opts_init(&opts->link);
}

void sc_obs_result_free(sc_obs_result *r)
{
    if (r == NULL) return;
    free(r->row);
    free(r->is_test);
    free(r->B);
    sc_pca_free(r->pca);
    free(r->S);
    sc_link_free(r->link);
    free(r->pred);
    free(r->P);
    sc_link_free(r->flink);
    free(r->fpred);
    sc_link_free(r->nlink);
    free(r->npred);
    for (size_t f = 0; f < r->nfamilies; f++) free(r->families[f].name);
    free(r->families);
    free(r->eq_flops);
    for (size_t f = 0; f < r->nselected_families; f++) free(r->selected_families[f]);
    free(r->selected_families);
    sc_link_free(r->select_link);
    for (size_t w = 0; w < r->nwarnings; w++) free(r->warnings[w]);
    free(r->warnings);
    free(r);
}

static sc_status warn(sc_obs_result *r, const char *fmt, ...) SC_PRINTF(2, 3);
static sc_status warn(sc_obs_result *r, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **w = realloc(r->warnings, (r->nwarnings + 1) * sizeof *w);
    if (w == NULL) return SC_ENOMEM;
    r->warnings = w;
    w[r->nwarnings] = sc_strdup(buf);
    if (w[r->nwarnings] == NULL) return SC_ENOMEM;
    r->nwarnings++;
    return SC_OK;
}

static double mse_of(const double *pred, const double *y, const unsigned char *mask,
                     unsigned char want, const size_t *row, size_t n, size_t *count)
{
    double s = 0.0;
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        if (mask[i] != want || !isfinite(pred[i])) continue;
        double d = pred[i] - y[row[i]];
        s += d * d;
        c++;
    }
    if (count) *count = c;
    return c ? s / (double)c : NAN;
}

/* Per-family efficiency (Ruan et al. 2024, Eq. 7): within family f, the capability measure P
 * (the link's linear predictor w . S + w0, or PC-1 without a target) is linear in log C:
 * P = slope_f log C + intercept_f. Equivalent FLOPs relative to a reference family (Eq. 8):
 * log C_eq = (P - intercept_ref) / slope_ref, the compute the reference family would need for
 * the same capability. */
static sc_status family_efficiency(const sc_obs_data *d, const sc_obs_opts *o, sc_obs_result *r,
                                   const double *P, sc_error *err)
{
    r->reference = -1;
    if (d->family == NULL) return SC_OK;
    r->families = sc_calloc(r->n ? r->n : 1, sizeof *r->families);
    r->eq_flops = sc_calloc(r->n ? r->n : 1, sizeof(double));
    size_t *fam = sc_calloc(r->n ? r->n : 1, sizeof(size_t));
    if (!r->families || !r->eq_flops || !fam) {
        free(fam);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < r->n; i++) {
        r->eq_flops[i] = NAN;
        const char *name = d->family[r->row[i]];
        fam[i] = SIZE_MAX;
        if (name == NULL) continue;
        size_t f = 0;
        while (f < r->nfamilies && strcmp(r->families[f].name, name) != 0) f++;
        if (f == r->nfamilies) {
            r->families[f].name = sc_strdup(name);
            if (r->families[f].name == NULL) {
                free(fam);
                return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            }
            r->nfamilies++;
        }
        fam[i] = f;
        r->families[f].nmodels++;
        if (d->flops && isfinite(d->flops[r->row[i]])) r->families[f].nflops++;
    }
    sc_status st = SC_OK;
    for (size_t f = 0; f < r->nfamilies && st == SC_OK; f++) {
        sc_obs_family *F = &r->families[f];
        double sx = 0, sy = 0, sxx = 0, sxy = 0, xmin = HUGE_VAL, xmax = -HUGE_VAL;
        size_t c = 0;
        const char *only = NULL;
        for (size_t i = 0; i < r->n; i++) {
            if (fam[i] != f) continue;
            only = d->model ? d->model[r->row[i]] : NULL;
            if (!d->flops || !isfinite(d->flops[r->row[i]])) continue;
            double x = log(d->flops[r->row[i]]);
            sx += x; sy += P[i]; sxx += x * x; sxy += x * P[i];
            xmin = x < xmin ? x : xmin;
            xmax = x > xmax ? x : xmax;
            c++;
        }
        if (F->nmodels == 1) {
            st = warn(r, "family \"%s\" has one model (%s): no efficiency fit; it stays in the PCA",
                      F->name, only ? only : "?");
            continue;
        }
        if (c < 2) {
            st = warn(r, "family \"%s\": %zu of its %zu models have FLOPs: no efficiency fit",
                      F->name, c, F->nmodels);
            continue;
        }
        if (!(xmax > xmin)) {
            st = warn(r, "family \"%s\": its models share one FLOPs value: no efficiency fit",
                      F->name);
            continue;
        }
        double mx = sx / (double)c, my = sy / (double)c;
        F->slope = (sxy - (double)c * mx * my) / (sxx - (double)c * mx * mx);
        F->intercept = my - F->slope * mx;
        F->fitted = 1;
    }
    free(fam);
    if (st != SC_OK) return sc_fail(err, st, NULL, 0, 0, "out of memory");
    const char *ref = o->reference_family;
    if (ref == NULL || !*ref) return SC_OK;
    for (size_t f = 0; f < r->nfamilies; f++)
        if (strcmp(r->families[f].name, ref) == 0) r->reference = (long)f;
    if (r->reference < 0) {
        st = warn(r, "reference family \"%s\" is not among the models: no equivalent FLOPs", ref);
    } else if (!r->families[r->reference].fitted || !(r->families[r->reference].slope > 0.0)) {
        st = warn(r, "reference family \"%s\" has no increasing efficiency fit: no equivalent FLOPs",
                  ref);
        r->reference = -1;
    } else {
        const sc_obs_family *R = &r->families[r->reference];
        for (size_t i = 0; i < r->n; i++) r->eq_flops[i] = exp((P[i] - R->intercept) / R->slope);
    }
    if (st != SC_OK) return sc_fail(err, st, NULL, 0, 0, "out of memory");
    return SC_OK;
}

/* V-optimal design over whole families (Ruan et al. 2024, Sec. 5): among the sets M of
 * training families with at most budget models that contain the reference family, minimise
 * trace(S^T S (S_M^T S_M)^-1), S the PC scores of all training models. Exhaustive search with
 * the budget as the bound. */
typedef struct selector {
    size_t k, nf, budget;
    const size_t *count;        /* models per candidate family */
    const double *G;            /* k x k family Gram matrices, nf of them */
    const double *Gall;         /* k x k */
    unsigned char *in, *best_in;
    double best;
    size_t searched;
    size_t lo_models;           /* sets with lo_models..budget models are kept for the baseline */
    uint64_t *sets;             /* feasible family sets as bit masks (nf <= 64) */
    size_t nsets, capsets;
    int keep_sets;
    int oom;
    gsl_matrix *A;
    gsl_permutation *perm;
    gsl_matrix *inv;
} selector;

static double vopt(selector *s)
{
    size_t k = s->k;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) {
            double v = 0.0;
            for (size_t f = 0; f < s->nf; f++)
                if (s->in[f]) v += s->G[f * k * k + a * k + b];
            gsl_matrix_set(s->A, a, b, v);
        }
    int sign = 0;
    if (gsl_linalg_LU_decomp(s->A, s->perm, &sign) != GSL_SUCCESS) return HUGE_VAL;
    double det = gsl_linalg_LU_det(s->A, sign);
    if (!(fabs(det) > 1e-300)) return HUGE_VAL;
    if (gsl_linalg_LU_invert(s->A, s->perm, s->inv) != GSL_SUCCESS) return HUGE_VAL;
    double tr = 0.0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++) tr += s->Gall[a * k + b] * gsl_matrix_get(s->inv, b, a);
    return isfinite(tr) && tr > 0.0 ? tr : HUGE_VAL;
}

static void search(selector *s, size_t f, size_t used)
{
    if (f == s->nf) {
        if (used < s->k) return;
        s->searched++;
        double v = vopt(s);
        if (s->keep_sets && used >= s->lo_models && isfinite(v)) {
            if (s->nsets == s->capsets) {
                size_t cap = s->capsets ? 2 * s->capsets : 256;
                uint64_t *m = realloc(s->sets, cap * sizeof *m);
                if (m == NULL) {
                    s->oom = 1;
                    return;
                }
                s->sets = m;
                s->capsets = cap;
            }
            uint64_t mask = 0;
            for (size_t g = 0; g < s->nf; g++)
                if (s->in[g]) mask |= (uint64_t)1 << g;
            s->sets[s->nsets++] = mask;
        }
        if (v < s->best) {
            s->best = v;
            memcpy(s->best_in, s->in, s->nf);
        }
        return;
    }
    if (s->in[f]) { /* forced (reference family) */
        search(s, f + 1, used);
        return;
    }
    search(s, f + 1, used);
    if (used + s->count[f] <= s->budget) {
        s->in[f] = 1;
        search(s, f + 1, used + s->count[f]);
        s->in[f] = 0;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Baseline for the selection (Ruan et al. 2024, Sec. 5 compare with random choices): up to
 * select_random feasible family sets of budget - 2 to budget models, drawn without replacement
 * (seeded), each scored like the V-optimal set. Ss, ys, pred, mask are scratch of the caller's
 * sizes. */
static sc_status random_baseline(const sc_obs_data *d, const sc_obs_opts *o, sc_obs_result *r,
                                 selector *s, const size_t *fam, double *Ss, double *ys,
                                 double *pred, unsigned char *mask, sc_error *err)
{
    size_t k = r->k, want = o->select_random < s->nsets ? o->select_random : s->nsets;
    double *mse = sc_calloc(want ? want : 1, sizeof(double));
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!mse || !rng) {
        free(mse);
        if (rng) gsl_rng_free(rng);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    gsl_rng_set(rng, (unsigned long)sc_seed_mix(o->seed, 0));
    /* Partial Fisher-Yates shuffle of the recorded sets. */
    for (size_t t = 0; t < want; t++) {
        size_t u = t + (size_t)gsl_rng_uniform_int(rng, (unsigned long)(s->nsets - t));
        uint64_t tmp = s->sets[t];
        s->sets[t] = s->sets[u];
        s->sets[u] = tmp;
    }
    gsl_rng_free(rng);
    size_t got = 0;
    double sum = 0.0;
    r->random_better = 0;
    for (size_t t = 0; t < want; t++) {
        size_t m = 0;
        for (size_t i = 0; i < r->n; i++) {
            mask[i] = 2;
            if (r->is_test[i]) {
                mask[i] = 1;
            } else if (fam[i] != SIZE_MAX && (s->sets[t] >> fam[i]) & 1u) {
                mask[i] = 0;
                memcpy(Ss + m * k, r->S + i * k, k * sizeof(double));
                ys[m++] = d->y[r->row[i]];
            }
        }
        sc_link *l = NULL;
        if (sc_link_fit(Ss, ys, m, k, &o->link, &l, NULL) != SC_OK) continue; /* too few points */
        sc_link_predict(l, r->S, r->n, pred);
        sc_link_free(l);
        mse[got] = mse_of(pred, d->y, mask, 1, r->row, r->n, NULL);
        sum += mse[got];
        if (mse[got] < r->select_mse_test) r->random_better++;
        got++;
    }
    r->nrandom = got;
    if (got) {
        qsort(mse, got, sizeof(double), cmp_double);
        r->random_mse_median = got % 2 ? mse[got / 2] : 0.5 * (mse[got / 2 - 1] + mse[got / 2]);
        r->random_mse_mean = sum / (double)got;
    }
    free(mse);
    return SC_OK;
}

static sc_status select_families(const sc_obs_data *d, const sc_obs_opts *o, sc_obs_result *r,
                                 sc_error *err)
{
    size_t k = r->k;
    if (d->family == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "--select needs a model family column");
    /* Candidate families: those of the training rows. */
    const char **names = sc_calloc(r->ntrain ? r->ntrain : 1, sizeof *names);
    size_t *count = sc_calloc(r->ntrain ? r->ntrain : 1, sizeof(size_t));
    size_t *fam = sc_calloc(r->n ? r->n : 1, sizeof(size_t));
    double *G = NULL, *Gall = sc_calloc(k * k, sizeof(double));
    selector s;
    memset(&s, 0, sizeof s);
    sc_status st = SC_OK;
    size_t nf = 0;
    if (!names || !count || !fam || !Gall) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->n; i++) {
        fam[i] = SIZE_MAX;
        if (r->is_test[i] || d->family[r->row[i]] == NULL) continue;
        const char *name = d->family[r->row[i]];
        size_t f = 0;
        while (f < nf && strcmp(names[f], name) != 0) f++;
        if (f == nf) names[nf++] = name;
        count[f]++;
        fam[i] = f;
    }
    G = sc_calloc(nf > 0 ? nf * k * k : 1, sizeof(double));
    s.in = sc_calloc(nf ? nf : 1, 1);
    s.best_in = sc_calloc(nf ? nf : 1, 1);
    s.A = gsl_matrix_alloc(k, k);
    s.inv = gsl_matrix_alloc(k, k);
    s.perm = gsl_permutation_alloc(k);
    if (!G || !s.in || !s.best_in || !s.A || !s.inv || !s.perm) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < r->n; i++) {
        if (r->is_test[i]) continue;
        const double *x = r->S + i * k;
        for (size_t a = 0; a < k; a++)
            for (size_t b = 0; b < k; b++) {
                Gall[a * k + b] += x[a] * x[b];
                if (fam[i] != SIZE_MAX) G[fam[i] * k * k + a * k + b] += x[a] * x[b];
            }
    }
    size_t forced = 0;
    if (o->reference_family && *o->reference_family) {
        size_t f = 0;
        while (f < nf && strcmp(names[f], o->reference_family) != 0) f++;
        if (f == nf) {
            st = sc_fail(err, SC_EINVAL, NULL, 0, 0,
                         "--select: the reference family \"%s\" has no training model",
                         o->reference_family);
            goto done;
        }
        s.in[f] = 1;
        forced = count[f];
    }
    if (forced > o->select_budget) {
        st = sc_fail(err, SC_EINVAL, NULL, 0, 0,
                     "--select: a budget of %zu models is below the %zu models of the reference "
                     "family",
                     o->select_budget, forced);
        goto done;
    }
    s.k = k;
    s.nf = nf;
    s.budget = o->select_budget;
    s.count = count;
    s.G = G;
    s.Gall = Gall;
    s.best = HUGE_VAL;
    s.keep_sets = o->select_random > 0 && d->y != NULL && nf <= 64;
    s.lo_models = o->select_budget > k + 2 ? o->select_budget - 2 : k;
    {
        gsl_error_handler_t *old = gsl_set_error_handler_off();
        search(&s, 0, forced);
        gsl_set_error_handler(old);
    }
    if (s.oom) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    r->select_searched = s.searched;
    if (!isfinite(s.best)) {
        st = sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                     "--select: no set of families within %zu models spans the %zu components",
                     o->select_budget, k);
        goto done;
    }
    r->select_objective = s.best;
    size_t chosen = 0;
    for (size_t f = 0; f < nf; f++) chosen += s.best_in[f];
    r->selected_families = sc_calloc(chosen ? chosen : 1, sizeof(char *));
    if (!r->selected_families) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t f = 0; f < nf; f++) {
        if (!s.best_in[f]) continue;
        r->selected_families[r->nselected_families] = sc_strdup(names[f]);
        if (!r->selected_families[r->nselected_families]) {
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        r->nselected_families++;
        r->nselected_models += count[f];
    }
    /* The link refitted on the selected models only (PCA unchanged), scored on the test set. */
    if (d->y) {
        double *Ss = sc_calloc(r->nselected_models * k, sizeof(double));
        double *ys = sc_calloc(r->nselected_models, sizeof(double));
        double *pred = sc_calloc(r->n ? r->n : 1, sizeof(double));
        unsigned char *mask = sc_calloc(r->n ? r->n : 1, 1);
        if (!Ss || !ys || !pred || !mask) {
            free(Ss); free(ys); free(pred); free(mask);
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        size_t m = 0;
        for (size_t i = 0; i < r->n; i++) {
            mask[i] = 2; /* neither */
            if (r->is_test[i]) {
                mask[i] = 1;
            } else if (fam[i] != SIZE_MAX && s.best_in[fam[i]]) {
                mask[i] = 0;
                memcpy(Ss + m * k, r->S + i * k, k * sizeof(double));
                ys[m++] = d->y[r->row[i]];
            }
        }
        st = sc_link_fit(Ss, ys, m, k, &o->link, &r->select_link, err);
        if (st == SC_OK) {
            sc_link_predict(r->select_link, r->S, r->n, pred);
            r->select_mse_train = mse_of(pred, d->y, mask, 0, r->row, r->n, NULL);
            r->select_mse_test = mse_of(pred, d->y, mask, 1, r->row, r->n, NULL);
        }
        if (st == SC_OK && s.keep_sets && s.nsets > 0)
            st = random_baseline(d, o, r, &s, fam, Ss, ys, pred, mask, err);
        free(Ss); free(ys); free(pred); free(mask);
    }
done:
    free(names);
    free(count);
    free(fam);
    free(G);
    free(Gall);
    free(s.in);
    free(s.best_in);
    free(s.sets);
    gsl_matrix_free(s.A);
    gsl_matrix_free(s.inv);
    gsl_permutation_free(s.perm);
    return st;
}

/* A link whose sigmoid rises over less than 1% of the spread of its linear predictor on the
 * training rows is effectively a step: the least-squares optimum runs off to infinite slope and
 * predictions between the steps are arbitrary. Reported, not hidden. */
static sc_status check_step(sc_obs_result *r, const sc_link *link, const double *X, size_t m,
                            const char *what)
{
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < m; i++) {
        double v = 0.0;
        for (size_t a = 0; a < link->k; a++) v += link->w[a] * X[i * link->k + a];
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    /* The sigmoid goes from 0.12 to 0.88 over 4 units of the linear predictor. */
    if (hi - lo > 400.0)
        return warn(r, "the %s fit is a step (its linear predictor spans %.3g units, sigmoid width 4): "
                       "predictions near the step are poorly determined",
                    what, hi - lo);
    return SC_OK;
}

/* A baseline link on one covariate x = log v (v: FLOPs or parameters per input row), fitted on
 * the training rows where v is known; scores every row where it is known. X and Y are scratch
 * of ntrain values. */
static sc_status scalar_baseline(const sc_obs_data *d, const sc_obs_opts *o, sc_obs_result *r,
                                 const double *v, const char *name, double *X, double *Y,
                                 sc_link **link, double **pred, double *mse_train,
                                 double *mse_test, size_t *ntest, double *pc_same, sc_error *err)
{
    size_t m = 0;
    for (size_t i = 0; i < r->n; i++) {
        double c = v[r->row[i]];
        if (!r->is_test[i] && isfinite(c) && c > 0) {
            X[m] = log(c);
            Y[m++] = d->y[r->row[i]];
        }
    }
    *pred = sc_calloc(r->n, sizeof(double));
    if (*pred == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n; i++) (*pred)[i] = NAN;
    *mse_train = *mse_test = *pc_same = NAN;
    *ntest = 0;
    char what[64];
    snprintf(what, sizeof what, "log-%s baseline", name);
    if (m < 3) {
        if (warn(r, "only %zu training models have %s: no %s", m, name, what) != SC_OK)
            return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        return SC_OK;
    }
    SC_TRY(sc_link_fit(X, Y, m, 1, &o->link, link, err));
    if (check_step(r, *link, X, m, what) != SC_OK)
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < r->n; i++) {
        double c = v[r->row[i]];
        if (isfinite(c) && c > 0) {
            double x = log(c);
            sc_link_predict(*link, &x, 1, &(*pred)[i]);
        }
    }
    *mse_train = mse_of(*pred, d->y, r->is_test, 0, r->row, r->n, NULL);
    *mse_test = mse_of(*pred, d->y, r->is_test, 1, r->row, r->n, ntest);
    /* The PC link on the same test rows, for a like-for-like comparison. */
    double s = 0.0;
    size_t c = 0;
    for (size_t i = 0; i < r->n; i++)
        if (r->is_test[i] && isfinite((*pred)[i])) {
            double e = r->pred[i] - d->y[r->row[i]];
            s += e * e;
            c++;
        }
    *pc_same = c ? s / (double)c : NAN;
    return SC_OK;
}

typedef struct ranked {
    double y;
    size_t i;
} ranked;

static int by_target_desc(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->y > y->y) return -1;
    if (x->y < y->y) return 1;
    return x->i < y->i ? -1 : (x->i > y->i);
}

sc_status sc_obs_run(const sc_obs_data *d, const sc_obs_opts *opts, sc_obs_result **out,
                     sc_error *err)
{
    if (out == NULL || d == NULL || d->B == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "observational: no data");
    *out = NULL;
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    if (opts) o = *opts;
    size_t p = d->p, k = o.k;
    if (k == 0 || k > p)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "%zu components asked for %zu metrics", k, p);
    for (size_t i = 0; i < d->n; i++) {
        for (size_t j = 0; j < p; j++) {
            double v = d->B[i * p + j];
            if (!isnan(v) && !(v >= 0.0 && v <= 1.0))
                return sc_fail(err, SC_EDOMAIN, NULL, i + 1, j + 1,
                               "model %s, metric %s: %g is outside [0, 1]",
                               d->model ? d->model[i] : "?", d->metric ? d->metric[j] : "?", v);
        }
        if (d->size && !isnan(d->size[i]) && !(d->size[i] > 0.0 && isfinite(d->size[i])))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0, "model %s: size %g must be > 0",
                           d->model ? d->model[i] : "?", d->size[i]);
        if (d->flops && !isnan(d->flops[i]) && !(d->flops[i] > 0.0 && isfinite(d->flops[i])))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0, "model %s: FLOPs %g must be > 0",
                           d->model ? d->model[i] : "?", d->flops[i]);
    }
    if (o.split == SC_OBS_SPLIT_CUTOFF && d->flops == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "a FLOPs cutoff split needs FLOPs");
    if (o.split == SC_OBS_SPLIT_GIVEN && d->is_test == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "a given split needs is_test");
    if (o.split == SC_OBS_SPLIT_TOP && (d->y == NULL || !(o.top_fraction > 0.0 && o.top_fraction < 1.0)))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                       "a top-fraction split needs a target and a fraction in (0, 1)");

    sc_obs_result *r = sc_calloc(1, sizeof *r);
    if (r == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_status st = SC_OK;
    double *Btr = NULL, *Bte = NULL, *ytr = NULL, *Str = NULL;
    ranked *rk = NULL;
    r->p = p;
    r->k = k;
    r->reference = -1;
    r->row = sc_calloc(d->n ? d->n : 1, sizeof(size_t));
    if (!r->row) goto oom;
    for (size_t i = 0; i < d->n; i++)
        if (d->y == NULL || !isnan(d->y[i])) r->row[r->n++] = i;
    r->is_test = sc_calloc(r->n ? r->n : 1, 1);
    if (!r->is_test) goto oom;
    if (r->n == 0) {
        st = sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no model has a value of the target");
        goto fail;
    }
    switch (o.split) {
    case SC_OBS_SPLIT_CUTOFF:
        for (size_t i = 0; i < r->n; i++) {
            double c = d->flops[r->row[i]];
            r->is_test[i] = !(c <= o.cutoff); /* unknown FLOPs -> test */
        }
        break;
    case SC_OBS_SPLIT_GIVEN:
        for (size_t i = 0; i < r->n; i++) r->is_test[i] = d->is_test[r->row[i]] != 0;
        break;
    case SC_OBS_SPLIT_TOP: {
        size_t ntop = (size_t)floor(o.top_fraction * (double)r->n);
        rk = sc_calloc(r->n, sizeof *rk);
        if (!rk) goto oom;
        for (size_t i = 0; i < r->n; i++) {
            rk[i].y = d->y[r->row[i]];
            rk[i].i = i;
        }
        qsort(rk, r->n, sizeof *rk, by_target_desc);
        for (size_t t = 0; t < ntop; t++) r->is_test[rk[t].i] = 1;
        break;
    }
    }
    for (size_t i = 0; i < r->n; i++) r->ntest += r->is_test[i];
    r->ntrain = r->n - r->ntest;
    if (r->ntrain == 0) {
        st = sc_fail(err, SC_EEMPTY, NULL, 0, 0,
                     d->y ? "no training model has a value of the target (all %zu are test models)"
                          : "no training model (all %zu are test models)",
                     r->n);
        goto fail;
    }
    if (r->ntrain <= k) {
        st = sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                     "%zu training models for %zu components: need more training models than "
                     "components",
                     r->ntrain, k);
        goto fail;
    }

    /* Imputation fitted on the training rows (Sec. 3 / Appendix: rank-1 PCA imputation). */
    Btr = sc_calloc(r->ntrain * p, sizeof(double));
    Bte = sc_calloc((r->ntest ? r->ntest : 1) * p, sizeof(double));
    r->B = sc_calloc(r->n * p, sizeof(double));
    r->S = sc_calloc(r->n * k, sizeof(double));
    if (!Btr || !Bte || !r->B || !r->S) goto oom;
    for (size_t i = 0, a = 0, b = 0; i < r->n; i++) {
        double *dst = r->is_test[i] ? Bte + (b++) * p : Btr + (a++) * p;
        memcpy(dst, d->B + r->row[i] * p, p * sizeof(double));
    }
    st = sc_impute_pca(Btr, r->ntrain, Bte, r->ntest, p, &o.impute, &r->impute, err);
    if (st != SC_OK) goto fail;
    if (!r->impute.converged_train &&
        (st = warn(r, "imputation of the training models stopped after %zu rounds without "
                      "meeting its tolerance (last change %.3g)",
                   r->impute.rounds_train, r->impute.change_train)) != SC_OK)
        goto oom;
    if (!r->impute.converged_test &&
        (st = warn(r, "imputation of the test models stopped after %zu rounds without meeting "
                      "its tolerance (last change %.3g)",
                   r->impute.rounds_test, r->impute.change_test)) != SC_OK)
        goto oom;
    for (size_t i = 0, a = 0, b = 0; i < r->n; i++) {
        const double *src = r->is_test[i] ? Bte + (b++) * p : Btr + (a++) * p;
        memcpy(r->B + i * p, src, p * sizeof(double));
    }

    /* Capability PCs fitted on the training rows (Sec. 3.2); every row projected. */
    st = sc_pca_fit(Btr, r->ntrain, p, k, &r->pca, err);
    if (st != SC_OK) goto fail;
    sc_pca_transform(r->pca, r->B, r->n, r->S);

    if (d->y) {
        /* Floored sigmoid link on the training rows (Eq. 3). */
        ytr = sc_calloc(r->ntrain, sizeof(double));
        Str = sc_calloc(r->ntrain * k, sizeof(double));
        r->pred = sc_calloc(r->n, sizeof(double));
        r->P = sc_calloc(r->n, sizeof(double));
        if (!ytr || !Str || !r->pred || !r->P) goto oom;
        for (size_t i = 0, a = 0; i < r->n; i++) {
            if (r->is_test[i]) continue;
            ytr[a] = d->y[r->row[i]];
            memcpy(Str + a * k, r->S + i * k, k * sizeof(double));
            a++;
        }
        st = sc_link_fit(Str, ytr, r->ntrain, k, &o.link, &r->link, err);
        if (st != SC_OK) goto fail;
        if (!r->link->converged &&
            (st = warn(r, "the PC link fit did not meet its convergence test")) != SC_OK)
            goto oom;
        if ((st = check_step(r, r->link, Str, r->ntrain, "PC link")) != SC_OK) goto oom;
        sc_link_predict(r->link, r->S, r->n, r->pred);
        for (size_t i = 0; i < r->n; i++) r->P[i] = sc_link_linear(r->link, r->S + i * k);
        r->mse_train = mse_of(r->pred, d->y, r->is_test, 0, r->row, r->n, NULL);
        r->mse_test = mse_of(r->pred, d->y, r->is_test, 1, r->row, r->n, NULL);

        /* Baselines: the same link on x = log FLOPs and on x = log N, rows with them only. */
        if (d->flops &&
            (st = scalar_baseline(d, &o, r, d->flops, "FLOPs", Str, ytr, &r->flink, &r->fpred,
                                  &r->fmse_train, &r->fmse_test, &r->fntest,
                                  &r->pc_mse_test_same, err)) != SC_OK)
            goto fail;
        if (d->size &&
            (st = scalar_baseline(d, &o, r, d->size, "N", Str, ytr, &r->nlink, &r->npred,
                                  &r->nmse_train, &r->nmse_test, &r->nntest,
                                  &r->pc_mse_test_same_n, err)) != SC_OK)
            goto fail;
    }

    {
        double *P = r->P;
        double *pc1 = NULL;
        if (P == NULL) {
            pc1 = sc_calloc(r->n, sizeof(double));
            if (!pc1) goto oom;
            for (size_t i = 0; i < r->n; i++) pc1[i] = r->S[i * k];
            P = pc1;
        }
        st = family_efficiency(d, &o, r, P, err);
        free(pc1);
        if (st != SC_OK) goto fail;
    }
    if (o.select_budget > 0) {
        st = select_families(d, &o, r, err);
        if (st != SC_OK) goto fail;
    }
    free(Btr);
    free(Bte);
    free(ytr);
    free(Str);
    free(rk);
    *out = r;
    return SC_OK;
oom:
    st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
fail:
    free(Btr);
    free(Bte);
    free(ytr);
    free(Str);
    free(rk);
    sc_obs_result_free(r);
    return st;
}
