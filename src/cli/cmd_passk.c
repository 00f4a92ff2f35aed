/* SPDX-License-Identifier: GPL-3.0-or-later
 * `scalecast passk`: the pass@k law of Krajewski et al. 2025 (Eq. 5),
 *     log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3,
 * fitted by least squares on the smaller runs of a long-format evaluation file and tested on
 * the held-out larger runs (MRE, MAE, RMSE, R^2 in pass@k). */
#include "cli.h"
#include "cli_counts.h"
#include "commands.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *help =
    "usage: scalecast passk DATA.csv [--benchmark NAME] [options]\n"
    "\n"
    "Fits the pass@k law of Krajewski et al. 2025 (Eq. 5)\n"
    "    log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3\n"
    "to the runs at or below a compute cutoff and reports its errors on the runs above it.\n"
    "DATA is either a long-format file with columns benchmark, metric_type (pass@1, pass@2, ...)\n"
    "and score (then --benchmark is needed), or per-problem counts with columns problem, n\n"
    "(samples), c (correct) per size: the task pass@k of a size is the mean over problems of the\n"
    "unbiased pass@k (Chen et al. 2021) at k = 1, 2, 4, ... up to its smallest n, and a size\n"
    "where no problem passed is left out (it carries no information). Compute C comes from a\n"
    "flops (or C) column, else N and D (C = 6 N D), else tokens and tpr (N = tokens / tpr,\n"
    "D = tokens). Points with pass@k of 0 or 1 (log(-log) undefined) are left out of the fit and\n"
    "counted.\n"
    "\n"
    "  --benchmark NAME   benchmark to fit (e.g. humaneval-py, mbpp, lbpp)\n"
    "  --tpr R            only runs with this token/parameter ratio (default 20 when the file has\n"
    "                     a tpr column, else all runs; 0 = all)\n"
    "  --cutoff C         fit on runs with C <= cutoff, test on the others (default 6e21)\n"
    "  --holdout H        instead: hold out the H runs with the largest compute\n"
    "  --kmax K           only pass@k with k <= K (default all)\n"
    "  --columns LIST     other names of the counts columns: KEY=NAME,... with keys problem,\n"
    "                     n, c (e.g. problem=task_id,n=samples,c=correct)\n"
    "  --beta K           instead of Eq. 5 across runs: fit the task curve of a Beta(a, b) of\n"
    "                     per-problem pass rates, pass@k = 1 - B(a, b + k) / B(a, b), to each\n"
    "                     run's pass@k with k <= K and forecast its larger k, against Eq. 5 on\n"
    "                     the same points (per run, and across runs); task-level rows only\n"
    "  --predictions FILE write the held-out predictions as CSV (run compute, k, observed,\n"
    "                     predicted)\n"
    "  --json             print the result as one JSON object (numbers round-trip)\n"
    "\n"
    "MRE is a fraction here (mean |predicted - observed| / observed over held-out points with\n"
    "pass@k > 0).\n";

typedef struct pk_point {
    double C, k, y, tpr;
} pk_point;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* How compute is found: a flops (or C) column, else N and D (C = 6 N D), else tokens and tpr
 * (C = 6 (tokens / tpr) tokens). */
typedef struct pk_compute {
    long jf, jN, jD, jt, jtpr;
    const char *rule;
} pk_compute;

static int find_compute(const sc_table *t, int need_tpr, pk_compute *pc)
{
    sc_error err;
    sc_error_clear(&err);
    size_t j;
    pc->jf = sc_table_find(t, "flops");
    if (pc->jf < 0) pc->jf = sc_table_find(t, "C");
    pc->jN = sc_table_find(t, "N");
    pc->jD = sc_table_find(t, "D");
    pc->jt = sc_table_find(t, "tokens");
    pc->jtpr = sc_table_find(t, "tpr");
    if (pc->jf >= 0) {
        pc->jN = pc->jD = pc->jt = -1;
        pc->rule = "C from the flops (or C) column";
        if (sc_table_require_num(t, sc_table_colname(t, (size_t)pc->jf), &j, &err) != SC_OK)
            return cli_report(&err);
    } else if (pc->jN >= 0 && pc->jD >= 0) {
        pc->jt = -1;
        pc->rule = "C = 6 N D";
        if (sc_table_require_num(t, "N", &j, &err) != SC_OK ||
            sc_table_require_num(t, "D", &j, &err) != SC_OK)
            return cli_report(&err);
    } else if (pc->jt >= 0 && pc->jtpr >= 0) {
        pc->jN = pc->jD = -1;
        pc->rule = "C = 6 N D with N = tokens / tpr, D = tokens";
        if (sc_table_require_num(t, "tokens", &j, &err) != SC_OK ||
            sc_table_require_num(t, "tpr", &j, &err) != SC_OK)
            return cli_report(&err);
    } else {
        return cli_fail(SC_EXIT_DATA, "%s: no compute: expected a flops (or C) column, N and D "
                        "columns, or tokens and tpr", sc_table_source(t));
    }
    if (pc->jtpr >= 0 && sc_table_require_num(t, "tpr", &j, &err) != SC_OK) return cli_report(&err);
    if (need_tpr && pc->jtpr < 0)
        return cli_fail(SC_EXIT_USAGE, "--tpr: %s has no tpr column to select runs by",
                        sc_table_source(t));
    return 0;
}

