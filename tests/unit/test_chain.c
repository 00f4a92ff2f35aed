/* SPDX-License-Identifier: GPL-3.0-or-later
 * The metric chain: per-sample metrics, correlations against direct O(n^2) definitions and
 * SciPy's values, summaries, and the family-level computation on logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "methods/chain_internal.h"
#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX SC_TEST_DATA_DIR "/lmeval/"

static void close_to(double got, double want, double tol)
{
    if (isnan(want)) {
        if (!isnan(got)) fail_msg("got %.17g, expected NaN", got);
        return;
    }
    if (!(fabs(got - want) <= tol * fmax(1.0, fabs(want))))
        fail_msg("got %.17g, expected %.17g (tolerance %g)", got, want, tol);
}

static void test_sample_metrics(void **state)
{
    (void)state;
    const double l[3] = {-1.0, -2.0, -3.0};
    const size_t len[3] = {1, 4, 1};
    double m[SC_CHAIN_NMETRICS];
    sc_chain_sample(l, len, 3, 1, m);
    double z = exp(-1.0) + exp(-2.0) + exp(-3.0);
    close_to(m[SC_CHAIN_LOGP_VOCAB], -2.0, 0);
    close_to(m[SC_CHAIN_P_VOCAB], exp(-2.0), 1e-15);
    close_to(m[SC_CHAIN_P_VOCAB_CHOICES], z, 1e-15);
    close_to(m[SC_CHAIN_P_CHOICES], exp(-2.0) / z, 1e-15);
    double p0 = exp(-1.0) / z, p1 = exp(-2.0) / z, p2 = exp(-3.0) / z;
    close_to(m[SC_CHAIN_BRIER], (p0 * p0 + (p1 - 1) * (p1 - 1) + p2 * p2) / 3.0, 1e-15);
    close_to(m[SC_CHAIN_P_CHOICES_WRONG], p0, 1e-15);
    close_to(m[SC_CHAIN_P_VOCAB_WRONG], exp(-1.0), 1e-15);
    assert_true(m[SC_CHAIN_ACC] == 0.0);
    /* -2/4 = -0.5 beats -1/1 and -3/1: the length-normalised choice is the gold. */
    assert_true(m[SC_CHAIN_ACC_NORM] == 1.0);

    /* Stable softmax: log-likelihoods far below exp's range still give p_choices. */
    const double far[2] = {-1000.0, -1001.0};
    sc_chain_sample(far, NULL, 2, 0, m);
    close_to(m[SC_CHAIN_P_CHOICES], 1.0 / (1.0 + exp(-1.0)), 1e-15);
    assert_true(m[SC_CHAIN_P_VOCAB] == 0.0);
    assert_true(isnan(m[SC_CHAIN_ACC_NORM])); /* no lengths */

    /* A choice with probability zero, and a NaN that numpy.argmax would pick. */
    const double mi[3] = {-1.0, -INFINITY, -0.5};
    sc_chain_sample(mi, NULL, 3, 1, m);
    assert_true(m[SC_CHAIN_P_CHOICES] == 0.0);
    assert_true(m[SC_CHAIN_LOGP_VOCAB] == -INFINITY);
    const double na[3] = {-1.0, NAN, -0.5};
    sc_chain_sample(na, len, 3, 1, m);
    assert_true(m[SC_CHAIN_ACC] == 1.0);
    assert_true(isnan(m[SC_CHAIN_P_CHOICES]));
    assert_string_equal(sc_chain_metric_name(SC_CHAIN_ACC_NORM), "acc_norm");
    assert_int_equal(sc_chain_metric_sign(SC_CHAIN_BRIER), -1);
}

/* Direct definitions, written out independently of the library. */
static double direct_pearson(const double *x, const double *y, size_t n)
{
    long double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        sx += x[i];
        sy += y[i];
    }
    long double mx = sx / n, my = sy / n;
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    return (double)(sxy / sqrtl(sxx * syy));
}

