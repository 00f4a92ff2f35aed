/* SPDX-License-Identifier: GPL-3.0-or-later
 * The runs table (io/runs.c), the recipe table (methods/recipe.c), targets and the forecast
 * (methods/forecast.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scalecast.h"

static double cell(const sc_table *t, const char *col, size_t row)
{
    long j = sc_table_find(t, col);
    assert_true(j >= 0);
    return sc_table_num(t, (size_t)j)[row];
}

static const char *text(const sc_table *t, const char *col, size_t row)
{
    long j = sc_table_find(t, col);
    assert_true(j >= 0);
    return sc_table_text(t, (size_t)j, row);
}

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static void test_target_parse(void **state)
{
    (void)state;
    sc_fc_target t;
    sc_error e;
    assert_int_equal(sc_fc_target_parse("big=1e23", 0, &t, &e), SC_OK);
    assert_string_equal(t.name, "big");
    assert_true(t.C == 1e23 && isnan(t.N) && isnan(t.D));
    assert_int_equal(sc_fc_target_parse("7B=7e9:1.4e11", 0, &t, &e), SC_OK);
    assert_true(t.N == 7e9 && t.D == 1.4e11 && isnan(t.C));
    assert_int_equal(sc_fc_target_parse("x=0:1e9", 0, &t, &e), SC_EDOMAIN);
    assert_non_null(strstr(e.message, "N must be > 0"));
    assert_int_equal(sc_fc_target_parse("x=1e9:", 0, &t, &e), SC_EDOMAIN);
    assert_int_equal(sc_fc_target_parse("=1e9", 0, &t, &e), SC_EDOMAIN);
    assert_int_equal(sc_fc_target_parse("a=b=1", 0, &t, &e), SC_EDOMAIN);
    assert_int_equal(sc_fc_target_parse("x=1:2:3", 0, &t, &e), SC_EDOMAIN);
    assert_int_equal(sc_fc_target_parse("x=1:2:3", 1, &t, &e), SC_OK);
    assert_true(t.C == 3);
    assert_int_equal(sc_fc_target_parse("x=1e9:2e9:3e9:4", 1, &t, &e), SC_EDOMAIN);
}

static void test_checkpoints_parse(void **state)
{
    (void)state;
    sc_ckpt_mode m;
    double f;
    assert_int_equal(sc_ckpt_parse("last", &m, &f), SC_OK);
    assert_int_equal(m, SC_CKPT_LAST);
    assert_int_equal(sc_ckpt_parse("late:0.5", &m, &f), SC_OK);
    assert_true(m == SC_CKPT_LATE && f == 0.5);
    assert_int_equal(sc_ckpt_parse("late:0", &m, &f), SC_EUNKNOWN);
    assert_int_equal(sc_ckpt_parse("late:1.5", &m, &f), SC_EUNKNOWN);
    assert_int_equal(sc_ckpt_parse("some", &m, &f), SC_EUNKNOWN);
}

/* Wide and long CSV give the same runs; C = 6 N D; checkpoint selection. */
static void test_runs_wide_long(void **state)
{
    (void)state;
    char dir[] = "/tmp/sc_fc_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char wide[128], lng[128];
    snprintf(wide, sizeof wide, "%s/wide.csv", dir);
    snprintf(lng, sizeof lng, "%s/long.csv", dir);
    write_file(wide, "run,step,N,D,arc_easy:acc\n"
                     "a,100,1e8,1e9,0.40\na,200,1e8,2e9,0.45\na,400,1e8,4e9,0.50\n"
                     "b,100,2e8,1e9,0.42\nb,200,2e8,2e9,0.48\n");
    write_file(lng, "run,step,N,D,benchmark,metric,value\n"
                    "a,100,1e8,1e9,arc_easy,acc,0.40\na,200,1e8,2e9,arc_easy,acc,0.45\n"
                    "a,400,1e8,4e9,arc_easy,acc,0.50\nb,100,2e8,1e9,arc_easy,acc,0.42\n"
                    "b,200,2e8,2e9,arc_easy,acc,0.48\n");
    sc_runs_opts o;
    sc_runs_opts_init(&o);
    sc_table *t = NULL, *u = NULL;
    sc_runs_meta m;
    sc_error e;
    const char *p1[] = {wide}, *p2[] = {lng};
    assert_int_equal(sc_runs_read(p1, 1, &o, &t, &m, &e), SC_OK);
    assert_int_equal(sc_table_nrows(t), 2); /* last checkpoint of each run */
    assert_int_equal(m.nruns, 2);
    assert_string_equal(m.c_rule, "C = 6 N D");
    assert_string_equal(text(t, "run", 0), "a");
    assert_true(cell(t, "step", 0) == 400);
    assert_true(fabs(cell(t, "C", 0) - 6 * 1e8 * 4e9) < 1);
    assert_true(fabs(cell(t, "tpr", 1) - 10.0) < 1e-12);
    assert_int_equal(sc_runs_read(p2, 1, &o, &u, &m, &e), SC_OK);
    assert_string_equal(m.layout, "csv-long");
    assert_int_equal(sc_table_nrows(u), 2);
    assert_true(cell(u, "arc_easy:acc", 0) == cell(t, "arc_easy:acc", 0));
    assert_true(cell(u, "arc_easy:acc", 1) == cell(t, "arc_easy:acc", 1));
    sc_table_free(t);
    sc_table_free(u);
    /* late:0.5 keeps steps >= half of each run's last step. */
    o.ckpt = SC_CKPT_LATE;
    o.late = 0.5;
    assert_int_equal(sc_runs_read(p1, 1, &o, &t, &m, &e), SC_OK);
    assert_int_equal(sc_table_nrows(t), 4); /* a@200, a@400, b@100, b@200 */
    sc_table_free(t);
    o.ckpt = SC_CKPT_ALL;
    assert_int_equal(sc_runs_read(p1, 1, &o, &t, &m, &e), SC_OK);
    assert_int_equal(sc_table_nrows(t), 5);
    sc_table_free(t);
    unlink(wide);
    unlink(lng);
    rmdir(dir);
}

