/* SPDX-License-Identifier: GPL-3.0-or-later
 * Fit recipes: for each accuracy law, what it is fitted against, in which space, with which
 * loss, tolerance and starts. backtest, fit and forecast all take their settings from this one
 * table, so a law chosen by a backtest is refitted the same way for the forecast. The settings
 * are those of Krajewski et al. 2025 (Sec. 4-5 and App.): least squares for the plain power law
 * and the two-stage routes, Huber(1e-3) for the laws with a saturation term, BNSL from 100
 * random starts in the paper's box. */
#include "core/internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const sc_recipe recipes[] = {
    {"powerlaw", &sc_law_powerlaw, SC_RIN_C, 1, SC_LOSS_LS, 0.0, 0.0, 0, 0, 1, 0, 0},
    /* The Huber(1e-3) objective is nearly L1: its minimum needs tight tests to be reached
     * (checked against scipy BFGS in tests/unit/test_law_fits.c). */
    {"powerlaw-qmax", &sc_law_powerlaw_qmax, SC_RIN_C, 1, SC_LOSS_HUBER, 1e-3, 1e-12, 20000, 0,
     1, 1, 0},
    {"bnsl", &sc_law_bnsl, SC_RIN_C, 0, SC_LOSS_HUBER, 1e-3, 1e-12, 20000, 100, 0, 0, 0},
    {"multitpr", &sc_law_multitpr, SC_RIN_ND, 1, SC_LOSS_HUBER, 1e-3, 1e-12, 20000, 0, 1, 1, 0},
    {"twostage-linear", &sc_law_acc_linear, SC_RIN_LOSS, 0, SC_LOSS_LS, 0.0, 0.0, 0, 0, 1, 0, 0},
    /* max_iter as the paper's curve_fit(maxfev=10000). Least squares by damped Newton rather
     * than Levenberg-Marquardt: the same fits on the DCLM and OLMo benchmarks, and starts
     * crawling towards a minimum at infinity (the logistic's a -> inf) end in a third of the
     * time (bench/RESULTS.md). */
    {"twostage-logistic", &sc_law_acc_logistic, SC_RIN_LOSS, 0, SC_LOSS_LS, 0.0, 0.0, 10000, 0,
     1, 1, 1},
};

const sc_recipe *sc_recipes(size_t *n)
{
    if (n) *n = sizeof recipes / sizeof recipes[0];
    return recipes;
}

const sc_recipe *sc_recipe_find(const char *name)
{
    for (size_t k = 0; name && k < sizeof recipes / sizeof recipes[0]; k++)
        if (strcmp(recipes[k].name, name) == 0) return &recipes[k];
    return NULL;
}

size_t sc_recipe_nparam(const sc_recipe *r)
{
    return r->law->nparam + (r->input == SC_RIN_LOSS ? 2 : 0);
}

void sc_recipe_fit_opts(const sc_recipe *r, uint64_t seed, int threads, sc_fit_opts *fo,
                        double *lo, double *hi)
{
    sc_fit_opts_init(fo);
    fo->seed = seed;
    fo->threads = threads;
    fo->loss = r->loss;
    if (r->loss == SC_LOSS_HUBER) fo->huber_delta = r->huber_delta;
    if (r->tol > 0.0) fo->tol = r->tol;
    if (r->max_iter) fo->max_iter = r->max_iter;
    if (r->screen) fo->screen = SC_SCREEN_ON; /* every start screened, the best polished to tol */
    fo->ls_newton = r->ls_newton;
    if (r->nrandom && r->law == &sc_law_bnsl) {
        sc_bnsl_box(lo, hi);
        fo->lo = lo;
        fo->hi = hi;
        fo->nrandom = r->nrandom;
    }
}

