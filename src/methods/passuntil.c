/* SPDX-License-Identifier: GPL-3.0-or-later
 * PassUntil (Hu et al. 2024, "Predicting Emergent Abilities with Infinite Resolution
 * Evaluation", ICLR 2024): instance estimates with exact intervals, task estimates with a
 * bootstrap over instances, the task law log(-log PU) = log c - alpha log N (their Eq. 3), the
 * instance-level law, and the test for accelerated emergence. */
#include "core/internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sf_result.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* SplitMix64 finaliser: a stream seed for (seed, index), so that replicate b's resample depends
 * on (seed, b) only. */
static uint64_t pu_mix(uint64_t seed, uint64_t index)
{
    uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (index + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static gsl_rng *pu_rng(uint64_t seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r) gsl_rng_set(r, (unsigned long)(seed & 0xffffffffUL) ^ (unsigned long)(seed >> 32));
    return r;
}

/* Quantile of the Beta(a, b) distribution. gsl_cdf_beta_Pinv fails to converge for some
 * far-tail arguments (e.g. small P with a large b), so its answer is checked against
 * gsl_cdf_beta_P and, when it is off, replaced by bisection on the logit of x (the CDF is
 * monotone, and the logit resolves both tails to full relative precision). */
static double beta_quantile(double P, double a, double b)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double x = gsl_cdf_beta_Pinv(P, a, b);
    int good = isfinite(x) && x >= 0.0 && x <= 1.0 &&
               fabs(gsl_cdf_beta_P(x, a, b) - P) <= 1e-10 * (P < 0.5 ? P : 1.0 - P);
    if (!good) {
        double lo = -745.0, hi = 40.0;
        for (int it = 0; it < 200 && hi - lo > 1e-13 * (1.0 + fabs(lo)); it++) {
            double mid = 0.5 * (lo + hi);
            double xm = 1.0 / (1.0 + exp(-mid));
            if (gsl_cdf_beta_P(xm, a, b) < P) lo = mid;
            else hi = mid;
        }
        x = 1.0 / (1.0 + exp(-0.5 * (lo + hi)));
    }
    gsl_set_error_handler(old);
    return x;
}

/* The largest K_max accepted (documented in docs/passuntil.md; the schedule has the same). */
#define SC_PU_KMAX_LIMIT 1000000000u

/* log(-log p): the space of the task law. */
static double loglog(double p)
{
    return log(-log(p));
}

sc_status sc_pu_estimate(size_t draws, size_t passes, size_t r, size_t kmax, double level,
                         sc_pu_est *out, sc_error *err)
{
    if (r < 1) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "r must be >= 1 (got %zu)", r);
    if (kmax < r)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "K_max (%zu) must be >= r (%zu)", kmax, r);
    if (kmax > SC_PU_KMAX_LIMIT)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "K_max (%zu) above the limit of %zu draws",
                       kmax, (size_t)SC_PU_KMAX_LIMIT);
    if (!(level > 0.0 && level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must be in (0, 1), got %g", level);
    if (draws == 0) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "no draws (K = 0)");
    if (passes > draws)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "passes (%zu) > draws (%zu)", passes, draws);
    if (draws > kmax)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "draws (%zu) > K_max (%zu)", draws, kmax);
    if (passes > r)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "passes (%zu) > r (%zu): sampling stops at the r-th pass", passes, r);
    memset(out, 0, sizeof *out);
    out->draws = draws;
    out->passes = passes;
    out->r = r;
    double K = (double)draws, c = (double)passes, a = 1.0 - level;
    if (passes == r) {
        /* Resolved: the failures F = K - r are negative binomial. P(F <= f; p) =
         * P(Bin(K, p) >= r) = I_p(r, K - r + 1) gives the lower bound; P(F >= f; p) =
         * P(Bin(K - 1, p) <= r - 1) = 1 - I_p(r, K - r) gives the upper bound (Clopper-Pearson
         * construction for inverse sampling). */
        out->censored = 0;
        out->pu = c / K;
        /* For means over instances the unbiased (r - 1) / (K - 1) (Haldane 1945; the MVUE for
         * inverse binomial sampling) is used when r >= 2: r / K is biased upwards, by a factor
         * near r / (r - 1) for small p. With r = 1 no unbiased estimate exists and r / K is
         * used (its mean overstates small pass rates: sample with r >= 2 for task means). */
        out->value = r >= 2 ? (c - 1.0) / (K - 1.0) : out->pu;
        out->lo = beta_quantile(a / 2.0, c, K - c + 1.0);
        out->hi = draws == r ? 1.0 : beta_quantile(1.0 - a / 2.0, c, K - c);
    } else {
        /* Censored: fewer than r passes in K draws. The one-sided upper bound solves
         * P(Bin(K, p) <= c) = 1 - level; the value used in means is the median-unbiased p,
         * P(Bin(K, p) <= c) = 1/2, which is > 0 even when c = 0. */
        out->censored = 1;
        out->pu = NAN;
        out->lo = 0.0;
        if (passes == draws) {
            out->hi = 1.0;
            out->value = pow(0.5, 1.0 / K);
        } else {
            out->hi = beta_quantile(level, c + 1.0, K - c);
            out->value = beta_quantile(0.5, c + 1.0, K - c);
        }
    }
    return SC_OK;
}

