/* SPDX-License-Identifier: GPL-3.0-or-later
 * One start of the local optimiser on a prepared problem: Levenberg-Marquardt
 * (gsl_multifit_nlinear) for least squares; for the sum of Huber losses a damped Newton method
 * when the law gives second derivatives (its fast path or its hess), else BFGS (gsl_multimin
 * vector_bfgs2). Workspaces are sized once and reused for every start run by a thread. */
#include "fit/fit_internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_multimin.h>

void sc_gsl_quiet(void)
{
    gsl_set_error_handler_off();
}

/* Central differences of law->f, one column at a time (when the law has no Jacobian). */
static void fd_jacobian(const sc_law *law, const double *theta, const double *x, size_t m,
                        double *J, double *scratch)
{
    const size_t p = law->nparam, nx = law->nx;
    double *fp = scratch, *fm = scratch + m, *t = scratch + 2 * m;
    memcpy(t, theta, p * sizeof *t);
    for (size_t j = 0; j < p; j++) {
        /* Step cbrt(eps) * max(|theta_j|, 1): balances truncation and rounding error of the
         * central difference. */
        const double h = 6.0554544523933395e-06 * fmax(fabs(theta[j]), 1.0);
        t[j] = theta[j] + h;
        law->f(t, x, m, fp);
        t[j] = theta[j] - h;
        law->f(t, x, m, fm);
        t[j] = theta[j];
        const double inv = 1.0 / (2.0 * h);
        for (size_t i = 0; i < m; i++) J[i * p + j] = (fp[i] - fm[i]) * inv;
    }
    (void)nx;
}

void sc_problem_eval(const sc_problem *pb, const double *theta, size_t i0, size_t m, double *f,
                     double *J, double *scratch)
{
    const sc_law *law = pb->law;
    if (pb->fast != NULL) {
        pb->fast->fj(theta, pb->xp + i0 * pb->fast->nxp, m, f, J);
        return;
    }
    const double *x = pb->x + i0 * law->nx;
    law->f(theta, x, m, f);
    if (J == NULL) return;
    if (law->jac != NULL)
        law->jac(theta, x, m, J);
    else
        fd_jacobian(law, theta, x, m, J, scratch);
}

double sc_problem_objective(const sc_problem *pb, const double *theta, double *grad, double *buf)
{
    const size_t p = pb->p, n = pb->n;
    const double delta = pb->delta;
    const int huber = pb->loss == SC_LOSS_HUBER;
    double *f = buf, *J = buf + SC_CHUNK, *scratch = J + SC_CHUNK * p;
    double loss = 0.0;
    if (pb->fast != NULL && pb->fast->objective != NULL &&
        pb->fast->objective(theta, pb->ctx, pb->xp, pb->yf, pb->w, n, pb->loss, delta, &loss,
                            grad, buf))
        return loss;
    if (grad != NULL) memset(grad, 0, p * sizeof *grad);
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        sc_problem_eval(pb, theta, i0, m, f, grad != NULL ? J : NULL, scratch);
        for (size_t i = 0; i < m; i++) {
            const double r = pb->yf[i0 + i] - f[i];
            const double wi = pb->w != NULL ? pb->w[i0 + i] : 1.0;
            double term, psi; /* psi = d term / d r */
            if (huber) {
                const double a = fabs(r);
                if (a <= delta) {
                    term = 0.5 * r * r;
                    psi = r;
                } else {
                    term = delta * (a - 0.5 * delta);
                    psi = r > 0 ? delta : -delta;
                }
            } else {
                term = r * r;
                psi = 2.0 * r;
            }
            loss += wi * term;
            if (grad != NULL) {
                /* d loss / d theta = sum_i w_i psi(r_i) d r_i / d theta = -sum w psi J_i. */
                const double c = -wi * psi;
                const double *row = J + i * p;
                for (size_t j = 0; j < p; j++) grad[j] += c * row[j];
            }
        }
    }
    return loss;
}

int sc_problem_has_hessian(const sc_problem *pb)
{
    if (pb->fast != NULL) return pb->fast->hessian != NULL || pb->fast->fjh != NULL;
    return pb->law->hess != NULL;
}

#define SC_HESS_MAXP 6

/* The sums of sc_problem_hessian over one block of m points (model f, Jacobian J, packed second
 * derivatives Hf), added to loss, grad and the upper triangle of hess in point order. */