/* N from a sizes table; D from tokens_per_step x the step of "stepN" revisions. */
static void test_runs_sizes(void **state)
{
    (void)state;
    char dir[] = "/tmp/sc_fc_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char runs[128], sizes[128];
    snprintf(runs, sizeof runs, "%s/runs.csv", dir);
    snprintf(sizes, sizeof sizes, "%s/sizes.csv", dir);
    write_file(runs, "model,revision,arc_easy:acc\nm1,step1000,0.4\nm1,step2000,0.5\n"
                     "m2,step1000,0.45\n");
    write_file(sizes, "model,revision,N,D,tokens_per_step\nm1,,1e8,,4e6\nm2,,2e8,,4e6\n");
    sc_runs_opts o;
    sc_runs_opts_init(&o);
    o.sizes = sizes;
    o.ckpt = SC_CKPT_ALL;
    sc_table *t = NULL;
    sc_runs_meta m;
    sc_error e;
    const char *p[] = {runs};
    assert_int_equal(sc_runs_read(p, 1, &o, &t, &m, &e), SC_OK);
    assert_int_equal(sc_table_nrows(t), 3);
    assert_true(cell(t, "D", 1) == 2000 * 4e6);
    assert_true(cell(t, "N", 2) == 2e8);
    sc_table_free(t);
    /* A model absent from the sizes table is an error, or a counted skip on request. */
    write_file(sizes, "model,revision,N,D,tokens_per_step\nm1,,1e8,,4e6\n");
    assert_int_equal(sc_runs_read(p, 1, &o, &t, &m, &e), SC_ENOCOL);
    assert_non_null(strstr(e.message, "\"m2\""));
    o.skip_missing = 1;
    assert_int_equal(sc_runs_read(p, 1, &o, &t, &m, &e), SC_OK);
    assert_int_equal(m.nwarnings, 1);
    assert_int_equal(sc_table_nrows(t), 2);
    sc_table_free(t);
    unlink(runs);
    unlink(sizes);
    rmdir(dir);
}