sc_status sc_pu_estimate_budget(size_t n, size_t c, double level, sc_pu_est *out, sc_error *err)
{
    if (n == 0) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "no samples (n = 0)");
    if (c > n)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "correct c (%zu) > samples n (%zu)", c, n);
    if (!(level > 0.0 && level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must be in (0, 1), got %g", level);
    memset(out, 0, sizeof *out);
    out->budget = 1;
    out->draws = n;
    out->passes = c;
    out->r = c;
    double N = (double)n, C = (double)c, a = 1.0 - level;
    /* Binomial sampling: c / n is unbiased (and the MLE), 0 exactly when nothing passed, so a
     * task mean counts such a problem as 0. Interval: Clopper-Pearson (1934). */
    out->pu = out->value = C / N;
    if (c == 0) {
        /* Nothing passed: for instance-level fits only an upper bound, censored at the budget:
         * P(Bin(n, p) = 0) = (1 - p)^n = 1 - level. */
        out->censored = 1;
        out->lo = 0.0;
        out->hi = -expm1(log1p(-level) / N);
    } else {
        out->lo = beta_quantile(a / 2.0, C, N - C + 1.0);
        out->hi = c == n ? 1.0 : beta_quantile(1.0 - a / 2.0, C + 1.0, N - C);
    }
    return SC_OK;
}

size_t sc_pu_zero_sizes(const sc_pu_est *est, size_t S, size_t M, double level,
                        unsigned char *flag, double *bound)
{
    size_t nflag = 0;
    for (size_t m = 0; m < M; m++) {
        size_t kmin = SIZE_MAX, passes = 0;
        for (size_t s = 0; s < S; s++) {
            passes += est[s * M + m].passes;
            if (est[s * M + m].draws < kmin) kmin = est[s * M + m].draws;
        }
        flag[m] = S > 0 && passes == 0;
        bound[m] = NAN;
        if (!flag[m]) continue;
        nflag++;
        /* All S instances failed every draw: P = prod_s (1 - p_s)^K_s <= prod_s (1 - p_s)^Kmin
         * <= (1 - mean p)^(S Kmin) (AM-GM), so mean p <= 1 - (1 - level)^(1 / (S Kmin)). */
        bound[m] = -expm1(log1p(-level) / ((double)S * (double)kmin));
    }
    return nflag;
}

double sc_pu_empirical(const sc_pu_est *est, size_t stride, size_t S)
{
    double sum = 0.0;
    for (size_t s = 0; s < S; s++)
        sum += (double)est[s * stride].passes / (double)est[s * stride].draws;
    return S ? sum / (double)S : NAN;
}

static double quantile_sorted(const double *v, size_t n, double q)
{
    return gsl_stats_quantile_from_sorted_data(v, 1, n, q);
}

/* Task estimate from instance values; work has B doubles. */
static sc_status task_estimate(const sc_pu_est *inst, size_t stride, size_t S, size_t B,
                               uint64_t seed, double level, double *work, sc_pu_task *out)
{
    memset(out, 0, sizeof *out);
    out->S = S;
    double sum = 0.0, meas = 0.0, z = gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0);
    for (size_t s = 0; s < S; s++) {
        const sc_pu_est *e = &inst[s * stride];
        sum += e->value;
        if (e->censored) out->ncensored++;
        double sd = (e->hi - e->lo) / (2.0 * z);
        meas += sd * sd;
    }
    out->pu = sum / (double)S;
    meas /= (double)S * (double)S;
    gsl_rng *rng = pu_rng(seed);
    if (!rng) return SC_ENOMEM;
    size_t nb = 0;
    for (size_t b = 0; b < B; b++) {
        gsl_rng_set(rng, (unsigned long)pu_mix(seed, b));
        double m = 0.0;
        for (size_t s = 0; s < S; s++)
            m += inst[gsl_rng_uniform_int(rng, (unsigned long)S) * stride].value;
        work[nb++] = m / (double)S;
    }
    gsl_rng_free(rng);
    gsl_sort(work, 1, nb);
    out->lo = quantile_sorted(work, nb, (1.0 - level) / 2.0);
    out->hi = quantile_sorted(work, nb, (1.0 + level) / 2.0);
    /* The spread of log(-log PU): the larger of the bootstrap variance (instances differ) and
     * the measurement variance of the instance intervals, both mapped by the delta method
     * d log(-log p) / dp = 1 / (p log p). */
    double var_pu = gsl_stats_variance(work, 1, nb);
    if (!(var_pu > meas)) var_pu = meas;
    double d = out->pu * log(out->pu);
    out->sd_loglog = sqrt(var_pu) / fabs(d);
    /* The bootstrap over instances sees no measurement error: with one instance, or identical
     * ones, its interval has zero width. The reported interval is therefore at least as wide as
     * the one implied by sd_loglog, F +- z sd_loglog with F = log(-log PU), mapped back by
     * PU = exp(-exp(F)) (decreasing in F). When PU = 1 (no F) the means of the instances' exact
     * bounds are used instead. */
    double mlo, mhi;
    if (out->pu > 0.0 && out->pu < 1.0 && isfinite(out->sd_loglog)) {
        double F = loglog(out->pu);
        mlo = exp(-exp(F + z * out->sd_loglog));
        mhi = exp(-exp(F - z * out->sd_loglog));
    } else {
        mlo = mhi = 0.0;
        for (size_t s = 0; s < S; s++) {
            mlo += inst[s * stride].lo / (double)S;
            mhi += inst[s * stride].hi / (double)S;
        }
    }
    if (mlo < out->lo) out->lo = mlo;
    if (mhi > out->hi) out->hi = mhi;
    return SC_OK;
}