static void direct_ranks(const double *v, size_t n, double *r)
{
    for (size_t i = 0; i < n; i++) {
        size_t below = 0, equal = 0;
        for (size_t j = 0; j < n; j++) {
            below += v[j] < v[i];
            equal += v[j] == v[i];
        }
        r[i] = (double)below + 0.5 * (double)(equal + 1); /* mean of ranks below+1..below+equal */
    }
}

static double direct_spearman(const double *x, const double *y, size_t n)
{
    double *rx = malloc(n * sizeof *rx), *ry = malloc(n * sizeof *ry);
    direct_ranks(x, n, rx);
    direct_ranks(y, n, ry);
    double r = direct_pearson(rx, ry, n);
    free(rx);
    free(ry);
    return r;
}

static double direct_kendall(const double *x, const double *y, size_t n)
{
    double nc = 0, nd = 0, tx = 0, ty = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            double a = (x[i] - x[j]) * (y[i] - y[j]);
            if (a > 0) nc++;
            else if (a < 0) nd++;
            if (x[i] == x[j]) tx++;
            if (y[i] == y[j]) ty++;
        }
    double n0 = (double)n * (double)(n - 1) / 2;
    return (nc - nd) / sqrt((n0 - tx) * (n0 - ty));
}

static void test_correlations_direct(void **state)
{
    (void)state;
    uint64_t seed = 12345;
    const size_t sizes[] = {2, 3, 5, 8, 17, 40, 64, 65, 100, 257, 1000};
    double *x = malloc(1000 * sizeof *x), *y = malloc(1000 * sizeof *y);
    corr_ws w;
    assert_int_equal(corr_ws_init(&w, 1000), 0);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (int rep = 0; rep < 20; rep++) {
            /* Few distinct values: many ties in both series. */
            int levels = 2 + rep % 6;
            for (size_t i = 0; i < n; i++) {
                seed = sc_seed_mix(seed, i);
                x[i] = (double)(seed % (uint64_t)(levels + (rep % 3) * 50));
                seed = sc_seed_mix(seed, i + 7);
                y[i] = (double)(seed % (uint64_t)levels) + (rep % 2 ? 0.0 : 0.25 * x[i]);
            }
            double want_k = direct_kendall(x, y, n), want_s = direct_spearman(x, y, n);
            double got;
            assert_int_equal(sc_corr(SC_CORR_KENDALL, x, y, n, &got), SC_OK);
            close_to(got, want_k, 1e-12);
            close_to(corr_kendall_direct(x, y, n), want_k, 1e-12);
            close_to(corr_kendall_knight(x, y, n, &w), want_k, 1e-12);
            /* Strictly increasing x: the specialised count. */
            double *xs = malloc(n * sizeof *xs);
            for (size_t i = 0; i < n; i++) xs[i] = (double)i;
            close_to(corr_kendall_xsorted(y, n), direct_kendall(xs, y, n), 1e-12);
            free(xs);
            assert_int_equal(sc_corr(SC_CORR_SPEARMAN, x, y, n, &got), SC_OK);
            close_to(got, want_s, 1e-12);
            assert_int_equal(sc_corr(SC_CORR_PEARSON, x, y, n, &got), SC_OK);
            close_to(got, direct_pearson(x, y, n), 1e-12);
        }
    }
    /* Undefined: a constant series, fewer than two points, a NaN. */
    double c[4] = {1, 1, 1, 1}, v[4] = {1, 2, 3, 4}, r;
    for (int k = 0; k < SC_CORR_NKINDS; k++) {
        assert_int_equal(sc_corr((sc_corr_kind)k, v, c, 4, &r), SC_OK);
        assert_true(isnan(r));
        assert_int_equal(sc_corr((sc_corr_kind)k, v, v, 1, &r), SC_OK);
        assert_true(isnan(r));
    }
    v[2] = NAN;
    assert_int_equal(sc_corr(SC_CORR_KENDALL, c, v, 4, &r), SC_OK);
    assert_true(isnan(r));
    corr_ws_free(&w);
    free(x);
    free(y);
}

