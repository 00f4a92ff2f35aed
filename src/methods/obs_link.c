/* SPDX-License-Identifier: GPL-3.0-or-later
 * The floored sigmoid link of observational scaling laws (Ruan et al. 2024, Eq. 3 with the
 * floor of Sec. 4.1): y = (1 - b) sigmoid(w . s + w0) + b, b in [0, floor_max].
 *
 * Fitted here directly with GSL rather than through a law descriptor, because the floor is a
 * bounded parameter and the optimum often lies on its bound (b = 0): b is profiled out (a grid
 * of 11 values over [0, floor_max], then golden-section search between the neighbours of the
 * best grid value), and at each b the unbounded (w0, w) are fitted by trust-region
 * Levenberg-Marquardt (gsl_multifit_nlinear): on the grid from two starts, the recipe's
 * (0, 0.01, ...) and the least-squares line through logit((y - b) / (1 - b)); during the
 * golden section from the best parameters found so far. Huber loss is optional and done by
 * iteratively reweighted least squares. */
#include "core/internal.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multifit.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void sc_link_opts_init(sc_link_opts *opts)
{
    if (opts == NULL) return;
    opts->floor_max = 0.2;
    opts->loss = SC_LOSS_LS;
    opts->huber_delta = 0.1;
    opts->max_iter = 2000;
}

void sc_link_free(sc_link *link)
{
    if (link == NULL) return;
    free(link->w);
    free(link);
}

static double sigmoid(double t)
{
    if (t >= 0.0) return 1.0 / (1.0 + exp(-t));
    double e = exp(t);
    return e / (1.0 + e);
}

double sc_link_linear(const sc_link *link, const double *s)
{
    double v = link->w0;
    for (size_t a = 0; a < link->k; a++) v += link->w[a] * s[a];
    return v;
}

void sc_link_predict(const sc_link *link, const double *S, size_t m, double *y)
{
    for (size_t i = 0; i < m; i++)
        y[i] = (1.0 - link->b) * sigmoid(sc_link_linear(link, S + i * link->k)) + link->b;
}

typedef struct problem {
    const double *S, *y;
    size_t n, k;
    double b;
} problem;

static int resid_f(const gsl_vector *x, void *params, gsl_vector *f)
{
    const problem *pr = params;
    for (size_t i = 0; i < pr->n; i++) {
        double t = gsl_vector_get(x, 0);
        for (size_t a = 0; a < pr->k; a++) t += gsl_vector_get(x, a + 1) * pr->S[i * pr->k + a];
        gsl_vector_set(f, i, (1.0 - pr->b) * sigmoid(t) + pr->b - pr->y[i]);
    }
    return GSL_SUCCESS;
}

static int resid_df(const gsl_vector *x, void *params, gsl_matrix *J)
{
    const problem *pr = params;
    for (size_t i = 0; i < pr->n; i++) {
        double t = gsl_vector_get(x, 0);
        for (size_t a = 0; a < pr->k; a++) t += gsl_vector_get(x, a + 1) * pr->S[i * pr->k + a];
        double sg = sigmoid(t);
        double d = (1.0 - pr->b) * sg * (1.0 - sg);
        gsl_matrix_set(J, i, 0, d);
        for (size_t a = 0; a < pr->k; a++) gsl_matrix_set(J, i, a + 1, d * pr->S[i * pr->k + a]);
    }
    return GSL_SUCCESS;
}

static double huber(double r, double delta)
{
    double a = fabs(r);
    return a <= delta ? 0.5 * r * r : delta * (a - 0.5 * delta);
}

typedef struct fitter {
    problem pr;
    const sc_link_opts *o;
    gsl_multifit_nlinear_workspace *ws;
    gsl_vector *x0, *wts, *r;
    double *theta;     /* scratch: k + 1 */
    size_t evaluations;
} fitter;

