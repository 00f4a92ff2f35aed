/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast chain: how each stage of the metric chain correlates with compute across a model
 * family, per sample (Schaeffer et al. 2024), from lm-evaluation-harness per-sample logs. */
#include "cli.h"
#include "commands.h"
#include "cmd_chain_agg.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char chain_help[] =
    "usage: scalecast chain SAMPLES... --models MODELS.csv [--family F] [--task T]\n"
    "                       [--filter F] [--delimiter S] [--threads N]\n"
    "                       [--per-sample OUT.csv] [--plot OUT.png|.svg|.pdf] [--json]\n"
    "\n"
    "Reads lm-evaluation-harness per-sample logs (--log_samples; v0.4.3+ JSONL or the older\n"
    "JSON array; a folder is searched for *.jsonl), computes for every sample the metric chain\n"
    "  log p_vocab(correct) -> p_vocab(correct) -> p_choices(correct) -> Brier -> acc_norm -> acc\n"
    "(plus the mass on all choices and on the strongest wrong choice), and correlates each with\n"
    "log10 C across the models of a family (C = 6 N D), per sample: Pearson, Spearman, Kendall\n"
    "tau-b. Prints per metric the mean, median and std of the per-sample correlations, the share\n"
    "undefined, the area under the complementary ECDF on [-1, 1], and the Wasserstein-1, energy\n"
    "and Kolmogorov-Smirnov distances to the ideal (every sample +1). Lower-is-better metrics\n"
    "(Brier, wrong-choice mass) are negated first, so +1 is ideal for every row.\n"
    "\n"
    "Each log is matched to a row of MODELS.csv: v0.4.3+ logs by the model_args of the\n"
    "results_<date>.json beside them, older logs by their file name\n"
    "(pretrained__<org>__<model>,revision__<rev>_<task>.jsonl).\n"
    "\n"
    "  --models FILE     CSV with columns model, revision (optional), family (optional),\n"
    "                    parameters and tokens (or flops)\n"
    "  --family F        only this family (default: every family, one table each)\n"
    "  --task T          only this task\n"
    "  --filter F        the harness filter to use (default: the first in the first log)\n"
    "  --delimiter S     the task's target delimiter (default \" \")\n"
    "  --threads N       threads (default: OpenMP's); results do not depend on it\n"
    "  --per-sample F    write every per-sample correlation to a CSV file\n"
    "  --plot F          figure: distribution (ECDF) of per-sample Kendall tau per metric\n"
    "  --json            machine-readable output\n"
    "\n"
    "Aggregate chain (no per-sample logs): scalecast chain --aggregate CSV...|DIR\n"
    "      (--preset olmo|apple | --metrics SPEC [--x COL] [--x-scale S] [--long])\n"
    "      [--last | --within] [--json]\n"
    "  For every task with all stages, the correlation of each stage with log10 C across the\n"
    "  runs (every row of every file; --last: the last row of each file, e.g. final\n"
    "  checkpoints) or across the checkpoints of each file (--within, mean over files).\n"
    "  --metrics         stage columns with {task}, in chain order; \":-1\" marks lower-is-better\n"
    "                    (\"eval/downstream_bpb/{task}_rc_5shot_bpb:-1,...\")\n"
    "  --x COL           compute column (default: flops, or 6 params tokens, or 6 tokens^2/tpr)\n"
    "  --x-scale S       multiplies the compute column (1e9 for GFLOPs)\n"
    "  --long            the files are long (benchmark, metric_type, score): widen them first\n"
    "  --preset olmo     OLMo ladder runs: bpb -> soft_log -> soft -> len_norm accuracy,\n"
    "                    compute throughput/total_training_Gflops\n"
    "  --preset apple    Krajewski et al. runs (long): loglikelihood -> brier -> acc_norm -> acc\n"
    "\n"
    "exit codes: 0 ok, 1 too few models, 2 bad command line, 3 bad input data, 4 unreadable\n"
    "            or unwritable file, 5 internal error\n";