/* The OLMo folder gets N from its SOURCE.md: every shipped size is placed. */
static void test_runs_olmo(void **state)
{
    (void)state;
    sc_runs_opts o;
    sc_runs_opts_init(&o);
    sc_table *t = NULL;
    sc_runs_meta m;
    sc_error e;
    const char *p[] = {SC_DATA_DIR "/olmo-ladder"};
    assert_int_equal(sc_runs_read(p, 1, &o, &t, &m, &e), SC_OK);
    assert_string_equal(m.layout, "olmo-ladder");
    assert_int_equal(m.nruns, 24);
    for (size_t i = 0; i < sc_table_nrows(t); i++) {
        double N = cell(t, "N", i);
        assert_true(N == 190354176.0 || N == 371262464.0 || N == 758220288.0 ||
                    N == 1279395840.0);
        /* One C rule: 6 N D, not the files' Gflops column. */
        assert_true(fabs(cell(t, "C", i) / (6 * N * cell(t, "D", i)) - 1) < 1e-12);
    }
    sc_table_free(t);
}

/* backtest and forecast read their settings from the same recipe row. */
static void test_recipes(void **state)
{
    (void)state;
    size_t n;
    const sc_recipe *r = sc_recipes(&n);
    assert_int_equal(n, 6);
    for (int k = 0; k < SC_BT_NMODELS; k++)
        assert_non_null(sc_recipe_find(sc_bt_model_name((sc_bt_model)k)));
    const sc_recipe *q = sc_recipe_find("powerlaw-qmax");
    assert_int_equal(q->loss, SC_LOSS_HUBER);
    assert_true(q->huber_delta == 1e-3);
    sc_fit_opts fo;
    double lo[8], hi[8];
    sc_recipe_fit_opts(sc_recipe_find("bnsl"), 3, 1, &fo, lo, hi);
    assert_int_equal(fo.nrandom, 100);
    assert_true(fo.seed == 3);
    (void)r;
}

/* The synthetic ladder of tests/data/forecast_runs.csv and its two targets: one far beyond the
 * ladder, one a run of it (graded). */
static const char *const ladder_path = SC_TEST_DATA_DIR "/forecast_runs.csv";
static sc_table *ladder(sc_runs_meta *m, sc_fc_target tg[2])
{
    sc_runs_opts ro;
    sc_runs_opts_init(&ro);
    sc_table *t = NULL;
    sc_error e;
    const char *p[] = {ladder_path};
    assert_int_equal(sc_runs_read(p, 1, &ro, &t, m, &e), SC_OK);
    assert_int_equal(sc_fc_target_parse("big=1.6e9:3.2e10", 0, &tg[0], &e), SC_OK);
    assert_int_equal(sc_fc_target_parse("r400M-40x=4e8:1.6e10", 0, &tg[1], &e), SC_OK);
    return t;
}

/* A synthetic ladder from the direct law: a graded target, a far target with a wider
 * interval, identical results for 1 and 2 threads. */
static void test_forecast_synthetic(void **state)
{
    (void)state;
    sc_runs_meta m;
    sc_error e;
    sc_fc_target tg[2];
    sc_table *t = ladder(&m, tg);
    const char *laws[] = {"powerlaw"};
    const char *bench[] = {"arc_easy:acc"};
    sc_forecast_opts o;
    sc_forecast_opts_init(&o);
    o.targets = tg;
    o.ntargets = 2;
    o.laws = laws;
    o.nlaws = 1;
    o.benchmarks = bench;
    o.nbench = 1;
    o.boot = 20;
    o.threads = 1;
    sc_forecast *f1 = NULL, *f2 = NULL;
    assert_int_equal(sc_forecast_run(t, &o, &f1, &e), SC_OK);
    o.threads = 2;
    assert_int_equal(sc_forecast_run(t, &o, &f2, &e), SC_OK);
    assert_int_equal(f1->nrows, 2);
    assert_true(sc_forecast_all_ok(f1));
    const sc_fc_row *big = &f1->rows[0], *run = &f1->rows[1];
    /* 5 rungs: three folds of rolling origin. */
    assert_int_equal(f1->bench[0].nrungs, 5);
    assert_int_equal(f1->bench[0].nfolds, 3);
    assert_int_equal(f1->bench[0].nruns, 14); /* the graded run is left out of the ladder */
    assert_string_equal(big->law, "powerlaw");
    assert_true(isnan(big->observed));
    assert_true(isfinite(run->observed) && fabs(run->error - (run->value - run->observed)) < 1e-15);
    assert_true(big->hi - big->lo > run->hi - run->lo);
    assert_true(big->ratio > 10);
    int far = 0;
    for (size_t q = 0; q < big->nreasons; q++) far |= !strcmp(big->reasons[q].code, "far_extrapolation");
    assert_true(far);
    for (size_t k = 0; k < 2; k++) {
        assert_true(f1->rows[k].value == f2->rows[k].value);
        assert_true(f1->rows[k].lo == f2->rows[k].lo && f1->rows[k].hi == f2->rows[k].hi);
    }
    assert_int_equal(f1->calibration.total, f2->calibration.total);
    assert_int_equal(f1->calibration.covered, f2->calibration.covered);
    sc_forecast_free(f1);
    sc_forecast_free(f2);
    /* An unknown benchmark names the columns. */
    const char *nob[] = {"nope:acc"};
    o.benchmarks = nob;
    assert_int_equal(sc_forecast_run(t, &o, &f1, &e), SC_ENOCOL);
    assert_non_null(strstr(e.message, "arc_easy:acc"));
    sc_table_free(t);
}

