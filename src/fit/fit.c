/* SPDX-License-Identifier: GPL-3.0-or-later
 * Multistart fitting of a law: validation, starts, the parallel loop over starts, the choice of
 * the best, covariance and residuals. */
#include "fit/fit_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_rng.h>
#include <omp.h>

void sc_fit_opts_init(sc_fit_opts *opts)
{
    if (opts == NULL) return;
    memset(opts, 0, sizeof *opts);
    opts->loss = SC_LOSS_LS;
    opts->huber_delta = 1e-3;
    opts->seed = 1;
}

sc_status sc_fit_check_points(const sc_law *law, const double *x, const double *y,
                              const double *w, size_t n, sc_error *err)
{
    const size_t nx = law->nx;
    char why[160];
    for (size_t i = 0; i < n; i++) {
        const double *xi = x + i * nx;
        for (size_t k = 0; k < nx; k++)
            if (!isfinite(xi[k]))
                return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                               "point %zu: %s is not a finite number (%g)", i + 1,
                               law->x_names ? law->x_names[k] : "x", xi[k]);
        if (!isfinite(y[i]))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                           "point %zu: y is not a finite number (%g)", i + 1, y[i]);
        if (w != NULL && !(w[i] >= 0 && isfinite(w[i])))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                           "point %zu: weight must be finite and >= 0, got %g", i + 1, w[i]);
        if (law->check != NULL) {
            why[0] = '\0';
            if (law->check(xi, y[i], why, sizeof why) != SC_OK)
                return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0, "point %zu: %s", i + 1,
                               why[0] ? why : "outside the law's domain");
        }
        if (!isfinite(sc_space_to(law->space, y[i])))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                           "point %zu: y = %g is outside the domain of the fit space", i + 1,
                           y[i]);
    }
    return SC_OK;
}

void sc_prepared_free(sc_prepared *pr)
{
    if (pr == NULL) return;
    free(pr->yf);
    free(pr->xp);
    pr->yf = NULL;
    pr->xp = NULL;
}

sc_status sc_problem_prepare(sc_problem *pb, sc_prepared *pr, const sc_law *law, const double *x,
                             const double *y, const double *w, size_t n, sc_loss loss,
                             double delta)
{
    memset(pr, 0, sizeof *pr);
    memset(pb, 0, sizeof *pb);
    pb->law = law;
    pb->fast = sc_law_fast_find(law);
    pb->n = n;
    pb->p = law->nparam;
    pb->x = x;
    pb->w = w;
    pb->loss = loss;
    pb->delta = delta;
    pr->yf = sc_malloc_array(n, sizeof(double));
    if (pr->yf == NULL) return SC_ENOMEM;
    for (size_t i = 0; i < n; i++) pr->yf[i] = sc_space_to(law->space, y[i]);
    if (pb->fast != NULL) {
        pr->xp = sc_malloc_array(n, pb->fast->nxp * sizeof(double));
        if (pr->xp == NULL) {
            sc_prepared_free(pr);
            return SC_ENOMEM;
        }
        pb->fast->prep(x, n, pr->xp, pb->ctx);
        pb->xp = pr->xp;
    }
    pb->yf = pr->yf;
    return SC_OK;
}

