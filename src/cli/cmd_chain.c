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
static const char *const trend_names[3] = {"rises", "flat", "falls"};

/* One group: into the JSON document (doc != NULL) or as a table. */
static int print_group(FILE *o, sc_chain_doc *doc, int first, const sc_chain_group *G)
{
    const size_t NM = SC_CHAIN_NMETRICS;
    const char *family = G->family, *task = G->task;
    const sc_chain_set *set = G->set;
    const sc_chain_result *res = G->res;
    if (doc) {
        sc_error err;
        sc_error_clear(&err);
        return sc_chain_doc_add(doc, family, task, sc_chain_set_filter(set), res, G->id, G->log10c,
                                &err) == SC_OK ? 0 : cli_report(&err);
    }
    /* The aggregate chain: correlation of per-model means with compute. */
    double agg[SC_CHAIN_NMETRICS * SC_CORR_NKINDS];
    int agg_ok = sc_chain_result_aggregate(res, G->log10c, agg) == SC_OK;
    int sign[SC_CHAIN_NMETRICS];
    for (size_t q = 0; q < NM; q++) sign[q] = sc_chain_metric_sign((sc_chain_metric)q);
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
    return 0;
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
        sc_chain_agg_opts ao;
        sc_chain_agg_opts_init(&ao);
        ao.long_format = long_format;
        ao.mode = last ? SC_CHAIN_AGG_LAST : within ? SC_CHAIN_AGG_WITHIN : SC_CHAIN_AGG_ALL;
        if (preset && sc_chain_agg_preset(preset, &ao) != SC_OK) {
            rc = cli_fail(SC_EXIT_USAGE, "--preset: unknown \"%s\" (known: olmo, apple)", preset);
            goto done;
        }
        /* Options given explicitly override the preset's. */
        if (xcol) ao.x = xcol;
        if (metrics) ao.stages = metrics;
        if (long_format) ao.long_format = 1;
        if (xscale_s && (rc = cli_parse_double("--x-scale", xscale_s, &ao.xscale))) goto done;
        if (xscale_s && !(ao.xscale > 0 && isfinite(ao.xscale))) {
            rc = cli_fail(SC_EXIT_USAGE, "--x-scale: expected a number > 0, got \"%s\"", xscale_s);
            goto done;
        }
        if (!ao.stages) {
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
        rc = chain_aggregate((const char *const *)paths, files.n, &ao, json);
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

    sc_error err;
    sc_error_clear(&err);
    sc_chain_models *mods = NULL;
    if (sc_chain_models_read(models_path, &mods, &err) != SC_OK) {
        rc = cli_report(&err);
        goto done;
    }
    const char **paths = calloc(files.n, sizeof *paths);
    sc_chain_groups *groups = NULL;
    if (!paths) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t k = 0; !rc && k < files.n; k++) paths[k] = files.f[k].path;
    sc_chain_logs_opts lo;
    memset(&lo, 0, sizeof lo);
    lo.family = family;
    lo.task = task;
    lo.filter = filter;
    lo.lmeval.delimiter = delim;
    lo.threads = (int)threads;
    if (!rc && sc_chain_run_logs(mods, paths, files.n, &lo, &groups, &err) != SC_OK) {
        if (err.code == SC_ENOCOL) {
            char msg[1100];
            sc_error_format(&err, msg, sizeof msg);
            rc = cli_fail(SC_EXIT_DATA, "%s (models table: %s)", msg, models_path);
        } else {
            rc = cli_report(&err);
        }
    }
    cli_out out, ps;
    memset(&ps, 0, sizeof ps);
    int out_open = 0, ps_open = 0;
    if (!rc && !(rc = cli_out_open(&out, "-"))) out_open = 1;
    if (!rc && per_sample) {
        if (!(rc = cli_out_open(&ps, per_sample))) {
            ps_open = 1;
            fputs("family,task,doc_id,metric,pearson,spearman,kendall\n", ps.f);
        }
    }
    sc_chain_doc *doc = NULL;
    if (!rc && json && sc_chain_doc_new(&doc) != SC_OK) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t g = 0; !rc && g < groups->n; g++) {
        const sc_chain_group *G = &groups->group[g];
        int ngroups = (int)g + 1;
        rc = print_group(out.f, doc, g == 0, G);
        if (!rc && ps_open && write_per_sample(ps.f, G->family, G->task, G->set, G->res))
            rc = cli_fail(SC_EXIT_IO, "%s: cannot write", per_sample);
        if (!rc && plot) {
            char pp[4096];
            const char *dot = strrchr(plot, '.');
            if (ngroups == 1 || !dot) snprintf(pp, sizeof pp, "%s", plot);
            else snprintf(pp, sizeof pp, "%.*s-%d%s", (int)(dot - plot), plot, ngroups, dot);
            rc = plot_group(pp, G->family, G->task, G->res);
        }
    }
    if (!rc && doc) {
        sc_error_clear(&err);
        if (sc_chain_doc_write(doc, out.f, &err) != SC_OK) rc = cli_report(&err);
    }
    sc_chain_doc_free(doc);
    if (ps_open) {
        if (rc) cli_out_abort(&ps);
        else rc = cli_out_commit(&ps);
    }
    if (out_open) {
        int rc2 = cli_out_commit(&out);
        if (!rc) rc = rc2;
    }
    sc_chain_groups_free(groups);
    free(paths);
    sc_chain_models_free(mods);
done:
    free(positional);
    for (size_t k = 0; k < files.n; k++) free(files.f[k].path);
    free(files.f);
    return rc;
}