static double *read_values(FILE *f, size_t n)
{
    double *v = malloc(n * sizeof *v);
    char tok[64];
    for (size_t i = 0; i < n; i++) {
        if (fscanf(f, "%63s", tok) != 1) fail_msg("short fixture");
        v[i] = strtod(tok, NULL);
    }
    return v;
}

static void test_correlations_scipy(void **state)
{
    (void)state;
    FILE *f = fopen(FIX "corr_scipy.txt", "r");
    assert_non_null(f);
    char line[256];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        char name[64];
        size_t n;
        if (sscanf(line, "case %63s %zu", name, &n) != 2) continue;
        double *x = read_values(f, n), *y = read_values(f, n);
        char e[3][64];
        if (fscanf(f, " expect %63s %63s %63s", e[0], e[1], e[2]) != 3) fail_msg("bad fixture");
        for (int k = 0; k < SC_CORR_NKINDS; k++) {
            double got;
            assert_int_equal(sc_corr((sc_corr_kind)k, x, y, n, &got), SC_OK);
            double want = strtod(e[k], NULL);
            if (isnan(want) != isnan(got))
                fail_msg("%s %s: got %.17g, SciPy %s", name, sc_corr_name((sc_corr_kind)k), got,
                         e[k]);
            if (!isnan(want)) close_to(got, want, 1e-12);
        }
        cases++;
        free(x);
        free(y);
    }
    fclose(f);
    assert_int_equal(cases, 8);

    f = fopen(FIX "summary_scipy.txt", "r");
    assert_non_null(f);
    size_t n = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "n %zu", &n) == 1) break;
    assert_true(n > 0);
    double *r = read_values(f, n);
    size_t nnan;
    double e[7];
    if (fscanf(f, " expect %zu %lf %lf %lf %lf %lf %lf %lf", &nnan, &e[0], &e[1], &e[2], &e[3],
               &e[4], &e[5], &e[6]) != 8)
        fail_msg("bad summary fixture");
    fclose(f);
    sc_corr_summary s;
    assert_int_equal(sc_corr_summarise(r, n, &s), SC_OK);
    assert_int_equal(s.nnan, nnan);
    close_to(s.share_nan, (double)nnan / (double)n, 1e-15);
    close_to(s.mean, e[0], 1e-12);
    close_to(s.median, e[1], 1e-12);
    close_to(s.std, e[2], 1e-12);
    close_to(s.auc_ccdf, e[3], 1e-12);
    close_to(s.wasserstein1, e[4], 1e-12);
    close_to(s.energy, e[5], 1e-12);
    close_to(s.ks, e[6], 1e-12);
    free(r);
}

/* A family where the gold log-likelihood is exactly linear in log10 C: every sample's
 * logp_vocab correlates +1; monotone transforms keep the rank correlations. */
