/* SPDX-License-Identifier: GPL-3.0-or-later
 * Internals of the fitting engine shared by src/fit and the laws that offer a fast path. */
#ifndef SC_FIT_INTERNAL_H
#define SC_FIT_INTERNAL_H

#include "core/internal.h"

/* Optional acceleration of a law. The public descriptor (sc_law) evaluates the model from the
 * raw covariates; a law may in addition
 *  - transform its covariates once per data set (prep: e.g. log N and log D, centred), which
 *    also sets constants ctx (up to SC_CTX values, e.g. the centres);
 *  - work in internal parameters z, an exact reparametrisation of theta given ctx (e.g.
 *    a' = a - alpha mean(log N), which decorrelates a and alpha and makes the optimiser's job
 *    much easier); to_internal/from_internal map between them (NULL: z = theta);
 *  - evaluate model and Jacobian with respect to z together (fj).
 * The engine optimises in z with these when present and uses the public f/jac otherwise (and
 * always for residuals, covariance and the reported loss). */
#define SC_CTX 8
typedef struct sc_law_fast {
    const sc_law *law;
    size_t nxp; /* transformed covariates per point */
    void (*prep)(const double *x, size_t n, double *xp, double *ctx);
    void (*to_internal)(const double *ctx, const double *theta, double *z);
    void (*from_internal)(const double *ctx, const double *z, double *theta);
    /* Model (n) and, when J != NULL, Jacobian d f / d z (n x p) from transformed covariates. */
    void (*fj)(const double *z, const double *xp, size_t n, double *f, double *J);
    /* Optional: model, Jacobian and second derivatives d2 f / dz_j dz_k (n x p(p+1)/2, packed
     * as sc_law.hess) from transformed covariates, in one pass. With it (or with the law's
     * public hess), Huber fits use the damped Newton solver; the engine sums loss, gradient
     * and Hessian from these (sc_problem_hessian). */
    void (*fjh)(const double *z, const double *xp, size_t n, double *f, double *J, double *H);
    /* Optional: the objective (sum of w r^2, or of w Huber(r)) and, when grad != NULL, its
     * gradient with respect to z, in one pass. Returns 0 (and writes nothing) when it cannot
     * evaluate at z, e.g. outside the range where it is exact; the engine then uses fj.
     * buf holds SC_CHUNK * 6 doubles. */
    int (*objective)(const double *z, const double *ctx, const double *xp, const double *yf,
                     const double *w, size_t n, sc_loss loss, double delta, double *value,
                     double *grad, double *buf);
    /* Optional: the objective, its gradient and its Hessian (p x p, row-major, full) with
     * respect to z, in one pass; returns 0 (writing nothing) when it cannot evaluate at z. With
     * it, Huber fits use the damped Newton solver instead of BFGS. */
    int (*hessian)(const double *z, const double *ctx, const double *xp, const double *yf,
                   const double *w, size_t n, sc_loss loss, double delta, double *value,
                   double *grad, double *hess);
} sc_law_fast;

/* The fast path of law (law->fast), or NULL. */
const sc_law_fast *sc_law_fast_find(const sc_law *law);

/* One data set prepared for fitting. */
typedef struct sc_problem {
    const sc_law *law;
    const sc_law_fast *fast; /* or NULL */
    size_t n, p;
    const double *x;  /* n x law->nx raw covariates */
    const double *xp; /* n x fast->nxp transformed covariates (fast != NULL) */
    double ctx[SC_CTX]; /* constants of the internal parametrisation (fast != NULL) */
    const double *yf; /* n observations in fit space */
    const double *w;  /* n weights or NULL */
    sc_loss loss;
    double delta;
    /* Polishing after screening: the best screened loss (0 or NaN: off). A start still more
     * than SC_WORSE_REL above it whose loss decreases too slowly to reach it within its
     * remaining iterations stops early (docs/fitting.md). */
    double ref_loss;
    int newton; /* least squares: the damped Newton solver (sc_fit_opts.ls_newton) */
} sc_problem;

#define SC_WORSE_REL 1e-6
#define SC_WORSE_EVERY 10

/* Outcome of one start. */
typedef struct sc_start_out {
    double loss;       /* objective at the end point (NaN if it could not be evaluated) */
    int converged;     /* met the convergence test */
    sc_status code;    /* SC_OK when converged, else why not */
    size_t iterations;
    int abandoned;     /* polishing stopped it as clearly worse (sc_problem.ref_loss) */
    char reason[96];
} sc_start_out;

/* Per-thread solver workspace: allocated once, reused for every start. */
typedef struct sc_solver sc_solver;

SC_NODISCARD sc_status sc_solver_new(size_t n, size_t p, sc_loss loss, sc_solver **out);
void sc_solver_free(sc_solver *s);

