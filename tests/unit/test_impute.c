/* SPDX-License-Identifier: GPL-3.0-or-later
 * Iterative rank-1 PCA imputation on hand-made matrices. The published-data pins (rounds and
 * imputed cells of the default set-up) are in test_obs.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "scalecast.h"
#include "obs_assert.h"

/* x_ij = a_i b_j + c_j is rank 1 after centring and stays so after per-column standardisation,
 * so the fixed point of rank-1 imputation is the exact missing value. */
static void make(double *X, size_t n, size_t p)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < p; j++)
            X[i * p + j] = 0.1 * (double)(i + 1) * (0.5 + 0.1 * (double)j) + 0.05 * (double)j;
}

static void test_exact_rank1(void **state)
{
    (void)state;
    double X[6 * 4], T[2 * 4];
    make(X, 6, 4);
    double want = X[2 * 4 + 1];
    X[2 * 4 + 1] = NAN;
    /* Two test rows continuing the pattern (rows 6, 7), one cell missing in each. */
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 4; j++)
            T[i * 4 + j] = 0.1 * (double)(i + 7) * (0.5 + 0.1 * (double)j) + 0.05 * (double)j;
    double want_t0 = T[3], want_t1 = T[4];
    T[3] = NAN;
    T[4] = NAN;
    sc_impute_opts o;
    sc_impute_opts_init(&o);
    o.tol = 1e-12;
    o.hi = 2.0; /* the test rows exceed 1: no clipping in the way */
    sc_impute_info info;
    assert_int_equal(sc_impute_pca(X, 6, T, 2, 4, &o, &info, NULL), SC_OK);
    assert_double_equal(X[2 * 4 + 1], want, 1e-10);
    assert_double_equal(T[3], want_t0, 1e-10);
    assert_double_equal(T[4], want_t1, 1e-10);
    assert_int_equal(info.nmissing_train, 1);
    assert_int_equal(info.nmissing_test, 2);
    /* Stopped by its own criterion, well before the round limit. */
    assert_true(info.converged_train && info.converged_test);
    assert_true(info.rounds_train > 1 && info.rounds_train < 1000);
    assert_true(info.change_train < 1e-12);
}

static void test_round_limit_and_clip(void **state)
{
    (void)state;
    double X[6 * 4];
    make(X, 6, 4);
    X[5 * 4 + 3] = NAN; /* the largest value: its reconstruction is about 0.79 */
    X[0] = NAN;
    sc_impute_opts o;
    sc_impute_opts_init(&o);
    o.max_rounds = 1;
    sc_impute_info info;
    assert_int_equal(sc_impute_pca(X, 6, NULL, 0, 4, &o, &info, NULL), SC_OK);
    assert_int_equal(info.rounds_train, 1);
    assert_false(info.converged_train);
    /* Clipping: a tight range forces the imputed cells onto its bounds, observed cells kept. */
    double Y[6 * 4];
    make(Y, 6, 4);
    double kept = Y[1];
    Y[5 * 4 + 3] = NAN;
    Y[0] = NAN;
    sc_impute_opts_init(&o);
    o.lo = 0.2;
    o.hi = 0.3;
    assert_int_equal(sc_impute_pca(Y, 6, NULL, 0, 4, &o, &info, NULL), SC_OK);
    assert_double_equal(Y[5 * 4 + 3], 0.3, 0);
    assert_double_equal(Y[0], 0.2, 0);
    assert_double_equal(Y[1], kept, 0);
}

static void test_nothing_missing(void **state)
{
    (void)state;
    double X[6 * 4], Y[6 * 4];
    make(X, 6, 4);
    memcpy(Y, X, sizeof X);
    sc_impute_info info;
    assert_int_equal(sc_impute_pca(X, 6, NULL, 0, 4, NULL, &info, NULL), SC_OK);
    assert_memory_equal(X, Y, sizeof X);
    assert_int_equal(info.rounds_train, 0);
    assert_true(info.converged_train);
}

static void test_errors(void **state)
{
    (void)state;
    double X[3 * 2] = {0.1, NAN, 0.2, NAN, 0.3, NAN};
    sc_error err;
    assert_int_equal(sc_impute_pca(X, 3, NULL, 0, 2, NULL, NULL, &err), SC_EEMPTY);
    assert_string_equal(err.message,
                        "imputation: metric 2 has no observed value among the 3 training models");
    assert_int_equal(err.column, 2);
    double Y[1 * 2] = {0.1, 0.2};
    assert_int_equal(sc_impute_pca(Y, 1, NULL, 0, 2, NULL, NULL, &err), SC_ETOOFEW);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exact_rank1),
        cmocka_unit_test(test_round_limit_and_clip),
        cmocka_unit_test(test_nothing_missing),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
