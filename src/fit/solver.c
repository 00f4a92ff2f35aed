/* SPDX-License-Identifier: GPL-3.0-or-later
 * One start of the local optimiser on a prepared problem: Levenberg-Marquardt
 * (gsl_multifit_nlinear) for least squares, BFGS (gsl_multimin vector_bfgs2) for the sum of
 * Huber losses. Workspaces are sized once and reused for every start run by a thread. */
#include "fit/fit_internal.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_blas.h>
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
    if (loss == SC_LOSS_HUBER) {
        s->mm = gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, p);
        s->nz = sc_malloc_array(p, sizeof(double));
        s->ng = sc_malloc_array(p, sizeof(double));
        s->nh = sc_malloc_array(p * p, sizeof(double));
        s->tz = sc_malloc_array(p, sizeof(double));
        s->tg = sc_malloc_array(p, sizeof(double));
        s->th = sc_malloc_array(p * p, sizeof(double));
        s->na = gsl_matrix_alloc(p, p);
        s->nstep = gsl_vector_alloc(p);
        s->nrhs = gsl_vector_alloc(p);
        if (s->mm == NULL || s->nz == NULL || s->ng == NULL || s->nh == NULL || s->tz == NULL ||
            s->tg == NULL || s->th == NULL || s->na == NULL || s->nstep == NULL ||
            s->nrhs == NULL)
            goto oom;
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


/* ---- Huber with the law's Hessian: trust-region Newton ----
 *
 * Each iteration minimises the quadratic model m(step) = f + g.step + step.H.step / 2 (g and H
 * the exact gradient and Hessian of the objective in the internal parameters) within the ball
 * |step| <= radius: step = -(H + mu I)^-1 g with mu >= 0, mu = 0 when Newton's step is inside
 * the ball, else mu such that |step| is about the radius, found by the Newton iteration on
 * 1/|step(mu)| of Nocedal and Wright (2006, "Numerical Optimization", 2nd ed., Algorithm 4.3),
 * with Cholesky factorisations of the 5 x 5 matrix (gsl_linalg_cholesky) and bisection when a
 * trial mu leaves H + mu I indefinite. The step is taken when the loss decreases by at least
 * a share SC_TR_ETA of the decrease the model predicts (their Algorithm 4.1), and the radius
 * shrinks to a quarter of the step when that ratio is below 1/4 and doubles (up to
 * SC_TR_RADIUS_MAX) when it is above 3/4 at the boundary. */
#ifdef SC_TUNE
#include <stdlib.h>
#define TUNE(name, def) (getenv(name) ? atof(getenv(name)) : (def))
#define SC_TR_RADIUS0 TUNE("R0", 0.1)
#define SC_TR_RADIUS_MAX TUNE("RMAX", 100.0)
#define SC_TR_ETA TUNE("ETA", 1e-4)
#define SC_TR_FLAT_ITERS ((int)TUNE("FLAT", 2))
#define SC_TR_SHRINK TUNE("SHRINK", 0.25)
#define SC_TR_GROW TUNE("GROW", 2.0)
#define SC_TR_GOOD TUNE("GOOD", 0.75)
#else
#define SC_TR_RADIUS0 0.1       /* first radius, parameter units (as BFGS's first step) */
#define SC_TR_RADIUS_MAX 100.0
#define SC_TR_ETA 1e-4
#define SC_TR_FLAT_ITERS 2
#define SC_TR_SHRINK 0.25
#define SC_TR_GROW 2.0
#define SC_TR_GOOD 0.75
#endif
#define SC_TR_SUBITER 20         /* Newton/bisection steps on mu per iteration at most */

static int newton_eval(const sc_problem *pb, const double *z, double *f, double *g, double *H)
{
    const size_t p = pb->p;
    if (!pb->fast->hessian(z, pb->ctx, pb->xp, pb->yf, pb->w, pb->n, pb->loss, pb->delta, f, g,
                           H))
        return 0;
    return isfinite(*f) && all_finite(g, p) && all_finite(H, p * p);
}

/* Factorises H + mu I into s->na (Cholesky) and solves for step = -(H + mu I)^-1 g into
 * s->nstep. Returns 0 when H + mu I is not positive definite. */
static int tr_solve(sc_solver *s, const double *H, const double *g, double mu)
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

static double norm2(const double *v, size_t p)
{
    double t = 0.0;
    for (size_t j = 0; j < p; j++) t += v[j] * v[j];
    return sqrt(t);
}

/* The step of the trust-region subproblem into s->nstep; returns its length, or -1 when no
 * positive definite H + mu I was found. */