static double row_compute(const sc_table *t, const pk_compute *pc, size_t i)
{
    if (pc->jf >= 0) return sc_table_num(t, (size_t)pc->jf)[i];
    if (pc->jN >= 0) return 6.0 * sc_table_num(t, (size_t)pc->jN)[i] * sc_table_num(t, (size_t)pc->jD)[i];
    double tok = sc_table_num(t, (size_t)pc->jt)[i];
    return 6.0 * (tok / sc_table_num(t, (size_t)pc->jtpr)[i]) * tok;
}

/* tpr_want > 0: only runs with that ratio (the tpr column is needed when tpr_set). */
static int load(const sc_table *t, const char *path, const char *bench, double tpr_want,
                int tpr_set, double kmax, pk_point **out, size_t *n, size_t *ndup,
                const char **rule)
{
    *ndup = 0;
    sc_error err;
    sc_error_clear(&err);
    size_t jb, jm, js;
    int rc = 0;
    pk_compute pc;
    if (sc_table_require(t, "benchmark", &jb, &err) != SC_OK ||
        sc_table_require(t, "metric_type", &jm, &err) != SC_OK ||
        sc_table_require_num(t, "score", &js, &err) != SC_OK)
        return cli_report(&err);
    if ((rc = find_compute(t, tpr_set && tpr_want > 0, &pc))) return rc;
    *rule = pc.rule;
    if (pc.jtpr < 0) tpr_want = 0.0;
    size_t nr = sc_table_nrows(t), m = 0, nbench = 0;
    pk_point *p = calloc(nr ? nr : 1, sizeof *p);
    if (!p) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < nr; i++) {
        const char *b = sc_table_text(t, jb, i), *mt = sc_table_text(t, jm, i);
        if (!b || strcmp(b, bench) != 0) continue;
        nbench++;
        if (!mt || strncmp(mt, "pass@", 5) != 0) continue;
        char *end = NULL;
        double k = strtod(mt + 5, &end);
        if (!end || *end != '\0' || !(k >= 1)) continue;
        if (kmax > 0 && k > kmax) continue;
        double run_tpr = pc.jtpr >= 0 ? sc_table_num(t, (size_t)pc.jtpr)[i] : NAN;
        if (tpr_want > 0 && run_tpr != tpr_want) continue;
        double C = row_compute(t, &pc, i);
        double y = sc_table_num(t, js)[i];
        size_t line, col;
        if (!(C > 0) || !isfinite(C)) {
            long jc = pc.jf >= 0 ? pc.jf : pc.jN >= 0 ? pc.jN : pc.jt;
            sc_table_cell_pos(t, i, (size_t)jc, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: compute must be > 0", sc_table_source(t), line, col);
            break;
        }
        if (!(y >= 0 && y <= 1)) {
            sc_table_cell_pos(t, i, js, &line, &col);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%zu: pass@k must be in [0, 1], got %g",
                          sc_table_source(t), line, col, y);
            break;
        }
        /* A run listed twice in the release (same compute and ratio) contributes its first copy only,
         * as in the backtests: otherwise it would weigh double. */
        int seen = 0;
        for (size_t q = 0; q < m && !seen; q++)
            seen = p[q].C == C && p[q].k == k &&
                   (p[q].tpr == run_tpr || (isnan(p[q].tpr) && isnan(run_tpr)));
        if (seen) {
            (*ndup)++;
            continue;
        }
        p[m++] = (pk_point){C, k, y, run_tpr};
    }
    if (!rc && nbench == 0) rc = cli_fail(SC_EXIT_DATA, "%s: no rows for benchmark \"%s\"", path, bench);
    else if (!rc && m == 0)
        rc = cli_fail(SC_EXIT_DATA, "%s: no pass@k rows for benchmark \"%s\"%s", path, bench,
                      tpr_want > 0 ? " at this --tpr" : "");
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    *n = m;
    return 0;
}