sc_status sc_fit_resolve_starts(const sc_law *law, const double *x, const double *y,
                                const double *w, size_t n, const sc_fit_opts *opts,
                                double **starts, size_t *ns, sc_error *err)
{
    const size_t p = law->nparam;
    *starts = NULL;
    *ns = 0;
    double *s = NULL;
    size_t k = 0;
    if (opts->starts != NULL && opts->nstarts > 0) {
        k = opts->nstarts;
        s = sc_malloc_array(k, p * sizeof(double));
        if (s == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        memcpy(s, opts->starts, k * p * sizeof(double));
    } else if (opts->nrandom > 0) {
        if (opts->lo == NULL || opts->hi == NULL)
            return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                           "random starts need a box: lo and hi must be given");
        for (size_t j = 0; j < p; j++)
            if (!(isfinite(opts->lo[j]) && isfinite(opts->hi[j]) && opts->lo[j] <= opts->hi[j]))
                return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                               "random start box: parameter %zu (%s) needs finite lo <= hi",
                               j + 1, law->param_names ? law->param_names[j] : "?");
        k = opts->nrandom;
        s = sc_malloc_array(k, p * sizeof(double));
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (s == NULL || r == NULL) {
            free(s);
            if (r) gsl_rng_free(r);
            return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        /* Start i draws from its own stream seeded by sc_seed_mix(seed, i). */
        for (size_t i = 0; i < k; i++) {
            gsl_rng_set(r, (unsigned long)sc_seed_mix(opts->seed, i));
            for (size_t j = 0; j < p; j++)
                s[i * p + j] = opts->lo[j] + (opts->hi[j] - opts->lo[j]) * gsl_rng_uniform(r);
        }
        gsl_rng_free(r);
    } else if (law->starts != NULL && (k = law->starts(x, y, n, NULL, 0)) > 0) {
        s = sc_malloc_array(k, p * sizeof(double));
        if (s == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        size_t k2 = law->starts(x, y, n, s, k);
        if (k2 != k) {
            free(s);
            return sc_fail(err, SC_EINTERNAL, NULL, 0, 0,
                           "law %s: start grid changed size (%zu, then %zu)", law->name, k, k2);
        }
    } else if (law->linear != NULL) {
        k = 1;
        s = sc_malloc_array(p, sizeof(double));
        if (s == NULL) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        sc_status st = law->linear(x, y, w, n, s);
        if (st != SC_OK) {
            free(s);
            return sc_fail(err, st, NULL, 0, 0, "law %s: closed-form fit failed: %s", law->name,
                           sc_strerror(st));
        }
    } else {
        return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                       "law %s has no default starts: give explicit or random starts", law->name);
    }
    *starts = s;
    *ns = k;
    return SC_OK;
}

size_t sc_best_serial(sc_solver *s, const sc_problem *pb, const double *starts, size_t ns,
                      size_t max_iter, double tol, double *theta, double *loss, double *work)
{
    const size_t p = pb->p;
    size_t nconv = 0;
    *loss = NAN;
    for (size_t k = 0; k < ns; k++) {
        sc_start_out o;
        if (sc_solver_run(s, pb, starts + k * p, max_iter, tol, work, &o) != SC_OK) continue;
        if (o.converged) nconv++;
        if (isfinite(o.loss) && !(o.loss >= *loss)) {
            *loss = o.loss;
            memcpy(theta, work, p * sizeof(double));
        }
    }
    return nconv;
}

void sc_fit_free(sc_fit *fit)
{
    if (fit == NULL) return;
    free(fit->theta);
    free(fit->x);
    free(fit->y);
    free(fit->w);
    free(fit->resid);
    free(fit->cov);
    free(fit->corr);
    free(fit->failures);
    free(fit);
}

/* Gauss-Newton covariance at the optimum: sigma^2 (J^T W J)^-1 with the residual variance
 * sigma^2 = sum w r^2 / (n - p) (e.g. Seber and Wild 1989, Nonlinear Regression, sec. 2.1).
 * For the Huber loss this is the least-squares approximation at the robust optimum. */
static sc_status covariance(sc_fit *fit, const sc_problem *pb)
{
    const size_t n = pb->n, p = pb->p;
    if (n <= p) return SC_OK;
    gsl_matrix *J = gsl_matrix_alloc(n, p);
    gsl_matrix *C = gsl_matrix_alloc(p, p);
    double *buf = sc_malloc_array(SC_CHUNK + 2 * SC_CHUNK + p, sizeof(double));
    sc_status st = SC_OK;
    if (J == NULL || C == NULL || buf == NULL) {
        st = SC_ENOMEM;
        goto done;
    }
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        sc_problem_eval(pb, fit->theta, i0, m, buf, J->data + i0 * p, buf + SC_CHUNK);
    }
    if (pb->w != NULL)
        for (size_t i = 0; i < n; i++) {
            const double sw = sqrt(pb->w[i]);
            for (size_t j = 0; j < p; j++) J->data[i * p + j] *= sw;
        }
    if (gsl_multifit_nlinear_covar(J, 0.0, C) != GSL_SUCCESS) goto done;
    const double s2 = fit->rss / (double)(n - p);
    fit->cov = sc_malloc_array(p * p, sizeof(double));
    fit->corr = sc_malloc_array(p * p, sizeof(double));
    if (fit->cov == NULL || fit->corr == NULL) {
        st = SC_ENOMEM;
        goto done;
    }
    int ok = 1;
    for (size_t k = 0; k < p * p; k++) {
        fit->cov[k] = s2 * C->data[k];
        if (!isfinite(fit->cov[k])) ok = 0;
    }
    for (size_t i = 0; i < p; i++)
        for (size_t j = 0; j < p; j++) {
            const double d = sqrt(fit->cov[i * p + i] * fit->cov[j * p + j]);
            fit->corr[i * p + j] = d > 0 ? fit->cov[i * p + j] / d : NAN;
        }
    if (!ok) {
        free(fit->cov);
        free(fit->corr);
        fit->cov = fit->corr = NULL;
    }