typedef struct chain_file {
    char *path;
    size_t model; /* row of the models table */
    char task[256];
} chain_file;

typedef struct chain_files {
    chain_file *f;
    size_t n, cap;
} chain_files;

static int add_path(chain_files *l, const char *path)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        chain_file *f = realloc(l->f, cap * sizeof *f);
        if (!f) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        l->f = f;
        l->cap = cap;
    }
    memset(&l->f[l->n], 0, sizeof l->f[l->n]);
    l->f[l->n].path = cli_strdup(path);
    if (!l->f[l->n].path) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    l->n++;
    return 0;
}

static int cmp_path(const void *a, const void *b)
{
    return strcmp(((const chain_file *)a)->path, ((const chain_file *)b)->path);
}

/* A file, or every file ending in ext under a folder. */
static int collect(chain_files *l, const char *path, int depth, const char *ext)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return cli_fail(SC_EXIT_IO, "%s: cannot open: %s", path, strerror(errno));
    if (!S_ISDIR(sb.st_mode)) return add_path(l, path);
    if (depth > 16) return 0;
    DIR *d = opendir(path);
    if (!d) return cli_fail(SC_EXIT_IO, "%s: cannot open folder: %s", path, strerror(errno));
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            break;
        }
        snprintf(p, n, "%s/%s", path, e->d_name);
        struct stat st;
        size_t ln = strlen(e->d_name);
        if (stat(p, &st) == 0) {
            size_t el = strlen(ext);
            if (S_ISDIR(st.st_mode)) rc = collect(l, p, depth + 1, ext);
            else if (ln > el && strcmp(e->d_name + ln - el, ext) == 0) rc = add_path(l, p);
        }
        free(p);
    }
    closedir(d);
    return rc;
}

/* The models table: ids, revisions, families, log10 C. */
typedef struct chain_models {
    sc_table *t;
    size_t n;
    const char **id, **rev, **family;
    double *log10c;
} chain_models;

static int read_models(const char *path, chain_models *m)
{
    sc_error err;
    sc_error_clear(&err);
    memset(m, 0, sizeof *m);
    if (sc_csv_read(path, NULL, &m->t, &err) != SC_OK) return cli_report(&err);
    size_t n = sc_table_nrows(m->t), jm, jr = 0, jf = 0;
    if (sc_table_require(m->t, "model", &jm, &err) != SC_OK) return cli_report(&err);
    if (sc_table_coltype(m->t, jm) != SC_COL_TEXT)
        return cli_fail(SC_EXIT_DATA, "%s: column \"model\" must hold model ids (text)", path);
    long r = sc_table_find(m->t, "revision"), f = sc_table_find(m->t, "family");
    jr = r >= 0 ? (size_t)r : 0;
    jf = f >= 0 ? (size_t)f : 0;
    m->n = n;
    m->id = calloc(n ? n : 1, sizeof *m->id);
    m->rev = calloc(n ? n : 1, sizeof *m->rev);
    m->family = calloc(n ? n : 1, sizeof *m->family);
    m->log10c = calloc(n ? n : 1, sizeof *m->log10c);
    if (!m->id || !m->rev || !m->family || !m->log10c)
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    const double *flops = NULL, *np = NULL, *nd = NULL;
    size_t jn, jd, jc;
    if (sc_table_find(m->t, "parameters") >= 0 || sc_table_find(m->t, "flops") < 0) {
        if (sc_table_require_num(m->t, "parameters", &jn, &err) != SC_OK ||
            sc_table_require_num(m->t, "tokens", &jd, &err) != SC_OK)
            return cli_report(&err);
        np = sc_table_num(m->t, jn);
        nd = sc_table_num(m->t, jd);
    } else {
        if (sc_table_require_num(m->t, "flops", &jc, &err) != SC_OK) return cli_report(&err);
        flops = sc_table_num(m->t, jc);
    }
    for (size_t i = 0; i < n; i++) {
        m->id[i] = sc_table_text(m->t, jm, i);
        if (!m->id[i]) return cli_fail(SC_EXIT_DATA, "%s:%zu: empty model id", path, i + 2);
        m->rev[i] = (r >= 0 && sc_table_coltype(m->t, jr) == SC_COL_TEXT)
                        ? sc_table_text(m->t, jr, i) : NULL;
        m->family[i] = (f >= 0 && sc_table_coltype(m->t, jf) == SC_COL_TEXT)
                           ? sc_table_text(m->t, jf, i) : NULL;
        if (!m->family[i]) m->family[i] = "all";
        /* Compute of a dense transformer: C = 6 N D (Kaplan et al. 2020). */
        double c = flops ? flops[i] : 6.0 * np[i] * nd[i];
        m->log10c[i] = (c > 0 && isfinite(c)) ? log10(c) : NAN;
    }
    return 0;
}