sc_status sc_pu_task_estimate(const sc_pu_est *inst, size_t S, size_t B, uint64_t seed,
                              double level, sc_pu_task *out, sc_error *err)
{
    if (S == 0) return sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no instances");
    if (!(level > 0.0 && level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must be in (0, 1), got %g", level);
    if (B < 2) B = 1000;
    double *work = sc_malloc_array(B, sizeof *work);
    if (!work) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    sc_status st = task_estimate(inst, 1, S, B, seed, level, work, out);
    free(work);
    if (st != SC_OK) return sc_fail(err, st, NULL, 0, 0, "out of memory");
    return SC_OK;
}

void sc_pu_fit_free(sc_pu_fit *fit)
{
    if (!fit) return;
    free(fit->N);
    free(fit->F);
    free(fit->sdF);
    free(fit->task);
    free(fit->boot);
    free(fit);
}

/* Weighted LS of F on (1, x - xbar[, (x - xbar)^2]) with weights w. */
typedef struct wls {
    size_t M, p;
    gsl_matrix *X, *cov;
    gsl_vector *y, *w, *c;
    gsl_multifit_linear_workspace *ws;
} wls;

static void wls_free(wls *l)
{
    if (l->X) gsl_matrix_free(l->X);
    if (l->cov) gsl_matrix_free(l->cov);
    if (l->y) gsl_vector_free(l->y);
    if (l->w) gsl_vector_free(l->w);
    if (l->c) gsl_vector_free(l->c);
    if (l->ws) gsl_multifit_linear_free(l->ws);
}

static int wls_init(wls *l, const double *x, double xbar, const double *sd, size_t M, size_t p)
{
    memset(l, 0, sizeof *l);
    l->M = M;
    l->p = p;
    l->X = gsl_matrix_alloc(M, p);
    l->cov = gsl_matrix_alloc(p, p);
    l->y = gsl_vector_alloc(M);
    l->w = gsl_vector_alloc(M);
    l->c = gsl_vector_alloc(p);
    l->ws = gsl_multifit_linear_alloc(M, p);
    if (!l->X || !l->cov || !l->y || !l->w || !l->c || !l->ws) {
        wls_free(l);
        return -1;
    }
    for (size_t m = 0; m < M; m++) {
        double u = x[m] - xbar, v = 1.0;
        for (size_t j = 0; j < p; j++, v *= u) gsl_matrix_set(l->X, m, j, v);
        gsl_vector_set(l->w, m, 1.0 / (sd[m] * sd[m]));
    }
    return 0;
}

static int wls_solve(wls *l, const double *F, double *beta, double *chisq)
{
    for (size_t m = 0; m < l->M; m++) gsl_vector_set(l->y, m, F[m]);
    double chi = 0.0;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    int rc = gsl_multifit_wlinear(l->X, l->w, l->y, l->c, l->cov, &chi, l->ws);
    gsl_set_error_handler(old);
    if (rc != GSL_SUCCESS) return -1;
    for (size_t j = 0; j < l->p; j++) {
        beta[j] = gsl_vector_get(l->c, j);
        if (!isfinite(beta[j])) return -1;
    }
    if (chisq) *chisq = chi;
    return 0;
}

static sc_status check_ladder(const double *N, size_t M, const sc_pu_est *est, size_t S,
                              sc_error *err)
{
    if (S == 0) return sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no instances");
    if (M == 0) return sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no model sizes");
    for (size_t m = 0; m < M; m++)
        if (!(N[m] > 0.0) || !isfinite(N[m]))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "model size N = %g must be > 0", N[m]);
    for (size_t k = 0; k < S * M; k++)
        if (!(est[k].value > 0.0 && est[k].value <= 1.0) && !(est[k].budget && est[k].value == 0.0))
            return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                           "instance %zu at N = %g: value %g outside (0, 1]", k / M + 1,
                           N[k % M], est[k].value);
    return SC_OK;
}

