/* SPDX-License-Identifier: GPL-3.0-or-later
 * Analytic derivatives of every law in the registry against central differences: the
 * Jacobian against differences of f, the second derivatives (hess) against differences of the
 * Jacobian; the fast paths' model, Jacobian and second derivatives in their internal
 * parameters against differences of the public model; and the engine's loss, gradient and
 * Hessian (Huber and least squares, with weights) against differences of its gradient, and the
 * laws' fused Hessian passes against the engine's sum from their per-point derivatives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fit/fit_internal.h"
#include "scalecast.h"

#define MAXP 8
#define MAXN 8

typedef struct law_case {
    const char *name;
    double theta[MAXP];
    size_t n;
    double x[MAXN * 2];
} law_case;

/* A point of each law's usual range, at points where every term matters. */
static const law_case cases[] = {
    {"chinchilla", {6.0, 7.0, 0.5, 0.34, 0.28}, 5,
     {1e8, 2e9, 3e8, 6e9, 1e9, 2e10, 3e9, 6e10, 1e10, 2e11}},
    {"satpower", {0.6, 3.0, 0.15}, 5, {1e18, 1e19, 1e20, 1e21, 1e22}},
    {"passk", {-0.05, -0.4, 0.01, 2.0}, 4, {1e20, 1, 1e21, 4, 1e22, 16, 1e23, 64}},
    {"powerlaw", {14.8, 0.32}, 4, {1e18, 1e20, 3e21, 3e22}},
    {"powerlaw-qmax", {14.8, 0.32, -2.27}, 5, {1e18, 1e19, 1e20, 3e21, 3e22}},
    {"bnsl", {0.2, 3.0, 0.2, 2.0, -0.9, 20.5}, 5, {1e18, 3e19, 1e21, 6e21, 4e22}},
    {"multitpr", {7.0, 0.36, 7.4, 0.36}, 4, {1e8, 2e9, 3e8, 1.2e10, 1e9, 2e10, 3e9, 2.4e11}},
    {"loss-power", {4.0, -0.05}, 4, {1e18, 1e19, 1e20, 1e21}},
    {"acc-linear", {1.4, -0.3}, 4, {2.2, 2.6, 3.0, 3.4}},
    {"acc-logistic", {0.6, 0.25, -4.0, 2.6}, 5, {2.0, 2.4, 2.6, 2.9, 3.5}},
};

static const law_case *find_case(const char *name)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        if (strcmp(cases[k].name, name) == 0) return &cases[k];
    return NULL;
}

/* |a - b| relative to the size of the derivatives involved (scale), or absolute below 1. */
static double rel_err(double a, double b, double scale)
{
    return fabs(a - b) / fmax(1.0, scale);
}

static void test_every_law_has_derivatives(void **state)
{
    (void)state;
    const sc_law *const *laws = sc_laws();
    size_t count = 0;
    for (size_t l = 0; laws[l] != NULL; l++, count++) {
        const sc_law *law = laws[l];
        if (law->jac == NULL || law->hess == NULL)
            fail_msg("law %s lacks jac or hess", law->name);
        if (find_case(law->name) == NULL) fail_msg("no derivative case for law %s", law->name);
    }
    assert_true(count == sizeof cases / sizeof cases[0]);
}

static void test_hessians_against_differences(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const law_case *lc = &cases[c];
        const sc_law *law = sc_law_find(lc->name);
        assert_non_null(law);
        const size_t p = law->nparam, n = lc->n, q = p * (p + 1) / 2;
        double J[MAXN * MAXP], H[MAXN * MAXP * (MAXP + 1) / 2], Jp[MAXN * MAXP],
            Jm[MAXN * MAXP], fp[MAXN], fm[MAXN], t[MAXP];
        law->jac(lc->theta, lc->x, n, J);
        law->hess(lc->theta, lc->x, n, H);
        double worst_j = 0.0, worst_h = 0.0;
        for (size_t k = 0; k < p; k++) {
            memcpy(t, lc->theta, p * sizeof *t);
            const double h = 1e-5 * fmax(1.0, fabs(lc->theta[k]));
            t[k] = lc->theta[k] + h;
            law->f(t, lc->x, n, fp);
            law->jac(t, lc->x, n, Jp);
            t[k] = lc->theta[k] - h;
            law->f(t, lc->x, n, fm);
            law->jac(t, lc->x, n, Jm);
            for (size_t i = 0; i < n; i++) {
                const double dj = (fp[i] - fm[i]) / (2.0 * h), aj = J[i * p + k];
                worst_j = fmax(worst_j, rel_err(dj, aj, fabs(aj)));
                for (size_t j = 0; j < p; j++) {
                    const double dh = (Jp[i * p + j] - Jm[i * p + j]) / (2.0 * h);
                    const double ah = H[i * q + SC_HESS_INDEX(p, j < k ? j : k, j < k ? k : j)];
                    worst_h = fmax(worst_h, rel_err(dh, ah, fabs(ah)));
                }
            }
        }
        if (!(worst_j < 1e-6 && worst_h < 1e-5))
            fail_msg("law %s: jacobian error %g, hessian error %g", law->name, worst_j, worst_h);
    }
}