static void free_models(chain_models *m)
{
    sc_table_free(m->t);
    free(m->id);
    free(m->rev);
    free(m->family);
    free(m->log10c);
}

static void print_summary_json(FILE *o, const sc_corr_summary *s)
{
    fprintf(o, "{\"n\": %zu, \"nan\": %zu, \"share_nan\": ", s->n, s->nnan);
    cli_json_number(o, s->share_nan);
    const char *names[] = {"mean", "median", "std", "auc_ccdf", "wasserstein1", "energy", "ks"};
    const double vals[] = {s->mean, s->median, s->std, s->auc_ccdf, s->wasserstein1, s->energy,
                           s->ks};
    for (int k = 0; k < 7; k++) {
        fprintf(o, ", \"%s\": ", names[k]);
        cli_json_number(o, vals[k]);
    }
    fputc('}', o);
}

static const char *const trend_names[3] = {"rises", "flat", "falls"};

static void print_group(FILE *o, int json, int first, const char *family, const char *task,
                        const sc_chain_set *set, const sc_chain_result *res,
                        const chain_models *mods, const size_t *rows)
{
    const size_t NM = SC_CHAIN_NMETRICS;
    /* The aggregate chain: correlation of per-model means with compute. */
    double agg[SC_CHAIN_NMETRICS * SC_CORR_NKINDS];
    double *lc = malloc(res->nmodels * sizeof *lc);
    int sign[SC_CHAIN_NMETRICS];
    for (size_t q = 0; q < NM; q++) sign[q] = sc_chain_metric_sign((sc_chain_metric)q);
    int agg_ok = 0;
    if (lc) {
        for (size_t k = 0; k < res->nmodels; k++) lc[k] = mods->log10c[rows[k]];
        agg_ok = sc_chain_aggregate(lc, res->model_mean, res->nmodels, NM, sign, agg) == SC_OK;
    }
    free(lc);
    if (json) {
        fprintf(o, "%s\n    {\"family\": ", first ? "" : ",");
        cli_json_string(o, family);
        fputs(", \"task\": ", o);
        cli_json_string(o, task);
        fputs(", \"filter\": ", o);
        cli_json_string(o, sc_chain_set_filter(set));
        fprintf(o, ", \"models\": %zu, \"samples\": %zu,\n     \"metrics\": [", res->nmodels,
                res->nsamples);
        for (size_t q = 0; q < NM; q++) {
            fprintf(o, "%s\n      {\"metric\": \"%s\", \"sign\": %d", q ? "," : "",
                    sc_chain_metric_name((sc_chain_metric)q), sign[q]);
            for (int c = 0; c < SC_CORR_NKINDS; c++) {
                fprintf(o, ", \"%s\": ", sc_corr_name((sc_corr_kind)c));
                print_summary_json(o, &res->summary[q][c]);
            }
            fputs(", \"aggregate\": {", o);
            for (int c = 0; c < SC_CORR_NKINDS; c++) {
                fprintf(o, "%s\"%s\": ", c ? ", " : "", sc_corr_name((sc_corr_kind)c));
                cli_json_number(o, agg_ok ? agg[q * SC_CORR_NKINDS + (size_t)c] : NAN);
            }
            fputs("}}", o);
        }
        fputs("],\n     \"trend_vocab\": [", o);
        for (int a = 0; a < 3; a++) {
            fprintf(o, "%s[", a ? ", " : "");
            for (int b = 0; b < 3; b++) {
                if (b) fputs(", ", o);
                cli_json_number(o, res->trend_vocab[a][b]);
            }
            fputc(']', o);
        }
        fputs("],\n     \"trend_choices\": [", o);
        for (int a = 0; a < 3; a++) {
            fprintf(o, "%s[", a ? ", " : "");
            for (int b = 0; b < 3; b++) {
                if (b) fputs(", ", o);
                cli_json_number(o, res->trend_choices[a][b]);
            }
            fputc(']', o);
        }
        fputs("],\n     \"model_means\": [", o);
        for (size_t k = 0; k < res->nmodels; k++) {
            fprintf(o, "%s\n      {\"model\": ", k ? "," : "");
            cli_json_string(o, mods->id[rows[k]]);
            fputs(", \"log10_flops\": ", o);
            cli_json_number(o, mods->log10c[rows[k]]);
            for (size_t q = 0; q < NM; q++) {
                fprintf(o, ", \"%s\": ", sc_chain_metric_name((sc_chain_metric)q));
                cli_json_number(o, res->model_mean[k * NM + q]);
            }
            fputc('}', o);
        }
        fputs("]}", o);
        return;
    }
    fprintf(o, "%sfamily %s, task %s, filter %s: %zu models, %zu samples\n", first ? "" : "\n",
            family, task, sc_chain_set_filter(set), res->nmodels, res->nsamples);
    fprintf(o, "per-sample correlation with log10 C (sign * metric; +1 ideal)\n");
    fprintf(o, "%-16s %-9s %7s %7s %6s %6s %6s %6s %6s %6s %9s\n", "metric", "corr", "mean",
            "median", "std", "nan%", "auc", "W1", "energy", "KS", "aggregate");
    for (size_t q = 0; q < NM; q++)
        for (int c = 0; c < SC_CORR_NKINDS; c++) {
            const sc_corr_summary *s = &res->summary[q][c];
            char name[40];
            snprintf(name, sizeof name, "%s%s", sign[q] < 0 ? "-" : "",
                     sc_chain_metric_name((sc_chain_metric)q));
            fprintf(o, "%-16s %-9s %7.3f %7.3f %6.3f %6.1f %6.3f %6.3f %6.3f %6.3f %9.3f\n",
                    c == 0 ? name : "", sc_corr_name((sc_corr_kind)c), s->mean, s->median, s->std,
                    100.0 * s->share_nan, s->auc_ccdf, s->wasserstein1, s->energy, s->ks,
                    agg_ok ? agg[q * SC_CORR_NKINDS + (size_t)c] : NAN);
        }
    fprintf(o, "mechanism (Kendall tau sign): share of samples whose gold mass (rows) and\n"
               "strongest wrong mass (columns) rise, stay or fall with compute\n");
    fprintf(o, "%-24s %8s %8s %8s    %8s %8s %8s\n", "", "v:rises", "v:flat", "v:falls",
            "c:rises", "c:flat", "c:falls");
    for (int a = 0; a < 3; a++)
        fprintf(o, "gold %-19s %8.3f %8.3f %8.3f    %8.3f %8.3f %8.3f\n", trend_names[a],
                res->trend_vocab[a][0], res->trend_vocab[a][1], res->trend_vocab[a][2],
                res->trend_choices[a][0], res->trend_choices[a][1], res->trend_choices[a][2]);
    fprintf(o, "(v: p_vocab, c: p_choices)\n");
}

