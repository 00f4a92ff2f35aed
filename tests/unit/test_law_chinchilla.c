/* SPDX-License-Identifier: GPL-3.0-or-later
 * The Chinchilla law: the Approach-3 fit on the real data (golden reproduction of Besiroglu et
 * al. 2024 on the Epoch AI extraction of Hoffmann et al. 2022, Figure 4), its Jacobian, fast
 * path, start grid and domain checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fit/fit_internal.h"
#include "scalecast.h"

#define MAXPTS 400

static int cmp(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The data set of the replication: D = C / (6 N), the 5 highest losses dropped (240 points). */
static size_t load_chinchilla(double *x, double *y)
{
    sc_table *t = NULL;
    sc_error err;
    assert_int_equal(sc_csv_read(SC_DATA_DIR "/chinchilla-epoch/svg_extracted_data.csv", NULL, &t,
                                 &err),
                     SC_OK);
    size_t jN, jC, jL;
    assert_int_equal(sc_table_require_num(t, "Model Size", &jN, &err), SC_OK);
    assert_int_equal(sc_table_require_num(t, "Training FLOP", &jC, &err), SC_OK);
    assert_int_equal(sc_table_require_num(t, "loss", &jL, &err), SC_OK);
    const size_t n0 = sc_table_nrows(t);
    assert_int_equal(n0, 245);
    const double *N = sc_table_num(t, jN), *C = sc_table_num(t, jC), *L = sc_table_num(t, jL);
    double sorted[MAXPTS];
    memcpy(sorted, L, n0 * sizeof(double));
    qsort(sorted, n0, sizeof(double), cmp);
    const double cut = sorted[n0 - 5];
    size_t n = 0;
    for (size_t i = 0; i < n0; i++) {
        if (L[i] >= cut) continue;
        x[2 * n] = N[i];
        x[2 * n + 1] = C[i] / (6.0 * N[i]);
        y[n] = L[i];
        n++;
    }
    sc_table_free(t);
    return n;
}

static void test_golden_approach3(void **state)
{
    (void)state;
    static double x[2 * MAXPTS], y[MAXPTS];
    const size_t n = load_chinchilla(x, y);
    assert_int_equal(n, 240);
    const sc_law *law = sc_law_find("chinchilla");
    assert_non_null(law);
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = SC_LOSS_HUBER;
    o.huber_delta = 1e-3;
    sc_fit *fit = NULL;
    sc_error err;
    assert_int_equal(sc_fit_run(law, x, y, n, &o, &fit, &err), SC_OK);
    assert_int_equal(fit->nstarts, 4500);
    double shown[5];
    law->natural(fit->theta, shown);
    fprintf(stderr,
            "chinchilla golden: huber %.10e A %.3f B %.3f E %.5f alpha %.5f beta %.5f "
            "(nbest %zu, failed %zu)\n",
            fit->loss, shown[0], shown[1], shown[2], shown[3], shown[4], fit->nbest,
            fit->nfailed);
    /* The reference run found 1.018274e-03; the published estimates are alpha 0.3478,
     * beta 0.3658, E 1.8172 (A 482.01, B 2085.43). */
    assert_true(fit->loss <= 1.0182741e-03);
    assert_true(fabs(shown[3] - 0.3478) < 0.003);
    assert_true(fabs(shown[4] - 0.3658) < 0.003);
    assert_true(fabs(shown[2] - 1.8172) < 0.002);
    assert_true(fabs(shown[0] - 482.01) < 0.05 * 482.01);
    assert_true(fabs(shown[1] - 2085.43) < 0.05 * 2085.43);
    assert_true(fit->converged);
    assert_true(fit->nbest >= 10);
    assert_true(fit->inside_share > 0.05 && fit->inside_share < 0.5);
    assert_non_null(fit->cov);

    /* Bootstrap of the replication: 4000 resamples of the 240 points, one start each from the
     * best fit, 80% percentile intervals (reference run: alpha 0.326-0.365, beta 0.348-0.396). */
    sc_fit_opts bo = o;
    bo.starts = fit->theta;
    bo.nstarts = 1;
    bo.no_covariance = 1;
    sc_boot *boot = NULL;
    assert_int_equal(sc_bootstrap(law, x, y, n, NULL, 4000, 42, &bo, &boot, &err), SC_OK);
    double alo, ahi, blo, bhi;
    assert_int_equal(sc_boot_param_interval(boot, 3, 0.8, &alo, &ahi), SC_OK);
    assert_int_equal(sc_boot_param_interval(boot, 4, 0.8, &blo, &bhi), SC_OK);
    fprintf(stderr, "chinchilla bootstrap: 80%% alpha %.4f-%.4f beta %.4f-%.4f (failed %zu)\n",
            alo, ahi, blo, bhi, boot->nfailed);
    assert_true(boot->nfailed <= 40);
    assert_true(fabs(alo - 0.326) < 0.003 && fabs(ahi - 0.365) < 0.003);
    assert_true(fabs(blo - 0.348) < 0.003 && fabs(bhi - 0.396) < 0.003);
    sc_boot_free(boot);
    sc_fit_free(fit);
}