sc_status sc_pu_fit_task(const double *N, size_t M, const sc_pu_est *est, size_t S,
                         const sc_pu_fit_opts *opts, sc_pu_fit **out, sc_error *err)
{
    *out = NULL;
    SC_TRY(check_ladder(N, M, est, S, err));
    sc_pu_fit_opts o = {0.9, 1000, 1, 0};
    if (opts) o = *opts;
    if (o.level == 0.0) o.level = 0.9;
    if (o.B < 2) o.B = 1000;
    if (!(o.level > 0.0 && o.level < 1.0))
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "level must be in (0, 1), got %g", o.level);
    size_t p = o.quadratic ? 3 : 2;
    if (M < p + 1)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "%zu model sizes: the %s fit needs at least %zu", M,
                       o.quadratic ? "quadratic" : "linear", p + 1);
    sc_pu_fit *fit = calloc(1, sizeof *fit);
    if (!fit) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    fit->M = M;
    fit->S = S;
    fit->p = p;
    fit->level = o.level;
    fit->B = o.B;
    fit->N = sc_malloc_array(M, sizeof *fit->N);
    fit->F = sc_malloc_array(M, sizeof *fit->F);
    fit->sdF = sc_malloc_array(M, sizeof *fit->sdF);
    fit->task = sc_calloc(M, sizeof *fit->task);
    fit->boot = sc_malloc_array(o.B * p, sizeof *fit->boot);
    double *x = sc_malloc_array(M, sizeof *x);
    double *work = sc_malloc_array(o.B > S ? o.B : S, sizeof *work);
    double *Fb = sc_malloc_array(M, sizeof *Fb);
    size_t *pick = sc_malloc_array(S, sizeof *pick);
    wls l;
    memset(&l, 0, sizeof l);
    sc_status st = SC_OK;
    if (!fit->N || !fit->F || !fit->sdF || !fit->task || !fit->boot || !x || !work || !Fb ||
        !pick) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    double xbar = 0.0;
    for (size_t m = 0; m < M; m++) {
        fit->N[m] = N[m];
        x[m] = log(N[m]);
        xbar += x[m] / (double)M;
        st = task_estimate(est + m, M, S, o.B, pu_mix(o.seed, 0x7a5c0000ULL + m), o.level, work,
                           &fit->task[m]);
        if (st != SC_OK) {
            st = sc_fail(err, st, NULL, 0, 0, "out of memory");
            goto done;
        }
        if (!(fit->task[m].pu > 0.0)) {
            st = sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                         "no instance passed at N = %g: this size carries no point for the law "
                         "(leave it out; it gives only an upper bound)",
                         N[m]);
            goto done;
        }
        if (!(fit->task[m].pu < 1.0)) {
            st = sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                         "task PU = 1 at N = %g (every instance passed on its first r draws): "
                         "log(-log PU) is undefined; leave this size out or raise r",
                         N[m]);
            goto done;
        }
        fit->F[m] = loglog(fit->task[m].pu);
        fit->sdF[m] = fit->task[m].sd_loglog;
        if (!(fit->sdF[m] > 0.0) || !isfinite(fit->sdF[m])) {
            st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0,
                         "no spread at N = %g: the weight of this size is undefined", N[m]);
            goto done;
        }
    }
    fit->xbar = xbar;
    if (wls_init(&l, x, xbar, fit->sdF, M, p) != 0) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (wls_solve(&l, fit->F, fit->beta, &fit->chi2) != 0) {
        st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0,
                     "weighted least squares failed (sizes too close together?)");
        goto done;
    }
    fit->dof = M - p;
    fit->scale = fit->chi2 / (double)fit->dof;
    if (fit->scale < 1.0) fit->scale = 1.0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++)
            fit->cov[i * p + j] = gsl_matrix_get(l.cov, i, j) * fit->scale;
    fit->alpha = -fit->beta[1];
    fit->logc = fit->beta[0] - fit->beta[1] * xbar;
    double t = gsl_cdf_tdist_Qinv((1.0 - o.level) / 2.0, (double)fit->dof);
    double se = sqrt(fit->cov[1 * p + 1]);
    fit->alpha_lo = fit->alpha - t * se;
    fit->alpha_hi = fit->alpha + t * se;
    /* Bootstrap over instances: the same resampled instances at every size, so the correlation
     * between sizes that shared instances bring is kept. Weights stay those of the data. */
    gsl_rng *rng = pu_rng(o.seed);
    if (!rng) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t nok = 0;
    for (size_t b = 0; b < o.B; b++) {
        gsl_rng_set(rng, (unsigned long)pu_mix(o.seed, 0x5eed0000ULL + b));
        for (size_t s = 0; s < S; s++) pick[s] = gsl_rng_uniform_int(rng, (unsigned long)S);
        int ok = 1;
        for (size_t m = 0; m < M && ok; m++) {
            double sum = 0.0;
            for (size_t s = 0; s < S; s++) sum += est[pick[s] * M + m].value;
            double pu = sum / (double)S;
            Fb[m] = pu < 1.0 ? loglog(pu) : NAN;
            if (!isfinite(Fb[m])) ok = 0;
        }
        double *row = fit->boot + b * p;
        if (!ok || wls_solve(&l, Fb, row, NULL) != 0) {
            for (size_t j = 0; j < p; j++) row[j] = NAN;
            fit->bfailed++;
            continue;
        }
        work[nok++] = -row[1];
    }
    gsl_rng_free(rng);
    if (nok < 2) {
        fit->alpha_blo = fit->alpha_bhi = NAN;
    } else {
        gsl_sort(work, 1, nok);
        fit->alpha_blo = quantile_sorted(work, nok, (1.0 - o.level) / 2.0);
        fit->alpha_bhi = quantile_sorted(work, nok, (1.0 + o.level) / 2.0);
    }