static void test_set_fill(void **state)
{
    (void)state;
    enum { NM = 6, NS = 50, M = 4 };
    double lc[NM];
    size_t nch[NS], tgt[NS], len[NS * M];
    static double ll[NM][NS * M];
    for (size_t k = 0; k < NM; k++) lc[k] = 18.0 + 0.7 * (double)((k * 5) % NM); /* unsorted */
    for (size_t i = 0; i < NS; i++) {
        nch[i] = M;
        tgt[i] = i % M;
        for (size_t j = 0; j < M; j++) len[i * M + j] = 1 + (i + j) % 5;
    }
    for (size_t k = 0; k < NM; k++)
        for (size_t i = 0; i < NS; i++)
            for (size_t j = 0; j < M; j++)
                ll[k][i * M + j] = j == tgt[i] ? -10.0 + (0.5 + 0.01 * (double)i) * lc[k]
                                                : -3.0 - 0.1 * (double)j - 0.01 * (double)i;
    sc_chain_set *set;
    assert_int_equal(sc_chain_set_new(NM, NULL, lc, &set), SC_OK);
    sc_error e;
    for (size_t k = 0; k < NM; k++)
        assert_int_equal(sc_chain_set_fill(set, k, NS, nch, tgt, len, ll[k], &e), SC_OK);
    sc_chain_result *r1, *r2;
    assert_int_equal(sc_chain_set_run(set, 1, &r1, &e), SC_OK);
    assert_int_equal(sc_chain_set_run(set, 2, &r2, &e), SC_OK);
    /* Independent of the number of threads, bit for bit. */
    assert_memory_equal(r1->corr, r2->corr,
                        SC_CHAIN_NMETRICS * SC_CORR_NKINDS * NS * sizeof(double));
    const sc_corr_summary *s = &r1->summary[SC_CHAIN_LOGP_VOCAB][SC_CORR_PEARSON];
    close_to(s->mean, 1.0, 1e-12);
    close_to(s->wasserstein1, 0.0, 1e-12);
    assert_true(s->ks == 0.0);
    close_to(s->energy, 0.0, 1e-6);
    assert_true(r1->summary[SC_CHAIN_P_VOCAB][SC_CORR_KENDALL].mean == 1.0);
    assert_true(r1->summary[SC_CHAIN_P_CHOICES][SC_CORR_SPEARMAN].mean == 1.0);
    /* Wrong choices do not move: their correlation is undefined for every sample. */
    assert_true(r1->summary[SC_CHAIN_P_VOCAB_WRONG][SC_CORR_KENDALL].share_nan == 1.0);
    close_to(r1->trend_vocab[0][1], 1.0, 0);
    /* Each stored correlation is the correlation of the stored values. */
    double x[NM], y[NM];
    for (size_t k = 0; k < NM; k++) x[k] = lc[k];
    for (size_t a = 1; a < NM; a++)
        for (size_t b = a; b > 0 && x[b - 1] > x[b]; b--) {
            double t = x[b];
            x[b] = x[b - 1];
            x[b - 1] = t;
        }
    for (size_t q = 0; q < SC_CHAIN_NMETRICS; q++)
        for (size_t i = 0; i < NS; i += 7) {
            for (size_t k = 0; k < NM; k++) {
                double v = r1->values[(i * SC_CHAIN_NMETRICS + q) * NM + k];
                y[k] = v == 0.0 ? 0.0 : sc_chain_metric_sign((sc_chain_metric)q) * v;
            }
            for (int c = 0; c < SC_CORR_NKINDS; c++) {
                double want;
                assert_int_equal(sc_corr((sc_corr_kind)c, x, y, NM, &want), SC_OK);
                close_to(r1->corr[(q * SC_CORR_NKINDS + (size_t)c) * NS + i], want, 1e-15);
            }
        }
    /* Mismatches between models are refused. */
    sc_chain_set *bad;
    assert_int_equal(sc_chain_set_new(3, NULL, lc, &bad), SC_OK);
    assert_int_equal(sc_chain_set_fill(bad, 0, NS, nch, tgt, len, ll[0], &e), SC_OK);
    nch[3] = 3;
    assert_int_equal(sc_chain_set_fill(bad, 1, NS, nch, tgt, len, ll[1], &e), SC_EDOMAIN);
    assert_non_null(strstr(e.message, "sample 3 has 3 choices but 4 before"));
    nch[3] = 4;
    sc_chain_result_free(r2);
    assert_int_equal(sc_chain_set_run(bad, 1, &r2, &e), SC_EINVAL);
    assert_null(r2);
    sc_chain_set_free(bad);
    sc_chain_result_free(r1);
    sc_chain_result_free(r2);
    sc_chain_set_free(set);
}

#define CH FIX "chain/"
#define DATE "2026-01-15T10-20-30.123456"

static const char *log_of(int k, char *buf, size_t n)
{
    snprintf(buf, n, CH "synth__m%02d/samples_synth_mc_" DATE ".jsonl", k);
    return buf;
}