static int write_per_sample(FILE *f, const char *family, const char *task,
                            const sc_chain_set *set, const sc_chain_result *res)
{
    const size_t ns = res->nsamples;
    for (size_t q = 0; q < SC_CHAIN_NMETRICS; q++)
        for (size_t i = 0; i < ns; i++) {
            fprintf(f, "%s,%s,%lld,%s", family, task, sc_chain_set_doc_id(set, i),
                    sc_chain_metric_name((sc_chain_metric)q));
            for (size_t c = 0; c < SC_CORR_NKINDS; c++) {
                double v = res->corr[(q * SC_CORR_NKINDS + c) * ns + i];
                if (isnan(v)) fputs(",", f);
                else fprintf(f, ",%.17g", v);
            }
            fputc('\n', f);
        }
    return ferror(f) ? -1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int plot_group(const char *path, const char *family, const char *task,
                      const sc_chain_result *res)
{
    char title[600];
    snprintf(title, sizeof title, "%s / %s: per-sample Kendall tau with compute", family, task);
    sc_plot *p = NULL;
    if (sc_plot_new(title, "per-sample Kendall tau of the metric with log10 compute (signed: + = better with C)",
                    "share of samples with tau at most x (ECDF)",
                    SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p) != SC_OK)
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    const sc_chain_metric order[] = {SC_CHAIN_LOGP_VOCAB, SC_CHAIN_P_VOCAB, SC_CHAIN_P_CHOICES,
                                     SC_CHAIN_BRIER,      SC_CHAIN_ACC_NORM, SC_CHAIN_ACC};
    const size_t ns = res->nsamples;
    double *x = malloc((ns ? ns : 1) * sizeof *x);
    int rc = 0;
    if (!x) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t k = 0; !rc && k < sizeof order / sizeof order[0]; k++) {
        const double *r = res->corr + ((size_t)order[k] * SC_CORR_NKINDS + SC_CORR_KENDALL) * ns;
        size_t m = 0;
        for (size_t i = 0; i < ns; i++)
            if (!isnan(r[i])) x[m++] = r[i];
        /* ECDF as a step line: sort, then two points per step. */
        qsort(x, m, sizeof *x, cmp_double);
        if (m == 0) continue;
        size_t pts = 0;
        double *sx = malloc(2 * m * sizeof *sx), *sy = malloc(2 * m * sizeof *sy);
        if (!sx || !sy) {
            free(sx);
            free(sy);
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            break;
        }
        for (size_t i = 0; i < m; i++) {
            sx[pts] = x[i];
            sy[pts++] = (double)i / (double)m;
            sx[pts] = x[i];
            sy[pts++] = (double)(i + 1) / (double)m;
        }
        char label[64];
        snprintf(label, sizeof label, "%s%s", sc_chain_metric_sign(order[k]) < 0 ? "-" : "",
                 sc_chain_metric_name(order[k]));
        if (sc_plot_series(p, label, sx, sy, pts, SC_MARK_LINE, (int)k) != SC_OK)
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
        free(sx);
        free(sy);
    }
    free(x);
    if (!rc) {
        sc_plot_xrange(p, -1.0, 1.0);
        sc_plot_yrange(p, 0.0, 1.0);
        sc_error err;
        sc_error_clear(&err);
        if (sc_plot_save(p, path, &err) != SC_OK) rc = cli_report(&err);
    }
    sc_plot_free(p);
    return rc;
}

