/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fixed sampling budgets: per-problem counts (n samples, c correct), the Beta distribution of
 * per-problem pass rates fitted by beta-binomial maximum likelihood, its pass@k curve
 * 1 - B(a, b + k) / B(a, b) and the power law of -log pass@k in k it implies (Schaeffer et al.
 * 2025, "How Do Large Language Monkeys Get Their Power (Laws)?"), forecasts of pass@k beyond
 * the budget, and the one-compute form of Eq. 5 of Krajewski et al. 2025 for comparison. */
#include "core/internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- reading counts ---- */

/* The largest n or K accepted: the K_max limit of PassUntil (docs/passuntil.md). */
#define SC_COUNTS_LIMIT 1000000000u

void sc_counts_free(sc_count_row *rows, size_t nrows)
{
    if (!rows) return;
    for (size_t i = 0; i < nrows; i++) {
        free(rows[i].problem);
        free(rows[i].model);
    }
    free(rows);
}

/* Column j of t by name, or -1 when absent (want != NULL: required). */
static sc_status find_col(const sc_table *t, const char *name, const char *fallback, int numeric,
                          int required, long *j, sc_error *err)
{
    *j = sc_table_find(t, name);
    if (*j < 0 && fallback) *j = sc_table_find(t, fallback);
    if (*j < 0) {
        if (!required) return SC_OK;
        size_t jj;
        return numeric ? sc_table_require_num(t, name, &jj, err) : sc_table_require(t, name, &jj, err);
    }
    if (numeric) {
        size_t jj;
        return sc_table_require_num(t, sc_table_colname(t, (size_t)*j), &jj, err);
    }
    return SC_OK;
}

/* A whole number >= 0 in cell (i, j): 0 on success, 1 when the cell is empty, else an error. */
static sc_status cell_count(const sc_table *t, long j, size_t i, const char *what, size_t *out,
                            int *empty, sc_error *err)
{
    *empty = 1;
    if (j < 0) return SC_OK;
    double v = sc_table_num(t, (size_t)j)[i];
    if (isnan(v)) return SC_OK;
    *empty = 0;
    if (v >= 0.0 && v < 9e15 && floor(v) == v) {
        *out = (size_t)v;
        return SC_OK;
    }
    size_t line, col;
    sc_table_cell_pos(t, i, (size_t)j, &line, &col);
    return sc_fail(err, SC_EDOMAIN, sc_table_source(t), line, col,
                   "%s must be a whole number >= 0, got %g", what, v);
}

static char *cell_string(const sc_table *t, long j, size_t i)
{
    if (j < 0) return sc_strdup("");
    if (sc_table_coltype(t, (size_t)j) == SC_COL_TEXT) {
        const char *s = sc_table_text(t, (size_t)j, i);
        return sc_strdup(s ? s : "");
    }
    double v = sc_table_num(t, (size_t)j)[i];
    if (isnan(v)) return sc_strdup("");
    char num[64];
    snprintf(num, sizeof num, "%.17g", v);
    return sc_strdup(num);
}