done:
    wls_free(&l);
    free(x);
    free(work);
    free(Fb);
    free(pick);
    if (st != SC_OK) {
        sc_pu_fit_free(fit);
        return st;
    }
    *out = fit;
    return SC_OK;
}

static double fit_F(const double *beta, size_t p, double u)
{
    double f = 0.0, v = 1.0;
    for (size_t j = 0; j < p; j++, v *= u) f += beta[j] * v;
    return f;
}

void sc_pu_fit_predict(const sc_pu_fit *fit, double N, double *pu, double *lo, double *hi,
                       double *blo, double *bhi)
{
    size_t p = fit->p;
    double u = log(N) - fit->xbar, v[3] = {1.0, u, u * u};
    double F0 = fit_F(fit->beta, p, u), var = 0.0;
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) var += v[i] * fit->cov[i * p + j] * v[j];
    double t = gsl_cdf_tdist_Qinv((1.0 - fit->level) / 2.0, (double)fit->dof);
    double se = sqrt(var);
    /* PU = exp(-exp(F)) decreases in F. */
    if (pu) *pu = exp(-exp(F0));
    if (lo) *lo = exp(-exp(F0 + t * se));
    if (hi) *hi = exp(-exp(F0 - t * se));
    if (blo || bhi) {
        double *w = sc_malloc_array(fit->B ? fit->B : 1, sizeof *w);
        size_t n = 0;
        for (size_t b = 0; w && b < fit->B; b++) {
            const double *row = fit->boot + b * p;
            if (isnan(row[0])) continue;
            w[n++] = exp(-exp(fit_F(row, p, u)));
        }
        double a = NAN, c = NAN;
        if (n >= 2) {
            gsl_sort(w, 1, n);
            a = quantile_sorted(w, n, (1.0 - fit->level) / 2.0);
            c = quantile_sorted(w, n, (1.0 + fit->level) / 2.0);
        }
        free(w);
        if (blo) *blo = a;
        if (bhi) *bhi = c;
    }
}

