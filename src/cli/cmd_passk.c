/* SPDX-License-Identifier: GPL-3.0-or-later
 * `scalecast passk`: the pass@k law of Krajewski et al. 2025 (Eq. 5),
 *     log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3,
 * fitted by least squares on the smaller runs of a long-format evaluation file and tested on
 * the held-out larger runs (MRE, MAE, RMSE, R^2 in pass@k). */
#include "cli.h"
#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *help =
    "usage: scalecast passk DATA.csv --benchmark NAME [options]\n"
    "\n"
    "Fits the pass@k law of Krajewski et al. 2025 (Eq. 5)\n"
    "    log(-log pass@k) = c0 log C + c1 log k + c2 log C log k + c3\n"
    "to the runs at or below a compute cutoff and reports its errors on the runs above it.\n"
    "DATA is a long-format file with columns benchmark, metric_type (pass@1, pass@2, ...), score,\n"
    "and either flops, or tokens and tpr (then C = 6 N D with N = tokens / tpr, D = tokens).\n"
    "Points with pass@k of 0 or 1 (log(-log) undefined) are left out of the fit and counted.\n"
    "\n"
    "  --benchmark NAME   benchmark to fit (e.g. humaneval-py, mbpp, lbpp)\n"
    "  --tpr R            only runs with this token/parameter ratio (default 20; 0 = all)\n"
    "  --cutoff C         fit on runs with C <= cutoff, test on the others (default 6e21)\n"
    "  --holdout H        instead: hold out the H runs with the largest compute\n"
    "  --kmax K           only pass@k with k <= K (default all)\n"
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