sc_status sc_counts_read(const sc_table *t, const sc_counts_cols *cols, sc_count_row **rows,
                         size_t *nrows, size_t *nbudget, sc_error *err)
{
    *rows = NULL;
    *nrows = *nbudget = 0;
    sc_counts_cols c0 = {0};
    if (cols) c0 = *cols;
    long jp, jm, js, jn, jc, jK, jr, jcens;
    const char *src = sc_table_source(t);
    SC_TRY(find_col(t, c0.problem ? c0.problem : "problem", c0.problem ? NULL : "instance", 0, 1,
                    &jp, err));
    SC_TRY(find_col(t, c0.model ? c0.model : "model", NULL, 0, c0.model != NULL, &jm, err));
    SC_TRY(find_col(t, c0.size ? c0.size : "N", c0.size ? NULL : "C", 1, 1, &js, err));
    SC_TRY(find_col(t, c0.n ? c0.n : "n", NULL, 1, c0.n != NULL, &jn, err));
    SC_TRY(find_col(t, c0.c ? c0.c : "c", NULL, 1, c0.c != NULL, &jc, err));
    SC_TRY(find_col(t, c0.K ? c0.K : "K", NULL, 1, c0.K != NULL, &jK, err));
    SC_TRY(find_col(t, c0.r ? c0.r : "r", NULL, 1, c0.r != NULL, &jr, err));
    SC_TRY(find_col(t, c0.censored ? c0.censored : "censored", NULL, 1, c0.censored != NULL,
                    &jcens, err));
    if ((jn >= 0) != (jc >= 0))
        return sc_fail(err, SC_ENOCOL, src, 1, 0,
                       "per-problem counts need both columns \"%s\" (samples) and \"%s\" (correct)",
                       c0.n ? c0.n : "n", c0.c ? c0.c : "c");
    if ((jK >= 0) != (jr >= 0))
        return sc_fail(err, SC_ENOCOL, src, 1, 0,
                       "sample-until-pass rows need both columns \"%s\" (draws) and \"%s\" (passes)",
                       c0.K ? c0.K : "K", c0.r ? c0.r : "r");
    if (jn < 0 && jK < 0)
        return sc_fail(err, SC_ENOCOL, src, 1, 0,
                       "no counts: expected columns n and c (a fixed budget: samples, correct) "
                       "or K and r (sampled until r passes)");
    size_t R = sc_table_nrows(t);
    sc_count_row *out = sc_calloc(R ? R : 1, sizeof *out);
    if (!out) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_status st = SC_OK;
    size_t i, line, col;
    for (i = 0; i < R && st == SC_OK; i++) {
        sc_count_row *w = &out[i];
        w->problem = cell_string(t, jp, i);
        w->model = cell_string(t, jm, i);
        if (!w->problem || !w->model) {
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        sc_table_cell_pos(t, i, (size_t)jp, &line, &col);
        w->line = line;
        if (!*w->problem) {
            st = sc_fail(err, SC_EDOMAIN, src, line, col, "missing problem name");
            break;
        }
        w->size = sc_table_num(t, (size_t)js)[i];
        if (!(w->size > 0.0) || !isfinite(w->size)) {
            sc_table_cell_pos(t, i, (size_t)js, &line, &col);
            st = sc_fail(err, SC_EDOMAIN, src, line, col, "model size %s must be > 0, got %g",
                         sc_table_colname(t, (size_t)js), w->size);
            break;
        }
        size_t n = 0, c = 0, K = 0, r = 0;
        int en, ec, eK, er;
        if ((st = cell_count(t, jn, i, "n (samples)", &n, &en, err)) != SC_OK ||
            (st = cell_count(t, jc, i, "c (correct)", &c, &ec, err)) != SC_OK ||
            (st = cell_count(t, jK, i, "K (draws)", &K, &eK, err)) != SC_OK ||
            (st = cell_count(t, jr, i, "r (passes)", &r, &er, err)) != SC_OK)
            break;
        int has_b = !en || !ec, has_u = !eK || !er;
        sc_table_cell_pos(t, i, (size_t)(has_b ? (en ? jn : jc) : jK >= 0 ? jK : jn), &line, &col);
        if (has_b && has_u) {
            st = sc_fail(err, SC_EDOMAIN, src, line, col,
                         "a row is either a fixed budget (n, c) or sampled until pass (K, r), "
                         "not both");
            break;
        }
        if (!has_b && !has_u) {
            st = sc_fail(err, SC_EDOMAIN, src, line, col,
                         "no counts in this row: fill n and c (fixed budget) or K and r "
                         "(sampled until pass)");
            break;
        }
        if (has_b) {
            if (en || ec) {
                st = sc_fail(err, SC_EDOMAIN, src, line, col, "%s is missing: a fixed-budget row "
                             "needs both n (samples) and c (correct)", en ? "n" : "c");
                break;
            }
            sc_table_cell_pos(t, i, (size_t)jn, &line, &col);
            if (n == 0) {
                st = sc_fail(err, SC_EDOMAIN, src, line, col,
                             "n = 0 samples: this row carries no information (leave it out)");
                break;
            }
            if (n > SC_COUNTS_LIMIT) {
                st = sc_fail(err, SC_EDOMAIN, src, line, col,
                             "n (samples) %zu is above the limit of %zu", n, (size_t)SC_COUNTS_LIMIT);
                break;
            }
            if (c > n) {
                sc_table_cell_pos(t, i, (size_t)jc, &line, &col);
                st = sc_fail(err, SC_EDOMAIN, src, line, col, "correct c (%zu) > samples n (%zu)",
                             c, n);
                break;
            }
            if (jcens >= 0 && !isnan(sc_table_num(t, (size_t)jcens)[i])) {
                sc_table_cell_pos(t, i, (size_t)jcens, &line, &col);
                st = sc_fail(err, SC_EDOMAIN, src, line, col,
                             "censored applies to sample-until-pass rows only: a fixed-budget "
                             "row with c = 0 is censored at its budget n by rule");
                break;
            }
            w->budget = 1;
            w->n = n;
            w->c = c;
            (*nbudget)++;
            continue;
        }
        if (eK || er) {
            st = sc_fail(err, SC_EDOMAIN, src, line, col, "%s is missing: a sample-until-pass row "
                         "needs both K (draws) and r (passes)", eK ? "K" : "r");
            break;
        }
        int cens = 0;
        if (jcens >= 0) {
            double v = sc_table_num(t, (size_t)jcens)[i];
            if (!isnan(v) && v != 0.0 && v != 1.0) {
                sc_table_cell_pos(t, i, (size_t)jcens, &line, &col);
                st = sc_fail(err, SC_EDOMAIN, src, line, col, "censored must be 0 or 1, got %g", v);
                break;
            }
            cens = v == 1.0;
        }
        if (K > SC_COUNTS_LIMIT) {
            sc_table_cell_pos(t, i, (size_t)jK, &line, &col);
            st = sc_fail(err, SC_EDOMAIN, src, line, col,
                         "K (draws) %zu is above the limit of %zu", K, (size_t)SC_COUNTS_LIMIT);
            break;
        }
        if (K == 0) {
            sc_table_cell_pos(t, i, (size_t)jK, &line, &col);
            st = sc_fail(err, SC_EDOMAIN, src, line, col, "no draws (K = 0)");
            break;
        }
        if (r > K) {
            sc_table_cell_pos(t, i, (size_t)jr, &line, &col);
            st = sc_fail(err, SC_EDOMAIN, src, line, col, "passes r (%zu) > draws K (%zu)", r, K);
            break;
        }
        if (!cens && r == 0) {
            sc_table_cell_pos(t, i, (size_t)jr, &line, &col);
            st = sc_fail(err, SC_EDOMAIN, src, line, col,
                         "r < 1 in a row that is not censored (no pass: add a censored column "
                         "with 1, or give the row as a fixed budget n, c)");
            break;
        }
        w->n = K;
        w->c = r;
        w->censored = cens;
    }
    if (st != SC_OK) {
        sc_counts_free(out, R);
        *nbudget = 0;
        return st;
    }
    if (R == 0) {
        free(out);
        return sc_fail(err, SC_EEMPTY, src, 0, 0, "no rows");
    }
    *rows = out;
    *nrows = R;
    return SC_OK;
}

/* ---- the beta-binomial fit ---- */

typedef struct bb_data {
    const size_t *n, *c;
    size_t S;
} bb_data;

/* Negative log-likelihood of (log a, log b), without the constant sum of log C(n_i, c_i). */
static double bb_nll(const gsl_vector *th, void *p)
{
    const bb_data *d = p;
    double la = gsl_vector_get(th, 0), lb = gsl_vector_get(th, 1);
    if (!(fabs(la) < 30.0 && fabs(lb) < 30.0)) return GSL_POSINF;
    double a = exp(la), b = exp(lb), base = gsl_sf_lnbeta(a, b), ll = 0.0;
    for (size_t i = 0; i < d->S; i++)
        ll += gsl_sf_lnbeta((double)d->c[i] + a, (double)(d->n[i] - d->c[i]) + b) - base;
    return -ll;
}

/* Gradient in (log a, log b): d/da ln B(c + a, n - c + b) = psi(c + a) - psi(n + a + b),
 * d/da ln B(a, b) = psi(a) - psi(a + b); chain rule by a (and b). */
static void bb_grad(const double *th, const bb_data *d, double *g)
{
    double a = exp(th[0]), b = exp(th[1]);
    double pa = gsl_sf_psi(a), pb = gsl_sf_psi(b), pab = gsl_sf_psi(a + b), ga = 0.0, gb = 0.0;
    for (size_t i = 0; i < d->S; i++) {
        double n = (double)d->n[i], c = (double)d->c[i], pn = gsl_sf_psi(n + a + b);
        ga += gsl_sf_psi(c + a) - pn - pa + pab;
        gb += gsl_sf_psi(n - c + b) - pn - pb + pab;
    }
    g[0] = -ga * a;
    g[1] = -gb * b;
}

static void bb_df(const gsl_vector *th, void *p, gsl_vector *g)
{
    double t[2] = {gsl_vector_get(th, 0), gsl_vector_get(th, 1)}, gg[2];
    bb_grad(t, p, gg);
    gsl_vector_set(g, 0, gg[0]);
    gsl_vector_set(g, 1, gg[1]);
}

static void bb_fdf(const gsl_vector *th, void *p, double *f, gsl_vector *g)
{
    *f = bb_nll(th, p);
    bb_df(th, p, g);
}

/* Observed information of (log a, log b): the Hessian of the negative log-likelihood, from
 * trigamma terms (second derivatives of ln B) plus the first-order terms of the log map. */
static void bb_hessian(double la, double lb, const bb_data *d, double *H)
{
    double a = exp(la), b = exp(lb);
    double ta = gsl_sf_psi_1(a), tb = gsl_sf_psi_1(b), tab = gsl_sf_psi_1(a + b);
    double haa = 0.0, hab = 0.0, hbb = 0.0, ga = 0.0, gb = 0.0;
    double pa = gsl_sf_psi(a), pb = gsl_sf_psi(b), pab = gsl_sf_psi(a + b);
    for (size_t i = 0; i < d->S; i++) {
        double n = (double)d->n[i], c = (double)d->c[i], tn = gsl_sf_psi_1(n + a + b);
        double pn = gsl_sf_psi(n + a + b);
        haa += gsl_sf_psi_1(c + a) - tn - ta + tab;
        hbb += gsl_sf_psi_1(n - c + b) - tn - tb + tab;
        hab += -tn + tab;
        ga += gsl_sf_psi(c + a) - pn - pa + pab;
        gb += gsl_sf_psi(n - c + b) - pn - pb + pab;
    }
    /* log-likelihood l(la, lb): d2l/dla2 = a^2 l_aa + a l_a. H is of -l. */
    H[0] = -(a * a * haa + a * ga);
    H[1] = H[2] = -(a * b * hab);
    H[3] = -(b * b * hbb + b * gb);
}

static void bb_finish(sc_bb_fit *out)
{
    out->exponent = out->a;
    out->prefactor = exp(gsl_sf_lngamma(out->a + out->b) - gsl_sf_lngamma(out->b));
}

sc_status sc_bb_fit_counts(const size_t *n, const size_t *c, size_t S, double level,
                           sc_bb_fit *out, sc_error *err)
{
    memset(out, 0, sizeof *out);
    if (S < 2) return sc_fail(err, SC_ETOOFEW, NULL, 0, 0, "%zu problems: the fit needs at least 2", S);
    if (!(level > 0.0 && level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must be in (0, 1), got %g", level);
    double sc = 0.0, sn = 0.0;
    for (size_t i = 0; i < S; i++) {
        if (n[i] == 0) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "problem %zu: no samples (n = 0)", i + 1);
        if (c[i] > n[i])
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "problem %zu: correct c (%zu) > samples n (%zu)",
                           i + 1, c[i], n[i]);
        out->nzero += c[i] == 0;
        out->nall += c[i] == n[i];
        sc += (double)c[i];
        sn += (double)n[i];
    }
    out->S = S;
    out->level = level;
    if (out->nzero == S)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "no problem has a correct sample: the distribution of pass rates is not "
                       "identified (only an upper bound)");
    if (out->nall == S)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "every sample of every problem is correct: the distribution of pass rates "
                       "is not identified");
    bb_data d = {n, c, S};
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_multimin_function_fdf fn = {bb_nll, bb_df, bb_fdf, 2, &d};
    gsl_multimin_fdfminimizer *mz = gsl_multimin_fdfminimizer_alloc(
        gsl_multimin_fdfminimizer_vector_bfgs2, 2);
    gsl_vector *x = gsl_vector_alloc(2);
    if (!mz || !x) {
        if (mz) gsl_multimin_fdfminimizer_free(mz);
        if (x) gsl_vector_free(x);
        gsl_set_error_handler(old);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* Starts: a in {0.1, 0.5, 2}, b so that the mean a / (a + b) is the pooled rate. The best
     * end point (lowest negative log-likelihood) is kept. */
    double m = sc / sn, best = GSL_POSINF, bt[2] = {0, 0};
    size_t best_it = 0;
    int best_conv = 0;
    const double a0s[3] = {0.1, 0.5, 2.0};
    for (size_t s = 0; s < 3; s++) {
        double a0 = a0s[s], b0 = a0 * (1.0 - m) / (m > 1e-12 ? m : 1e-12);
        if (b0 > 1e9) b0 = 1e9;
        if (b0 < 1e-6) b0 = 1e-6;
        gsl_vector_set(x, 0, log(a0));
        gsl_vector_set(x, 1, log(b0));
        if (!isfinite(bb_nll(x, &d))) continue;
        gsl_multimin_fdfminimizer_set(mz, &fn, x, 0.1, 0.1);
        size_t it = 0;
        int status = GSL_CONTINUE;
        while (status == GSL_CONTINUE && it < 500) {
            it++;
            if (gsl_multimin_fdfminimizer_iterate(mz) != GSL_SUCCESS) break;
            status = gsl_multimin_test_gradient(mz->gradient, 1e-6 * (1.0 + fabs(mz->f)));
        }
        /* BFGS may stop on a line-search failure close to the optimum: accept when the gradient
         * is small relative to the objective. */
        double g0 = gsl_vector_get(mz->gradient, 0), g1 = gsl_vector_get(mz->gradient, 1);
        int conv = status == GSL_SUCCESS || sqrt(g0 * g0 + g1 * g1) < 1e-4 * (1.0 + fabs(mz->f));
        if (isfinite(mz->f) && mz->f < best) {
            best = mz->f;
            bt[0] = gsl_vector_get(mz->x, 0);
            bt[1] = gsl_vector_get(mz->x, 1);
            best_it = it;
            best_conv = conv;
        }
    }
    gsl_multimin_fdfminimizer_free(mz);
    gsl_vector_free(x);
    if (!isfinite(best) || !best_conv) {
        gsl_set_error_handler(old);
        return sc_fail(err, SC_ENOCONV, NULL, 0, 0,
                       "the beta-binomial fit did not converge (%zu problems, %zu with c = 0)", S,
                       out->nzero);
    }
    if (bt[0] > log(1e6) || bt[1] > log(1e6) + 8.0) {
        gsl_set_error_handler(old);
        return sc_fail(err, SC_ENOCONV, NULL, 0, 0,
                       "the beta-binomial optimum is at the boundary (a = %.3g, b = %.3g): the "
                       "problems differ no more than binomial noise, a Beta is not identified",
                       exp(bt[0]), exp(bt[1]));
    }
    out->a = exp(bt[0]);
    out->b = exp(bt[1]);
    out->iterations = best_it;
    out->converged = 1;
    double lc = 0.0;
    for (size_t i = 0; i < S; i++)
        lc += gsl_sf_lngamma((double)n[i] + 1.0) - gsl_sf_lngamma((double)c[i] + 1.0) -
              gsl_sf_lngamma((double)(n[i] - c[i]) + 1.0);
    out->loglik = lc - best;
    double H[4];
    bb_hessian(bt[0], bt[1], &d, H);
    double det = H[0] * H[3] - H[1] * H[2];
    double z = gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0);
    if (det > 0.0 && H[0] > 0.0) {
        out->cov[0] = H[3] / det;
        out->cov[3] = H[0] / det;
        out->cov[1] = out->cov[2] = -H[1] / det;
        double sa = sqrt(out->cov[0]), sb = sqrt(out->cov[3]);
        out->a_lo = exp(bt[0] - z * sa);
        out->a_hi = exp(bt[0] + z * sa);
        out->b_lo = exp(bt[1] - z * sb);
        out->b_hi = exp(bt[1] + z * sb);
    } else {
        for (size_t k = 0; k < 4; k++) out->cov[k] = NAN;
        out->a_lo = out->a_hi = out->b_lo = out->b_hi = NAN;
    }
    gsl_set_error_handler(old);
    bb_finish(out);
    return SC_OK;
}