done:
    gsl_matrix_free(J);
    gsl_matrix_free(C);
    free(buf);
    return st;
}

typedef struct ranked {
    double loss;
    size_t index;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->loss != y->loss) return x->loss < y->loss ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static sc_status copy_array(double **dst, const double *src, size_t n)
{
    *dst = sc_malloc_array(n, sizeof(double));
    if (*dst == NULL) return SC_ENOMEM;
    memcpy(*dst, src, n * sizeof(double));
    return SC_OK;
}

/* How many different covariate rows x holds, counted up to want (at most 32): with fewer
 * different rows than parameters the data cannot determine the law (a whole family of curves
 * fits them equally well), whatever the optimiser reports. */
static size_t distinct_rows(const double *x, size_t n, size_t nx, size_t want)
{
    size_t rows[32], found = 0;
    if (want > 32) want = 32;
    for (size_t i = 0; i < n && found < want; i++) {
        size_t k = 0;
        while (k < found && memcmp(x + rows[k] * nx, x + i * nx, nx * sizeof *x) != 0) k++;
        if (k == found) rows[found++] = i;
    }
    return found;
}

sc_status sc_fit_validate(const char *who, const sc_law *law, const double *x, const double *y,
                          size_t n, int have_out, const sc_fit_opts *opts_in, sc_fit_opts *opts,
                          sc_error *err)
{
    if (law == NULL || !have_out || (n > 0 && (x == NULL || y == NULL)))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "%s: law, x, y and out are required", who);
    if (law->f == NULL || law->nparam == 0 || law->nx == 0)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "law %s: needs f, nparam > 0 and nx > 0",
                       law->name ? law->name : "?");
    sc_gsl_quiet();
    if (opts_in != NULL)
        *opts = *opts_in;
    else
        sc_fit_opts_init(opts);
    const size_t p = law->nparam;
    if (n < p)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "law %s has %zu parameters but only %zu points were given", law->name, p,
                       n);
    const size_t nd = distinct_rows(x, n, law->nx, p);
    if (nd < p && nd < 32)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "law %s has %zu parameters but the %zu points have only %zu different "
                       "covariate value%s: the data cannot determine it", law->name, p, n, nd,
                       nd == 1 ? "" : "s");
    if (opts->loss == SC_LOSS_HUBER && !(opts->huber_delta > 0 && isfinite(opts->huber_delta)))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "Huber delta must be > 0, got %g",
                       opts->huber_delta);
    if (opts->loss != SC_LOSS_LS && opts->loss != SC_LOSS_HUBER)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "unknown loss %d", (int)opts->loss);
    return sc_fit_check_points(law, x, y, opts->w, n, err);
}

/* Progress of a multistart: finished starts (counted by every thread), and the last count
 * reported (only thread 0 reports, so the callback never runs concurrently). */
typedef struct progress_state {
    size_t done, last, total, every;
} progress_state;

static void progress_step(const sc_fit_opts *o, progress_state *ps)
{
    if (o->progress == NULL) return;
    size_t d;
#pragma omp atomic capture
    d = ++ps->done;
    if (omp_get_thread_num() == 0 && d >= ps->last + ps->every && d < ps->total) {
        ps->last = d;
        o->progress(o->progress_ctx, d, ps->total);
    }
}

/* Before the polish: of ranked end points that coincide (loss within SC_SAME_REL relative and
 * every parameter within SC_SAME_REL of the better one's, relative to max(1, |theta|)), only
 * the better is polished; polishing the same point again would give the same optimum, so the
 * others take its outcome afterwards (share_ends). rep[k] receives, for start k, the start it
 * shares with (itself when polished on its own). Returns the number kept (rk compacted in rank
 * order). */