static const cli_option cli_chain_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--models", NULL, CLI_VALUE},
    {"--family", NULL, CLI_VALUE},
    {"--task", NULL, CLI_VALUE},
    {"--filter", NULL, CLI_VALUE},
    {"--delimiter", NULL, CLI_VALUE},
    {"--threads", NULL, CLI_VALUE},
    {"--per-sample", NULL, CLI_VALUE},
    {"--plot", NULL, CLI_VALUE},
    {"--aggregate", NULL, 0},
    {"--long", NULL, 0},
    {"--last", NULL, 0},
    {"--within", NULL, 0},
    {"--preset", NULL, CLI_VALUE},
    {"--x", NULL, CLI_VALUE},
    {"--x-scale", NULL, CLI_VALUE},
    {"--metrics", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_chain_options = {"chain", cli_chain_options_opts};

int cmd_chain(int argc, char **argv)
{
    const char *models_path = NULL, *family = NULL, *task = NULL, *filter = NULL;
    const char *delim = NULL, *threads_s = NULL, *per_sample = NULL, *plot = NULL;
    int json = 0, aggregate = 0, long_format = 0, last = 0, within = 0;
    const char *preset = NULL, *xcol = NULL, *xscale_s = NULL, *metrics = NULL;
    chain_files files = {NULL, 0, 0};
    char **positional = calloc((size_t)(argc > 0 ? argc : 1), sizeof *positional);
    size_t npos = 0;
    if (!positional) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    cli_args a;
    cli_args_init(&a, argc, argv, &cli_chain_options);
    int rc = 0;
    while (!rc && cli_args_next(&a)) {
        if (cli_flag(&a, "--help") || cli_flag(&a, "-h")) {
            fputs(chain_help, stdout);
            goto done;
        } else if (cli_flag(&a, "--json")) json = 1;
        else if (cli_opt(&a, "--models", &models_path)) ;
        else if (cli_opt(&a, "--family", &family)) ;
        else if (cli_opt(&a, "--task", &task)) ;
        else if (cli_opt(&a, "--filter", &filter)) ;
        else if (cli_opt(&a, "--delimiter", &delim)) ;
        else if (cli_opt(&a, "--threads", &threads_s)) ;
        else if (cli_opt(&a, "--per-sample", &per_sample)) ;
        else if (cli_opt(&a, "--plot", &plot)) ;
        else if (cli_flag(&a, "--aggregate")) aggregate = 1;
        else if (cli_flag(&a, "--long")) long_format = 1;
        else if (cli_flag(&a, "--last")) last = 1;
        else if (cli_flag(&a, "--within")) within = 1;
        else if (cli_opt(&a, "--preset", &preset)) ;
        else if (cli_opt(&a, "--x", &xcol)) ;
        else if (cli_opt(&a, "--x-scale", &xscale_s)) ;
        else if (cli_opt(&a, "--metrics", &metrics)) ;
        else if (a.positional) positional[npos++] = (char *)a.positional;
        else rc = cli_args_unknown(&a);
    }
    if (!rc && a.error) rc = a.error;
    for (size_t k = 0; !rc && k < npos; k++)
        rc = collect(&files, positional[k], 0, aggregate ? ".csv" : ".jsonl");
    if (rc) goto done;
    if (aggregate) {
        agg_opts ao = {NULL, 0, xcol, 1.0, metrics, long_format, last, within, json};
        if (preset && strcmp(preset, "olmo") == 0) {
            if (!xcol) ao.x = "throughput/total_training_Gflops";
            if (!xscale_s) ao.xscale = 1e9;
            if (!metrics)
                ao.metrics = "eval/downstream_bpb/{task}_rc_5shot_bpb:-1,"
                             "eval/downstream_soft_log/{task}_rc_5shot_soft_log,"
                             "eval/downstream_soft/{task}_rc_5shot_soft,"
                             "eval/downstream/{task}_rc_5shot_len_norm";
        } else if (preset && strcmp(preset, "apple") == 0) {
            ao.long_format = 1;
            if (!metrics)
                ao.metrics = "{task}:loglikelihood,{task}:brier:-1,{task}:acc_norm,{task}:acc";
        } else if (preset) {
            rc = cli_fail(SC_EXIT_USAGE, "--preset: unknown \"%s\" (known: olmo, apple)", preset);
            goto done;
        }
        if (xscale_s && (rc = cli_parse_double("--x-scale", xscale_s, &ao.xscale))) goto done;
        if (xscale_s && !(ao.xscale > 0 && isfinite(ao.xscale))) {
            rc = cli_fail(SC_EXIT_USAGE, "--x-scale: expected a number > 0, got \"%s\"", xscale_s);
            goto done;
        }
        if (!ao.metrics) {
            rc = cli_fail(SC_EXIT_USAGE, "chain --aggregate: give --preset or --metrics");
            goto done;
        }
        if (last && within) {
            rc = cli_fail(SC_EXIT_USAGE, "chain --aggregate: --last and --within exclude each other");
            goto done;
        }
        if (files.n == 0) {
            rc = cli_fail(SC_EXIT_USAGE, "chain --aggregate: no CSV files given");
            goto done;
        }
        qsort(files.f, files.n, sizeof *files.f, cmp_path);
        char **paths = calloc(files.n, sizeof *paths);
        if (!paths) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < files.n; k++) paths[k] = files.f[k].path;
        ao.files = paths;
        ao.nfiles = files.n;
        rc = chain_aggregate(&ao);
        free(paths);
        goto done;
    }
    if (!models_path) {
        rc = cli_fail(SC_EXIT_USAGE, "chain: --models MODELS.csv is required (see 'scalecast "
                                     "chain --help')");
        goto done;
    }
    if (files.n == 0) {
        rc = cli_fail(SC_EXIT_USAGE, "chain: no per-sample logs given");
        goto done;
    }
    size_t threads = 0;
    if (threads_s && (rc = cli_parse_count("--threads", threads_s, 1, 1024, &threads))) goto done;
    if (threads > 1024) {
        rc = cli_fail(SC_EXIT_USAGE, "--threads: at most 1024");
        goto done;
    }
    qsort(files.f, files.n, sizeof *files.f, cmp_path);

    chain_models mods;
    if ((rc = read_models(models_path, &mods))) {
        free_models(&mods);
        goto done;
    }
    sc_error err;
    sc_error_clear(&err);
    for (size_t k = 0; k < files.n; k++) {
        if (sc_lmeval_samples_match(files.f[k].path, mods.id, mods.rev, mods.n,
                                    &files.f[k].model, files.f[k].task, sizeof files.f[k].task,
                                    &err) != SC_OK) {
            if (err.code == SC_ENOCOL) {
                char msg[1100];
                sc_error_format(&err, msg, sizeof msg);
                rc = cli_fail(SC_EXIT_DATA, "%s (models table: %s)", msg, models_path);
            } else {
                rc = cli_report(&err);
            }
            break;
        }
    }
    /* Groups: (family, task) in order of first appearance. */
    unsigned char *done_flag = calloc(files.n ? files.n : 1, 1);
    size_t *members = calloc(files.n ? files.n : 1, sizeof *members);
    size_t *rows = calloc(files.n ? files.n : 1, sizeof *rows);
    char **names = calloc(files.n ? files.n : 1, sizeof *names);
    double *lc = calloc(files.n ? files.n : 1, sizeof *lc);
    if (!rc && (!done_flag || !members || !rows || !names || !lc))
        rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    cli_out out, ps;
    memset(&ps, 0, sizeof ps);
    int out_open = 0, ps_open = 0, ngroups = 0;
    if (!rc && !(rc = cli_out_open(&out, "-"))) out_open = 1;
    if (!rc && per_sample) {
        if (!(rc = cli_out_open(&ps, per_sample))) {
            ps_open = 1;
            fputs("family,task,doc_id,metric,pearson,spearman,kendall\n", ps.f);
        }
    }
    if (!rc && json) fputs("{\"groups\": [", out.f);
    for (size_t k = 0; !rc && k < files.n; k++) {
        if (done_flag[k]) continue;
        const char *fam = mods.family[files.f[k].model];
        const char *tk = files.f[k].task;
        size_t nm = 0;
        for (size_t q = k; q < files.n; q++) {
            if (done_flag[q] || strcmp(mods.family[files.f[q].model], fam) != 0 ||
                strcmp(files.f[q].task, tk) != 0)
                continue;
            done_flag[q] = 1;
            members[nm++] = q;
        }
        if ((family && strcmp(family, fam) != 0) || (task && strcmp(task, tk) != 0)) continue;
        for (size_t i = 0; !rc && i < nm; i++) {
            size_t row = files.f[members[i]].model;
            for (size_t j = 0; j < i; j++)
                if (rows[j] == row)
                    rc = cli_fail(SC_EXIT_DATA, "%s and %s: two logs of task %s for model %s",
                                  files.f[members[j]].path, files.f[members[i]].path, tk,
                                  mods.id[row]);
            rows[i] = row;
            names[i] = files.f[members[i]].path;
            lc[i] = mods.log10c[row];
            if (!rc && isnan(lc[i]))
                rc = cli_fail(SC_EXIT_DATA, "%s: model %s: parameters x tokens (or flops) is "
                                            "not a positive number", models_path, mods.id[row]);
        }
        if (rc) break;
        sc_chain_set *set = NULL;
        sc_chain_result *res = NULL;
        if (sc_chain_set_new(nm, (const char *const *)names, lc, &set) != SC_OK) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            break;
        }
        sc_lmeval_opts opts = {delim};
        for (size_t i = 0; !rc && i < nm; i++) {
            cli_info("reading %s", names[i]);
            if (sc_chain_set_read(set, i, names[i], filter, &opts, &err) != SC_OK)
                rc = cli_report(&err);
        }
        if (!rc && sc_chain_set_run(set, (int)threads, &res, &err) != SC_OK) {
            if (err.code == SC_ETOOFEW) {
                char msg[1100];
                sc_error_format(&err, msg, sizeof msg);
                rc = cli_fail(SC_EXIT_NUMERIC, "family %s, task %s: %s", fam, tk, msg);
            } else {
                rc = cli_report(&err);
            }
        }
        if (!rc) {
            /* Models in order of compute, as the result holds them. */
            size_t *ord = malloc(nm * sizeof *ord);
            if (!ord) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            for (size_t i = 0; !rc && i < nm; i++) {
                size_t b = i;
                ord[i] = rows[i];
                while (b > 0 && mods.log10c[ord[b - 1]] > mods.log10c[rows[i]]) {
                    ord[b] = ord[b - 1];
                    b--;
                }
                ord[b] = rows[i];
            }
            if (!rc) {
                print_group(out.f, json, ngroups == 0, fam, tk, set, res, &mods, ord);
                ngroups++;
                if (ps_open && write_per_sample(ps.f, fam, tk, set, res))
                    rc = cli_fail(SC_EXIT_IO, "%s: cannot write", per_sample);
                if (!rc && plot) {
                    char pp[4096];
                    const char *dot = strrchr(plot, '.');
                    if (ngroups == 1 || !dot) snprintf(pp, sizeof pp, "%s", plot);
                    else
                        snprintf(pp, sizeof pp, "%.*s-%d%s", (int)(dot - plot), plot, ngroups,
                                 dot);
                    rc = plot_group(pp, fam, tk, res);
                }
            }
            free(ord);
        }
        sc_chain_result_free(res);
        sc_chain_set_free(set);
    }
    if (!rc && ngroups == 0)
        rc = cli_fail(SC_EXIT_DATA, "no logs of family %s%s%s", family ? family : "(any)",
                      task ? " and task " : "", task ? task : "");
    if (!rc && json) fputs("\n]}\n", out.f);
    if (ps_open) {
        if (rc) cli_out_abort(&ps);
        else rc = cli_out_commit(&ps);
    }
    if (out_open) {
        int rc2 = cli_out_commit(&out);
        if (!rc) rc = rc2;
    }
    free(done_flag);
    free(members);
    free(rows);
    free(names);
    free(lc);
    free_models(&mods);
done:
    free(positional);
    for (size_t k = 0; k < files.n; k++) free(files.f[k].path);
    free(files.f);
    return rc;
}