static inline void hessian_block(size_t p, size_t m, const double *y, const double *w,
                                 const double *f, const double *J, const double *Hf, int huber,
                                 double delta, double *loss, double *grad, double *hess)
{
    const size_t q = p * (p + 1) / 2;
    /* Local sums for up to SC_HESS_MAXP parameters (in registers once unrolled), else the
     * caller's arrays. */
    double lgb[SC_HESS_MAXP], lhb[SC_HESS_MAXP * SC_HESS_MAXP], ls = *loss;
    const int local = p <= SC_HESS_MAXP;
    double *lg = local ? lgb : grad, *lh = local ? lhb : hess;
    for (size_t j = 0; local && j < p; j++) {
        lg[j] = grad[j];
        for (size_t k = j; k < p; k++) lh[j * p + k] = hess[j * p + k];
    }
    for (size_t i = 0; i < m; i++) {
        const double r = y[i] - f[i];
        const double wi = w != NULL ? w[i] : 1.0;
        double term, psi, dpsi;
        if (huber) {
            if (r < delta && r > -delta) {
                psi = r;
                dpsi = 1.0;
            } else {
                psi = r > 0 ? delta : -delta;
                dpsi = 0.0;
            }
            term = psi * (r - 0.5 * psi);
        } else {
            term = r * r;
            psi = 2.0 * r;
            dpsi = 2.0;
        }
        ls += wi * term;
        const double *row = J + i * p, *hr = Hf + i * q;
        const double c = wi * psi, d = wi * dpsi;
        size_t t = 0;
        for (size_t j = 0; j < p; j++) {
            lg[j] -= c * row[j];
            const double dj = d * row[j];
            for (size_t k = j; k < p; k++, t++) lh[j * p + k] += dj * row[k] - c * hr[t];
        }
    }
    *loss = ls;
    for (size_t j = 0; local && j < p; j++) {
        grad[j] = lg[j];
        for (size_t k = j; k < p; k++) hess[j * p + k] = lh[j * p + k];
    }
}

/* Loss, gradient and Hessian from the model's first and second derivatives: for
 * loss = sum w rho(r), r = y - f, psi = rho', psi' = rho'',
 *     grad = -sum w psi grad f,   Hess = sum w (psi' grad f grad f^T - psi Hess f)
 * (Huber: psi = clamp(r, -delta, delta), psi' = 1 inside |r| < delta, else 0; least squares:
 * psi = 2 r, psi' = 2). The upper triangle is summed in point order, then mirrored. */