#define SC_SAME_REL 1e-6
static size_t distinct_ends(ranked *rk, size_t m, const double *thetas, size_t p, size_t *rep)
{
    size_t kept = 0;
    for (size_t j = 0; j < m; j++) {
        const size_t k = rk[j].index;
        const double *t = thetas + k * p;
        rep[k] = k;
        for (size_t i = 0; i < kept && rep[k] == k; i++) {
            const double *u = thetas + rk[i].index * p;
            if (fabs(rk[j].loss - rk[i].loss) > SC_SAME_REL * fabs(rk[i].loss)) continue;
            int same = 1;
            for (size_t q = 0; q < p && same; q++)
                if (fabs(t[q] - u[q]) > SC_SAME_REL * fmax(1.0, fabs(u[q]))) same = 0;
            if (same) rep[k] = rk[i].index;
        }
        if (rep[k] == k) rk[kept++] = rk[j];
    }
    return kept;
}

/* After the polish: each start whose end point coincided with a polished one's (rep) takes
 * that start's end point and outcome, and is appended to the polished list rk[0..m) (room for
 * ns). Returns the new length. */
static size_t share_ends(ranked *rk, size_t m, size_t ns, const size_t *rep, double *thetas,
                         sc_start_out *outs, size_t p)
{
    const size_t polished = m;
    for (size_t k = 0; k < ns; k++) {
        if (rep[k] == k) continue;
        for (size_t j = 0; j < polished; j++)
            if (rk[j].index == rep[k]) {
                memcpy(thetas + k * p, thetas + rep[k] * p, p * sizeof(double));
                outs[k] = outs[rep[k]];
                rk[m++] = (ranked){outs[k].loss, k};
                break;
            }
    }
    return m;
}

/* Runs the starts rk[0..m) (their index) to tol: from starts (fresh) or, with cont, on from
 * their end points in thetas, adding to the iterations so far. Returns 1 when out of memory. */
static int run_phase(const sc_problem *pb, const sc_fit_opts *opts, const double *starts,
                     const ranked *rk, size_t m, int cont, size_t max_iter, double tol,
                     int nthreads, double *thetas, sc_start_out *outs, progress_state *ps)
{
    const size_t p = pb->p, n = pb->n;
    int oom = 0;
    int nt = nthreads < (int)m ? nthreads : (int)m;
    if (nt < 1) nt = 1;
#pragma omp parallel num_threads(nt) reduction(| : oom)
    {
        sc_solver *sv = NULL;
        double *t0 = sc_malloc_array(p, sizeof(double));
        if (sc_solver_new(n, p, opts->loss, &sv) != SC_OK || t0 == NULL) oom = 1;
#pragma omp for schedule(dynamic, 1)
        for (size_t j = 0; j < m; j++) {
            if (sv == NULL || t0 == NULL) continue;
            const size_t k = rk[j].index;
            sc_start_out o;
            memcpy(t0, cont ? thetas + k * p : starts + k * p, p * sizeof(double));
            if (sc_solver_run(sv, pb, t0, max_iter, tol, thetas + k * p, &o) != SC_OK) {
                oom = 1;
                continue;
            }
            if (cont) {
                o.iterations += outs[k].iterations;
                if (o.abandoned) {
                    /* Stopped as clearly worse: it keeps the screening outcome, at the lower
                     * loss it reached, and is not counted among the fully converged starts. */
                    o.converged = outs[k].converged;
                    o.code = outs[k].code;
                }
            }
            outs[k] = o;
            progress_step(opts, ps);
        }
        sc_solver_free(sv);
        free(t0);
    }
    return oom;
}