sc_status sc_rfit_run(const sc_recipe *r, const double *C, const double *N, const double *D,
                      const double *L, const double *y, size_t n, double chance, double margin,
                      const double *start, uint64_t seed, int threads, sc_rfit *out,
                      sc_error *err)
{
    if (!r || !y || !out || (n && !C))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "fit: missing argument");
    memset(out, 0, sizeof *out);
    out->recipe = r;
    out->chance = chance;
    out->p = sc_recipe_nparam(r);
    if (r->input == SC_RIN_ND && (!N || !D))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "%s needs N and D", r->name);
    if (r->input == SC_RIN_LOSS && !L)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "%s needs a loss column", r->name);
    if (r->normalised && !(chance >= 0.0 && chance < 1.0))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "%s needs a chance level in [0, 1)", r->name);
    double *x = sc_malloc_array(n ? n * 2 : 1, sizeof *x);
    double *yy = sc_malloc_array(n ? n : 1, sizeof *yy);
    double *x1 = sc_malloc_array(n ? n : 1, sizeof *x1);
    double *y1 = sc_malloc_array(n ? n : 1, sizeof *y1);
    sc_status s = SC_OK;
    if (!x || !yy || !x1 || !y1) {
        s = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    size_t m = 0, m1 = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) continue;
        if (!(y[i] >= 0.0 && y[i] <= 1.0)) {
            s = sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "accuracy %g is outside [0, 1]", y[i]);
            goto done;
        }
        if (r->normalised) {
            /* Q' must lie in (0, 1) for log(-log Q'). */
            if (y[i] <= chance + margin) {
                below++;
                continue;
            }
            if (y[i] >= 1.0) continue;
        }
        if (r->input == SC_RIN_LOSS) {
            if (!isfinite(L[i])) continue;
            x1[m1] = C[i];
            y1[m1] = L[i];
            m1++;
            x[m] = L[i];
            yy[m] = y[i];
        } else if (r->input == SC_RIN_ND) {
            x[2 * m] = N[i];
            x[2 * m + 1] = D[i];
            yy[m] = sc_chance_normalise(y[i], chance);
        } else {
            x[m] = C[i];
            yy[m] = r->normalised ? sc_chance_normalise(y[i], chance) : y[i];
        }
        m++;
    }
    out->n = m;
    out->nexcluded = below;
    if (m == 0 && below > 0) {
        s = sc_fail(err, SC_ECHANCE, NULL, 0, 0,
                    "all %zu points are at or below chance %g + margin %g", below, chance,
                    margin);
        goto done;
    }
    if (m < r->law->nparam || (r->input == SC_RIN_LOSS && m1 < 2)) {
        s = sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                    "%zu usable points%s, fewer than the %zu parameters of %s", m,
                    r->normalised ? " above chance + margin" : "", r->law->nparam, r->name);
        goto done;
    }
    size_t off = 0;
    if (r->input == SC_RIN_LOSS) {
        sc_fit_opts f1;
        sc_fit_opts_init(&f1);
        f1.loss = SC_LOSS_LS;
        f1.no_covariance = 1;
        f1.threads = threads;
        sc_fit *st1 = NULL;
        s = sc_fit_run(&sc_law_loss_power, x1, y1, m1, &f1, &st1, err);
        if (s != SC_OK) goto done;
        out->theta[0] = st1->theta[0];
        out->theta[1] = st1->theta[1];
        sc_fit_free(st1);
        off = 2;
    }
    double lo[8], hi[8];
    sc_fit_opts fo;
    sc_recipe_fit_opts(r, seed, threads, &fo, lo, hi);
    fo.no_covariance = 1;
    sc_fit *fit = NULL;
    if (start) {
        fo.starts = start + off;
        fo.nstarts = 1;
        fo.nrandom = 0;
        s = sc_fit_run(r->law, x, yy, m, &fo, &fit, err);
    } else if (r->law == &sc_law_bnsl) {
        s = sc_bnsl_fit(x, yy, m, r->nrandom, seed, threads, &fit, err);
    } else {
        s = sc_fit_run(r->law, x, yy, m, &fo, &fit, err);
    }
    if (s != SC_OK) goto done;
    for (size_t k = 0; k < r->law->nparam; k++) out->theta[off + k] = fit->theta[k];
    out->loss = fit->loss;
    out->converged = fit->converged;
    sc_fit_free(fit);
    /* Residual scatter on the accuracy scale (the benchmark's noise when its items are not
     * known). */
    double sse = 0.0;
    size_t ns = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i])) continue;
        if (r->normalised && (y[i] <= chance + margin || y[i] >= 1.0)) continue;
        double f = sc_rfit_predict(out, C[i], N ? N[i] : NAN, D ? D[i] : NAN);
        if (r->input == SC_RIN_LOSS) {
            /* The stage-2 residual: accuracy given the observed loss. */
            if (!isfinite(L[i])) continue;
            r->law->f(out->theta + 2, &L[i], 1, &f);
        }
        if (!isfinite(f)) continue;
        sse += (y[i] - f) * (y[i] - f);
        ns++;
    }
    out->resid_sd = sqrt(sse / (double)(ns > out->p ? ns - out->p : 1));
done:
    free(x);
    free(yy);
    free(x1);
    free(y1);
    return s;
}

double sc_rfit_predict_loss(const sc_rfit *f, double C)
{
    if (f->recipe->input != SC_RIN_LOSS) return NAN;
    return exp(f->theta[0] + f->theta[1] * log(C));
}

double sc_rfit_predict(const sc_rfit *f, double C, double N, double D)
{
    const sc_recipe *r = f->recipe;
    double x[2] = {NAN, NAN}, v;
    switch (r->input) {
    case SC_RIN_LOSS:
        x[0] = sc_rfit_predict_loss(f, C);
        r->law->f(f->theta + 2, x, 1, &v);
        return v;
    case SC_RIN_ND:
        x[0] = N;
        x[1] = D;
        break;
    case SC_RIN_C: x[0] = C; break;
    }
    if (!isfinite(x[0]) || (r->input == SC_RIN_ND && !isfinite(x[1]))) return NAN;
    r->law->f(f->theta, x, 1, &v);
    if (!r->normalised) return v;
    /* log(-log Q') = f  ->  Q = Q0 + (1 - Q0) exp(-e^f). */
    return sc_chance_denormalise(exp(-exp(v)), f->chance);
}