/* The fast path's loss, gradient and Hessian (used by the damped Newton solver) against the
 * fast objective and against central differences of its gradient, for the Huber loss and
 * least squares, with and without weights, on the real data. */
static void test_hessian(void **state)
{
    (void)state;
    static double x[2 * MAXPTS], y[MAXPTS], xp[2 * MAXPTS], yf[MAXPTS], w[MAXPTS];
    const size_t n = load_chinchilla(x, y);
    const sc_law *law = sc_law_find("chinchilla");
    const sc_law_fast *fast = sc_law_fast_find(law);
    assert_non_null(fast);
    assert_non_null(fast->hessian);
    double ctx[SC_CTX];
    fast->prep(x, n, xp, ctx);
    for (size_t i = 0; i < n; i++) {
        yf[i] = log(y[i]);
        w[i] = (double)(1 + i % 3); /* bootstrap-like multiplicities */
    }
    static double buf[SC_CHUNK * 6];
    /* Near the optimum, at a grid start, and far from the data. */
    const double thetas[3][5] = {
        {6.17, 7.67, 0.597, 0.347, 0.367}, {5.0, 10.0, -0.5, 0.5, 1.0}, {25.0, 0.0, 1.0, 2.0, 0.0}};
    for (int t = 0; t < 3; t++)
        for (int variant = 0; variant < 4; variant++) {
            const sc_loss loss = variant < 2 ? SC_LOSS_HUBER : SC_LOSS_LS;
            const double *wt = variant % 2 ? w : NULL;
            double z[5], f, g[5], H[25], f0, g0[5];
            fast->to_internal(ctx, thetas[t], z);
            assert_int_equal(fast->hessian(z, ctx, xp, yf, wt, n, loss, 1e-3, &f, g, H), 1);
            assert_int_equal(fast->objective(z, ctx, xp, yf, wt, n, loss, 1e-3, &f0, g0, buf), 1);
            assert_true(fabs(f - f0) <= 1e-13 * fabs(f0));
            double gmax = 0.0, hmax = 0.0;
            for (size_t j = 0; j < 5; j++) gmax = fmax(gmax, fabs(g0[j]));
            for (size_t j = 0; j < 25; j++) hmax = fmax(hmax, fabs(H[j]));
            for (size_t j = 0; j < 5; j++) assert_true(fabs(g[j] - g0[j]) <= 1e-12 * gmax);
            for (size_t j = 0; j < 5; j++) {
                double zp[5], zm[5], fp, fm, gp[5], gm[5];
                memcpy(zp, z, sizeof zp);
                memcpy(zm, z, sizeof zm);
                const double h = 1e-6;
                zp[j] += h;
                zm[j] -= h;
                assert_int_equal(
                    fast->objective(zp, ctx, xp, yf, wt, n, loss, 1e-3, &fp, gp, buf), 1);
                assert_int_equal(
                    fast->objective(zm, ctx, xp, yf, wt, n, loss, 1e-3, &fm, gm, buf), 1);
                for (size_t i = 0; i < 5; i++) {
                    const double fd = (gp[i] - gm[i]) / (2.0 * h);
                    if (fabs(fd - H[5 * i + j]) > 1e-5 * hmax)
                        fprintf(stderr, "theta %d variant %d: H[%zu][%zu] %.10g, differences %.10g\n",
                                t, variant, i, j, H[5 * i + j], fd);
                    assert_true(fabs(fd - H[5 * i + j]) <= 1e-5 * hmax);
                    assert_true(H[5 * i + j] == H[5 * j + i]);
                }
            }
        }
    /* Outside the range where it is exact, it declines (the solver then uses BFGS). */
    double zw[5] = {800.0, 0.0, 0.0, 0.0, 0.0}, f, g[5], H[25];
    assert_int_equal(fast->hessian(zw, ctx, xp, yf, NULL, n, SC_LOSS_HUBER, 1e-3, &f, g, H), 0);
}

/* Analytic Jacobian against central differences of f, the fast path against the public f, and
 * the internal parametrisation round trip. */