sc_status sc_fit_run(const sc_law *law, const double *x, const double *y, size_t n,
                     const sc_fit_opts *opts_in, sc_fit **out, sc_error *err)
{
    if (out != NULL) *out = NULL;
    sc_fit_opts opts;
    SC_TRY(sc_fit_validate("sc_fit_run", law, x, y, n, out != NULL, opts_in, &opts, err));
    const size_t p = law->nparam;

    const size_t max_iter = opts.max_iter ? opts.max_iter : SC_DEFAULT_MAX_ITER;
    const double tol =
        opts.tol > 0 ? opts.tol
                     : (opts.loss == SC_LOSS_HUBER ? SC_DEFAULT_TOL_HUBER : SC_DEFAULT_TOL_LS);
    double *starts = NULL;
    size_t ns = 0;
    SC_TRY(sc_fit_resolve_starts(law, x, y, opts.w, n, &opts, &starts, &ns, err));

    sc_problem pb;
    sc_prepared pr;
    sc_status st = sc_problem_prepare(&pb, &pr, law, x, y, opts.w, n, opts.loss,
                                      opts.huber_delta);
    double *thetas = sc_malloc_array(ns, p * sizeof(double));
    sc_start_out *outs = sc_calloc(ns, sizeof *outs);
    sc_fit *fit = calloc(1, sizeof *fit);
    unsigned char *polished = NULL; /* screening: 1 for the starts polished to tol */
    size_t npolished = 0;
    if (st != SC_OK || thetas == NULL || outs == NULL || fit == NULL) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }

    /* Every start is independent: the result of start k depends on k only, so the schedule
     * and the number of threads cannot change the outcome. */
    int nthreads = opts.threads > 0 ? opts.threads : omp_get_max_threads();
    if ((size_t)nthreads > ns) nthreads = (int)ns;
    if (nthreads < 1) nthreads = 1;
    /* With many Huber starts and the default tolerance, the search runs in two phases: every
     * start to the screening tolerance (BFGS: relative loss changes of 1e-6, about where
     * L-BFGS-B stops by default; damped Newton: 1e-4, see fit_internal.h), then the best few
     * to the full tolerance. With SC_SCREEN_ON (an explicit, tight tol) in three: every start
     * to the loose tolerance, the best quarter on to SC_SCREEN_TOL, the best SC_POLISH of those
     * to tol, where starts clearly worse than the best screened loss stop early. */
    int screen = opts.loss == SC_LOSS_HUBER && opts.tol <= 0 && ns > SC_POLISH;
    if (opts.screen == SC_SCREEN_ON) screen = ns > SC_POLISH;
    /* Many points: with SC_SCREEN_ON the screening runs on an evenly spaced subsample of
     * SC_SUBSAMPLE points, and the polished starts continue on all the points. */
    const int sub = opts.screen == SC_SCREEN_ON && n > 2 * SC_SUBSAMPLE && ns > 1;
    if (sub) screen = 1;
    if (opts.screen == SC_SCREEN_OFF) screen = 0;
    pb.newton = opts.loss == SC_LOSS_LS && opts.ls_newton;
    const int newton = (opts.loss == SC_LOSS_HUBER || pb.newton) && sc_problem_has_hessian(&pb);
    const double tol1 = screen ? fmax(newton ? SC_SCREEN_TOL_NEWTON : SC_SCREEN_TOL, tol) : tol;
    const int middle = screen && opts.screen == SC_SCREEN_ON && tol1 > SC_SCREEN_TOL &&
                       SC_SCREEN_TOL > tol && ns / 4 > SC_POLISH;
    const size_t nmid = middle ? (ns / 4 > 2 * SC_POLISH ? ns / 4 : 2 * SC_POLISH) : 0;
    const size_t npolish = ns < SC_POLISH ? ns : SC_POLISH;
    const size_t total = ns + nmid + (screen ? npolish : 0);
    progress_state ps = {0, 0, total, total / 100 > 0 ? total / 100 : 1};
    sc_problem sp; /* the problem screened: pb, or its subsample */
    sc_prepared spr = {0};
    double *sx = NULL, *sy = NULL, *sw = NULL;
    ranked *rk = sc_malloc_array(ns, sizeof *rk);
    size_t *rep = sc_malloc_array(ns, sizeof *rep); /* shared end points (distinct_ends) */
    int oom = rk == NULL || rep == NULL;
    for (size_t k = 0; rep != NULL && k < ns; k++) rep[k] = k;
    sp = pb;
    if (!oom && sub) {
        const size_t m = SC_SUBSAMPLE, nx = law->nx;
        sx = sc_malloc_array(m, nx * sizeof(double));
        sy = sc_malloc_array(m, sizeof(double));
        sw = opts.w != NULL ? sc_malloc_array(m, sizeof(double)) : NULL;
        oom = sx == NULL || sy == NULL || (opts.w != NULL && sw == NULL);
        for (size_t j = 0; !oom && j < m; j++) {
            const size_t i = j * n / m;
            memcpy(sx + j * nx, x + i * nx, nx * sizeof(double));
            sy[j] = y[i];
            if (sw != NULL) sw[j] = opts.w[i];
        }
        if (!oom)
            oom = sc_problem_prepare(&sp, &spr, law, sx, sy, sw, m, opts.loss,
                                     opts.huber_delta) != SC_OK;
        sp.newton = pb.newton;
    }
    for (size_t k = 0; rk != NULL && k < ns; k++) rk[k] = (ranked){0.0, k};
    /* Screening runs are also capped in iterations (starts crawling along a valley towards a
     * degenerate limit would otherwise use the whole budget); a capped start still has its
     * end point ranked. */
    const size_t max_iter1 = screen && max_iter > SC_SCREEN_MAX_ITER ? SC_SCREEN_MAX_ITER : max_iter;
    if (!oom) oom = run_phase(&sp, &opts, starts, rk, ns, 0, max_iter1, tol1, nthreads, thetas,
                              outs, &ps);
    size_t nrk = 0;
    for (int phase = 0; !oom && screen && phase < 2; phase++) {
        if (phase == 0 && !middle) continue;
        if (phase == 1 && sub) {
            /* From the subsample to all the points: every end point's loss on the full data
             * (the public f at theta), so that the ranking and the best compare like with
             * like. */
            sc_problem gp = pb;
            gp.fast = NULL;
            gp.xp = NULL;
            double *obuf = sc_malloc_array(SC_OBJ_BUF(p), sizeof(double));
            if (obuf == NULL) {
                oom = 1;
                break;
            }
            for (size_t k = 0; k < ns; k++) {
                const double v = sc_problem_objective(&gp, thetas + k * p, NULL, obuf);
                if (isfinite(outs[k].loss)) outs[k].loss = v;
            }
            free(obuf);
        }
        /* Rank the end points so far (by loss, then start index) and continue the best. */
        nrk = 0;
        for (size_t k = 0; k < ns; k++)
            if (isfinite(outs[k].loss) && !outs[k].abandoned) rk[nrk++] = (ranked){outs[k].loss, k};
        qsort(rk, nrk, sizeof *rk, cmp_ranked);
        const size_t keep = phase == 0 ? nmid : npolish;
        if (phase == 1) nrk = distinct_ends(rk, nrk, thetas, p, rep);
        if (nrk > keep) nrk = keep;
        /* Starts that are clearly worse than the best screened one stop early. */
        sc_problem pb2 = phase == 0 ? sp : pb;
        pb2.ref_loss = nrk > 0 && opts.screen == SC_SCREEN_ON ? rk[0].loss : 0.0;
        oom = run_phase(&pb2, &opts, NULL, rk, nrk, 1, phase == 0 ? max_iter1 : max_iter,
                        phase == 0 ? SC_SCREEN_TOL : tol, nthreads, thetas, outs, &ps);
        if (phase == 1 && !oom) nrk = share_ends(rk, nrk, ns, rep, thetas, outs, p);
    }
    if (!oom && screen) {
        polished = sc_calloc(ns, 1);
        if (polished == NULL) oom = 1;
        for (size_t j = 0; polished != NULL && j < nrk; j++)
            if (!outs[rk[j].index].abandoned) {
                polished[rk[j].index] = 1;
                npolished++;
            }
    }
    free(rk);
    free(rep);
    free(sx);
    free(sy);
    free(sw);
    sc_prepared_free(&spr);
    if (oom) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }

    /* The best: lowest loss, ties to the lowest start index. */
    size_t best = ns, nconv = 0, nfailed = 0;
    for (size_t k = 0; k < ns; k++) {
        if (outs[k].converged)
            nconv++;
        else
            nfailed++;
        if (isfinite(outs[k].loss) && (best == ns || outs[k].loss < outs[best].loss)) best = k;
    }
    fit->failures = sc_calloc(nfailed < 16 ? nfailed : 16, sizeof *fit->failures);
    if (fit->failures == NULL) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    for (size_t k = 0, f = 0; k < ns && f < 16; k++) {
        if (outs[k].converged) continue;
        fit->failures[f].start = k;
        fit->failures[f].code = outs[k].code;
        snprintf(fit->failures[f].reason, sizeof fit->failures[f].reason, "%s", outs[k].reason);
        f++;
    }
    if (nconv == 0 || best == ns) {
        char msg[400];
        int len = snprintf(msg, sizeof msg, "law %s: no start converged (%zu starts)", law->name,
                           ns);
        for (size_t f = 0; f < nfailed && f < 3 && len > 0 && (size_t)len < sizeof msg; f++)
            len += snprintf(msg + len, sizeof msg - (size_t)len, "%s start %zu: %s",
                            f == 0 ? ":" : ";", fit->failures[f].start + 1,
                            fit->failures[f].reason);
        st = sc_fail(err, SC_ENOCONV, NULL, 0, 0, "%s", msg);
        goto fail;
    }

    fit->law = law;
    fit->n = n;
    fit->p = p;
    fit->loss = outs[best].loss;
    fit->converged = outs[best].converged;
    snprintf(fit->reason, sizeof fit->reason, "%s", outs[best].reason);
    fit->iterations = outs[best].iterations;
    fit->nstarts = ns;
    fit->nfailed = nfailed;
    fit->loss_kind = opts.loss;
    fit->huber_delta = opts.huber_delta;
    /* Starts in the best basin: loss within 1e-6 relative of the best (plus 1e-20 per point,
     * so that exact fits with a loss at rounding level are counted too). Compared in the
     * optimiser's own numbers. */
    const double best_tol = 1e-6 * fabs(outs[best].loss) + 1e-20 * (double)n;
    for (size_t k = 0; k < ns; k++) {
        const int full = polished == NULL || polished[k];
        const int inbest = isfinite(outs[k].loss) && outs[k].loss - outs[best].loss <= best_tol;
        fit->nbest += (size_t)inbest;
        fit->nbest_full += (size_t)(inbest && full);
    }
    fit->nconverged_full = polished == NULL ? ns : npolished;
    if (opts.progress != NULL) opts.progress(opts.progress_ctx, total, total);
    if (copy_array(&fit->theta, thetas + best * p, p) != SC_OK ||
        copy_array(&fit->x, x, n * law->nx) != SC_OK || copy_array(&fit->y, y, n) != SC_OK ||
        (opts.w != NULL && copy_array(&fit->w, opts.w, n) != SC_OK) ||
        (fit->resid = sc_malloc_array(n, sizeof(double))) == NULL) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    /* Residuals, covariance and the reported loss come from the law's public f and jac at
     * theta (the optimiser may have worked in an internal parametrisation). */
    sc_problem gp = pb;
    gp.fast = NULL;
    gp.xp = NULL;
    {
        double *obuf = sc_malloc_array(SC_OBJ_BUF(p), sizeof(double));
        if (obuf == NULL) {
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            goto fail;
        }
        fit->loss = sc_problem_objective(&gp, fit->theta, NULL, obuf);
        free(obuf);
    }
    /* Residuals r = observed - model, in fit space. */
    double chunk[SC_CHUNK];
    size_t inside = 0;
    fit->rss = 0.0;
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        sc_problem_eval(&gp, fit->theta, i0, m, chunk, NULL, NULL);
        for (size_t i = 0; i < m; i++) {
            const double r = pb.yf[i0 + i] - chunk[i];
            fit->resid[i0 + i] = r;
            fit->rss += (opts.w ? opts.w[i0 + i] : 1.0) * r * r;
            if (fabs(r) <= opts.huber_delta) inside++;
        }
    }
    fit->inside_share = opts.loss == SC_LOSS_HUBER ? (double)inside / (double)n : 1.0;
    if (!opts.no_covariance && covariance(fit, &gp) != SC_OK) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    free(starts);
    free(thetas);
    free(outs);
    free(polished);
    sc_prepared_free(&pr);
    *out = fit;
    return SC_OK;
fail:
    free(starts);
    free(thetas);
    free(outs);
    free(polished);
    sc_prepared_free(&pr);
    sc_fit_free(fit);
    return st;
}

void sc_fit_predict(const sc_fit *fit, const double *x, size_t m, double *y)
{
    if (fit == NULL) return;
    sc_law_predict(fit->law, fit->theta, x, m, y);
}

double sc_fit_objective(const sc_law *law, const double *x, const double *y, const double *w,
                        size_t n, sc_loss loss, double delta, const double *theta, double *grad)
{
    if (law == NULL || theta == NULL) return NAN;
    sc_problem pb;
    sc_prepared pr;
    if (sc_problem_prepare(&pb, &pr, law, x, y, w, n, loss, delta) != SC_OK) return NAN;
    pb.fast = NULL; /* the public f and jac, at theta */
    pb.xp = NULL;
    const size_t p = law->nparam;
    double *buf = sc_malloc_array(SC_OBJ_BUF(p), sizeof(double));
    double v = NAN;
    if (buf != NULL) v = sc_problem_objective(&pb, theta, grad, buf);
    free(buf);
    sc_prepared_free(&pr);
    return v;
}