double sc_bb_passk(double a, double b, double k)
{
    return -expm1(gsl_sf_lnbeta(a, b + k) - gsl_sf_lnbeta(a, b));
}

/* 1 - (1 - p)^k without cancellation. */
static double passk_p(double p, double k)
{
    if (!(p < 1.0)) return 1.0;
    return -expm1(k * log1p(-p));
}

sc_status sc_bb_forecast_k(const sc_bb_fit *fit, const size_t *n, const size_t *c, size_t S,
                           double k, size_t draws, uint64_t seed, sc_bb_forecast *out,
                           sc_error *err)
{
    memset(out, 0, sizeof *out);
    if (!(k >= 1.0) || !isfinite(k))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "pass@k: k must be >= 1, got %g", k);
    if (S == 0 || S != fit->S)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "forecast: %zu problems for a fit of %zu", S, fit->S);
    if (draws < 100) draws = 2000;
    out->k = k;
    out->population = sc_bb_passk(fit->a, fit->b, k);
    double sum = 0.0;
    for (size_t i = 0; i < S; i++) {
        double ai = fit->a + (double)c[i], bi = fit->b + (double)(n[i] - c[i]);
        sum += -expm1(gsl_sf_lnbeta(ai, bi + k) - gsl_sf_lnbeta(ai, bi));
    }
    out->passk = sum / (double)S;
    out->lo = out->hi = NAN;
    if (!isfinite(fit->cov[0]) || !isfinite(fit->cov[3])) return SC_OK;
    /* Parameter uncertainty by importance sampling of the likelihood surface of (log a, log b)
     * (flat prior there): proposals from a bivariate t (4 degrees of freedom) around the
     * optimum, scaled 1.5 x the Cholesky factor of the covariance, weighted by
     * L(theta) / L(theta^) over the proposal density. This keeps the skew of the likelihood,
     * which the normal approximation loses when most problems have no pass. Per draw, every
     * problem's p_i is then drawn from its posterior Beta(a + c_i, b + n_i - c_i). */
    const double nu = 4.0, scale = 1.5;
    double l11 = sqrt(fit->cov[0]), l21 = fit->cov[1] / l11;
    double l22sq = fit->cov[3] - l21 * l21, l22 = l22sq > 0.0 ? sqrt(l22sq) : 0.0;
    double *v = sc_malloc_array(draws, sizeof *v), *w = sc_malloc_array(draws, sizeof *w);
    size_t *ord = sc_malloc_array(draws, sizeof *ord);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_vector *th = gsl_vector_alloc(2);
    if (!v || !w || !ord || !rng || !th) {
        free(v);
        free(w);
        free(ord);
        if (rng) gsl_rng_free(rng);
        if (th) gsl_vector_free(th);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    gsl_rng_set(rng, (unsigned long)(seed ^ (seed >> 32)) + 0x5bd1e995UL);
    bb_data d = {n, c, S};
    double la = log(fit->a), lb = log(fit->b);
    gsl_vector_set(th, 0, la);
    gsl_vector_set(th, 1, lb);
    double nll0 = bb_nll(th, &d), wmax = -GSL_POSINF;
    for (size_t m = 0; m < draws; m++) {
        double z1 = gsl_ran_ugaussian(rng), z2 = gsl_ran_ugaussian(rng);
        double g = sqrt(nu / gsl_ran_chisq(rng, nu)), q = z1 * z1 + z2 * z2;
        double t1 = scale * g * z1, t2 = scale * g * z2;
        double tla = la + l11 * t1, tlb = lb + l21 * t1 + l22 * t2;
        gsl_vector_set(th, 0, tla);
        gsl_vector_set(th, 1, tlb);
        double nll = bb_nll(th, &d);
        /* log proposal density (up to a constant) at the standardised point g z. */
        double lq = -0.5 * (nu + 2.0) * log1p(q * g * g / nu);
        w[m] = isfinite(nll) ? nll0 - nll - lq : -GSL_POSINF;
        if (w[m] > wmax) wmax = w[m];
        double am = exp(tla), bm = exp(tlb), s = 0.0;
        for (size_t i = 0; isfinite(nll) && i < S; i++) {
            /* p ~ Beta(am + c, bm + n - c) as X / (X + Y) of two gamma variates. */
            double x = gsl_ran_gamma(rng, am + (double)c[i], 1.0);
            double y = gsl_ran_gamma(rng, bm + (double)(n[i] - c[i]), 1.0);
            double p = x + y > 0.0 ? x / (x + y) : 0.0;
            s += passk_p(p, k);
        }
        v[m] = s / (double)S;
    }
    gsl_rng_free(rng);
    gsl_vector_free(th);
    double wsum = 0.0;
    for (size_t m = 0; m < draws; m++) {
        w[m] = isfinite(w[m]) ? exp(w[m] - wmax) : 0.0;
        wsum += w[m];
    }
    gsl_sort_index(ord, v, 1, draws);
    double lo_q = (1.0 - fit->level) / 2.0, hi_q = (1.0 + fit->level) / 2.0, cum = 0.0;
    for (size_t j = 0; j < draws; j++) {
        double before = cum;
        cum += w[ord[j]] / wsum;
        if (before < lo_q && cum >= lo_q) out->lo = v[ord[j]];
        if (before < hi_q && cum >= hi_q) out->hi = v[ord[j]];
    }
    if (isnan(out->hi)) out->hi = v[ord[draws - 1]];
    if (isnan(out->lo)) out->lo = v[ord[0]];
    free(v);
    free(w);
    free(ord);
    return SC_OK;
}