static double tr_step(sc_solver *s, const double *H, const double *g, double radius)
{
    const size_t p = s->p;
    /* Lower bound for mu: H + mu I is positive definite for mu above minus the smallest
     * Gershgorin bound of H's eigenvalues. */
    double gersh = INFINITY, hmax = 0.0;
    for (size_t i = 0; i < p; i++) {
        double off = 0.0;
        for (size_t j = 0; j < p; j++)
            if (j != i) off += fabs(H[i * p + j]);
        gersh = fmin(gersh, H[i * p + i] - off);
        hmax = fmax(hmax, fabs(H[i * p + i]) + off);
    }
    double lo = 0.0; /* H + lo I known (or assumed) not to be positive definite, or lo = 0 */
    double hi = gersh < 0 ? -gersh * (1.0 + 1e-12) + DBL_MIN : 0.0; /* positive definite */
    double mu = 0.0, len = -1.0, best = -1.0;
    int have = 0;
    if (tr_solve(s, H, g, 0.0)) {
        len = norm2(s->nstep->data, p);
        if (len <= radius) return len;
        have = 1;
    } else {
        /* Not positive definite at mu = 0: start from the Gershgorin bound. */
        mu = hi > 0 ? hi : DBL_MIN + 1e-12 * hmax;
        if (!tr_solve(s, H, g, mu)) return -1.0;
        len = norm2(s->nstep->data, p);
        have = 1;
    }
    (void)have;
    for (int k = 0; k < SC_TR_SUBITER; k++) {
        best = len;
        if (fabs(len - radius) <= 0.1 * radius) break;
        if (len < radius && mu <= lo) break;
        /* Newton step on 1/|step(mu)| = 1/radius: mu += (|p| / |q|)^2 (|p| - radius) / radius
         * with L q = p (L the Cholesky factor). */
        gsl_vector_memcpy(s->nrhs, s->nstep);
        gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, s->na, s->nrhs);
        const double qn = norm2(s->nrhs->data, p);
        double next = mu + (len / qn) * (len / qn) * (len - radius) / radius;
        if (len > radius) lo = mu; /* need more damping than mu */
        if (!(next > lo)) next = 0.5 * (lo + mu > lo ? lo + mu : 2 * lo + DBL_MIN);
        if (!tr_solve(s, H, g, next)) {
            /* Indefinite: the answer lies above next. */
            lo = next;
            next = mu > lo ? 0.5 * (lo + mu) : 2.0 * lo + DBL_MIN;
            if (!tr_solve(s, H, g, next)) {
                if (!tr_solve(s, H, g, mu)) return -1.0;
                best = norm2(s->nstep->data, p);
                break;
            }
        }
        mu = next;
        len = norm2(s->nstep->data, p);
        best = len;
    }
    /* Still too long (iteration cap): shorten along the same direction. */
    if (best > radius) {
        for (size_t j = 0; j < p; j++) s->nstep->data[j] *= radius / best;
        best = radius;
    }
    return best;
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
    if (!newton_eval(pb, z, &f, g, H)) return run_bfgs(s, pb, theta0, max_iter, tol, theta, out);
    double radius = SC_TR_RADIUS0;
    /* Stopping rules as for BFGS: scaled gradient below tol * loss; a relative loss decrease
     * below ftol on SC_TR_FLAT_ITERS accepted steps in a row; or a radius so small that the
     * step no longer changes the parameters (a numerical minimum). */
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
        if (radius <= DBL_EPSILON * (1.0 + norm2(z, p))) {
            why = "converged: no decrease within the smallest trust region";
            break;
        }
        if (it >= max_iter) {
            code = SC_ENOCONV;
            why = "maximum number of iterations reached";
            break;
        }
        it++;
        const double len = tr_step(s, H, g, radius);
        if (!(len >= 0)) {
            code = SC_ENUMERIC;
            why = "no positive definite damped Hessian";
            break;
        }
        const double *step = s->nstep->data;
        /* Predicted decrease -(g.step + step.H.step / 2). */
        double gs = 0.0, sHs = 0.0;
        for (size_t i = 0; i < p; i++) {
            gs += g[i] * step[i];
            double hs = 0.0;
            for (size_t j = 0; j < p; j++) hs += H[i * p + j] * step[j];
            sHs += step[i] * hs;
            zt[i] = z[i] + step[i];
        }
        const double pred = -(gs + 0.5 * sHs);
        const int ok = newton_eval(pb, zt, &ft, gt, Ht);
        const double rho = ok && pred > 0 ? (f - ft) / pred : (ok && ft < f ? 1.0 : -1.0);
#ifdef SC_TRACE
        fprintf(stderr, "it %zu f %.12e ft %.12e pred %.3e rho %.3f radius %.3e len %.3e |g| %.3e z %.4f %.4f %.4f %.4f %.4f\n", it, f, ft, pred, rho, radius, len, scaled_gradient(g, z, p), z[0], z[1], z[2], z[3], z[4]);
#endif
        if (rho < 0.25)
            radius = SC_TR_SHRINK * len;
        else if (rho > SC_TR_GOOD && len >= 0.99 * radius)
            radius = fmin(SC_TR_GROW * radius, SC_TR_RADIUS_MAX);
        if (rho > SC_TR_ETA && ft < f) {
            flat = (f - ft <= ftol * fabs(f)) ? flat + 1 : 0;
            f = ft;
            memcpy(z, zt, p * sizeof(double));
            memcpy(g, gt, p * sizeof(double));
            memcpy(H, Ht, p * p * sizeof(double));
            if (flat >= SC_TR_FLAT_ITERS) {
                why = "converged: relative loss change below tolerance";
                break;
            }
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
        if (pb->fast != NULL && pb->fast->hessian != NULL)
            return run_newton(s, pb, theta0, max_iter, tol, theta, out);
        return run_bfgs(s, pb, theta0, max_iter, tol, theta, out);
    }
    return run_lm(s, pb, theta0, max_iter, tol, theta, out);
}