/* Per-problem counts (problem, size, n, c): the task pass@k of each size at k = 1, 2, 4, ...
 * up to its smallest budget (unbiased, Chen et al. 2021, averaged over problems). A size where
 * no problem passed carries no information and is flagged (nzero), not entered. */
static int load_counts(const sc_table *t, const sc_counts_cols *cols, double kmax, pk_point **out,
                       size_t *n, size_t *nzero, const char **rule)
{
    pk_compute pc;
    int rc = find_compute(t, 0, &pc);
    if (rc) return rc;
    *rule = pc.rule;
    sc_counts_cols cc = *cols;
    if (!cc.size) cc.size = sc_table_colname(t, (size_t)(pc.jf >= 0 ? pc.jf : pc.jN >= 0 ? pc.jN : pc.jt));
    sc_count_row *rows = NULL;
    size_t nr = 0, nb = 0;
    sc_error err;
    sc_error_clear(&err);
    if (sc_counts_read(t, &cc, &rows, &nr, &nb, &err) != SC_OK) return cli_report(&err);
    if (nb != nr) {
        size_t i = 0;
        while (rows[i].budget) i++;
        rc = cli_fail(SC_EXIT_DATA, "%s:%zu: passk needs fixed budgets (n, c) in every row: "
                      "pass@k has no unbiased estimate from sample-until-pass counts",
                      sc_table_source(t), rows[i].line);
        sc_counts_free(rows, nr);
        return rc;
    }
    double *C = malloc(nr * sizeof *C), *Cs = malloc(nr * sizeof *Cs);
    pk_point *p = calloc(64 * nr + 1, sizeof *p);
    if (!C || !Cs || !p) {
        free(C);
        free(Cs);
        free(p);
        sc_counts_free(rows, nr);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < nr; i++) Cs[i] = C[i] = row_compute(t, &pc, i);
    qsort(Cs, nr, sizeof *Cs, cmp_double);
    size_t M = 0, m = 0;
    for (size_t i = 0; i < nr; i++)
        if (M == 0 || Cs[i] != Cs[M - 1]) Cs[M++] = Cs[i];
    *nzero = 0;
    for (size_t s = 0; s < M && !rc; s++) {
        size_t nmin = SIZE_MAX, np = 0, pass = 0;
        for (size_t i = 0; i < nr; i++)
            if (C[i] == Cs[s]) {
                if (rows[i].n < nmin) nmin = rows[i].n;
                pass += rows[i].c;
                np++;
            }
        if (pass == 0) {
            cli_warn("C = %g: no problem passed (%zu problems, %zu samples or more each): this size "
                     "carries no information and is left out", Cs[s], np, nmin);
            (*nzero)++;
            continue;
        }
        for (double k = 1.0; k <= (double)nmin && (kmax <= 0 || k <= kmax); k *= 2.0) {
            double sum = 0.0, v;
            for (size_t i = 0; i < nr; i++) {
                if (C[i] != Cs[s]) continue;
                if (sc_passk(rows[i].n, rows[i].c, (size_t)k, &v, &err) != SC_OK) {
                    rc = cli_report(&err);
                    break;
                }
                sum += v;
            }
            p[m++] = (pk_point){Cs[s], k, sum / (double)np, NAN};
        }
    }
    free(C);
    free(Cs);
    sc_counts_free(rows, nr);
    if (!rc && m == 0) rc = cli_fail(SC_EXIT_NUMERIC, "no size with a pass: no pass@k point");
    if (rc) {
        free(p);
        return rc;
    }
    *out = p;
    *n = m;
    return 0;
}

static json_t *jnum(double v)
{
    if (isnan(v)) return json_null();
    if (isinf(v)) return json_real(v > 0 ? 1.7976931348623157e308 : -1.7976931348623157e308);
    return json_real(v);
}

/* The Beta task curve pass@k = 1 - B(a, b + k) / B(a, b) fitted per run to its pass@k at
 * k <= fit_k and forecast at the larger k, against Eq. 5 on the same points: per run (a line in
 * log k, the same information) and across runs (the four-parameter law fitted to every run's
 * k <= fit_k). Errors are over the held-out k of runs where both curves could be fitted. */