/* ---- instance-level law ---- */

/* The sd of log(-log PU) of a resolved instance, sqrt(psi_1(r)) / |log PU|: for small p, K p is
 * Gamma(r, 1) and Var log(K p) = psi_1(r) (trigamma). psi_1 is evaluated at the double r (no
 * int conversion, any r), with its status checked; NaN when it cannot be evaluated. */
static double inst_sd(const sc_pu_est *e)
{
    /* Fixed budget: Var(c / n) = p (1 - p) / n, so Var log p^ ~ (1 - p) / c (delta method). */
    if (e->budget)
        return e->passes ? sqrt((1.0 - e->pu) / (double)e->passes) / fabs(log(e->pu)) : NAN;
    gsl_sf_result res;
    if (gsl_sf_psi_1_e((double)e->r, &res) != GSL_SUCCESS || !(res.val > 0.0)) return NAN;
    return sqrt(res.val) / fabs(log(e->pu));
}

void sc_pu_inst_fit_free(sc_pu_inst_fit *fit)
{
    if (!fit) return;
    free(fit->logc);
    free(fit->alpha);
    free(fit->kind);
    free(fit);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

sc_status sc_pu_fit_instances(const double *N, size_t M, const sc_pu_est *est, size_t S,
                              sc_pu_inst_fit **out, sc_error *err)
{
    *out = NULL;
    SC_TRY(check_ladder(N, M, est, S, err));
    /* GSL's default handler aborts: off here, every status is checked. */
    gsl_error_handler_t *old_handler = gsl_set_error_handler_off();
    sc_pu_inst_fit *fit = calloc(1, sizeof *fit);
    double *x = sc_malloc_array(M, sizeof *x), *F = sc_malloc_array(M, sizeof *F);
    double *sd = sc_malloc_array(M, sizeof *sd), *xs = sc_malloc_array(M, sizeof *xs);
    double *al = sc_malloc_array(S, sizeof *al);
    if (fit) {
        fit->S = S;
        fit->logc = sc_malloc_array(S, sizeof *fit->logc);
        fit->alpha = sc_malloc_array(S, sizeof *fit->alpha);
        fit->kind = sc_calloc(S, sizeof *fit->kind);
    }
    sc_status st = SC_OK;
    if (!fit || !x || !F || !sd || !xs || !al || !fit->logc || !fit->alpha || !fit->kind) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t m = 0; m < M; m++) x[m] = log(N[m]);
    size_t nal = 0;
    /* Pass 1: instances with >= 3 resolved sizes get their own weighted line. A resolved point
     * with PU = 1 (K = r) has no finite log(-log PU) and is left out like a censored one. The
     * sd of log(-log PU) is sqrt(psi_1(r)) / |log PU|: for small p, K p is Gamma(r, 1) and
     * Var log(K p) = psi_1(r) (trigamma). */
    for (size_t s = 0; s < S; s++) {
        size_t n = 0;
        double mean = 0.0;
        for (size_t m = 0; m < M; m++) {
            const sc_pu_est *e = &est[s * M + m];
            if (e->censored || !(e->pu < 1.0)) continue;
            xs[n] = x[m];
            F[n] = loglog(e->pu);
            sd[n] = inst_sd(e);
            if (!isfinite(sd[n]) || !(sd[n] > 0.0)) {
                st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0,
                             "instance %zu at N = %g: no finite spread for r = %zu, PU = %g", s + 1,
                             N[m], e->r, e->pu);
                goto done;
            }
            mean += x[m];
            n++;
        }
        fit->kind[s] = -1;
        if (n < 3) continue;
        mean /= (double)n;
        wls l;
        double beta[2];
        if (wls_init(&l, xs, mean, sd, n, 2) != 0) {
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        int rc = wls_solve(&l, F, beta, NULL);
        wls_free(&l);
        if (rc != 0) continue;
        fit->kind[s] = 2;
        fit->alpha[s] = -beta[1];
        fit->logc[s] = beta[0] - beta[1] * mean;
        al[nal++] = fit->alpha[s];
        fit->nfull++;
    }
    if (nal == 0) {
        st = sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                     "no instance has 3 resolved model sizes: the instance-level law needs them "
                     "(raise K_max)");
        goto done;
    }
    qsort(al, nal, sizeof *al, cmp_double);
    fit->alpha_median = gsl_stats_median_from_sorted_data(al, 1, nal);
    /* Pass 2: the others. */
    for (size_t s = 0; s < S; s++) {
        if (fit->kind[s] == 2) continue;
        double a = fit->alpha_median, sw = 0.0, swy = 0.0, bound = -INFINITY;
        for (size_t m = 0; m < M; m++) {
            const sc_pu_est *e = &est[s * M + m];
            if (e->censored) {
                /* PU <= hi, so log c - alpha x >= log(-log hi). */
                if (e->hi < 1.0) {
                    double b = loglog(e->hi) + a * x[m];
                    if (b > bound) bound = b;
                }
                continue;
            }
            if (!(e->pu < 1.0)) continue;
            double sdv = inst_sd(e);
            if (!isfinite(sdv) || !(sdv > 0.0)) {
                st = sc_fail(err, SC_ENUMERIC, NULL, 0, 0,
                             "instance %zu at N = %g: no finite spread for r = %zu, PU = %g", s + 1,
                             N[m], e->r, e->pu);
                goto done;
            }
            double wgt = 1.0 / (sdv * sdv);
            sw += wgt;
            swy += wgt * (loglog(e->pu) + a * x[m]);
        }
        fit->alpha[s] = a;
        if (sw > 0.0) {
            fit->kind[s] = 1;
            fit->logc[s] = swy / sw;
            fit->npartial++;
        } else if (isfinite(bound)) {
            fit->kind[s] = 0;
            fit->logc[s] = bound;
            fit->nbounded++;
        } else {
            /* Every point is PU = 1 or an uninformative bound: the instance is solved at every
             * size; a very small c stands for "always passes". */
            fit->kind[s] = 1;
            fit->logc[s] = -INFINITY;
            fit->npartial++;
        }
    }
    /* Check the fitted laws against the censored upper bounds. */
    for (size_t s = 0; s < S; s++) {
        if (fit->kind[s] == 0) continue;
        for (size_t m = 0; m < M; m++) {
            const sc_pu_est *e = &est[s * M + m];
            if (!e->censored) continue;
            double p = exp(-exp(fit->logc[s] - fit->alpha[s] * x[m]));
            if (p > e->hi) fit->nviolations++;
        }
    }
