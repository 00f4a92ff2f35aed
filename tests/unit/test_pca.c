/* SPDX-License-Identifier: GPL-3.0-or-later
 * PCA (mean-centred, not standardised) on small hand-made matrices whose answers are known in
 * closed form. The published-data pins are in test_obs.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "scalecast.h"
#include "obs_assert.h"

static void test_line(void **state)
{
    (void)state;
    /* Points on the line (1, 2) t: one component (1, 2)/sqrt(5) carries all the variance. */
    const double X[] = {0, 0, 1, 2, 2, 4, 3, 6};
    sc_pca *pca = NULL;
    assert_int_equal(sc_pca_fit(X, 4, 2, 1, &pca, NULL), SC_OK);
    assert_double_equal(pca->mean[0], 1.5, 1e-15);
    assert_double_equal(pca->mean[1], 3.0, 1e-15);
    assert_double_equal(pca->components[0], 1.0 / sqrt(5.0), 1e-14);
    assert_double_equal(pca->components[1], 2.0 / sqrt(5.0), 1e-14);
    assert_double_equal(pca->ratio[0], 1.0, 1e-14);
    /* Total variance: (var x + var y) with n - 1 = 3: (5/3) + (20/3). */
    assert_double_equal(pca->total_variance, 25.0 / 3.0, 1e-13);
    double S[4];
    sc_pca_transform(pca, X, 4, S);
    for (size_t i = 0; i < 4; i++) assert_double_equal(S[i], ((double)i - 1.5) * sqrt(5.0), 1e-13);
    sc_pca_free(pca);
}

static void test_axes(void **state)
{
    (void)state;
    /* Diamond: variances 8/3 along x and 2/3 along y, ratios 0.8 and 0.2. */
    const double X[] = {2, 0, 0, 1, -2, 0, 0, -1};
    sc_pca *pca = NULL;
    assert_int_equal(sc_pca_fit(X, 4, 2, 2, &pca, NULL), SC_OK);
    assert_int_equal(pca->nall, 2);
    assert_double_equal(pca->variance[0], 8.0 / 3.0, 1e-14);
    assert_double_equal(pca->variance[1], 2.0 / 3.0, 1e-14);
    assert_double_equal(pca->ratio[0], 0.8, 1e-14);
    assert_double_equal(pca->ratio[1], 0.2, 1e-14);
    /* Sign convention: the largest entry of each component is positive. */
    assert_double_equal(pca->components[0], 1.0, 1e-14);
    assert_double_equal(pca->components[3], 1.0, 1e-14);
    sc_pca_free(pca);
}

/* Flipping the sign of every row leaves the data's components unchanged (the sign is fixed by
 * the convention, not by the data's orientation), and permuting rows changes nothing. */
static void test_sign_and_order_invariance(void **state)
{
    (void)state;
    const double X[] = {0.1, 0.5, 0.3, 0.9, 0.2, 0.4, 0.8, 0.7, 0.6, 0.3,
                        0.2, 0.1, 0.5, 0.6, 0.9, 0.4, 0.3, 0.8, 0.7, 0.2};
    double Y[20], Z[20];
    for (size_t i = 0; i < 20; i++) Y[i] = 1.0 - X[i]; /* reflected through the centre */
    for (size_t i = 0; i < 5; i++) memcpy(Z + 4 * i, X + 4 * (4 - i), 4 * sizeof(double));
    sc_pca *a = NULL, *b = NULL, *c = NULL;
    assert_int_equal(sc_pca_fit(X, 5, 4, 3, &a, NULL), SC_OK);
    assert_int_equal(sc_pca_fit(Y, 5, 4, 3, &b, NULL), SC_OK);
    assert_int_equal(sc_pca_fit(Z, 5, 4, 3, &c, NULL), SC_OK);
    for (size_t i = 0; i < 12; i++) {
        assert_double_equal(a->components[i], b->components[i], 1e-12);
        assert_double_equal(a->components[i], c->components[i], 1e-12);
    }
    double Sa[15], Sb[15];
    sc_pca_transform(a, X, 5, Sa);
    sc_pca_transform(b, Y, 5, Sb);
    for (size_t i = 0; i < 15; i++) assert_double_equal(Sa[i], -Sb[i], 1e-12);
    /* Orthonormal rows. */
    for (size_t r = 0; r < 3; r++)
        for (size_t s = 0; s < 3; s++) {
            double d = 0;
            for (size_t j = 0; j < 4; j++) d += a->components[r * 4 + j] * a->components[s * 4 + j];
            assert_double_equal(d, r == s ? 1.0 : 0.0, 1e-12);
        }
    sc_pca_free(a);
    sc_pca_free(b);
    sc_pca_free(c);
}

/* Fewer rows than variables: the wide path (SVD of X^T) agrees with the variance identity. */
static void test_wide(void **state)
{
    (void)state;
    const double X[] = {0.1, 0.5, 0.3, 0.9, 0.2, 0.4, 0.8, 0.7, 0.6, 0.3, 0.2, 0.1, 0.5, 0.6, 0.9};
    sc_pca *pca = NULL;
    assert_int_equal(sc_pca_fit(X, 3, 5, 2, &pca, NULL), SC_OK);
    assert_int_equal(pca->nall, 2);
    assert_double_equal(pca->ratio[0] + pca->ratio[1], 1.0, 1e-12);
    double S[6];
    sc_pca_transform(pca, X, 3, S);
    for (size_t a = 0; a < 2; a++) {
        double v = 0;
        for (size_t i = 0; i < 3; i++) v += S[i * 2 + a] * S[i * 2 + a];
        assert_double_equal(v / 2.0, pca->variance[a], 1e-12);
    }
    sc_pca_free(pca);
}

static void test_errors(void **state)
{
    (void)state;
    const double X[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    sc_pca *pca = NULL;
    sc_error err;
    assert_int_equal(sc_pca_fit(X, 3, 2, 3, &pca, &err), SC_ETOOFEW);
    assert_null(pca);
    assert_int_equal(sc_pca_fit(X, 2, 3, 2, &pca, &err), SC_ETOOFEW);
    assert_string_equal(err.message,
                        "PCA: 2 training models for 2 components: need more models than components");
    const double Y[] = {0.1, NAN, 0.3, 0.4, 0.5, 0.6};
    assert_int_equal(sc_pca_fit(Y, 3, 2, 1, &pca, &err), SC_EDOMAIN);
    assert_string_equal(err.message, "PCA: row 1, metric 2 is not a finite number (impute first)");
    const double C[] = {0.5, 0.5, 0.5, 0.5, 0.5, 0.5};
    assert_int_equal(sc_pca_fit(C, 3, 2, 1, &pca, &err), SC_ENUMERIC);
    assert_null(pca);
    sc_pca_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_axes),
        cmocka_unit_test(test_sign_and_order_invariance),
        cmocka_unit_test(test_wide),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
