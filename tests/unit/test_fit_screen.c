/* SPDX-License-Identifier: GPL-3.0-or-later
 * Screened multistart (SC_SCREEN_ON): the same optimum as running every start to the full
 * tolerance, identical results with 1 and 2 threads (also when screening on a subsample of
 * many points), the statistics of the fully converged starts, the progress callback, and the
 * damped Newton path of a law without a fast path (its public hess only), the end of a
 * least-squares start that crawls towards a minimum at infinity, and starts whose screened end
 * points coincide, polished once, and least squares by damped Newton. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "scalecast.h"

#define NBIG 700

/* Deterministic noise in [-1, 1]. */
static double noise(size_t i)
{
    return sin(12.9898 * (double)i + 78.233 * (double)(i * i % 97));
}

/* powerlaw-qmax data: n points of log(-log Q') = LSE(a - alpha log C, e), with noise of
 * 3e-3 in fit space (3 delta) and every tenth point an outlier. */
static void qmax_data(size_t n, double *C, double *q)
{
    const double t[3] = {12.0, 0.25, -2.0};
    for (size_t i = 0; i < n; i++) C[i] = 1e18 * pow(10.0, 4.0 * (double)i / (double)(n - 1));
    sc_law_predict(&sc_law_powerlaw_qmax, t, C, n, q);
    for (size_t i = 0; i < n; i++) {
        double f = log(-log(q[i])) + 3e-3 * noise(i) + (i % 10 == 3 ? 0.05 : 0.0);
        q[i] = exp(-exp(f));
    }
}

static sc_fit *qmax_fit(const sc_law *law, size_t n, int threads, int screen, size_t *calls,
                        int *ok_progress);

typedef struct prog {
    size_t calls, last, total;
    int ok;
} prog;

static void on_progress(void *ctx, size_t done, size_t total)
{
    prog *p = ctx;
    if (p->calls > 0 && (done < p->last || total != p->total)) p->ok = 0;
    if (done > total) p->ok = 0;
    p->calls++;
    p->last = done;
    p->total = total;
}

static sc_fit *qmax_fit(const sc_law *law, size_t n, int threads, int screen, size_t *calls,
                        int *ok_progress)
{
    static double C[NBIG], q[NBIG];
    qmax_data(n, C, q);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 1e-3;
    o.tol = 1e-12;
    o.max_iter = 20000;
    o.threads = threads;
    o.screen = screen;
    prog pr = {0, 0, 0, 1};
    o.progress = on_progress;
    o.progress_ctx = &pr;
    omp_set_num_threads(threads);
    sc_fit *f = NULL;
    assert_int_equal(sc_fit_run(law, C, q, n, &o, &f, NULL), SC_OK);
    if (calls) *calls = pr.calls;
    if (ok_progress) *ok_progress = pr.ok && pr.last == pr.total && pr.total > 0;
    return f;
}

static void same_fit(const sc_fit *a, const sc_fit *b)
{
    assert_true(a->loss == b->loss);
    for (size_t k = 0; k < a->p; k++) assert_true(a->theta[k] == b->theta[k]);
    assert_int_equal(a->nbest, b->nbest);
    assert_int_equal(a->nbest_full, b->nbest_full);
    assert_int_equal(a->nconverged_full, b->nconverged_full);
    assert_int_equal(a->iterations, b->iterations);
}

static void test_screen_same_optimum(void **state)
{
    (void)state;
    const size_t sizes[2] = {60, NBIG}; /* NBIG > 2 * 256: screening on a subsample */
    for (int s = 0; s < 2; s++) {
        sc_fit *off = qmax_fit(&sc_law_powerlaw_qmax, sizes[s], 1, SC_SCREEN_OFF, NULL, NULL);
        sc_fit *on = qmax_fit(&sc_law_powerlaw_qmax, sizes[s], 1, SC_SCREEN_ON, NULL, NULL);
        assert_int_equal(off->nstarts, 150);
        assert_int_equal(off->nconverged_full, 150);
        assert_int_equal(off->nbest_full, off->nbest);
        /* the polished 16 and the starts whose screened end points coincided with theirs */
        assert_true(on->nconverged_full <= on->nstarts && on->nconverged_full >= 1);
        assert_true(on->nbest_full <= on->nconverged_full && on->nbest_full >= 1);
        /* The screened search ends at the optimum of the full one (to the tolerance). */
        if (!(fabs(on->loss - off->loss) <= 1e-9 * off->loss))
            fail_msg("n %zu: screened loss %.17g, every start %.17g", sizes[s], on->loss,
                     off->loss);
        for (size_t k = 0; k < 3; k++) assert_true(fabs(on->theta[k] - off->theta[k]) < 1e-5);
        sc_fit_free(off);
        sc_fit_free(on);
    }
}