static int load(const char *path, const char *bench, double tpr_want, double kmax, pk_point **out,
                size_t *n, size_t *ndup)
{
    *ndup = 0;
    sc_table *t = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_csv_read(path, NULL, &t, &err) != SC_OK) return cli_report(&err);
    size_t jb, jm, js, jt = 0, jf = 0, jtpr = 0;
    int rc = 0, has_flops = sc_table_find(t, "flops") >= 0;
    if (sc_table_require(t, "benchmark", &jb, &err) != SC_OK ||
        sc_table_require(t, "metric_type", &jm, &err) != SC_OK ||
        sc_table_require_num(t, "score", &js, &err) != SC_OK ||
        (has_flops && sc_table_require_num(t, "flops", &jf, &err) != SC_OK) ||
        (!has_flops && (sc_table_require_num(t, "tokens", &jt, &err) != SC_OK ||
                        sc_table_require_num(t, "tpr", &jtpr, &err) != SC_OK)) ||
        (has_flops && tpr_want > 0 && sc_table_require_num(t, "tpr", &jtpr, &err) != SC_OK)) {
        rc = cli_report(&err);
        sc_table_free(t);
        return rc;
    }
    size_t nr = sc_table_nrows(t), m = 0, nbench = 0;
    pk_point *p = calloc(nr ? nr : 1, sizeof *p);
    if (!p) {
        sc_table_free(t);
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    for (size_t i = 0; i < nr; i++) {
        const char *b = sc_table_text(t, jb, i), *mt = sc_table_text(t, jm, i);
        if (!b || strcmp(b, bench) != 0) continue;
        nbench++;
        if (!mt || strncmp(mt, "pass@", 5) != 0) continue;
        char *end = NULL;
        double k = strtod(mt + 5, &end);
        if (!end || *end != '\0' || !(k >= 1)) continue;
        if (kmax > 0 && k > kmax) continue;
        double tpr = (has_flops && tpr_want <= 0) ? NAN : sc_table_num(t, jtpr)[i];
        if (tpr_want > 0 && tpr != tpr_want) continue;
        double C = has_flops ? sc_table_num(t, jf)[i]
                             : 6.0 * (sc_table_num(t, jt)[i] / tpr) * sc_table_num(t, jt)[i];
        double y = sc_table_num(t, js)[i];
        size_t line, col;
        if (!(C > 0) || !isfinite(C)) {
            sc_table_cell_pos(t, i, has_flops ? jf : jt, &line, &col);
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
        double run_tpr = (has_flops && tpr_want <= 0) ? NAN : sc_table_num(t, jtpr)[i];
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
    sc_table_free(t);
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

static const cli_option cli_passk_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--benchmark", NULL, CLI_VALUE},
    {"--predictions", NULL, CLI_VALUE},
    {"--tpr", NULL, CLI_VALUE},
    {"--cutoff", NULL, CLI_VALUE},
    {"--holdout", NULL, CLI_VALUE},
    {"--kmax", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_passk_options = {"passk", cli_passk_options_opts};

int cmd_passk(int argc, char **argv)
{
    const char *data = NULL, *bench = NULL, *pred_path = NULL, *v;
    double tpr = 20.0, cutoff = 6e21, kmax = 0.0;
    size_t holdout = 0;
    int rc = 0, json = 0;
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
        } else if (cli_opt(&a, "--cutoff", &v)) {
            if (!a.error && (rc = cli_parse_double("--cutoff", v, &cutoff))) return rc;
        } else if (cli_opt(&a, "--holdout", &v)) {
            if (!a.error && (rc = cli_parse_size("--holdout", v, &holdout))) return rc;
        } else if (cli_opt(&a, "--kmax", &v)) {
            if (!a.error && (rc = cli_parse_double("--kmax", v, &kmax))) return rc;
        } else if (a.positional && !data) {
            data = a.positional;
        } else {
            return cli_args_unknown(&a);
        }
    }
    if (a.error) return a.error;
    if (!data || !bench) return cli_fail(SC_EXIT_USAGE, "passk needs DATA.csv and --benchmark");
    pk_point *p = NULL;
    size_t n = 0;
    size_t ndup = 0;
    if ((rc = load(data, bench, tpr, kmax, &p, &n, &ndup))) return rc;

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
    if (json) {
        fputs("{\"law\":\"passk\",\"benchmark\":", stdout);
        cli_json_string(stdout, bench);
        fputs(",\"formula\":", stdout);
        cli_json_string(stdout, law->formula);
        fputs(",\"data\":", stdout);
        cli_json_string(stdout, data);
        fputs(",\"tpr\":", stdout);
        cli_json_number(stdout, tpr > 0 ? tpr : NAN);
        fputs(",\"cutoff\":", stdout);
        cli_json_number(stdout, cutoff);
        fprintf(stdout, ",\"duplicate_points_left_out\":%zu,\"fit\":{\"runs\":%zu,\"points\":%zu,"
                        "\"points_0_or_1_left_out\":%zu,\"converged\":%s,\"rss\":",
                ndup, nrun_fit, nfit, nskip_fit, fit->converged ? "true" : "false");
        cli_json_number(stdout, fit->rss);
        fputs(",\"params\":{", stdout);
        for (size_t j = 0; j < np; j++) {
            fprintf(stdout, "%s\"%s\":", j ? "," : "", law->param_names[j]);
            cli_json_number(stdout, fit->theta[j]);
        }
        fputs("},\"std_errors\":{", stdout);
        for (size_t j = 0; j < np; j++) {
            fprintf(stdout, "%s\"%s\":", j ? "," : "", law->param_names[j]);
            cli_json_number(stdout, fit->cov ? sqrt(fit->cov[j * (np + 1)]) : NAN);
        }
        fputs("}}", stdout);
    } else {
        printf("pass@k law (Krajewski et al. 2025, Eq. 5) on %s: %s\n", bench, law->formula);
        if (tpr > 0) printf("data: %s (runs with tpr %g)", data, tpr);
        else printf("data: %s (all tpr)", data);
        printf("; C = 6 N D (flops column when present, else 6 (tokens / tpr) tokens)\n");
        if (ndup) printf("note: %zu points of a run listed twice left out (first copy kept)\n", ndup);
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
    if (json) {
        fprintf(stdout, ",\"held_out\":{\"runs\":%zu,\"largest_C\":", nheld_runs);
        cli_json_number(stdout, nheld_runs ? Cs[nruns - 1] : NAN);
        fputs(",\"errors\":[", stdout);
    }
    if (nheld_runs == 0) {
        if (!json) printf("no run above the cutoff: nothing held out\n");
    } else {
        if (!json) {
            printf("held out: %zu runs with C > %.4g (largest %.4g)\n", nheld_runs, cutoff, Cs[nruns - 1]);
            printf("%-6s %6s %10s %10s %10s %10s\n", "k", "points", "MRE", "MAE", "RMSE", "R2");
        }
        int first = 1;
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
                fprintf(stdout, "%s{\"k\":\"%s\",\"points\":%zu,\"mre\":", first ? "" : ",", label, m);
                cli_json_number(stdout, mre);
                fputs(",\"mae\":", stdout);
                cli_json_number(stdout, mae);
                fputs(",\"rmse\":", stdout);
                cli_json_number(stdout, rmse);
                fputs(",\"r2\":", stdout);
                cli_json_number(stdout, r2);
                fputc('}', stdout);
                first = 0;
            } else {
                printf("%-6s %6zu %10.4f %10.4f %10.4f %10.4f\n", label, m, mre, mae, rmse, r2);
            }
        }
    }
    if (json) fputs("]}}\n", stdout);
    sc_fit_free(fit);
    if (pred_path) rc = cli_out_commit(&po);
done:
    free(p);
    free(Cs);
    free(x);
    free(y);
    return rc;
}