/* Objective of theta at floor b; also fills f->r with residuals. */
static double objective(fitter *f, const double *theta)
{
    gsl_vector_const_view tv = gsl_vector_const_view_array(theta, f->pr.k + 1);
    resid_f(&tv.vector, &f->pr, f->r);
    double s = 0.0;
    for (size_t i = 0; i < f->pr.n; i++) {
        double r = gsl_vector_get(f->r, i);
        s += f->o->loss == SC_LOSS_HUBER ? huber(r, f->o->huber_delta) : r * r;
    }
    return s;
}

/* One Levenberg-Marquardt fit at the current floor from theta (updated in place). Returns the
 * objective; *ok says whether GSL met its convergence test. */
static double lm_from(fitter *f, double *theta, int *ok)
{
    size_t p = f->pr.k + 1;
    size_t rounds = f->o->loss == SC_LOSS_HUBER ? 30 : 1;
    double best = HUGE_VAL;
    *ok = 0;
    for (size_t i = 0; i < f->pr.n; i++) gsl_vector_set(f->wts, i, 1.0);
    for (size_t round = 0; round < rounds; round++) {
        gsl_multifit_nlinear_fdf fdf;
        fdf.f = resid_f;
        fdf.df = resid_df;
        fdf.fvv = NULL;
        fdf.n = f->pr.n;
        fdf.p = p;
        fdf.params = &f->pr;
        for (size_t a = 0; a < p; a++) gsl_vector_set(f->x0, a, theta[a]);
        gsl_multifit_nlinear_winit(f->x0, f->wts, &fdf, f->ws);
        int info = 0;
        int rc = gsl_multifit_nlinear_driver(f->o->max_iter, 1e-12, 1e-12, 0.0, NULL, NULL, &info,
                                             f->ws);
        gsl_vector *x = gsl_multifit_nlinear_position(f->ws);
        int finite = 1;
        for (size_t a = 0; a < p; a++) finite &= isfinite(gsl_vector_get(x, a));
        if (!finite) break;
        for (size_t a = 0; a < p; a++) theta[a] = gsl_vector_get(x, a);
        /* GSL's driver reports GSL_EMAXITER when its very first step makes no progress: the
         * start (a warm start at the optimum) is already stationary to machine precision,
         * which we count as converged. */
        *ok = rc == GSL_SUCCESS ||
              (rc == GSL_EMAXITER && gsl_multifit_nlinear_niter(f->ws) <= 1);
        double obj = objective(f, theta);
        if (f->o->loss != SC_LOSS_HUBER) return obj;
        /* Huber by IRLS: weight min(1, delta / |r|); stop when the objective settles. */
        for (size_t i = 0; i < f->pr.n; i++) {
            double r = fabs(gsl_vector_get(f->r, i));
            gsl_vector_set(f->wts, i, r <= f->o->huber_delta ? 1.0 : f->o->huber_delta / r);
        }
        if (fabs(best - obj) <= 1e-14 * (1.0 + obj)) return obj;
        best = obj < best ? obj : best;
    }
    return objective(f, theta);
}

/* Logit-linear start at floor b: least squares of logit((y - b) / (1 - b)) on [1, s]. */
static int logit_start(const problem *pr, double *theta)
{
    size_t p = pr->k + 1;
    gsl_matrix *X = gsl_matrix_alloc(pr->n, p);
    gsl_vector *t = gsl_vector_alloc(pr->n), *c = gsl_vector_alloc(p);
    gsl_matrix *cov = gsl_matrix_alloc(p, p);
    gsl_multifit_linear_workspace *w = gsl_multifit_linear_alloc(pr->n, p);
    int ok = X && t && c && cov && w;
    if (ok) {
        for (size_t i = 0; i < pr->n; i++) {
            double q = (pr->y[i] - pr->b) / (1.0 - pr->b);
            q = q < 0.01 ? 0.01 : (q > 0.99 ? 0.99 : q);
            gsl_vector_set(t, i, log(q / (1.0 - q)));
            gsl_matrix_set(X, i, 0, 1.0);
            for (size_t a = 0; a < pr->k; a++) gsl_matrix_set(X, i, a + 1, pr->S[i * pr->k + a]);
        }
        double chisq = 0.0;
        ok = gsl_multifit_linear(X, t, c, cov, &chisq, w) == GSL_SUCCESS;
        for (size_t a = 0; ok && a < p; a++) {
            theta[a] = gsl_vector_get(c, a);
            ok = isfinite(theta[a]);
        }
    }
    gsl_matrix_free(X);
    gsl_vector_free(t);
    gsl_vector_free(c);
    gsl_matrix_free(cov);
    if (w) gsl_multifit_linear_free(w);
    return ok;
}