/* Minimises pb's objective from theta0; writes the end point into theta (p). */
SC_NODISCARD sc_status sc_solver_run(sc_solver *s, const sc_problem *pb, const double *theta0,
                                     size_t max_iter, double tol, double *theta,
                                     sc_start_out *out);

/* Model (m) and optionally Jacobian (m x p) for points [i0, i0 + m) of pb, at internal
 * parameters z when pb->fast != NULL, else at theta. scratch needs
 * 2 * m + p doubles when the law has neither a fast path nor an analytic Jacobian. */
void sc_problem_eval(const sc_problem *pb, const double *theta, size_t i0, size_t m, double *f,
                     double *J, double *scratch);

/* Objective (and gradient when grad != NULL) of pb at theta (internal z with a fast path).
 * buf needs SC_OBJ_BUF(p) doubles. */
#define SC_CHUNK 64
#define SC_OBJ_BUF(p) (SC_CHUNK * ((p) + 6 + (p) * ((p) + 1) / 2) + (p))
double sc_problem_objective(const sc_problem *pb, const double *theta, double *grad, double *buf);

/* Whether pb can give the objective's Hessian (a fused fast-path routine, the fast path's
 * fjh, or the law's public hess): then Huber fits use the damped Newton solver. */
int sc_problem_has_hessian(const sc_problem *pb);
/* Objective, gradient and full p x p Hessian (row-major) of pb at theta (internal z with a
 * fast path), in one pass over the data. Returns 0 when they cannot be evaluated there (the
 * fused routine's range guard); values may still be non-finite. buf: SC_OBJ_BUF(p). */
int sc_problem_hessian(const sc_problem *pb, const double *theta, double *value, double *grad,
                       double *hess, double *buf);

/* Data prepared for a problem: observations in fit space and transformed covariates. */
typedef struct sc_prepared {
    double *yf; /* n */
    double *xp; /* n x fast->nxp, or NULL without a fast path */
} sc_prepared;

/* Checks the points (finite x, y, w >= 0, law->check, y inside the fit space): SC_EDOMAIN
 * naming the first bad point (err->line = index + 1). */
SC_NODISCARD sc_status sc_fit_check_points(const sc_law *law, const double *x, const double *y,
                                           const double *w, size_t n, sc_error *err);
/* Fills pb (pointing into pr, which it allocates) for the data. */
SC_NODISCARD sc_status sc_problem_prepare(sc_problem *pb, sc_prepared *pr, const sc_law *law,
                                          const double *x, const double *y, const double *w,
                                          size_t n, sc_loss loss, double delta);
void sc_prepared_free(sc_prepared *pr);
/* The starts opts asks for (explicit, random, grid or closed form): *starts (ns x p, owned by
 * the caller). */
SC_NODISCARD sc_status sc_fit_resolve_starts(const sc_law *law, const double *x, const double *y,
                                             const double *w, size_t n, const sc_fit_opts *opts,
                                             double **starts, size_t *ns, sc_error *err);
/* Runs every start with one solver, in order; writes the best end point (by loss, then start
 * index) into theta. Returns how many starts converged; *loss is the best loss (NaN when no
 * start ended at a finite loss). */
size_t sc_best_serial(sc_solver *s, const sc_problem *pb, const double *starts, size_t ns,
                      size_t max_iter, double tol, double *theta, double *loss, double *work);

#define SC_DEFAULT_MAX_ITER 1000
#define SC_DEFAULT_TOL_LS 1e-10
#define SC_DEFAULT_TOL_HUBER 1e-8
/* Two-phase multistart (Huber, default tolerance): screening tolerance for every start, and how
 * many of the best end points are then polished to the full tolerance. The damped Newton
 * solver (laws with a Hessian) screens at a looser tolerance: its end points are far closer to
 * the local minimum at the same tolerance than those of BFGS (docs/fitting.md has the
 * measurements). The bootstrap's replicates use SC_SCREEN_TOL with either solver. */
#define SC_SCREEN_TOL 1e-4
#define SC_SCREEN_TOL_NEWTON 1e-2
#define SC_POLISH 16
/* Iteration cap of each screening run. */
#define SC_SCREEN_MAX_ITER 1000
/* Screening on a subsample (SC_SCREEN_ON, more than 2 SC_SUBSAMPLE points): its size. */
#define SC_SUBSAMPLE 256

/* Turns off GSL's default error handler (which aborts): the library reports statuses instead. */
void sc_gsl_quiet(void);

/* The checks shared by sc_fit_run and sc_bootstrap (who names the caller in messages): the law
 * is usable, n >= p, the loss and its delta are valid, every point is in the law's domain.
 * Fills *opts from opts_in or the defaults. */
sc_status sc_fit_validate(const char *who, const sc_law *law, const double *x, const double *y,
                          size_t n, int have_out, const sc_fit_opts *opts_in, sc_fit_opts *opts,
                          sc_error *err);

#endif