static int run_beta(const pk_point *p, size_t n, const char *bench, const char *data,
                    double fit_k, int json)
{
    double *Cs = malloc(n * sizeof *Cs), *x = malloc(2 * n * sizeof *x), *y = malloc(n * sizeof *y);
    double *kk = malloc(n * sizeof *kk), *yy = malloc(n * sizeof *yy);
    json_t *root = NULL, *jruns = NULL;
    sc_fit *gfit = NULL;
    int rc = 0;
    if (!Cs || !x || !y || !kk || !yy) {
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) Cs[i] = p[i].C;
    qsort(Cs, n, sizeof *Cs, cmp_double);
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++)
        if (nruns == 0 || Cs[i] != Cs[nruns - 1]) Cs[nruns++] = Cs[i];
    /* Eq. 5 across runs on every run's k <= fit_k. */
    size_t nfit = 0;
    for (size_t i = 0; i < n; i++)
        if (p[i].k <= fit_k && p[i].y > 0 && p[i].y < 1) {
            x[2 * nfit] = p[i].C;
            x[2 * nfit + 1] = p[i].k;
            y[nfit++] = p[i].y;
        }
    const sc_law *law = sc_law_find("passk");
    sc_error err;
    sc_error_clear(&err);
    if (!law) {
        rc = cli_fail(SC_EXIT_INTERNAL, "law \"passk\" is not registered");
        goto done;
    }
    sc_fit_opts opts;
    sc_fit_opts_init(&opts);
    if (nfit >= 5 && sc_fit_run(law, x, y, nfit, &opts, &gfit, &err) != SC_OK) gfit = NULL;
    /* Held-out k values. */
    double hk[16];
    size_t nh = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].k <= fit_k) continue;
        size_t j = 0;
        while (j < nh && hk[j] != p[i].k) j++;
        if (j == nh && nh < 16) hk[nh++] = p[i].k;
    }
    qsort(hk, nh, sizeof *hk, cmp_double);
    if (nh == 0) {
        rc = cli_fail(SC_EXIT_USAGE, "no pass@k with k > %g to hold out", fit_k);
        goto done;
    }
    /* Sums of |error| and |error| / observed per method (0 Beta, 1 Eq. 5 per run, 2 Eq. 5
     * across runs) and held-out k (index nh = all). */
    double sae[3][17] = {{0}}, sre[3][17] = {{0}};
    size_t cnt[17] = {0}, cre[17] = {0}, nused = 0, nskip = 0;
    /* Every run's fits first, so that nothing is printed when no run can be fitted. */
    sc_bb_fit *bfs = calloc(nruns, sizeof *bfs);
    double *lc = calloc(2 * nruns, sizeof *lc);
    unsigned char *ok = calloc(nruns, 1);
    if (!bfs || !lc || !ok) {
        free(bfs);
        free(lc);
        free(ok);
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t r = 0; r < nruns; r++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i].C == Cs[r] && p[i].k <= fit_k) {
                kk[m] = p[i].k;
                yy[m++] = p[i].y;
            }
        ok[r] = sc_bb_fit_curve(kk, yy, m, &bfs[r], NULL) == SC_OK &&
                sc_passk_line_k(kk, yy, m, &lc[2 * r], &lc[2 * r + 1], NULL) == SC_OK;
        nused += ok[r];
    }
    nskip = nruns - nused;
    if (nused == 0) {
        free(bfs);
        free(lc);
        free(ok);
        rc = cli_fail(SC_EXIT_NUMERIC, "no run has 3 usable pass@k points at k <= %g (0 < pass@k < 1)",
                      fit_k);
        goto done;
    }
    if (json) {
        root = json_object();
        jruns = json_array();
        if (!root || !jruns) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto done;
        }
    } else {
        printf("pass@k curve of a Beta(a, b) of per-problem pass rates, 1 - B(a, b + k) / B(a, b), "
               "against Eq. 5 (Krajewski et al. 2025), on %s, %s\n", bench, data);
        printf("fitted per run on pass@k with k <= %g (least squares in log(-log pass@k)); "
               "forecast at k =", fit_k);
        for (size_t j = 0; j < nh; j++) printf(" %g", hk[j]);
        printf("\nEq. 5 per run: log(-log pass@k) = c1 log k + c3 on the same points; Eq. 5 across "
               "runs: the four-parameter law on every run's k <= %g (%zu points)%s\n\n", fit_k, nfit,
               gfit ? "" : " - not fitted");
        printf("%-12s %8s %9s %9s", "C", "a", "b", "exponent");
        for (size_t j = 0; j < nh; j++) printf("   k=%-4g obs   beta  eq5run  eq5all", hk[j]);
        printf("\n");
    }
    for (size_t r = 0; r < nruns; r++) {
        if (!ok[r]) continue;
        const sc_bb_fit bf = bfs[r];
        double c1 = lc[2 * r], c3 = lc[2 * r + 1];
        json_t *jr = NULL, *jh = NULL;
        if (json) {
            jr = json_pack("{s:o,s:o,s:o,s:o,s:o,s:o}", "C", jnum(Cs[r]), "a", jnum(bf.a), "b",
                           jnum(bf.b), "exponent", jnum(bf.exponent), "eq5_c1", jnum(c1), "eq5_c3",
                           jnum(c3));
            jh = json_array();
        } else {
            printf("%-12.4g %8.4g %9.4g %9.4g", Cs[r], bf.a, bf.b, bf.exponent);
        }
        for (size_t j = 0; j < nh; j++) {
            double obs = NAN;
            for (size_t i = 0; i < n; i++)
                if (p[i].C == Cs[r] && p[i].k == hk[j]) obs = p[i].y;
            double pred[3] = {sc_bb_passk(bf.a, bf.b, hk[j]), sc_passk_line_predict(c1, c3, hk[j]), NAN};
            if (gfit) {
                double xi[2] = {Cs[r], hk[j]};
                sc_fit_predict(gfit, xi, 1, &pred[2]);
            }
            if (json) {
                json_array_append_new(jh, json_pack("{s:o,s:o,s:o,s:o,s:o}", "k", jnum(hk[j]),
                                                    "observed", jnum(obs), "beta", jnum(pred[0]),
                                                    "eq5_run", jnum(pred[1]), "eq5_all",
                                                    jnum(pred[2])));
            } else {
                printf("   %10.4f %6.4f %7.4f %7.4f", obs, pred[0], pred[1], pred[2]);
            }
            if (isnan(obs)) continue;
            size_t idx[2] = {j, nh};
            for (size_t q = 0; q < 2; q++) {
                cnt[idx[q]]++;
                if (obs > 0) cre[idx[q]]++;
                for (size_t meth = 0; meth < 3; meth++) {
                    double e = fabs(pred[meth] - obs);
                    sae[meth][idx[q]] += e;
                    if (obs > 0) sre[meth][idx[q]] += e / obs;
                }
            }
        }
        if (json) {
            json_object_set_new(jr, "held_out", jh);
            json_array_append_new(jruns, jr);
        } else {
            printf("\n");
        }
    }
    free(bfs);
    free(lc);
    free(ok);
    static const char *const names[3] = {"beta", "eq5_run", "eq5_all"};
    json_t *jerr = json ? json_array() : NULL;
    if (!json) {
        printf("\n%zu runs used, %zu left out (fewer than 3 points with 0 < pass@k < 1 at k <= %g)\n",
               nused, nskip, fit_k);
        printf("%-6s %6s %10s %10s %10s %10s %10s %10s\n", "k", "points", "MRE beta", "MRE eq5run",
               "MRE eq5all", "MAE beta", "MAE eq5run", "MAE eq5all");
    }
    for (size_t j = 0; j <= nh; j++) {
        if (cnt[j] == 0) continue;
        double mre[3], mae[3];
        for (size_t meth = 0; meth < 3; meth++) {
            mre[meth] = cre[j] ? sre[meth][j] / (double)cre[j] : NAN;
            mae[meth] = sae[meth][j] / (double)cnt[j];
        }
        char label[16];
        if (j < nh) snprintf(label, sizeof label, "%g", hk[j]);
        else snprintf(label, sizeof label, "all");
        if (json) {
            json_t *je = json_pack("{s:s,s:I}", "k", label, "points", (json_int_t)cnt[j]);
            for (size_t meth = 0; meth < 3; meth++)
                json_object_set_new(je, names[meth], json_pack("{s:o,s:o}", "mre", jnum(mre[meth]),
                                                               "mae", jnum(mae[meth])));
            json_array_append_new(jerr, je);
        } else {
            printf("%-6s %6zu %10.4f %10.4f %10.4f %10.4f %10.4f %10.4f\n", label, cnt[j], mre[0],
                   mre[1], mre[2], mae[0], mae[1], mae[2]);
        }
    }
    if (json) {
        json_object_set_new(root, "benchmark", json_string(bench));
        json_object_set_new(root, "data", json_string(data));
        json_object_set_new(root, "curve", json_string("1 - B(a, b + k) / B(a, b)"));
        json_object_set_new(root, "fit_k_max", jnum(fit_k));
        json_object_set_new(root, "runs_used", json_integer((json_int_t)nused));
        json_object_set_new(root, "runs_left_out", json_integer((json_int_t)nskip));
        json_object_set_new(root, "runs", jruns);
        jruns = NULL;
        json_object_set_new(root, "errors", jerr);
        if (json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0)
            rc = cli_fail(SC_EXIT_IO, "standard output: write failed");
        else
            putchar('\n');
    }