/* The fast path in its internal parameters z: model equal to the public one, Jacobian and
 * second derivatives against differences in z. */
static void test_fast_paths(void **state)
{
    (void)state;
    size_t checked = 0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const law_case *lc = &cases[c];
        const sc_law *law = sc_law_find(lc->name);
        const sc_law_fast *fast = sc_law_fast_find(law);
        if (fast == NULL || fast->fjh == NULL) continue;
        checked++;
        const size_t p = law->nparam, n = lc->n, q = p * (p + 1) / 2;
        double xp[MAXN * 2], ctx[SC_CTX] = {0}, z[MAXP], zt[MAXP], th[MAXP];
        double f[MAXN], J[MAXN * MAXP], H[MAXN * MAXP * (MAXP + 1) / 2], fpub[MAXN];
        double fp[MAXN], Jp[MAXN * MAXP], Hp[MAXN * MAXP * (MAXP + 1) / 2], fm[MAXN],
            Jm[MAXN * MAXP];
        fast->prep(lc->x, n, xp, ctx);
        fast->to_internal(ctx, lc->theta, z);
        fast->from_internal(ctx, z, th);
        for (size_t k = 0; k < p; k++)
            assert_true(fabs(th[k] - lc->theta[k]) <= 1e-12 * fmax(1.0, fabs(lc->theta[k])));
        fast->fjh(z, xp, n, f, J, H);
        law->f(lc->theta, lc->x, n, fpub);
        for (size_t i = 0; i < n; i++)
            if (!(fabs(f[i] - fpub[i]) <= 1e-12 * fmax(1.0, fabs(fpub[i]))))
                fail_msg("law %s: fast model %.17g, public %.17g", law->name, f[i], fpub[i]);
        double worst_j = 0.0, worst_h = 0.0;
        for (size_t k = 0; k < p; k++) {
            memcpy(zt, z, p * sizeof *zt);
            const double h = 1e-5 * fmax(1.0, fabs(z[k]));
            zt[k] = z[k] + h;
            fast->fjh(zt, xp, n, fp, Jp, Hp);
            zt[k] = z[k] - h;
            fast->fjh(zt, xp, n, fm, Jm, Hp);
            for (size_t i = 0; i < n; i++) {
                const double dj = (fp[i] - fm[i]) / (2.0 * h), aj = J[i * p + k];
                worst_j = fmax(worst_j, rel_err(dj, aj, fabs(aj)));
                for (size_t j = 0; j < p; j++) {
                    const double dh = (Jp[i * p + j] - Jm[i * p + j]) / (2.0 * h);
                    const double ah = H[i * q + SC_HESS_INDEX(p, j < k ? j : k, j < k ? k : j)];
                    worst_h = fmax(worst_h, rel_err(dh, ah, fabs(ah)));
                }
            }
        }
        if (!(worst_j < 1e-6 && worst_h < 1e-5))
            fail_msg("law %s fast path: jacobian error %g, hessian error %g", law->name, worst_j,
                     worst_h);
    }
    assert_true(checked >= 4); /* satpower, powerlaw-qmax, bnsl, multitpr */
}

/* The engine's objective Hessian (sc_problem_hessian, from the laws' derivatives) against
 * central differences of its gradient, for both losses, with weights, on data whose residuals
 * lie on both sides of the Huber delta. */
static void test_objective_hessian(void **state)
{
    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const law_case *lc = &cases[c];
        const sc_law *law = sc_law_find(lc->name);
        const size_t p = law->nparam, n = lc->n;
        double f0[MAXN], y[MAXN], w[MAXN];
        law->f(lc->theta, lc->x, n, f0);
        for (size_t i = 0; i < n; i++) {
            /* residuals of +-0.3 delta and +-3 delta (delta = 1e-2 below) */
            const double r = (i % 2 ? 1.0 : -1.0) * (i % 3 == 0 ? 3e-2 : 3e-3);
            y[i] = sc_space_from(law->space, f0[i] + r);
            w[i] = 0.5 + 0.25 * (double)i;
        }
        for (int loss = 0; loss < 2; loss++) {
            sc_problem pb;
            sc_prepared pr;
            assert_int_equal(sc_problem_prepare(&pb, &pr, law, lc->x, y, w, n, (sc_loss)loss, 1e-2),
                             SC_OK);
            assert_true(sc_problem_has_hessian(&pb));
            double z[MAXP], zt[MAXP], g[MAXP], gp[MAXP], gm[MAXP], Hs[MAXP * MAXP], v, vv;
            double buf[SC_OBJ_BUF(MAXP)];
            if (pb.fast != NULL && pb.fast->to_internal != NULL)
                pb.fast->to_internal(pb.ctx, lc->theta, z);
            else
                memcpy(z, lc->theta, p * sizeof *z);
            assert_true(sc_problem_hessian(&pb, z, &v, g, Hs, buf));
            vv = sc_problem_objective(&pb, z, gp, buf);
            assert_true(fabs(v - vv) <= 1e-10 * fmax(fabs(v), 1e-12));
            double worst = 0.0, scale = 0.0;
            for (size_t k = 0; k < p * p; k++) scale = fmax(scale, fabs(Hs[k]));
            for (size_t k = 0; k < p; k++) {
                memcpy(zt, z, p * sizeof *zt);
                const double h = 1e-6 * fmax(1.0, fabs(z[k]));
                zt[k] = z[k] + h;
                (void)sc_problem_objective(&pb, zt, gp, buf);
                zt[k] = z[k] - h;
                (void)sc_problem_objective(&pb, zt, gm, buf);
                for (size_t j = 0; j < p; j++) {
                    const double d = (gp[j] - gm[j]) / (2.0 * h);
                    worst = fmax(worst, fabs(d - Hs[j * p + k]) / fmax(scale, 1e-300));
                    assert_true(Hs[j * p + k] == Hs[k * p + j]);
                }
            }
            sc_prepared_free(&pr);
            if (!(worst < 1e-5))
                fail_msg("law %s, loss %d: objective Hessian error %g (of the largest entry)",
                         law->name, loss, worst);
        }
    }
}