done:
    gsl_set_error_handler(old_handler);
    free(x);
    free(F);
    free(sd);
    free(xs);
    free(al);
    if (st != SC_OK) {
        sc_pu_inst_fit_free(fit);
        return st;
    }
    *out = fit;
    return SC_OK;
}

double sc_pu_inst_predict(const sc_pu_inst_fit *fit, double N)
{
    double sum = 0.0, x = log(N);
    for (size_t s = 0; s < fit->S; s++) sum += exp(-exp(fit->logc[s] - fit->alpha[s] * x));
    return sum / (double)fit->S;
}

/* ---- emergence test ---- */

const char *sc_pu_class_name(sc_pu_class c)
{
    switch (c) {
    case SC_PU_LINEAR: return "linear (scaling-law growth)";
    case SC_PU_CONVEX: return "convex (sub-scaling, multi-step)";
    case SC_PU_CONCAVE: return "concave (accelerated emergence)";
    }
    return "unknown";
}

sc_status sc_pu_classify(const double *N, size_t M, const sc_pu_est *est, size_t S,
                         const sc_pu_fit_opts *opts, sc_pu_emergence *out, sc_error *err)
{
    if (M < 5)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "%zu model sizes: the emergence test needs at least 5", M);
    sc_pu_fit_opts o = {0.9, 1000, 1, 0};
    if (opts) o = *opts;
    sc_pu_fit *lin = NULL, *quad = NULL;
    o.quadratic = 0;
    SC_TRY(sc_pu_fit_task(N, M, est, S, &o, &lin, err));
    o.quadratic = 1;
    sc_status st = sc_pu_fit_task(N, M, est, S, &o, &quad, err);
    if (st != SC_OK) {
        sc_pu_fit_free(lin);
        return st;
    }
    memset(out, 0, sizeof *out);
    /* Gaussian log-likelihood with the weights known up to one scale sigma^2 (estimated):
     * -2 log L = M log(chi2 / M) + const; the parameters are the betas and sigma. */
    double m = (double)M;
    double ll_lin = m * log(lin->chi2 / m), ll_quad = m * log(quad->chi2 / m);
    out->aic_line = ll_lin + 2.0 * 3.0;
    out->aic_quad = ll_quad + 2.0 * 4.0;
    out->bic_line = ll_lin + 3.0 * log(m);
    out->bic_quad = ll_quad + 4.0 * log(m);
    out->curv = quad->beta[2];
    double *w = sc_malloc_array(quad->B, sizeof *w);
    if (!w) {
        sc_pu_fit_free(lin);
        sc_pu_fit_free(quad);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    size_t n = 0;
    for (size_t b = 0; b < quad->B; b++)
        if (!isnan(quad->boot[b * 3 + 2])) w[n++] = quad->boot[b * 3 + 2];
    out->curv_lo = out->curv_hi = NAN;
    if (n >= 2) {
        gsl_sort(w, 1, n);
        out->curv_lo = quantile_sorted(w, n, (1.0 - quad->level) / 2.0);
        out->curv_hi = quantile_sorted(w, n, (1.0 + quad->level) / 2.0);
    }
    free(w);
    out->cls = SC_PU_LINEAR;
    if (out->aic_quad < out->aic_line && out->bic_quad < out->bic_line && n >= 2) {
        if (out->curv_lo > 0.0) out->cls = SC_PU_CONVEX;
        else if (out->curv_hi < 0.0) out->cls = SC_PU_CONCAVE;
    }
    sc_pu_fit_free(lin);
    sc_pu_fit_free(quad);
    return SC_OK;
}