static void test_screen_threads(void **state)
{
    (void)state;
    const size_t sizes[2] = {60, NBIG};
    for (int s = 0; s < 2; s++) {
        sc_fit *a = qmax_fit(&sc_law_powerlaw_qmax, sizes[s], 1, SC_SCREEN_ON, NULL, NULL);
        sc_fit *b = qmax_fit(&sc_law_powerlaw_qmax, sizes[s], 2, SC_SCREEN_ON, NULL, NULL);
        same_fit(a, b);
        sc_fit_free(a);
        sc_fit_free(b);
    }
}

static void test_progress(void **state)
{
    (void)state;
    for (int threads = 1; threads <= 2; threads++) {
        size_t calls = 0;
        int ok = 0;
        sc_fit *f = qmax_fit(&sc_law_powerlaw_qmax, 60, threads, SC_SCREEN_ON, &calls, &ok);
        assert_true(ok);                   /* monotone, same total, last call done == total */
        assert_true(calls >= 2 && calls <= 102);
        sc_fit_free(f);
    }
}

/* A law defined outside the library (no fast path) with its public hess uses the damped
 * Newton method too and reaches the same optimum as the library's fast path. */
static void test_public_hess_newton(void **state)
{
    (void)state;
    sc_law plain = sc_law_powerlaw_qmax;
    plain.fast = NULL;
    sc_law nohess = plain;
    nohess.hess = NULL; /* BFGS */
    sc_fit *fast = qmax_fit(&sc_law_powerlaw_qmax, 60, 1, SC_SCREEN_OFF, NULL, NULL);
    sc_fit *pub = qmax_fit(&plain, 60, 1, SC_SCREEN_OFF, NULL, NULL);
    sc_fit *bfgs = qmax_fit(&nohess, 60, 1, SC_SCREEN_OFF, NULL, NULL);
    assert_true(fabs(pub->loss - fast->loss) <= 1e-9 * fast->loss);
    assert_true(bfgs->loss >= fast->loss * (1.0 - 1e-9));
    for (size_t k = 0; k < 3; k++) assert_true(fabs(pub->theta[k] - fast->theta[k]) < 1e-5);
    sc_fit_free(fast);
    sc_fit_free(pub);
    sc_fit_free(bfgs);
}

/* Least squares (Levenberg-Marquardt) with SC_SCREEN_ON on NBIG points: accuracy exactly
 * exponential in the loss, Q = 0.2 + 0.05 e^(-2 L) (plus noise of 1e-4), has no finite best
 * logistic (its best fits go on to a -> inf, L0 -> -inf), so every polished start ends as not
 * converged, by the crawl rule, well before the 10000 iterations; logistic data with a finite
 * optimum still converge to it. */
static void logistic_data(int exponential, double *L, double *q)
{
    const double t[4] = {0.6, 0.25, -6.0, 1.0};
    for (size_t i = 0; i < NBIG; i++) L[i] = 0.5 + 1.5 * (double)i / (double)(NBIG - 1);
    sc_law_predict(&sc_law_acc_logistic, t, L, NBIG, q);
    for (size_t i = 0; i < NBIG; i++) {
        if (exponential) q[i] = 0.2 + 0.05 * exp(-2.0 * L[i]);
        q[i] += 1e-4 * noise(i);
    }
}

static void test_lm_crawl(void **state)
{
    (void)state;
    static double L[NBIG], q[NBIG];
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.threads = 1;
    o.max_iter = 10000;
    o.screen = SC_SCREEN_ON;
    sc_fit *f = NULL;
    sc_error err;
    sc_error_clear(&err);
    logistic_data(1, L, q);
    assert_int_equal(sc_fit_run(&sc_law_acc_logistic, L, q, NBIG, &o, &f, &err), SC_ENOCONV);
    assert_null(f);
    assert_non_null(strstr(err.message, "decreases too slowly (minimum at infinity?)"));

    logistic_data(0, L, q);
    assert_int_equal(sc_fit_run(&sc_law_acc_logistic, L, q, NBIG, &o, &f, &err), SC_OK);
    assert_true(f->converged);
    assert_true(fabs(f->theta[2] - -6.0) < 0.05);
    assert_true(fabs(f->theta[3] - 1.0) < 0.01);
    assert_true(f->iterations < 1000);
    sc_fit_free(f);
}