static void test_jacobian(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    const double x[8] = {1e8, 2e9, 7e9, 1.4e11, 3e10, 6e11, 5e7, 1e12};
    const double thetas[3][5] = {
        {6.2, 7.7, 0.6, 0.35, 0.37}, {0.0, 25.0, -1.0, 2.0, 0.0}, {25.0, 3.0, 1.0, 0.1, 1.5}};
    for (int t = 0; t < 3; t++) {
        double J[20], f[4];
        law->jac(thetas[t], x, 4, J);
        law->f(thetas[t], x, 4, f);
        for (size_t j = 0; j < 5; j++) {
            double tp[5], tm[5], fp[4], fm[4];
            memcpy(tp, thetas[t], sizeof tp);
            memcpy(tm, thetas[t], sizeof tm);
            tp[j] += 1e-6;
            tm[j] -= 1e-6;
            law->f(tp, x, 4, fp);
            law->f(tm, x, 4, fm);
            for (size_t i = 0; i < 4; i++)
                assert_true(fabs((fp[i] - fm[i]) / 2e-6 - J[5 * i + j]) < 1e-7);
        }
        /* Direct evaluation: log(E + A N^-alpha + B D^-beta). */
        for (size_t i = 0; i < 4; i++) {
            const double *th = thetas[t];
            const double L = exp(th[2]) + exp(th[0]) * pow(x[2 * i], -th[3]) +
                             exp(th[1]) * pow(x[2 * i + 1], -th[4]);
            assert_true(fabs(f[i] - log(L)) < 1e-12 * fmax(1.0, fabs(log(L))));
        }
        /* Fast path: same model in the internal parameters. */
        const sc_law_fast *fast = sc_law_fast_find(law);
        assert_non_null(fast);
        double xp[8], ctx[SC_CTX], z[5], back[5], ff[4], Jz[20];
        fast->prep(x, 4, xp, ctx);
        fast->to_internal(ctx, thetas[t], z);
        fast->from_internal(ctx, z, back);
        for (size_t j = 0; j < 5; j++) assert_true(fabs(back[j] - thetas[t][j]) < 1e-12);
        fast->fj(z, xp, 4, ff, Jz);
        for (size_t i = 0; i < 4; i++) assert_true(fabs(ff[i] - f[i]) < 1e-12);
    }
    /* No overflow far from the data: the stable branch of log-sum-exp. */
    const double wild[5] = {800.0, 0.0, 0.0, 0.0, 0.0};
    double f1, J1[5];
    law->f(wild, x, 1, &f1);
    law->jac(wild, x, 1, J1);
    assert_true(fabs(f1 - 800.0) < 1e-9);
    assert_true(fabs(J1[0] - 1.0) < 1e-12 && J1[1] < 1e-300);
}

static void test_grid_and_checks(void **state)
{
    (void)state;
    const sc_law *law = sc_law_find("chinchilla");
    assert_int_equal(law->nparam, 5);
    assert_int_equal(law->nx, 2);
    assert_int_equal(law->space, SC_SPACE_LOG);
    assert_string_equal(law->param_names[3], "alpha");
    assert_string_equal(law->shown_names[0], "A");
    assert_int_equal(law->starts(NULL, NULL, 0, NULL, 0), 4500);
    static double grid[4500 * 5];
    assert_int_equal(law->starts(NULL, NULL, 0, grid, 4500), 4500);
    /* Deterministic order: a outermost ... beta innermost. */
    const double first[5] = {0, 0, -1, 0, 0}, second[5] = {0, 0, -1, 0, 0.5},
                 last[5] = {25, 25, 1, 2, 2};
    assert_memory_equal(grid, first, sizeof first);
    assert_memory_equal(grid + 5, second, sizeof second);
    assert_memory_equal(grid + 5 * 4499, last, sizeof last);
    char why[128];
    const double ok[2] = {1e9, 2e10}, badN[2] = {-1, 2e10}, badD[2] = {1e9, 0};
    assert_int_equal(law->check(ok, 2.5, why, sizeof why), SC_OK);
    assert_int_equal(law->check(badN, 2.5, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "N must be > 0, got -1");
    assert_int_equal(law->check(badD, 2.5, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "D must be > 0, got 0");
    assert_int_equal(law->check(ok, 0.0, why, sizeof why), SC_EDOMAIN);
    assert_string_equal(why, "loss L must be > 0, got 0");
    const double th[5] = {log(400.0), log(1500.0), log(1.7), 0.3, 0.28};
    double shown[5];
    law->natural(th, shown);
    assert_true(fabs(shown[0] - 400.0) < 1e-9 && fabs(shown[1] - 1500.0) < 1e-9 &&
                fabs(shown[2] - 1.7) < 1e-12 && shown[3] == 0.3 && shown[4] == 0.28);
    /* Predictions on the observation scale. */
    double L;
    sc_law_predict(law, th, ok, 1, &L);
    assert_true(fabs(L - (1.7 + 400.0 * pow(1e9, -0.3) + 1500.0 * pow(2e10, -0.28))) < 1e-12);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jacobian),
        cmocka_unit_test(test_hessian),
        cmocka_unit_test(test_grid_and_checks),
        cmocka_unit_test(test_golden_approach3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
