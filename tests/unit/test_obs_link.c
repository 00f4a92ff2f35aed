/* SPDX-License-Identifier: GPL-3.0-or-later
 * The floored sigmoid link y = (1 - b) sigmoid(w . s + w0) + b on synthetic data with known
 * parameters (the published-data pins are in test_obs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "scalecast.h"
#include "obs_assert.h"

static double sig(double t) { return 1.0 / (1.0 + exp(-t)); }

/* 30 points on a 2-D grid of capabilities. */
static void grid(double *S)
{
    for (size_t i = 0; i < 30; i++) {
        S[2 * i] = -2.0 + 0.15 * (double)i;
        S[2 * i + 1] = 0.5 * sin(1.7 * (double)i);
    }
}

static void make_y(const double *S, double w0, double w1, double w2, double b, double *y)
{
    for (size_t i = 0; i < 30; i++) y[i] = (1.0 - b) * sig(w0 + w1 * S[2 * i] + w2 * S[2 * i + 1]) + b;
}

static void test_recovers_interior_floor(void **state)
{
    (void)state;
    double S[60], y[30];
    grid(S);
    make_y(S, 0.3, 2.0, -1.0, 0.13, y);
    sc_link *l = NULL;
    assert_int_equal(sc_link_fit(S, y, 30, 2, NULL, &l, NULL), SC_OK);
    assert_double_equal(l->b, 0.13, 1e-6);
    assert_double_equal(l->w0, 0.3, 1e-5);
    assert_double_equal(l->w[0], 2.0, 1e-5);
    assert_double_equal(l->w[1], -1.0, 1e-5);
    assert_true(l->rss < 1e-12);
    double pred[30];
    sc_link_predict(l, S, 30, pred);
    for (size_t i = 0; i < 30; i++) assert_double_equal(pred[i], y[i], 1e-7);
    assert_double_equal(sc_link_linear(l, S), 0.3 + 2.0 * S[0] - S[1], 1e-5);
    sc_link_free(l);
}

static void test_floor_on_bound(void **state)
{
    (void)state;
    double S[60], y[30];
    grid(S);
    make_y(S, -0.5, 1.5, 0.7, 0.0, y);
    sc_link *l = NULL;
    assert_int_equal(sc_link_fit(S, y, 30, 2, NULL, &l, NULL), SC_OK);
    assert_double_equal(l->b, 0.0, 1e-9);
    assert_double_equal(l->w[0], 1.5, 1e-5);
    sc_link_free(l);
    /* Data whose best floor lies above the bound: b stops at floor_max. */
    make_y(S, -0.5, 1.5, 0.7, 0.35, y);
    assert_int_equal(sc_link_fit(S, y, 30, 2, NULL, &l, NULL), SC_OK);
    assert_double_equal(l->b, 0.2, 1e-9);
    sc_link_free(l);
}

/* Flipping the sign of one capability flips its weight and changes no prediction. */
static void test_sign_invariance(void **state)
{
    (void)state;
    double S[60], F[60], y[30];
    grid(S);
    make_y(S, 0.1, 1.2, 0.8, 0.05, y);
    for (size_t i = 0; i < 30; i++) y[i] += 0.01 * sin(3.1 * (double)i); /* not an exact fit */
    memcpy(F, S, sizeof S);
    for (size_t i = 0; i < 30; i++) F[2 * i + 1] = -F[2 * i + 1];
    sc_link *a = NULL, *b = NULL;
    assert_int_equal(sc_link_fit(S, y, 30, 2, NULL, &a, NULL), SC_OK);
    assert_int_equal(sc_link_fit(F, y, 30, 2, NULL, &b, NULL), SC_OK);
    assert_double_equal(a->w[1], -b->w[1], 1e-6);
    assert_double_equal(a->w[0], b->w[0], 1e-6);
    assert_double_equal(a->b, b->b, 1e-7);
    double pa[30], pb[30];
    sc_link_predict(a, S, 30, pa);
    sc_link_predict(b, F, 30, pb);
    for (size_t i = 0; i < 30; i++) assert_double_equal(pa[i], pb[i], 1e-8);
    assert_double_equal(a->rss, b->rss, 1e-12);
    sc_link_free(a);
    sc_link_free(b);
}

/* Huber (IRLS) resists one gross outlier that pulls the least-squares fit. */
static void test_huber(void **state)
{
    (void)state;
    double S[60], y[30];
    grid(S);
    make_y(S, 0.0, 1.0, 0.0, 0.1, y);
    y[3] = 0.95;
    sc_link_opts o;
    sc_link_opts_init(&o);
    sc_link *ls = NULL, *hu = NULL;
    assert_int_equal(sc_link_fit(S, y, 30, 2, &o, &ls, NULL), SC_OK);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 0.01;
    assert_int_equal(sc_link_fit(S, y, 30, 2, &o, &hu, NULL), SC_OK);
    assert_true(fabs(hu->w[0] - 1.0) < fabs(ls->w[0] - 1.0));
    assert_double_equal(hu->w[0], 1.0, 0.05);
    sc_link_free(ls);
    sc_link_free(hu);
}

static void test_errors(void **state)
{
    (void)state;
    double S[6] = {0, 1, 2, 3, 4, 5}, y[3] = {0.1, 0.2, 0.3};
    sc_link *l = NULL;
    sc_error err;
    assert_int_equal(sc_link_fit(S, y, 3, 2, NULL, &l, &err), SC_ETOOFEW);
    assert_string_equal(err.message, "link: 3 training points for 4 parameters (w0, 2 slopes, floor)");
    assert_null(l);
    y[1] = NAN;
    assert_int_equal(sc_link_fit(S, y, 3, 1, NULL, &l, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "link: point 2 has a value that is not a finite number");
    sc_link_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recovers_interior_floor),
        cmocka_unit_test(test_floor_on_bound),
        cmocka_unit_test(test_sign_invariance),
        cmocka_unit_test(test_huber),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