/* ---- the task curve fitted to task-level pass@k ---- */

typedef struct curve_data {
    const double *k, *F; /* F = log(-log y) */
    size_t m;
} curve_data;

static double curve_rss(const gsl_vector *th, void *p)
{
    const curve_data *d = p;
    double la = gsl_vector_get(th, 0), lb = gsl_vector_get(th, 1);
    if (!(fabs(la) < 25.0 && fabs(lb) < 25.0)) return GSL_POSINF;
    double a = exp(la), b = exp(lb), rss = 0.0;
    for (size_t j = 0; j < d->m; j++) {
        double y = sc_bb_passk(a, b, d->k[j]);
        if (!(y > 0.0 && y < 1.0)) return GSL_POSINF;
        double e = log(-log(y)) - d->F[j];
        rss += e * e;
    }
    return rss;
}

sc_status sc_bb_fit_curve(const double *k, const double *y, size_t m, sc_bb_fit *out,
                          sc_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t q = 0; q < 4; q++) out->cov[q] = NAN;
    out->a_lo = out->a_hi = out->b_lo = out->b_hi = NAN;
    double *kk = sc_malloc_array(m ? m : 1, sizeof *kk), *F = sc_malloc_array(m ? m : 1, sizeof *F);
    if (!kk || !F) {
        free(kk);
        free(F);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t u = 0;
    for (size_t j = 0; j < m; j++)
        if (y[j] > 0.0 && y[j] < 1.0 && k[j] >= 1.0 && isfinite(k[j])) {
            kk[u] = k[j];
            F[u++] = log(-log(y[j]));
        }
    if (u < 3) {
        free(kk);
        free(F);
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "%zu usable pass@k points (0 < pass@k < 1): the Beta curve needs at least 3", u);
    }
    curve_data d = {kk, F, u};
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    gsl_multimin_function fn = {curve_rss, 2, &d};
    gsl_multimin_fminimizer *mz = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, 2);
    gsl_vector *x = gsl_vector_alloc(2), *step = gsl_vector_alloc(2);
    double best = GSL_POSINF, bt[2] = {0, 0};
    size_t best_it = 0;
    int best_conv = 0;
    sc_status st = SC_OK;
    if (!mz || !x || !step) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    /* A grid of starts over log a in [-3, 1] and log b in [-1, 9]: the rss has long valleys
     * (a and b trade off when the points lie far from k ~ b). */
    for (int ia = 0; ia < 5; ia++)
        for (int ib = 0; ib < 6; ib++) {
            gsl_vector_set(x, 0, -3.0 + ia);
            gsl_vector_set(x, 1, -1.0 + 2.0 * ib);
            if (!isfinite(curve_rss(x, &d))) continue;
            gsl_vector_set_all(step, 0.5);
            gsl_multimin_fminimizer_set(mz, &fn, x, step);
            size_t it = 0;
            int status = GSL_CONTINUE;
            while (status == GSL_CONTINUE && it < 2000) {
                it++;
                if (gsl_multimin_fminimizer_iterate(mz) != GSL_SUCCESS) break;
                status = gsl_multimin_test_size(gsl_multimin_fminimizer_size(mz), 1e-9);
            }
            if (isfinite(mz->fval) && mz->fval < best) {
                best = mz->fval;
                bt[0] = gsl_vector_get(mz->x, 0);
                bt[1] = gsl_vector_get(mz->x, 1);
                best_it = it;
                best_conv = status == GSL_SUCCESS;
            }
        }
    if (!isfinite(best) || !best_conv) {
        st = sc_fail(err, SC_ENOCONV, NULL, 0, 0, "the Beta pass@k curve did not converge");
        goto done;
    }
    out->S = 0;
    out->a = exp(bt[0]);
    out->b = exp(bt[1]);
    out->loglik = -best / 2.0;
    out->iterations = best_it;
    out->converged = 1;
    bb_finish(out);