/* Curves for figures (opts.curve_points): the forecast rows are those without curves, to the
 * last bit; the curve is the chosen law's; and the band at a target's C is that target's
 * interval (powerlaw depends on C alone; the band read off the log-spaced grid by linear
 * interpolation in log C). */
static void test_forecast_curves(void **state)
{
    (void)state;
    sc_runs_meta m;
    sc_error e;
    sc_fc_target tg[2];
    sc_table *t = ladder(&m, tg);
    const char *laws[] = {"powerlaw", "multitpr"};
    sc_forecast_opts o;
    sc_forecast_opts_init(&o);
    o.targets = tg;
    o.ntargets = 2;
    o.laws = laws;
    o.nlaws = 2;
    o.boot = 20;
    o.threads = 1;
    sc_forecast *f0 = NULL, *f1 = NULL;
    assert_int_equal(sc_forecast_run(t, &o, &f0, &e), SC_OK);
    o.curve_points = 400;
    assert_int_equal(sc_forecast_run(t, &o, &f1, &e), SC_OK);
    assert_int_equal(f0->nrows, f1->nrows);
    for (size_t k = 0; k < f0->nrows; k++) {
        const sc_fc_row *a = &f0->rows[k], *b = &f1->rows[k];
        assert_true(a->value == b->value && a->lo == b->lo && a->hi == b->hi);
        assert_true(a->sd_param == b->sd_param);
    }
    assert_int_equal(f0->bench[0].ncurve, 0);
    assert_null(f0->bench[0].curve_C);
    int checked = 0;
    for (size_t b = 0; b < f1->nbench; b++) {
        const sc_fc_bench *B = &f1->bench[b];
        assert_int_equal(B->ncurve, 400);
        assert_int_equal(B->npts, B->npoints);
        double y[1];
        sc_forecast_curve(f1, b, 0, &B->curve_C[17], 1, y);
        assert_true(y[0] == B->curve_value[17]);
        for (size_t g = 0; g < B->ncurve; g++)
            if (isfinite(B->curve_value[g]))
                assert_true(B->curve_lo[g] <= B->curve_value[g] && B->curve_value[g] <= B->curve_hi[g]);
        for (size_t q = 0; q < f1->ntargets; q++) {
            const sc_fc_row *r = &f1->rows[b * f1->ntargets + q];
            if (strcmp(r->law, "powerlaw") != 0 || strcmp(r->status, "ok") != 0) continue;
            size_t g = 0;
            while (g + 2 < B->ncurve && B->curve_C[g + 1] < r->C) g++;
            const double u = log(r->C / B->curve_C[g]) / log(B->curve_C[g + 1] / B->curve_C[g]);
            const double lo = B->curve_lo[g] + u * (B->curve_lo[g + 1] - B->curve_lo[g]);
            const double hi = B->curve_hi[g] + u * (B->curve_hi[g + 1] - B->curve_hi[g]);
            if (!(fabs(lo - r->lo) < 2e-4 && fabs(hi - r->hi) < 2e-4))
                fail_msg("%s %s: band %.5f..%.5f, interval %.5f..%.5f", B->name, r->target_name,
                         lo, hi, r->lo, r->hi);
            checked++;
        }
    }
    assert_true(checked >= 2);
    sc_forecast_free(f0);
    sc_forecast_free(f1);
    sc_table_free(t);
}

