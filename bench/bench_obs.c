/* SPDX-License-Identifier: GPL-3.0-or-later
 * Benchmark: observational scaling laws on the published data (data/obsscaling). Times
 * (1) the default set-up without a target (read, join-free selection, imputation, PCA,
 * efficiencies), (2) the eight emergent-task links (each re-imputed, PCA, link, log-FLOPs
 * baseline) and (3) V-optimal family selection with a budget of 24 training models plus the
 * refitted link. Run from the project root.
 *   usage: bench_obs [REPEATS]           (default 5) */
#include "bench_util.h"
#include "scalecast.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BASE "data/obsscaling/base_llm_benchmark_eval.csv"
#define EMERGENT "data/obsscaling/base_llm_emergent_capability_eval.csv"
#define POST "data/obsscaling/base_llm_post_training_eval.csv"

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

/* Reads and joins, keeps the default models, runs the pipeline once; returns 0 on success. */
static int run(const char *extra, const char *target, double scale, double chance, double cutoff,
               int no_gsm8k, size_t budget)
{
    static const char *const nogsm[] = {"MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA",
                                        "XWinograd", "HumanEval"};
    sc_table *t[2] = {NULL, NULL}, *j = NULL;
    sc_error err;
    int rc = 1;
    sc_obs_table_data *d = NULL;
    sc_obs_result *r = NULL;
    if (sc_csv_read(BASE, NULL, &t[0], &err) != SC_OK) goto done;
    if (extra) {
        if (sc_csv_read(extra, NULL, &t[1], &err) != SC_OK) goto done;
        if (sc_obs_join((const sc_table *const *)t, 2, "Model", &j, &err) != SC_OK) goto done;
    } else if (sc_table_copy(t[0], &j) != SC_OK) {
        goto done;
    }
    size_t n = sc_table_nrows(j);
    unsigned char keep[512] = {0};
    long mc = sc_table_find(j, "Model"), fc = sc_table_find(j, "Model Family");
    for (size_t i = 0; i < n && i < 512; i++)
        keep[i] = in_list(sc_table_text(j, (size_t)fc, i), sc_obs_default_families()) &&
                  !sc_obs_is_later_model(sc_table_text(j, (size_t)mc, i));
    sc_obs_columns cols;
    memset(&cols, 0, sizeof cols);
    cols.target = target;
    cols.target_scale = scale;
    cols.target_chance = chance;
    if (no_gsm8k) {
        cols.metrics = nogsm;
        cols.nmetrics = 7;
    }
    if (sc_obs_table_data_new(j, keep, &cols, &d, &err) != SC_OK) goto done;
    sc_obs_opts o;
    sc_obs_opts_init(&o);
    o.cutoff = cutoff;
    o.select_budget = budget;
    if (sc_obs_run(&d->data, &o, &r, &err) != SC_OK) goto done;
    rc = 0;
done:
    if (rc) fprintf(stderr, "bench_obs: %s\n", err.message);
    sc_obs_result_free(r);
    sc_obs_table_data_free(d);
    sc_table_free(t[0]);
    sc_table_free(t[1]);
    sc_table_free(j);
    return rc;
}

static int emergent(void)
{
    int rc = 0;
    rc |= run(EMERGENT, "parsinlu_qa_2_acc", 1, 0.25, 84, 0, 0);
    rc |= run(EMERGENT, "word_unscrambling_2_exact_match", 1, 0, 84, 0, 0);
    rc |= run(EMERGENT, "ipa_transliterate_2_exact_match", 1, 0, 84, 0, 0);
    rc |= run(EMERGENT, "ipa_transliterate_2_bleu", 100, 0, 84, 0, 0);
    rc |= run(EMERGENT, "arithmetic_3ds_2_acc", 1, 0, 21, 1, 0);
    rc |= run(EMERGENT, "arithmetic_3da_2_acc", 1, 0, 21, 1, 0);
    rc |= run(EMERGENT, "arithmetic_2dm_2_acc", 1, 0, 21, 1, 0);
    rc |= run(EMERGENT, "arithmetic_2da_2_acc", 1, 0, 21, 1, 0);
    return rc;
}

int main(int argc, char **argv)
{
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    if (reps < 1) reps = 1;
    const char *names[3] = {"default set-up, PCA only", "8 emergent links + baselines",
                            "selection, budget 24 + link"};
    for (int b = 0; b < 3; b++) {
        double t[64];
        int k = reps < 64 ? reps : 64;
        for (int r = 0; r < k; r++) {
            double t0 = bench_wall();
            int rc = b == 0   ? run(NULL, NULL, 0, 0, 84, 0, 0)
                     : b == 1 ? emergent()
                              : run(POST, "gsm8k_cot_8_exact_match,strict-match", 1, 0, 84, 0, 24);
            t[r] = bench_wall() - t0;
            if (rc) return 1;
        }
        qsort(t, (size_t)k, sizeof t[0], bench_cmp_double);
        printf("%-34s min %8.2f ms  median %8.2f ms  (%d runs)\n", names[b], 1e3 * t[0],
               1e3 * t[k / 2], k);
    }
    return 0;
}