done:
    json_decref(root);
    json_decref(jruns);
    sc_fit_free(gfit);
    free(Cs);
    free(x);
    free(y);
    free(kk);
    free(yy);
    return rc;
}

static const cli_option cli_passk_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--benchmark", NULL, CLI_VALUE},
    {"--predictions", NULL, CLI_VALUE},
    {"--tpr", NULL, CLI_VALUE},
    {"--cutoff", NULL, CLI_VALUE},
    {"--holdout", NULL, CLI_VALUE},
    {"--kmax", NULL, CLI_VALUE},
    {"--beta", NULL, CLI_VALUE},
    {"--columns", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_passk_options = {"passk", cli_passk_options_opts};

static int passk_run(int argc, char **argv, char **colbuf)
{
    const char *data = NULL, *bench = NULL, *pred_path = NULL, *v, *rule = NULL;
    double tpr = 20.0, cutoff = 6e21, kmax = 0.0, beta_k = 0.0;
    size_t holdout = 0, nzero = 0;
    int rc = 0, json = 0, tpr_set = 0, beta = 0;
    sc_counts_cols cols;
    memset(&cols, 0, sizeof cols);
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_passk_options);
    while (cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(help, stdout);
            return SC_EXIT_OK;
        } else if (cli_flag(&a, "--json")) {
            json = 1;
        } else if (cli_opt(&a, "--benchmark", &bench)) {
        } else if (cli_opt(&a, "--predictions", &pred_path)) {
        } else if (cli_opt(&a, "--tpr", &v)) {
            if (!a.error && (rc = cli_parse_double("--tpr", v, &tpr))) return rc;
            tpr_set = 1;
        } else if (cli_opt(&a, "--cutoff", &v)) {
            if (!a.error && (rc = cli_parse_double("--cutoff", v, &cutoff))) return rc;
        } else if (cli_opt(&a, "--holdout", &v)) {
            if (!a.error && (rc = cli_parse_size("--holdout", v, &holdout))) return rc;
        } else if (cli_opt(&a, "--kmax", &v)) {
            if (!a.error && (rc = cli_parse_double("--kmax", v, &kmax))) return rc;
        } else if (cli_opt(&a, "--beta", &v)) {
            if (a.error) break;
            if ((rc = cli_parse_double("--beta", v, &beta_k))) return rc;
            if (!(beta_k >= 1.0)) return cli_fail(SC_EXIT_USAGE, "--beta: k must be >= 1, got %s", v);
            beta = 1;
        } else if (cli_opt(&a, "--columns", &v)) {
            if (!a.error && (rc = cli_counts_columns(v, &cols, colbuf))) return rc;
        } else if (a.positional && !data) {
            data = a.positional;
        } else {
            return cli_args_unknown(&a);
        }
    }
    if (a.error) return a.error;
    if (!data) return cli_fail(SC_EXIT_USAGE, "passk needs DATA.csv");
    pk_point *p = NULL;
    size_t n = 0;
    size_t ndup = 0;
    sc_table *t = NULL;
    sc_error terr;
    sc_error_clear(&terr);
    if (sc_csv_read(data, NULL, &t, &terr) != SC_OK) return cli_report(&terr);
    /* Per-problem counts (columns n and c, no metric_type) or task-level pass@k rows. */
    int counts = sc_table_find(t, "metric_type") < 0 &&
                 sc_table_find(t, cols.n ? cols.n : "n") >= 0 &&
                 sc_table_find(t, cols.c ? cols.c : "c") >= 0;
    if (counts) {
        if (beta) {
            sc_table_free(t);
            return cli_fail(SC_EXIT_USAGE, "--beta fits task-level pass@k rows; for per-problem "
                            "counts use 'scalecast passuntil estimate' (beta-binomial fit)");
        }
        rc = load_counts(t, &cols, kmax, &p, &n, &nzero, &rule);
        bench = bench ? bench : "per-problem counts";
        tpr = 0.0;
    } else {
        if (!bench) {
            sc_table_free(t);
            return cli_fail(SC_EXIT_USAGE, "passk needs --benchmark for a table of pass@k rows");
        }
        rc = load(t, data, bench, tpr, tpr_set, kmax, &p, &n, &ndup, &rule);
        if (sc_table_find(t, "tpr") < 0) tpr = 0.0;
    }
    sc_table_free(t);
    if (rc) return rc;
    if (beta) {
        rc = run_beta(p, n, bench, data, beta_k, json);
        free(p);
        return rc;
    }

    /* Distinct run computes, to place the cutoff. */
    double *Cs = malloc(n * sizeof *Cs);
    double *x = malloc(2 * n * sizeof *x), *y = malloc(n * sizeof *y);
    if (!Cs || !x || !y) {
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) Cs[i] = p[i].C;
    qsort(Cs, n, sizeof *Cs, cmp_double);
    size_t nruns = 0;
    for (size_t i = 0; i < n; i++)
        if (nruns == 0 || Cs[i] != Cs[nruns - 1]) Cs[nruns++] = Cs[i];
    if (holdout) {
        if (holdout >= nruns) {
            rc = cli_fail(SC_EXIT_USAGE, "--holdout %zu leaves no run to fit (%zu runs)", holdout, nruns);
            goto done;
        }
        cutoff = Cs[nruns - holdout - 1];
    }
    size_t nfit = 0, nskip_fit = 0, nrun_fit = 0;
    for (size_t r = 0; r < nruns; r++) nrun_fit += Cs[r] <= cutoff;
    for (size_t i = 0; i < n; i++) {
        if (p[i].C > cutoff) continue;
        if (!(p[i].y > 0 && p[i].y < 1)) {
            nskip_fit++;
            continue;
        }
        x[2 * nfit] = p[i].C;
        x[2 * nfit + 1] = p[i].k;
        y[nfit++] = p[i].y;
    }
    if (nfit < 5) {
        rc = cli_fail(SC_EXIT_NUMERIC,
                      "%s: only %zu usable pass@k points at or below C = %g (%zu are 0 or 1): "
                      "Eq. 5 needs at least 5",
                      bench, nfit, cutoff, nskip_fit);
        goto done;
    }
    const sc_law *law = sc_law_find("passk");
    if (!law) {
        rc = cli_fail(SC_EXIT_INTERNAL, "law \"passk\" is not registered");
        goto done;
    }
    sc_fit_opts opts;
    sc_fit_opts_init(&opts);
    sc_fit *fit = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_fit_run(law, x, y, nfit, &opts, &fit, &err) != SC_OK) {
        rc = cli_report(&err);
        goto done;
    }
    /* The predictions file is opened before anything is printed, so that a failure to open it
     * leaves no partial output. */
    cli_out po;
    memset(&po, 0, sizeof po);
    if (pred_path) {
        if ((rc = cli_out_open(&po, pred_path))) {
            sc_fit_free(fit);
            goto done;
        }
        fputs("C,k,observed,predicted\n", po.f);
    }
    const size_t np = law->nparam;
    json_t *root = NULL, *jerrs = NULL;
    if (json) {
        json_t *params = json_object(), *ses = json_object();
        for (size_t j = 0; j < np; j++) {
            json_object_set_new(params, law->param_names[j], jnum(fit->theta[j]));
            json_object_set_new(ses, law->param_names[j],
                                jnum(fit->cov ? sqrt(fit->cov[j * (np + 1)]) : NAN));
        }
        root = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s,s:o,s:I,s:I,s:{s:I,s:I,s:I,s:b,s:o,s:o,s:o}}",
                         "law", "passk", "benchmark", bench, "formula", law->formula, "data", data,
                         "tpr", jnum(tpr > 0 ? tpr : NAN), "compute", rule, "cutoff", jnum(cutoff),
                         "duplicate_points_left_out", (json_int_t)ndup, "sizes_without_pass",
                         (json_int_t)nzero, "fit", "runs", (json_int_t)nrun_fit, "points",
                         (json_int_t)nfit, "points_0_or_1_left_out", (json_int_t)nskip_fit,
                         "converged", fit->converged ? 1 : 0, "rss", jnum(fit->rss), "params",
                         params, "std_errors", ses);
        jerrs = json_array();
        if (!root || !jerrs) {
            json_decref(root);
            json_decref(jerrs);
            sc_fit_free(fit);
            if (pred_path) cli_out_abort(&po);
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto done;
        }
    } else {
        printf("pass@k law (Krajewski et al. 2025, Eq. 5) on %s: %s\n", bench, law->formula);
        if (tpr > 0) printf("data: %s (runs with tpr %g)", data, tpr);
        else if (counts) printf("data: %s (per-problem counts: task pass@k = mean over problems of the "
                                "unbiased pass@k, k = 1, 2, 4, ... up to the budget)", data);
        else printf("data: %s (all runs)", data);
        printf("; %s\n", rule);
        if (ndup) printf("note: %zu points of a run listed twice left out (first copy kept)\n", ndup);
        if (nzero)
            printf("note: %zu sizes where no problem passed left out (no information; not points)\n",
                   nzero);
        printf("fit: %zu runs with C <= %.4g, %zu points (%zu with pass@k 0 or 1 left out); rss %.4g "
               "in log(-log) space%s\n",
               nrun_fit, cutoff, nfit, nskip_fit, fit->rss, fit->converged ? "" : " (NOT converged)");
        for (size_t j = 0; j < np; j++)
            printf("  %s = %12.6g   se %.3g\n", law->param_names[j], fit->theta[j],
                   fit->cov ? sqrt(fit->cov[j * (np + 1)]) : NAN);
    }
    /* Held-out errors by k and overall. */
    double ks[16];
    size_t nk = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < nk && ks[j] != p[i].k) j++;
        if (j == nk && nk < 16) ks[nk++] = p[i].k;
    }
    qsort(ks, nk, sizeof *ks, cmp_double);
    size_t nheld_runs = nruns - nrun_fit;
    if (nheld_runs == 0) {
        if (!json) printf("no run above the cutoff: nothing held out\n");
    } else {
        if (!json) {
            printf("held out: %zu runs with C > %.4g (largest %.4g)\n", nheld_runs, cutoff, Cs[nruns - 1]);
            printf("%-6s %6s %10s %10s %10s %10s\n", "k", "points", "MRE", "MAE", "RMSE", "R2");
        }
        for (size_t kk = 0; kk <= nk; kk++) {
            double sae = 0, sse = 0, sre = 0, sy = 0, syy = 0;
            size_t m = 0, mre_n = 0;
            for (size_t i = 0; i < n; i++) {
                if (p[i].C <= cutoff || (kk < nk && p[i].k != ks[kk])) continue;
                double xi[2] = {p[i].C, p[i].k}, pred;
                sc_fit_predict(fit, xi, 1, &pred);
                double e = pred - p[i].y;
                sae += fabs(e);
                sse += e * e;
                if (p[i].y > 0) {
                    sre += fabs(e) / p[i].y;
                    mre_n++;
                }
                sy += p[i].y;
                syy += p[i].y * p[i].y;
                m++;
                if (pred_path && kk == nk)
                    fprintf(po.f, "%.17g,%.17g,%.17g,%.17g\n", p[i].C, p[i].k, p[i].y, pred);
            }
            if (m == 0) continue;
            double sst = syy - sy * sy / (double)m;
            char label[16];
            if (kk < nk) snprintf(label, sizeof label, "%g", ks[kk]);
            else snprintf(label, sizeof label, "all");
            double mre = mre_n ? sre / (double)mre_n : NAN, mae = sae / (double)m;
            double rmse = sqrt(sse / (double)m), r2 = sst > 0 ? 1.0 - sse / sst : NAN;
            if (json) {
                json_array_append_new(jerrs, json_pack("{s:s,s:I,s:o,s:o,s:o,s:o}", "k", label,
                                                       "points", (json_int_t)m, "mre", jnum(mre),
                                                       "mae", jnum(mae), "rmse", jnum(rmse), "r2",
                                                       jnum(r2)));
            } else {
                printf("%-6s %6zu %10.4f %10.4f %10.4f %10.4f\n", label, m, mre, mae, rmse, r2);
            }
        }
    }
    if (json) {
        json_object_set_new(root, "held_out",
                            json_pack("{s:I,s:o,s:o}", "runs", (json_int_t)nheld_runs, "largest_C",
                                      jnum(nheld_runs ? Cs[nruns - 1] : NAN), "errors", jerrs));
        if (json_dumpf(root, stdout, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0)
            rc = cli_fail(SC_EXIT_IO, "standard output: write failed");
        else
            putchar('\n');
        json_decref(root);
    }
    sc_fit_free(fit);
    if (pred_path) rc = cli_out_commit(&po);
done:
    free(p);
    free(Cs);
    free(x);
    free(y);
    return rc;
}

int cmd_passk(int argc, char **argv)
{
    char *colbuf = NULL; /* holds the --columns names */
    int rc = passk_run(argc, argv, &colbuf);
    free(colbuf);
    return rc;
}