/* BNSL's fused loss, gradient and Hessian pass (fast->hessian) against the engine's sum from
 * the law's per-point derivatives (fjh): equal to the last bit, over several blocks of points
 * (150: two full blocks and a partial one), with and without weights, for both losses. */
static void test_fused_hessians(void **state)
{
    (void)state;
    enum { N = 150 };
    static const struct {
        const char *name;
        double theta[6];
    } fused[] = {{"bnsl", {0.2, 3.0, 0.2, 2.0, -0.9, 20.5}},
                 {"bnsl", {0.6, -1.5, 0.05, 0.4, 1.3, 22.0}}};
    int checked = 0;
    for (size_t c = 0; c < sizeof fused / sizeof fused[0]; c++) {
        const sc_law *law = sc_law_find(fused[c].name);
        const size_t p = law->nparam;
        double x[N], y[N], w[N], f0[N];
        for (size_t i = 0; i < N; i++) x[i] = 1e18 * pow(10.0, 5.0 * (double)i / (N - 1));
        law->f(fused[c].theta, x, N, f0);
        for (size_t i = 0; i < N; i++) {
            y[i] = f0[i] + (i % 2 ? 1.0 : -1.0) * (i % 3 == 0 ? 3e-2 : 3e-3);
            w[i] = 0.5 + 0.01 * (double)i;
        }
        for (int loss = 0; loss < 2; loss++)
            for (int weighted = 0; weighted < 2; weighted++) {
                sc_problem pb;
                sc_prepared pr;
                assert_int_equal(sc_problem_prepare(&pb, &pr, law, x, y, weighted ? w : NULL, N,
                                                    (sc_loss)loss, 1e-2),
                                 SC_OK);
                assert_non_null(pb.fast);
                assert_non_null(pb.fast->hessian);
                assert_non_null(pb.fast->fjh);
                sc_law_fast generic = *pb.fast;
                generic.hessian = NULL;
                sc_problem pg = pb;
                pg.fast = &generic;
                double z[MAXP], g1[MAXP], g2[MAXP], H1[MAXP * MAXP], H2[MAXP * MAXP], v1, v2;
                static double buf[SC_OBJ_BUF(MAXP)];
                pb.fast->to_internal(pb.ctx, fused[c].theta, z);
                assert_true(sc_problem_hessian(&pb, z, &v1, g1, H1, buf));
                assert_true(sc_problem_hessian(&pg, z, &v2, g2, H2, buf));
                double sh = 0.0, sg = 0.0, worst = 0.0;
                for (size_t k = 0; k < p * p; k++) sh = fmax(sh, fabs(H2[k]));
                for (size_t k = 0; k < p; k++) sg = fmax(sg, fabs(g2[k]));
                for (size_t k = 0; k < p * p; k++) worst = fmax(worst, fabs(H1[k] - H2[k]) / sh);
                for (size_t k = 0; k < p; k++) worst = fmax(worst, fabs(g1[k] - g2[k]) / sg);
                worst = fmax(worst, fabs(v1 - v2) / fabs(v2));
                sc_prepared_free(&pr);
                /* the same sums in the same order: equal to the last bit */
                if (!(worst == 0.0))
                    fail_msg("law %s case %zu, loss %d, weights %d: fused pass differs by %g",
                             law->name, c, loss, weighted, worst);
                checked++;
            }
    }
    assert_int_equal(checked, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_law_has_derivatives),
        cmocka_unit_test(test_hessians_against_differences),
        cmocka_unit_test(test_fast_paths),
        cmocka_unit_test(test_objective_hessian),
        cmocka_unit_test(test_fused_hessians),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