/* Profile objective at floor b: the better of the two starts, or, when warm is given, a
 * single fit from warm (the best theta so far: the golden-section steps are small, so this
 * converges in a few iterations); writes its theta. */
static double profile(fitter *f, double b, double *theta, int *ok, const double *warm)
{
    size_t p = f->pr.k + 1;
    f->pr.b = b;
    f->evaluations++;
    if (warm) {
        memcpy(theta, warm, p * sizeof(double));
        return lm_from(f, theta, ok);
    }
    double *t1 = f->theta;
    t1[0] = 0.0;
    for (size_t a = 1; a < p; a++) t1[a] = 1e-2;
    int ok1 = 0, ok2 = 0;
    double o1 = lm_from(f, t1, &ok1);
    memcpy(theta, t1, p * sizeof(double));
    *ok = ok1;
    double best = o1;
    double t2[64];
    if (p <= 64 && logit_start(&f->pr, t2)) {
        double o2 = lm_from(f, t2, &ok2);
        if (o2 < best) {
            best = o2;
            memcpy(theta, t2, p * sizeof(double));
            *ok = ok2;
        }
    }
    return best;
}

sc_status sc_link_fit(const double *S, const double *y, size_t n, size_t k,
                      const sc_link_opts *opts, sc_link **out, sc_error *err)
{
    if (out == NULL || S == NULL || y == NULL)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "link: no data");
    *out = NULL;
    sc_link_opts o;
    sc_link_opts_init(&o);
    if (opts) o = *opts;
    if (o.max_iter == 0) o.max_iter = 2000;
    if (!(o.floor_max >= 0.0) || o.floor_max >= 1.0)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "link: floor bound %g outside [0, 1)",
                       o.floor_max);
    if (o.loss == SC_LOSS_HUBER && !(o.huber_delta > 0.0))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "link: Huber delta must be > 0");
    if (k == 0 || k > 63) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "link: %zu covariates", k);
    if (n < k + 2)
        return sc_fail(err, SC_ETOOFEW, NULL, 0, 0,
                       "link: %zu training points for %zu parameters (w0, %zu slopes, floor)", n,
                       k + 2, k);
    for (size_t i = 0; i < n; i++) {
        int bad = !isfinite(y[i]);
        for (size_t a = 0; a < k; a++) bad |= !isfinite(S[i * k + a]);
        if (bad)
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                           "link: point %zu has a value that is not a finite number", i + 1);
    }

    size_t p = k + 1;
    sc_link *link = sc_calloc(1, sizeof *link);
    fitter f;
    memset(&f, 0, sizeof f);
    f.pr.S = S;
    f.pr.y = y;
    f.pr.n = n;
    f.pr.k = k;
    f.o = &o;
    gsl_multifit_nlinear_parameters params = gsl_multifit_nlinear_default_parameters();
    params.trs = gsl_multifit_nlinear_trs_lm;
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    f.ws = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &params, n, p);
    f.x0 = gsl_vector_alloc(p);
    f.wts = gsl_vector_alloc(n);
    f.r = gsl_vector_alloc(n);
    f.theta = sc_calloc(p, sizeof(double));
    double *theta = sc_calloc(p, sizeof(double)), *best_theta = sc_calloc(p, sizeof(double));
    sc_status st = SC_OK;
    if (!link || !f.ws || !f.x0 || !f.wts || !f.r || !f.theta || !theta || !best_theta) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    link->w = sc_calloc(k, sizeof(double));
    if (!link->w) {
        st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }

    /* Profile over the floor: grid, then golden section around the best grid value. */
    enum { NGRID = 11 };
    double best = HUGE_VAL, best_b = 0.0;
    int best_ok = 0;
    size_t gbest = 0;
    size_t ngrid = o.floor_max > 0.0 ? NGRID : 1;
    for (size_t g = 0; g < ngrid; g++) {
        double b = ngrid > 1 ? o.floor_max * (double)g / (double)(ngrid - 1) : 0.0;
        int ok = 0;
        double v = profile(&f, b, theta, &ok, NULL);
        if (v < best) {
            best = v;
            best_b = b;
            best_ok = ok;
            gbest = g;
            memcpy(best_theta, theta, p * sizeof(double));
        }
    }
    if (ngrid > 1) {
        double step = o.floor_max / (double)(ngrid - 1);
        double lo = gbest > 0 ? best_b - step : 0.0;
        double hi = gbest + 1 < ngrid ? best_b + step : o.floor_max;
        const double gr = 0.5 * (sqrt(5.0) - 1.0);
        double c = hi - gr * (hi - lo), d = lo + gr * (hi - lo);
        int okc = 0, okd = 0;
        double *tc = sc_calloc(p, sizeof(double)), *td = sc_calloc(p, sizeof(double));
        if (!tc || !td) {
            free(tc);
            free(td);
            st = sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        double fc = profile(&f, c, tc, &okc, best_theta), fd = profile(&f, d, td, &okd, best_theta);
        for (int it = 0; it < 80 && hi - lo > 1e-11; it++) {
            if (fc < best) {
                best = fc; best_b = c; best_ok = okc;
                memcpy(best_theta, tc, p * sizeof(double));
            }
            if (fd < best) {
                best = fd; best_b = d; best_ok = okd;
                memcpy(best_theta, td, p * sizeof(double));
            }
            if (fc <= fd) {
                hi = d;
                d = c; fd = fc; okd = okc;
                memcpy(td, tc, p * sizeof(double));
                c = hi - gr * (hi - lo);
                fc = profile(&f, c, tc, &okc, best_theta);
            } else {
                lo = c;
                c = d; fc = fd; okc = okd;
                memcpy(tc, td, p * sizeof(double));
                d = lo + gr * (hi - lo);
                fd = profile(&f, d, td, &okd, best_theta);
            }
        }
        if (fc < best) {
            best = fc; best_b = c; best_ok = okc;
            memcpy(best_theta, tc, p * sizeof(double));
        }
        if (fd < best) {
            best = fd; best_b = d; best_ok = okd;
            memcpy(best_theta, td, p * sizeof(double));
        }
        free(tc);
        free(td);
    }
    if (!isfinite(best)) {
        st = sc_fail(err, SC_ENOCONV, NULL, 0, 0, "link: no start gave a finite fit");
        goto done;
    }
    link->k = k;
    link->n = n;
    link->b = best_b;
    link->w0 = best_theta[0];
    for (size_t a = 0; a < k; a++) link->w[a] = best_theta[a + 1];
    link->loss = best;
    link->converged = best_ok;
    link->evaluations = f.evaluations;
    f.pr.b = best_b;
    objective(&f, best_theta);
    double rss = 0.0;
    for (size_t i = 0; i < n; i++) rss += gsl_vector_get(f.r, i) * gsl_vector_get(f.r, i);
    link->rss = rss;
done:
    gsl_set_error_handler(old);
    if (f.ws) gsl_multifit_nlinear_free(f.ws);
    gsl_vector_free(f.x0);
    gsl_vector_free(f.wts);
    gsl_vector_free(f.r);
    free(f.theta);
    free(theta);
    free(best_theta);
    if (st != SC_OK) {
        sc_link_free(link);
        return st;
    }
    *out = link;
    return SC_OK;
}