int sc_problem_hessian(const sc_problem *pb, const double *theta, double *value, double *grad,
                       double *hess, double *buf)
{
    const sc_law_fast *fast = pb->fast;
    if (fast != NULL && fast->hessian != NULL)
        return fast->hessian(theta, pb->ctx, pb->xp, pb->yf, pb->w, pb->n, pb->loss, pb->delta,
                             value, grad, hess);
    if (!sc_problem_has_hessian(pb)) return 0;
    const size_t p = pb->p, n = pb->n, q = p * (p + 1) / 2;
    const double delta = pb->delta;
    const int huber = pb->loss == SC_LOSS_HUBER;
    double *f = buf, *J = buf + SC_CHUNK, *Hf = J + SC_CHUNK * p, *scratch = Hf + SC_CHUNK * q;
    double loss = 0.0;
    memset(grad, 0, p * sizeof *grad);
    memset(hess, 0, p * p * sizeof *hess);
    for (size_t i0 = 0; i0 < n; i0 += SC_CHUNK) {
        const size_t m = n - i0 < SC_CHUNK ? n - i0 : SC_CHUNK;
        if (fast != NULL) {
            fast->fjh(theta, pb->xp + i0 * fast->nxp, m, f, J, Hf);
        } else {
            const double *x = pb->x + i0 * pb->law->nx;
            sc_problem_eval(pb, theta, i0, m, f, J, scratch);
            pb->law->hess(theta, x, m, Hf);
        }
        const double *yb = pb->yf + i0, *wb = pb->w != NULL ? pb->w + i0 : NULL;
        /* With the number of parameters a constant, the compiler unrolls the loops over the
         * entries and keeps the sums in registers: the same operations, in the same order. */
        switch (p) {
        case 2: hessian_block(2, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        case 3: hessian_block(3, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        case 4: hessian_block(4, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        case 5: hessian_block(5, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        case 6: hessian_block(6, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        default: hessian_block(p, m, yb, wb, f, J, Hf, huber, delta, &loss, grad, hess); break;
        }
    }
    for (size_t j = 0; j < p; j++)
        for (size_t k = 0; k < j; k++) hess[j * p + k] = hess[k * p + j];
    *value = loss;
    return 1;
}

struct sc_solver {
    size_t p;
    sc_loss loss;
    const sc_problem *pb; /* the problem of the current start */
    /* Huber: BFGS */
    gsl_multimin_fdfminimizer *mm;
    gsl_vector *x0;
    /* Huber with a law's Hessian: damped Newton (current point, trial point, 5 x 5 system) */
    double *nz, *ng, *nh, *tz, *tg, *th;
    gsl_matrix *na;
    gsl_vector *nstep, *nrhs;
    double *buf;
    double *zc, *gc, fc; /* last point evaluated, its gradient and loss */
    int cache_ok;
    /* Least squares: Levenberg-Marquardt, sized for lm_n points (reallocated when n changes) */
    gsl_multifit_nlinear_workspace *lm;
    size_t lm_n;
    gsl_vector *wv;
    double *scratch;
};

void sc_solver_free(sc_solver *s)
{
    if (s == NULL) return;
    if (s->mm) gsl_multimin_fdfminimizer_free(s->mm);
    if (s->x0) gsl_vector_free(s->x0);
    if (s->na) gsl_matrix_free(s->na);
    if (s->nstep) gsl_vector_free(s->nstep);
    if (s->nrhs) gsl_vector_free(s->nrhs);
    free(s->nz);
    free(s->ng);
    free(s->nh);
    free(s->tz);
    free(s->tg);
    free(s->th);
    if (s->lm) gsl_multifit_nlinear_free(s->lm);
    if (s->wv) gsl_vector_free(s->wv);
    free(s->buf);
    free(s->zc);
    free(s->gc);
    free(s->scratch);
    free(s);
}

static sc_status lm_size(sc_solver *s, size_t n)
{
    if (s->lm != NULL && s->lm_n == n) return SC_OK;
    if (s->lm) gsl_multifit_nlinear_free(s->lm);
    if (s->wv) gsl_vector_free(s->wv);
    free(s->scratch);
    s->lm = NULL;
    s->wv = NULL;
    s->scratch = NULL;
    s->lm_n = 0;
    gsl_multifit_nlinear_parameters par = gsl_multifit_nlinear_default_parameters();
    par.trs = gsl_multifit_nlinear_trs_lm;
    s->lm = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &par, n, s->p);
    s->wv = gsl_vector_alloc(n);
    s->scratch = sc_malloc_array(2 * n + s->p, sizeof(double));
    if (s->lm == NULL || s->wv == NULL || s->scratch == NULL) return SC_ENOMEM;
    s->lm_n = n;
    return SC_OK;
}

sc_status sc_solver_new(size_t n, size_t p, sc_loss loss, sc_solver **out)
{
    *out = NULL;
    sc_solver *s = calloc(1, sizeof *s);
    if (s == NULL) return SC_ENOMEM;
    s->p = p;
    s->loss = loss;
    s->buf = sc_malloc_array(SC_OBJ_BUF(p), sizeof(double));
    s->zc = sc_malloc_array(p, sizeof(double));
    s->gc = sc_malloc_array(p, sizeof(double));
    s->x0 = gsl_vector_alloc(p);
    if (s->buf == NULL || s->zc == NULL || s->gc == NULL || s->x0 == NULL)
        goto oom;
    /* Damped Newton: Huber, and least squares with sc_fit_opts.ls_newton */
    s->nz = sc_malloc_array(p, sizeof(double));
    s->ng = sc_malloc_array(p, sizeof(double));
    s->nh = sc_malloc_array(p * p, sizeof(double));
    s->tz = sc_malloc_array(p, sizeof(double));
    s->tg = sc_malloc_array(p, sizeof(double));
    s->th = sc_malloc_array(p * p, sizeof(double));
    s->na = gsl_matrix_alloc(p, p);
    s->nstep = gsl_vector_alloc(p);
    s->nrhs = gsl_vector_alloc(p);
    if (s->nz == NULL || s->ng == NULL || s->nh == NULL || s->tz == NULL || s->tg == NULL ||
        s->th == NULL || s->na == NULL || s->nstep == NULL || s->nrhs == NULL)
        goto oom;
    if (loss == SC_LOSS_HUBER) {
        s->mm = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, p);
        if (s->mm == NULL) goto oom;
    } else if (lm_size(s, n) != SC_OK) {
        goto oom;
    }
    *out = s;
    return SC_OK;
oom:
    sc_solver_free(s);
    return SC_ENOMEM;
}

static void to_internal(const sc_problem *pb, const double *theta, double *z)
{
    if (pb->fast != NULL && pb->fast->to_internal != NULL)
        pb->fast->to_internal(pb->ctx, theta, z);
    else
        memcpy(z, theta, pb->p * sizeof(double));
}

static void from_internal(const sc_problem *pb, const double *z, double *theta)
{
    if (pb->fast != NULL && pb->fast->from_internal != NULL)
        pb->fast->from_internal(pb->ctx, z, theta);
    else
        memcpy(theta, z, pb->p * sizeof(double));
}

/* ---- Huber: BFGS ---- */

/* Relative loss decrease counted as "flat" (a share of tol), and how many flat iterations in a
 * row stop the search. */
#define SC_FTOL_SHARE 1e-2
#define SC_FLAT_ITERS 5
/* First trial step (parameter units) and the line search's curvature parameter sigma (the
 * search ends when |g(new) . p| <= sigma |g(old) . p|). GSL suggests 0.1; a looser 0.7 cut the
 * objective evaluations per start by a third on the Chinchilla grid (measured, same optimum
 * after polishing). */
#define SC_BFGS_STEP 0.1
#define SC_BFGS_LINE_TOL 0.7

/* GSL's line search asks for f, df and fdf separately, often f and then df at the same point.
 * The objective gives the gradient almost for free with the loss, so every evaluation computes
 * both and remembers them for the last point. */
static double mm_eval(sc_solver *s, const double *z, double *g)
{
    const size_t p = s->p;
    if (!s->cache_ok || memcmp(z, s->zc, p * sizeof(double)) != 0) {
        s->fc = sc_problem_objective(s->pb, z, s->gc, s->buf);
        memcpy(s->zc, z, p * sizeof(double));
        s->cache_ok = 1;
    }
    if (g != NULL) memcpy(g, s->gc, p * sizeof(double));
    return s->fc;
}

static double mm_f(const gsl_vector *v, void *params)
{
    return mm_eval(params, v->data, NULL);
}

static void mm_df(const gsl_vector *v, void *params, gsl_vector *g)
{
    (void)mm_eval(params, v->data, g->data);
}

static void mm_fdf(const gsl_vector *v, void *params, double *f, gsl_vector *g)
{
    *f = mm_eval(params, v->data, g->data);
}

/* Largest |g_j| max(|theta_j|, 1): the first-order change of the loss under a relative (or,
 * for small parameters, absolute) perturbation of one parameter. */
static double scaled_gradient(const double *g, const double *theta, size_t p)
{
    double m = 0.0;
    for (size_t j = 0; j < p; j++) {
        const double v = fabs(g[j]) * fmax(fabs(theta[j]), 1.0);
        if (!(v <= m)) m = v; /* propagates NaN */
    }
    return m;
}

static int all_finite(const double *v, size_t p)
{
    for (size_t j = 0; j < p; j++)
        if (!isfinite(v[j])) return 0;
    return 1;
}

static sc_status run_bfgs(sc_solver *s, const sc_problem *pb, const double *theta0,
                          size_t max_iter, double tol, double *theta, sc_start_out *out)
{
    const size_t p = pb->p;
    gsl_multimin_function_fdf fdf = {.f = mm_f, .df = mm_df, .fdf = mm_fdf, .n = p, .params = s};
    to_internal(pb, theta0, s->x0->data);
    out->iterations = 0;
    int st = gsl_multimin_fdfminimizer_set(s->mm, &fdf, s->x0, SC_BFGS_STEP, SC_BFGS_LINE_TOL);
    double f = gsl_multimin_fdfminimizer_minimum(s->mm);
    if (st != GSL_SUCCESS || !isfinite(f) || !all_finite(s->mm->gradient->data, p)) {
        memcpy(theta, theta0, p * sizeof(double));
        out->loss = NAN;
        out->code = SC_ENUMERIC;
        snprintf(out->reason, sizeof out->reason, "NaN objective or gradient at the start");
        return SC_OK;
    }
    /* Tests: scaled gradient below tol * loss (first-order stationarity, relative to the size
     * of the loss), a relative loss decrease below ftol on SC_FLAT_ITERS consecutive
     * iterations, or no decrease even along the gradient. */
    const double ftol = SC_FTOL_SHARE * tol;
    int flat = 0, restarted = 0;
    size_t it = 0;
    const char *why = NULL;
    sc_status code = SC_OK;
    for (;;) {
        if (scaled_gradient(s->mm->gradient->data, s->mm->x->data, p) <= tol * fmax(f, DBL_MIN)) {
            why = "converged: gradient below tolerance";
            break;
        }
        if (it >= max_iter) {
            code = SC_ENOCONV;
            why = "maximum number of iterations reached";
            break;
        }
        st = gsl_multimin_fdfminimizer_iterate(s->mm);
        it++;
        const double fnew = gsl_multimin_fdfminimizer_minimum(s->mm);
        if (!isfinite(fnew) || !all_finite(s->mm->x->data, p)) {
            code = SC_ENUMERIC;
            why = "NaN objective";
            break;
        }
        if (st == GSL_ENOPROG) {
            /* The line search found no lower point along the quasi-Newton direction. Restart
             * from here along the steepest descent; when that cannot decrease the loss either,
             * the point is a numerical minimum. */
            if (restarted) {
                why = "converged: no decrease along the gradient";
                f = fnew;
                break;
            }
            gsl_multimin_fdfminimizer_restart(s->mm);
            restarted = 1;
            continue;
        }
        restarted = 0;
        if (st != GSL_SUCCESS) {
            code = SC_ENUMERIC;
            why = "optimiser error";
            f = fnew;
            break;
        }
        flat = (f - fnew <= ftol * fabs(f)) ? flat + 1 : 0;
        f = fnew;
        if (flat >= SC_FLAT_ITERS) {
            why = "converged: relative loss change below tolerance";
            break;
        }
    }
    from_internal(pb, s->mm->x->data, theta);
    out->loss = gsl_multimin_fdfminimizer_minimum(s->mm);
    out->iterations = it;
    out->code = code;
    out->converged = code == SC_OK;
    snprintf(out->reason, sizeof out->reason, "%s", why);
    return SC_OK;
}


/* ---- Huber with the law's Hessian: damped Newton ----
 *
 * Each iteration solves (H + mu I) step = -g, with g and H the exact gradient and Hessian of
 * the objective in the internal parameters, by Cholesky factorisation of the p x p matrix
 * (gsl_linalg_cholesky_decomp1), and takes the step when it lowers the loss. The damping mu
 * follows the gain ratio rho = (actual decrease) / (decrease predicted by the quadratic model
 * f + g.step + step.H.step / 2) with Nielsen's update (Madsen, Nielsen and Tingleff 2004,
 * "Methods for Non-Linear Least Squares Problems", 2nd ed., eq. 2.21 and Algorithm 3.16, there
 * for Levenberg-Marquardt; the same rule damps Newton's method, their sec. 2.4): after a
 * successful step mu *= max(1/3, 1 - (2 rho - 1)^3) and nu = 2; after a failed one (loss not
 * lower, or H + mu I not positive definite) mu *= nu and nu *= 2. A small mu gives Newton's
 * step (fast convergence near a minimum), a large one a short step along -g, which also copes
 * with the indefinite Hessians met far from the optimum. The first mu is the larger of
 * SC_NEWTON_TAU max |H_jj| (their eq. 3.14) and |g| / SC_NEWTON_STEP0, which keeps the first
 * step shorter than about SC_NEWTON_STEP0 (far from the data the Hessian is nearly zero and an
 * undamped step would be huge). */
#define SC_NEWTON_TAU 1e-3
#define SC_NEWTON_STEP0 0.1     /* parameter units (as BFGS's first trial step) */
#define SC_NEWTON_MU_MAX 1e16   /* mu relative to its scale at which no step lowers the loss */
#define SC_NEWTON_FLAT_ITERS 2
#define SC_CRAWL_REL 1e-6    /* relative loss decrease per accepted step */
#define SC_CRAWL_WINDOWS 5  /* windows of SC_WORSE_EVERY accepted steps */

static sc_status run_lm(sc_solver *s, const sc_problem *pb, const double *theta0, size_t max_iter,
                        double tol, double *theta, sc_start_out *out);

static int newton_eval(sc_solver *s, const sc_problem *pb, const double *z, double *f, double *g,
                       double *H)
{
    const size_t p = pb->p;
    if (!sc_problem_hessian(pb, z, f, g, H, s->buf)) return 0;
    return isfinite(*f) && all_finite(g, p) && all_finite(H, p * p);
}

/* step = -(H + mu I)^-1 g into s->nstep; 0 when H + mu I is not positive definite. */
static int newton_solve(sc_solver *s, const double *H, const double *g, double mu)
{
    const size_t p = s->p, tda = s->na->tda;
    for (size_t i = 0; i < p; i++) {
        for (size_t j = 0; j < p; j++) s->na->data[i * tda + j] = H[i * p + j];
        s->na->data[i * tda + i] += mu;
        s->nrhs->data[i] = -g[i];
    }
    return gsl_linalg_cholesky_decomp1(s->na) == GSL_SUCCESS &&
           gsl_linalg_cholesky_solve(s->na, s->nrhs, s->nstep) == GSL_SUCCESS &&
           all_finite(s->nstep->data, p);
}

/* While polishing: f is more than SC_WORSE_REL above the best screened loss and, at the rate of
 * the last SC_WORSE_EVERY accepted steps (from fprev to f), would not reach it within the
 * iterations left. */
static int clearly_worse(const sc_problem *pb, double f, double fprev, size_t it, size_t max_iter)
{
    const double ref = pb->ref_loss;
    if (!(ref > 0) || !(f > ref * (1.0 + SC_WORSE_REL))) return 0;
    const double rate = (fprev - f) / SC_WORSE_EVERY, left = (double)(max_iter - it);
    return rate * left < f - ref;
}

static sc_status run_newton(sc_solver *s, const sc_problem *pb, const double *theta0,
                            size_t max_iter, double tol, double *theta, sc_start_out *out)
{
    const size_t p = pb->p;
    double *z = s->nz, *g = s->ng, *H = s->nh, *zt = s->tz, *gt = s->tg, *Ht = s->th;
    double f, ft;
    to_internal(pb, theta0, z);
    out->iterations = 0;
    /* Outside the range where the law's Hessian is exact (or at a NaN start): BFGS, which falls
     * back on the Jacobian. */
    if (!newton_eval(s, pb, z, &f, g, H))
        return pb->loss == SC_LOSS_HUBER ? run_bfgs(s, pb, theta0, max_iter, tol, theta, out)
                                         : run_lm(s, pb, theta0, max_iter, tol, theta, out);
    double scale = 0.0, gn = 0.0;
    for (size_t j = 0; j < p; j++) {
        scale = fmax(scale, fabs(H[j * p + j]));
        gn += g[j] * g[j];
    }
    if (!(scale > 0)) scale = 1.0;
    double mu = fmax(SC_NEWTON_TAU * scale, sqrt(gn) / SC_NEWTON_STEP0), nu = 2.0;
    /* Where the Hessian nearly vanishes (every residual beyond delta and the model almost
     * linear: the Huber loss is then piecewise linear) the first mu comes from the gradient;
     * the damping limit is measured against it, so that the search can still move along -g. */
    scale = fmax(scale, SC_NEWTON_TAU * mu);
    double fref = f;
    size_t nacc = 0;
    int crawl = 0;
    /* Stopping rules as for BFGS: scaled gradient below tol * loss; a relative loss decrease
     * below ftol on SC_NEWTON_FLAT_ITERS accepted steps in a row; or no step lowers the loss
     * even with the largest damping (a numerical minimum). Iterations count the steps tried
     * (one objective evaluation each). */
    const double ftol = SC_FTOL_SHARE * tol;
    int flat = 0;
    size_t it = 0;
    const char *why = NULL;
    sc_status code = SC_OK;
    for (;;) {
        if (scaled_gradient(g, z, p) <= tol * fmax(f, DBL_MIN)) {
            why = "converged: gradient below tolerance";
            break;
        }
        if (mu > SC_NEWTON_MU_MAX * scale) {
            why = "converged: no decrease along the damped Newton step";
            break;
        }
        if (it >= max_iter) {
            code = SC_ENOCONV;
            why = "maximum number of iterations reached";
            break;
        }
        if (!newton_solve(s, H, g, mu)) {
            mu *= nu;
            nu *= 2.0;
            continue;
        }
        it++;
        const double *step = s->nstep->data;
        /* Predicted decrease -(g.step + step.H.step / 2), positive for H + mu I positive
         * definite. */
        double gs = 0.0, sHs = 0.0;
        for (size_t i = 0; i < p; i++) {
            gs += g[i] * step[i];
            double hs = 0.0;
            for (size_t j = 0; j < p; j++) hs += H[i * p + j] * step[j];
            sHs += step[i] * hs;
            zt[i] = z[i] + step[i];
        }
        const double pred = -(gs + 0.5 * sHs);
        if (newton_eval(s, pb, zt, &ft, gt, Ht) && ft < f) {
            const double rho = pred > 0 ? (f - ft) / pred : 0.0;
            const double c = 2.0 * rho - 1.0;
            mu *= fmax(1.0 / 3.0, 1.0 - c * c * c);
            nu = 2.0;
            flat = (f - ft <= ftol * fabs(f)) ? flat + 1 : 0;
            f = ft;
            memcpy(z, zt, p * sizeof(double));
            memcpy(g, gt, p * sizeof(double));
            memcpy(H, Ht, p * p * sizeof(double));
            if (flat >= SC_NEWTON_FLAT_ITERS) {
                why = "converged: relative loss change below tolerance";
                break;
            }
            if (++nacc % SC_WORSE_EVERY == 0) {
                if (clearly_worse(pb, f, fref, it, max_iter)) {
                    why = "stopped: clearly above the best screened loss";
                    out->abandoned = 1;
                    break;
                }
                /* While polishing: a loss that keeps decreasing by less than SC_CRAWL_REL
                 * relative per step (a valley towards a degenerate limit of the law, where the
                 * minimum is at infinity) ends the start as not converged. */
                crawl = pb->ref_loss > 0 && fref - f < SC_CRAWL_REL * SC_WORSE_EVERY * f
                            ? crawl + 1
                            : 0;
                if (crawl >= SC_CRAWL_WINDOWS) {
                    code = SC_ENOCONV;
                    why = "no progress: the loss decreases too slowly (minimum at infinity?)";
                    break;
                }
                fref = f;
            }
        } else {
            mu *= nu;
            nu *= 2.0;
        }
    }
    from_internal(pb, z, theta);
    out->loss = f;
    out->iterations = it;
    out->code = code;
    out->converged = code == SC_OK;
    snprintf(out->reason, sizeof out->reason, "%s", why);
    return SC_OK;
}

/* ---- Least squares: Levenberg-Marquardt. GSL residuals are f_i = model_i - y_i. ---- */

static int lm_f(const gsl_vector *v, void *params, gsl_vector *fv)
{
    sc_solver *s = params;
    const sc_problem *pb = s->pb;
    for (size_t i0 = 0; i0 < pb->n; i0 += SC_CHUNK) {
        const size_t m = pb->n - i0 < SC_CHUNK ? pb->n - i0 : SC_CHUNK;
        sc_problem_eval(pb, v->data, i0, m, fv->data + i0, NULL, NULL);
    }
    for (size_t i = 0; i < pb->n; i++) {
        fv->data[i] -= pb->yf[i];
        if (!isfinite(fv->data[i])) return GSL_EDOM;
    }
    return GSL_SUCCESS;
}

static int lm_df(const gsl_vector *v, void *params, gsl_matrix *J)
{
    sc_solver *s = params;
    const sc_problem *pb = s->pb;
    double *f = s->buf;
    for (size_t i0 = 0; i0 < pb->n; i0 += SC_CHUNK) {
        const size_t m = pb->n - i0 < SC_CHUNK ? pb->n - i0 : SC_CHUNK;
        sc_problem_eval(pb, v->data, i0, m, f, J->data + i0 * J->tda, s->scratch);
    }
    return GSL_SUCCESS;
}

#define SC_LM_GTOL_STALL 1e-4
#define SC_LM_STALL 10 /* windows of SC_WORSE_EVERY iterations */

static sc_status run_lm(sc_solver *s, const sc_problem *pb, const double *theta0, size_t max_iter,
                        double tol, double *theta, sc_start_out *out)
{
    const size_t p = pb->p, n = pb->n;
    SC_TRY(lm_size(s, n));
    gsl_multifit_nlinear_fdf fdf = {
        .f = lm_f, .df = lm_df, .fvv = NULL, .n = n, .p = p, .params = s};
    to_internal(pb, theta0, s->x0->data);
    int st;
    if (pb->w != NULL) {
        gsl_vector_const_view wv = gsl_vector_const_view_array(pb->w, n);
        st = gsl_multifit_nlinear_winit(s->x0, &wv.vector, &fdf, s->lm);
    } else {
        st = gsl_multifit_nlinear_init(s->x0, &fdf, s->lm);
    }
    out->iterations = 0;
    if (st != GSL_SUCCESS) {
        memcpy(theta, theta0, p * sizeof(double));
        out->loss = NAN;
        out->code = SC_ENUMERIC;
        snprintf(out->reason, sizeof out->reason, "NaN model value at the start");
        return SC_OK;
    }
    const char *why = NULL;
    sc_status code = SC_OK;
    size_t it = 0;
    double ssref = INFINITY;
    int stall = 0, crawl = 0;
    double decprev = INFINITY;
    for (;;) {
        if (it >= max_iter) {
            code = SC_ENOCONV;
            why = "maximum number of iterations reached";
            break;
        }
        st = gsl_multifit_nlinear_iterate(s->lm);
        it++;
        if (st == GSL_ENOPROG || st == GSL_ENOPROGJ) {
            /* No step reduced the cost (the trust region collapsed): accepted as a minimum when
             * the scaled gradient is small (loosely: the Jacobian may be a finite difference). */
            int info = 0;
            if (gsl_multifit_nlinear_test(0.0, SC_LM_GTOL_STALL, 0.0, &info, s->lm) == GSL_SUCCESS &&
                info != 0) {
                why = "converged: no further decrease at a stationary point";
            } else {
                code = SC_ENOCONV;
                why = "no progress: no step reduced the residuals";
            }
            break;
        }
        if (st != GSL_SUCCESS) {
            code = SC_ENUMERIC;
            why = "NaN model value";
            break;
        }
        int info = 0;
        if (gsl_multifit_nlinear_test(tol, tol, 0.0, &info, s->lm) == GSL_SUCCESS && info != 0) {
            why = info == 1 ? "converged: step below tolerance"
                            : "converged: gradient below tolerance";
            break;
        }
        if (pb->ref_loss > 0 && it % SC_WORSE_EVERY == 0) {
            const gsl_vector *rv = gsl_multifit_nlinear_residual(s->lm);
            double ss = 0.0;
            for (size_t i = 0; i < n; i++) ss += rv->data[i] * rv->data[i];
            if (it > SC_WORSE_EVERY && clearly_worse(pb, ss, ssref, it, max_iter)) {
                why = "stopped: clearly above the best screened loss";
                out->abandoned = 1;
                break;
            }
            /* While polishing, a sum of squares that no longer changes (relative to tol) over
             * SC_LM_STALL windows ends the start as the iteration limit would. */
            stall = ssref - ss <= tol * ss ? stall + 1 : 0;
            if (stall >= SC_LM_STALL) {
                code = SC_ENOCONV;
                why = "no progress: the sum of squares stopped decreasing";
                break;
            }
            /* A sum of squares that keeps decreasing by less than SC_CRAWL_REL relative per
             * iteration, ever more slowly, without meeting the tests (a valley towards a
             * degenerate limit, e.g. the logistic's a -> inf) ends the start as not converged,
             * as in run_newton. A slow decrease that speeds up (leaving a plateau) goes on. */
            const double dec = ssref - ss;
            crawl = dec < SC_CRAWL_REL * SC_WORSE_EVERY * ss && dec <= decprev ? crawl + 1 : 0;
            decprev = dec;
            if (crawl >= SC_CRAWL_WINDOWS) {
                code = SC_ENOCONV;
                why = "no progress: the sum of squares decreases too slowly (minimum at "
                      "infinity?)";
                break;
            }
            ssref = ss;
        }
    }
    const gsl_vector *x = gsl_multifit_nlinear_position(s->lm);
    from_internal(pb, x->data, theta);
    const gsl_vector *r = gsl_multifit_nlinear_residual(s->lm); /* weighted: sqrt(w) f */
    double ss = 0.0;
    for (size_t i = 0; i < n; i++) ss += r->data[i] * r->data[i];
    out->loss = all_finite(theta, p) ? ss : NAN;
    if (!isfinite(out->loss) && code == SC_OK) {
        code = SC_ENUMERIC;
        why = "NaN model value";
    }
    out->iterations = it;
    out->code = code;
    out->converged = code == SC_OK;
    snprintf(out->reason, sizeof out->reason, "%s", why);
    return SC_OK;
}

sc_status sc_solver_run(sc_solver *s, const sc_problem *pb, const double *theta0,
                        size_t max_iter, double tol, double *theta, sc_start_out *out)
{
    memset(out, 0, sizeof *out);
    s->pb = pb;
    s->cache_ok = 0;
    if (pb->loss == SC_LOSS_HUBER) {
        if (s->mm == NULL) return SC_EINVAL;
        if (sc_problem_has_hessian(pb)) return run_newton(s, pb, theta0, max_iter, tol, theta, out);
        return run_bfgs(s, pb, theta0, max_iter, tol, theta, out);
    }
    if (pb->newton && sc_problem_has_hessian(pb))
        return run_newton(s, pb, theta0, max_iter, tol, theta, out);
    return run_lm(s, pb, theta0, max_iter, tol, theta, out);
}