/* 40 starts, two distinct points repeated 20 times each: the coinciding end points are polished
 * once, and every copy takes that outcome: all 40 count as carried to convergence, with the
 * optimum of running every start on its own. */
static void test_shared_ends(void **state)
{
    (void)state;
    enum { N = 60, NS = 40 };
    static double C[N], q[N], st[NS * 3];
    qmax_data(N, C, q);
    const double a[3] = {10.0, 0.3, -1.0}, b[3] = {14.0, 0.2, -3.0};
    for (size_t k = 0; k < NS; k++)
        memcpy(st + 3 * k, k % 2 ? b : a, sizeof a);
    sc_fit *fit[2] = {NULL, NULL};
    for (int s = 0; s < 2; s++) {
        sc_fit_opts o;
        sc_fit_opts_init(&o);
        o.loss = SC_LOSS_HUBER;
        o.huber_delta = 1e-3;
        o.tol = 1e-12;
        o.max_iter = 20000;
        o.threads = 1;
        o.starts = st;
        o.nstarts = NS;
        o.screen = s ? SC_SCREEN_ON : SC_SCREEN_OFF;
        assert_int_equal(sc_fit_run(&sc_law_powerlaw_qmax, C, q, N, &o, &fit[s], NULL), SC_OK);
    }
    assert_int_equal(fit[1]->nstarts, NS);
    assert_int_equal(fit[1]->nconverged_full, NS);
    assert_int_equal(fit[1]->nbest_full, fit[0]->nbest_full);
    assert_int_equal(fit[1]->nbest, fit[0]->nbest);
    if (!(fabs(fit[1]->loss - fit[0]->loss) <= 1e-9 * fit[0]->loss))
        fail_msg("screened loss %.17g, every start %.17g", fit[1]->loss, fit[0]->loss);
    for (size_t k = 0; k < 3; k++) assert_true(fabs(fit[1]->theta[k] - fit[0]->theta[k]) < 1e-5);
    sc_fit_free(fit[0]);
    sc_fit_free(fit[1]);
}

/* Least squares with the damped Newton solver (opts.ls_newton) ends at the optimum that
 * Levenberg-Marquardt finds, from the same starts (BNSL, 40 points with noise). */
static void test_ls_newton(void **state)
{
    (void)state;
    enum { N = 40, NS = 3 };
    const double t[6] = {0.1, 2.0, 0.05, 0.6, 0.8, 20.5};
    double C[N], q[N];
    for (size_t i = 0; i < N; i++) C[i] = 1e18 * pow(10.0, 5.0 * (double)i / (N - 1));
    sc_law_predict(&sc_law_bnsl, t, C, N, q);
    for (size_t i = 0; i < N; i++) q[i] += 2e-3 * noise(i);
    double st[NS * 6];
    for (size_t k = 0; k < NS; k++)
        for (size_t j = 0; j < 6; j++)
            st[k * 6 + j] = t[j] * (1.0 + 0.05 * (double)(k + 1) * noise(j + 7 * k));
    sc_fit *fit[2] = {NULL, NULL};
    for (int s = 0; s < 2; s++) {
        sc_fit_opts o;
        sc_fit_opts_init(&o);
        o.loss = SC_LOSS_LS;
        o.starts = st;
        o.nstarts = NS;
        o.threads = 1;
        o.ls_newton = s;
        assert_int_equal(sc_fit_run(&sc_law_bnsl, C, q, N, &o, &fit[s], NULL), SC_OK);
        assert_true(fit[s]->converged);
    }
    if (!(fabs(fit[1]->loss - fit[0]->loss) <= 1e-8 * fit[0]->loss))
        fail_msg("Newton sum of squares %.17g, Levenberg-Marquardt %.17g", fit[1]->loss,
                 fit[0]->loss);
    for (size_t k = 0; k < 6; k++)
        if (!(fabs(fit[1]->theta[k] - fit[0]->theta[k]) <=
              1e-4 * fmax(1.0, fabs(fit[0]->theta[k]))))
            fail_msg("theta[%zu]: Newton %.10g, Levenberg-Marquardt %.10g", k, fit[1]->theta[k],
                     fit[0]->theta[k]);
    assert_int_equal(fit[1]->nbest, fit[0]->nbest);
    sc_fit_free(fit[0]);
    sc_fit_free(fit[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_screen_same_optimum),
        cmocka_unit_test(test_screen_threads),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_public_hess_newton),
        cmocka_unit_test(test_lm_crawl),
        cmocka_unit_test(test_shared_ends),
        cmocka_unit_test(test_ls_newton),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