done:
    if (mz) gsl_multimin_fminimizer_free(mz);
    if (x) gsl_vector_free(x);
    if (step) gsl_vector_free(step);
    gsl_set_error_handler(old);
    free(kk);
    free(F);
    return st;
}

/* ---- Eq. 5 at one compute ---- */

sc_status sc_passk_line_k(const double *k, const double *y, size_t m, double *c1, double *c3,
                          sc_error *err)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    size_t u = 0;
    for (size_t j = 0; j < m; j++) {
        if (!(y[j] > 0.0 && y[j] < 1.0) || !(k[j] >= 1.0)) continue;
        double lx = log(k[j]), F = log(-log(y[j]));
        sx += lx;
        sy += F;
        sxx += lx * lx;
        sxy += lx * F;
        u++;
    }
    double den = (double)u * sxx - sx * sx;
    if (u < 2 || !(den > 1e-12 * (double)u * sxx))
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "%zu usable pass@k points: Eq. 5 in k needs at least 2 with distinct k", u);
    *c1 = ((double)u * sxy - sx * sy) / den;
    *c3 = (sy - *c1 * sx) / (double)u;
    return SC_OK;
}

double sc_passk_line_predict(double c1, double c3, double k)
{
    return exp(-exp(c3 + c1 * log(k)));
}
