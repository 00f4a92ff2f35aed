/* SPDX-License-Identifier: GPL-3.0-or-later
 * Loading the shipped Apple and OLMo-ladder runs for the direct laws (methods/direct.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "scalecast.h"

static long find_run(const sc_table *t, const char *label)
{
    long j = sc_table_find(t, "run");
    for (size_t i = 0; i < sc_table_nrows(t); i++) {
        const char *s = sc_table_text(t, (size_t)j, i);
        if (s && strcmp(s, label) == 0) return (long)i;
    }
    return -1;
}

static double cell(const sc_table *t, const char *col, long row)
{
    long j = sc_table_find(t, col);
    assert_true(j >= 0);
    return sc_table_num(t, (size_t)j)[row];
}

static void test_dclm(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_runs_info info;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_runs_load(SC_DATA_DIR "/apple/metrics_dclm_data_mixture_subset.csv", 0, &t,
                                  &info, &e),
                     SC_OK);
    /* 149 runs in the file, the 357B-token tpr-20 run listed twice. */
    assert_int_equal(info.nruns, 148);
    assert_int_equal(info.nduplicates, 1);
    assert_int_equal(info.approx_flops, 1);
    assert_int_equal(sc_table_nrows(t), 148);
    long r = find_run(t, "tpr20-D1.83e+09");
    assert_true(r >= 0);
    double D = 1825570816.0, N = D / 20.0;
    assert_true(cell(t, "D", r) == D);
    assert_true(cell(t, "N", r) == N);
    assert_true(cell(t, "C", r) == 6.0 * N * D);
    assert_true(cell(t, "arc_challenge:acc_norm", r) == 0.2098976109215017);
    assert_true(cell(t, "arc_challenge:acc", r) == 0.1697952218430034);
    assert_true(sc_table_find(t, "dclm:cross_entropy_loss") >= 0);
    assert_true(sc_table_find(t, "mmlu:acc") >= 0);
    /* tpr-20 runs: 55 rows minus the duplicate. */
    size_t n20 = 0;
    const double *tpr = sc_table_num(t, (size_t)sc_table_find(t, "tpr"));
    for (size_t i = 0; i < sc_table_nrows(t); i++) n20 += tpr[i] == 20.0;
    assert_int_equal(n20, 54);
    sc_table_free(t);
}

static void test_c4_has_flops(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_runs_info info;
    assert_int_equal(sc_runs_load_apple(SC_DATA_DIR "/apple/metrics_c4_mixture_subset.csv", &t,
                                        &info, NULL),
                     SC_OK);
    assert_int_equal(info.nruns, 44);
    assert_int_equal(info.approx_flops, 0);
    long r = find_run(t, "tpr20-D2.68e+09");
    assert_true(r >= 0);
    assert_true(cell(t, "C", r) == 1.9739956381483008e+18);
    assert_true(cell(t, "N", r) == 122777600.0);
    assert_true(cell(t, "arc_challenge:acc_norm", r) == 0.2090443686006826);
    sc_table_free(t);
}

static void test_olmo_last_checkpoint(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_runs_info info;
    assert_int_equal(sc_runs_load(SC_DATA_DIR "/olmo-ladder", 0, &t, &info, NULL), SC_OK);
    assert_int_equal(info.nruns, 24);
    assert_int_equal(info.olmo, 1);
    long r = find_run(t, "190M-1xC");
    assert_true(r >= 0);
    /* Last row (step 7272) of 190M-1xC.csv. */
    assert_true(cell(t, "C", r) == 7256911925.269758 * 1e9);
    assert_true(cell(t, "D", r) == 3812622336.0);
    assert_true(cell(t, "N", r) == 190354176.0);
    assert_true(cell(t, "arc_easy_val:acc_norm", r) == 0.4070175290107727);
    assert_true(cell(t, "eval/downstream/arc_easy_val_rc_5shot_len_norm", r) == 0.4070175290107727);
    assert_true(cell(t, "boolq_val:acc", r) == 0.5244648456573486);
    assert_true(sc_table_find(t, "c4_en:loss") >= 0);
    assert_true(sc_table_find(t, "hellaswag_val:bpb") >= 0);
    assert_true(find_run(t, "1B-10xC") >= 0);
    sc_table_free(t);
}

static void test_olmo_all_checkpoints(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_runs_info info;
    assert_int_equal(sc_runs_load_olmo(SC_DATA_DIR "/olmo-ladder", 1, &t, &info, NULL), SC_OK);
    assert_true(info.nruns > 24 * 10);
    assert_true(find_run(t, "190M-1xC@7272") >= 0);
    sc_table_free(t);
}

static void test_errors(void **state)
{
    (void)state;
    sc_table *t = NULL;
    sc_error e;
    sc_error_clear(&e);
    assert_int_equal(sc_runs_load(SC_TEST_DATA_DIR "/direct_noscore.csv", 0, &t, NULL, &e),
                     SC_ENOCOL);
    assert_null(t);
    assert_non_null(strstr(e.message, "score"));
    assert_int_equal(sc_runs_load(SC_TEST_DATA_DIR "/no-such-file.csv", 0, &t, NULL, &e), SC_EIO);
    assert_int_equal(sc_runs_load_olmo(SC_TEST_DATA_DIR, 0, &t, NULL, &e), SC_EEMPTY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dclm),
        cmocka_unit_test(test_c4_has_flops),
        cmocka_unit_test(test_olmo_last_checkpoint),
        cmocka_unit_test(test_olmo_all_checkpoints),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