/* A forecast written as JSON reads back to the same rows (numbers round-trip), and grading it
 * against the runs it came from gives each graded target the forecast's own observed value. */
static void test_forecast_read_grade(void **state)
{
    (void)state;
    sc_runs_meta m;
    sc_error e;
    sc_fc_target tg[2];
    sc_table *t = ladder(&m, tg);
    const char *laws[] = {"powerlaw", "multitpr"};
    sc_forecast_opts o;
    sc_forecast_opts_init(&o);
    o.targets = tg;
    o.ntargets = 2;
    o.laws = laws;
    o.nlaws = 2;
    o.boot = 20;
    o.threads = 1;
    sc_forecast *fc = NULL;
    assert_int_equal(sc_forecast_run(t, &o, &fc, &e), SC_OK);
    char path[] = "/tmp/scalecast-test-forecast-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    sc_fc_input in = {ladder_path, ""};
    sc_fc_provenance pv = {0, NULL, &in, 1, &m};
    assert_int_equal(sc_forecast_write_json(fc, &pv, f, &e), SC_OK);
    fclose(f);
    sc_fc_saved *sv = NULL;
    assert_int_equal(sc_forecast_read_json(path, &sv, &e), SC_OK);
    assert_int_equal(sv->nrows, fc->nrows);
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_row *a = &fc->rows[k];
        const sc_fc_saved_row *b = &sv->rows[k];
        assert_string_equal(fc->bench[a->bench].name, b->benchmark);
        assert_string_equal(a->target_name, b->target);
        assert_string_equal(a->law, b->law);
        assert_true(a->value == b->value && a->lo == b->lo && a->hi == b->hi && a->C == b->C);
    }
    sc_fc_grade *g = NULL;
    assert_int_equal(sc_forecast_grade(sv, t, &g, &e), SC_OK);
    size_t graded = 0;
    for (size_t k = 0; k < fc->nrows; k++) {
        const sc_fc_row *a = &fc->rows[k];
        const sc_fc_grade_row *r = &g->rows[k];
        if (isfinite(a->observed)) {
            assert_string_equal(r->status, "graded");
            assert_true(r->observed == a->observed && r->error == a->error);
            graded++;
        } else {
            assert_string_equal(r->status, "no_run");
        }
    }
    assert_int_equal(graded, 2);
    assert_int_equal(g->all.n, 2);
    assert_int_equal(g->nbench, 2);
    sc_fc_grade_free(g);
    sc_fc_saved_free(sv);
    /* Not a forecast: refused with the reason. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"format\": \"scalecast-fit\", \"version\": 1}\n", f);
    fclose(f);
    assert_int_equal(sc_forecast_read_json(path, &sv, &e), SC_EPARSE);
    assert_non_null(strstr(e.message, "not a saved forecast"));
    /* Another version (found by fuzzing: the message once read the freed document). */
    static const char v0[] = "{\"format\": \"scalecast.forecast\", \"version\": 0, \"forecasts\": []}";
    assert_int_equal(sc_forecast_read_json_mem(v0, sizeof v0 - 1, "v0.json", &sv, &e), SC_EPARSE);
    assert_non_null(strstr(e.message, "version 0"));
    remove(path);
    sc_forecast_free(fc);
    sc_table_free(t);
}

/* FIPS 180-4 test vectors (one block, two blocks). */
static void test_sha256(void **state)
{
    (void)state;
    char path[] = "/tmp/sc_sha_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char hex[65];
    write_file(path, "abc");
    assert_int_equal(sc_sha256_file(path, hex, NULL), SC_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    write_file(path, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    assert_int_equal(sc_sha256_file(path, hex, NULL), SC_OK);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    write_file(path, "");
    assert_int_equal(sc_sha256_file(path, hex, NULL), SC_OK);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_parse),   cmocka_unit_test(test_checkpoints_parse),
        cmocka_unit_test(test_runs_wide_long), cmocka_unit_test(test_runs_sizes),
        cmocka_unit_test(test_runs_olmo),      cmocka_unit_test(test_recipes),
        cmocka_unit_test(test_forecast_synthetic), cmocka_unit_test(test_forecast_curves),
        cmocka_unit_test(test_forecast_read_grade),
        cmocka_unit_test(test_sha256),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