static void test_set_from_logs(void **state)
{
    (void)state;
    const double N[5] = {10000000, 56234132, 316227766, 1778279410, 10000000000.0};
    double lc[5];
    for (int k = 0; k < 5; k++) lc[k] = log10(6.0 * N[k] * 20.0 * N[k]);
    sc_chain_set *set;
    assert_int_equal(sc_chain_set_new(5, NULL, lc, &set), SC_OK);
    sc_error e;
    char p[512];
    for (int k = 4; k >= 0; k--) /* any order */
        assert_int_equal(sc_chain_set_read(set, (size_t)k, log_of(k, p, sizeof p), NULL, NULL, &e),
                         SC_OK);
    assert_int_equal(sc_chain_set_nsamples(set), 24);
    assert_string_equal(sc_chain_set_filter(set), "none");
    sc_chain_result *res;
    assert_int_equal(sc_chain_set_run(set, 2, &res, &e), SC_OK);
    /* The per-model mean of acc equals the results file's acc of each model. */
    for (int k = 0; k < 5; k++) {
        char rp[512];
        snprintf(rp, sizeof rp, CH "synth__m%02d/results_" DATE ".json", k);
        sc_table *t;
        assert_int_equal(sc_lmeval_results_read(rp, &t, &e), SC_OK);
        double acc = sc_table_num(t, (size_t)sc_table_find(t, "synth_mc:acc"))[0];
        double accn = sc_table_num(t, (size_t)sc_table_find(t, "synth_mc:acc_norm"))[0];
        close_to(res->model_mean[(size_t)k * SC_CHAIN_NMETRICS + SC_CHAIN_ACC], acc, 1e-15);
        close_to(res->model_mean[(size_t)k * SC_CHAIN_NMETRICS + SC_CHAIN_ACC_NORM], accn, 1e-15);
        sc_table_free(t);
    }
    sc_chain_result_free(res);
    sc_chain_set_free(set);

    /* Choice count differing between models: file, line, both counts. */
    assert_int_equal(sc_chain_set_new(5, NULL, lc, &set), SC_OK);
    assert_int_equal(sc_chain_set_read(set, 0, log_of(0, p, sizeof p), NULL, NULL, &e), SC_OK);
    assert_int_equal(sc_chain_set_read(set, 2,
                                       FIX "chain-bad/choices/synth__m02/samples_synth_mc_" DATE
                                           ".jsonl",
                                       NULL, NULL, &e),
                     SC_EDOMAIN);
    assert_int_equal(e.line, 6);
    assert_non_null(strstr(e.message, "doc 5 has 3 choices here but 4 in"));
    /* The same log twice for one model. */
    assert_int_equal(sc_chain_set_read(set, 0, log_of(0, p, sizeof p), NULL, NULL, &e), SC_EDUP);
    /* A document missing from a later log. */
    assert_int_equal(sc_chain_set_read(set, 1, FIX "samples_mixed_2026-02-01T00-00-00.000000.jsonl",
                                       NULL, NULL, &e),
                     SC_EDOMAIN);
    assert_int_equal(sc_chain_set_run(set, 1, &res, &e), SC_EINVAL);
    assert_non_null(strstr(e.message, "no per-sample log for model 2"));
    sc_chain_set_free(set);
}

static void test_aggregate(void **state)
{
    (void)state;
    const double lc[5] = {1, 2, 3, 4, 5};
    const double met[5 * 2] = {0.1, 5, 0.2, 4, NAN, 3, 0.4, 2, 0.35, 1};
    const int sign[2] = {1, -1};
    double r[2 * SC_CORR_NKINDS];
    assert_int_equal(sc_chain_aggregate(lc, met, 5, 2, sign, r), SC_OK);
    /* Column 0 without its NaN row: 4 points, one discordant pair of 6. */
    close_to(r[SC_CORR_KENDALL], 4.0 / 6.0, 1e-15);
    close_to(r[SC_CORR_NKINDS + SC_CORR_PEARSON], 1.0, 1e-15);
    close_to(r[SC_CORR_NKINDS + SC_CORR_KENDALL], 1.0, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_metrics),  cmocka_unit_test(test_correlations_direct),
        cmocka_unit_test(test_correlations_scipy), cmocka_unit_test(test_set_fill),
        cmocka_unit_test(test_set_from_logs),   cmocka_unit_test(test_aggregate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
