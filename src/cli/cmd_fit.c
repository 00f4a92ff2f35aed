/* SPDX-License-Identifier: GPL-3.0-or-later
 * scalecast fit: fits one law to the rows of a CSV file.
 *
 *   scalecast fit DATA --law chinchilla --n COL (--d COL | --c COL) --y COL [options]
 *   scalecast fit DATA --law satpower --x COL --y COL [options]
 */
#include "cli.h"
#include "commands.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char fit_usage[] =
    "usage: scalecast fit DATA --law LAW --y COL (--x COL[,COL] | --n COL (--d COL | --c COL))\n"
    "                     [--loss ls|huber[:DELTA]] [--starts grid|N] [--seed S]\n"
    "                     [--max-x X] [--drop-top K] [--bootstrap B] [--level P]\n"
    "                     [--where COL=V]... [--chance Q0|auto [--margin M]]\n"
    "                     [--json] [--out FILE] [--plot FILE.png|.svg|.pdf] [--threads T]\n"
    "\n"
    "Fits LAW to the rows of DATA and prints the parameters, the objective, how many starts\n"
    "reached the best fit, and (with --bootstrap) percentile intervals. DATA is a CSV file with\n"
    "one row per run; a long file (columns benchmark, metric_type, score: the Krajewski et al.\n"
    "release) or an OLMo ladder folder is first turned into one row per run with the columns\n"
    "C, N, D, tpr and one column per metric (\"arc_easy:acc_norm\").\n"
    "\n"
    "  --law LAW         chinchilla: L = E + A/N^alpha + B/D^beta (covariates N, D)\n"
    "                    satpower:   y = E + A x^-alpha (covariate x); see 'scalecast laws'\n"
    "  --y COL           the observed column (e.g. the loss)\n"
    "  --x COL[,COL]     the covariate columns, in the law's order\n"
    "  --n COL, --d COL  parameters and tokens (chinchilla); --c COL instead of --d takes\n"
    "                    training FLOPs and uses D = C / (6 N)\n"
    "  --loss L          ls (least squares, Levenberg-Marquardt) or huber:DELTA (sum of Huber\n"
    "                    losses of the residuals in the law's fit space, BFGS); default: the\n"
    "                    law's recipe, as backtest and forecast fit it (huber:0.001 for\n"
    "                    powerlaw-qmax, multitpr, bnsl), else ls\n"
    "  --starts S        grid (the law's start grid, default) or a number of seeded random\n"
    "                    starts drawn in the grid's bounding box\n"
    "  --max-x X         fit only rows whose compute (--c) or first covariate is <= X\n"
    "  --max-n N         fit only rows whose N (the --n column, else a column named N) is <= N\n"
    "  --drop-top K      leave out the K rows with the largest y (e.g. outlying losses)\n"
    "  --bootstrap B     B resamples of the rows, each refitted from the best fit; prints\n"
    "                    percentile intervals at --level (default 0.8)\n"
    "  --where COL=V     keep only rows whose numeric column COL equals V (repeatable),\n"
    "                    e.g. --where tpr=20\n"
    "  --chance Q0       fit chance-normalised accuracy Q' = (Q - Q0) / (1 - Q0) (for the\n"
    "                    direct laws powerlaw, powerlaw-qmax, multitpr); auto takes Q0 from the\n"
    "                    built-in table by the y column's benchmark. Points at or below\n"
    "                    Q0 + margin are left out, and counted\n"
    "  --margin M        with --chance: the margin above chance (default 0.05)\n"
    "  --seed S          seed of random starts and resamples (default 1)\n"
    "  --json            machine-readable output (numbers round-trip)\n"
    "  --out FILE        write the output to FILE instead of standard output\n"
    "  --plot FILE       draw the data and the fitted law (.png, .svg or .pdf): accuracy fitted\n"
    "                    as Q' (--chance) is drawn as accuracy, with the rows above --max-x as\n"
    "                    held out, the curve carried out to them, and the --bootstrap band\n"
    "  --plot-q          with --chance: draw Q' instead of accuracy\n"
    "  --threads T       OpenMP threads (results do not depend on it)\n";

typedef struct fit_args {
    const char *data, *law, *xcols, *ncol, *dcol, *ccol, *ycol, *loss, *starts, *out, *plot;
    const sc_recipe *recipe; /* the law's recipe when --loss is not given */
    const char *chance_arg;
    const char *where[8];
    size_t nwhere;
    size_t drop_top, boot, nrandom;
    double level, max_x, max_n, delta, chance, margin;
    uint64_t seed;
    int json, threads, plot_q;
} fit_args;

static const cli_option cli_fit_options_opts[] = {
    {"--help", "-h", 0},
    {"--json", NULL, 0},
    {"--law", NULL, CLI_VALUE},
    {"--x", NULL, CLI_VALUE},
    {"--n", NULL, CLI_VALUE},
    {"--d", NULL, CLI_VALUE},
    {"--c", NULL, CLI_VALUE},
    {"--y", NULL, CLI_VALUE},
    {"--loss", NULL, CLI_VALUE},
    {"--starts", NULL, CLI_VALUE},
    {"--out", NULL, CLI_VALUE},
    {"--plot", NULL, CLI_VALUE},
    {"--plot-q", NULL, 0},
    {"--drop-top", NULL, CLI_VALUE},
    {"--bootstrap", NULL, CLI_VALUE},
    {"--seed", NULL, CLI_VALUE},
    {"--max-x", NULL, CLI_VALUE},
    {"--max-n", NULL, CLI_VALUE},
    {"--margin", NULL, CLI_VALUE},
    {"--chance", NULL, CLI_VALUE},
    {"--where", NULL, CLI_VALUE | CLI_REPEAT},
    {"--level", NULL, CLI_VALUE},
    {"--threads", NULL, CLI_VALUE},
    {NULL, NULL, 0}};
const cli_option_set cli_fit_options = {"fit", cli_fit_options_opts};

static int parse_args(int argc, char **argv, fit_args *a)
{
    memset(a, 0, sizeof *a);
    a->level = 0.8;
    a->max_x = INFINITY;
    a->max_n = INFINITY;
    a->chance = NAN;
    a->margin = 0.05;
    a->seed = 1;
    a->loss = NULL; /* the law's recipe, else ls */
    a->starts = "grid";
    cli_args s;
    cli_args_init(&s, argc, argv, &cli_fit_options);
    const char *v;
    while (cli_args_next(&s)) {
        int rc = 0;
        if (cli_flag(&s, "--help") || cli_flag(&s, "-h")) {
            fputs(fit_usage, stdout);
            return -1;
        } else if (cli_flag(&s, "--json")) a->json = 1;
        else if (cli_flag(&s, "--plot-q")) a->plot_q = 1;
        else if (cli_opt(&s, "--law", &a->law) || cli_opt(&s, "--x", &a->xcols) ||
                 cli_opt(&s, "--n", &a->ncol) || cli_opt(&s, "--d", &a->dcol) ||
                 cli_opt(&s, "--c", &a->ccol) || cli_opt(&s, "--y", &a->ycol) ||
                 cli_opt(&s, "--loss", &a->loss) || cli_opt(&s, "--starts", &a->starts) ||
                 cli_opt(&s, "--out", &a->out) || cli_opt(&s, "--plot", &a->plot)) {
        } else if (cli_opt(&s, "--drop-top", &v)) rc = cli_parse_size("--drop-top", v, &a->drop_top);
        else if (cli_opt(&s, "--bootstrap", &v)) rc = cli_parse_count("--bootstrap", v, 0, CLI_MAX_COUNT, &a->boot);
        else if (cli_opt(&s, "--seed", &v)) rc = cli_parse_u64("--seed", v, &a->seed);
        else if (cli_opt(&s, "--max-x", &v)) rc = cli_parse_double("--max-x", v, &a->max_x);
        else if (cli_opt(&s, "--max-n", &v)) rc = cli_parse_double("--max-n", v, &a->max_n);
        else if (cli_opt(&s, "--margin", &v)) rc = cli_parse_double("--margin", v, &a->margin);
        else if (cli_opt(&s, "--chance", &v)) {
            a->chance_arg = v;
            if (strcmp(v, "auto") != 0) {
                rc = cli_parse_double("--chance", v, &a->chance);
                if (!rc && !(a->chance >= 0 && a->chance < 1))
                    rc = cli_fail(SC_EXIT_USAGE, "--chance: expected a level in [0, 1) or auto, got \"%s\"", v);
            }
        } else if (cli_opt(&s, "--where", &v)) {
            if (a->nwhere == sizeof a->where / sizeof a->where[0])
                rc = cli_fail(SC_EXIT_USAGE, "--where: at most 8 conditions");
            else if (!strchr(v, '=') || v[0] == '=')
                rc = cli_fail(SC_EXIT_USAGE, "--where: expected COL=VALUE, got \"%s\"", v);
            else a->where[a->nwhere++] = v;
        }
        else if (cli_opt(&s, "--level", &v)) {
            rc = cli_parse_double("--level", v, &a->level);
            if (!rc && !(a->level > 0 && a->level < 1))
                rc = cli_fail(SC_EXIT_USAGE, "--level: expected a number in (0, 1), got \"%s\"", v);
        } else if (cli_opt(&s, "--threads", &v)) {
            size_t t = 0;
            rc = cli_parse_count("--threads", v, 1, 1024, &t);
            a->threads = (int)t;
        } else if (s.positional && !a->data) a->data = s.positional;
        else if (s.positional)
            return cli_fail(SC_EXIT_USAGE, "fit takes one DATA file, got a second: \"%s\"", s.positional);
        else return cli_args_unknown(&s);
        if (rc) return rc;
    }
    if (s.error) return s.error;
    if (!a->data) return cli_fail(SC_EXIT_USAGE, "fit: no DATA file given (see 'scalecast fit --help')");
    if (!a->law) return cli_fail(SC_EXIT_USAGE, "fit: --law is required (see 'scalecast fit --help')");
    if (!a->ycol) return cli_fail(SC_EXIT_USAGE, "fit: --y is required");
    if (a->plot_q && (!a->plot || !a->chance_arg))
        return cli_fail(SC_EXIT_USAGE, "--plot-q draws Q' of a --plot with --chance; give both");
    if (a->plot) {
        /* Checked before any work, so that a bad name does not cost a fit or leave --out. */
        const char *dot = strrchr(a->plot, '.');
        if (!dot || (strcmp(dot, ".png") != 0 && strcmp(dot, ".svg") != 0 && strcmp(dot, ".pdf") != 0))
            return cli_fail(SC_EXIT_USAGE, "--plot: the file name must end in .png, .svg or .pdf, got \"%s\"", a->plot);
    }
    /* Without --loss a law of the recipe table is fitted as backtest and forecast fit it. */
    a->recipe = NULL;
    if (!a->loss) {
        size_t nrec;
        const sc_recipe *rec = sc_recipes(&nrec);
        for (size_t k = 0; k < nrec && !a->recipe; k++)
            if (rec[k].input != SC_RIN_LOSS && strcmp(rec[k].law->name, a->law) == 0) a->recipe = &rec[k];
        a->loss = a->recipe && a->recipe->loss == SC_LOSS_HUBER ? "huber" : "ls";
    }
    int orc = cli_check_output(a->out); /* before the work: neither may replace the data */
    if (orc || (orc = cli_check_output(a->plot))) return orc;
    if (strcmp(a->loss, "ls") == 0) a->delta = 0;
    else if (strcmp(a->loss, "huber") == 0) a->delta = 1e-3;
    else if (strncmp(a->loss, "huber:", 6) == 0) {
        int rc = cli_parse_double("--loss huber:DELTA", a->loss + 6, &a->delta);
        if (rc) return rc;
        if (!(a->delta > 0)) return cli_fail(SC_EXIT_USAGE, "--loss: the Huber delta must be > 0");
    } else
        return cli_fail(SC_EXIT_USAGE, "--loss: expected ls or huber:DELTA, got \"%s\"", a->loss);
    if (strcmp(a->starts, "grid") != 0) {
        if (strspn(a->starts, "0123456789") != strlen(a->starts) || !a->starts[0])
            return cli_fail(SC_EXIT_USAGE, "--starts: expected grid or a number from 1 to %zu, got \"%s\"",
                            CLI_MAX_COUNT, a->starts);
        int rc = cli_parse_count("--starts", a->starts, 1, CLI_MAX_COUNT, &a->nrandom);
        if (rc) return rc;
    }
    return 0;
}

/* The data of a fit: covariates (n x nx), observations, and where each row came from. */
typedef struct fit_data {
    size_t n, nx, nrows;
    double *x, *y;
    size_t *row;         /* table row of each point */
    size_t nmissing, ndropped, nabove, nabove_n, nchance;
    int chance_on;
    double q0;
    char *xnames[4];
    double *compute;     /* C of each point when --c was given (for figures), else NULL */
    double *xabove, *yabove; /* one-covariate rows above --max-x (for figures) */
} fit_data;

static void fit_data_free(fit_data *d)
{
    free(d->x);
    free(d->y);
    free(d->row);
    free(d->compute);
    free(d->xabove);
    free(d->yabove);
    for (size_t k = 0; k < 4; k++) free(d->xnames[k]);
}

/* Reports a bad cell at its position in the file: "file:line:col: column "x": <what>". */
static int cell_report(const sc_table *t, size_t i, size_t j, const char *what)
{
    sc_error e;
    sc_error_clear(&e);
    e.code = SC_EDOMAIN;
    snprintf(e.file, sizeof e.file, "%s", sc_table_source(t));
    sc_table_cell_pos(t, i, j, &e.line, &e.column);
    snprintf(e.message, sizeof e.message, "column \"%s\": %s", sc_table_colname(t, j), what);
    return cli_report(&e);
}

static int cell_error(const sc_table *t, size_t i, size_t j, const char *what, double v)
{
    char msg[160];
    snprintf(msg, sizeof msg, "%s, got %g", what, v);
    return cell_report(t, i, j, msg);
}

static int cmp_desc(const void *a, const void *b)
{
    double x = *(const double *const *)a ? **(const double *const *)a : 0;
    double y = *(const double *const *)b ? **(const double *const *)b : 0;
    return (x < y) - (x > y);
}

/* Reads the columns the law needs, checks every used cell, applies --max-x and --drop-top. */
static int load_points(const fit_args *a, const sc_law *law, const sc_table *t, fit_data *d)
{
    memset(d, 0, sizeof *d);
    sc_error err;
    sc_error_clear(&err);
    size_t jx[4], jy, jc = 0;
    int use_c = 0;
    size_t nx = law->nx;
    if (nx > 4) return cli_fail(SC_EXIT_INTERNAL, "law %s has too many covariates", law->name);
    if (a->ncol || a->dcol || a->ccol) {
        if (nx != 2 || a->xcols)
            return cli_fail(SC_EXIT_USAGE, "--n/--d/--c are for two-covariate laws (N, D); use --x for %s", law->name);
        if (!a->ncol || (!a->dcol == !a->ccol))
            return cli_fail(SC_EXIT_USAGE, "give --n and one of --d or --c");
        if (sc_table_require_num(t, a->ncol, &jx[0], &err) != SC_OK) return cli_report(&err);
        if (a->dcol && sc_table_require_num(t, a->dcol, &jx[1], &err) != SC_OK) return cli_report(&err);
        if (a->ccol) {
            if (sc_table_require_num(t, a->ccol, &jc, &err) != SC_OK) return cli_report(&err);
            use_c = 1;
            jx[1] = jc;
        }
        d->xnames[0] = cli_strdup(a->ncol);
        d->xnames[1] = cli_strdup(a->dcol ? a->dcol : "D = C/(6N)");
    } else {
        if (!a->xcols) return cli_fail(SC_EXIT_USAGE, "fit: give the covariates with --x (law %s needs %zu)", law->name, nx);
        char *list = cli_strdup(a->xcols);
        if (!list) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        size_t k = 0;
        for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            if (k == nx) {
                free(list);
                return cli_fail(SC_EXIT_USAGE, "--x: law %s takes %zu covariate(s), got more", law->name, nx);
            }
            if (sc_table_require_num(t, tok, &jx[k], &err) != SC_OK) {
                free(list);
                return cli_report(&err);
            }
            d->xnames[k++] = cli_strdup(tok);
        }
        free(list);
        if (k != nx) return cli_fail(SC_EXIT_USAGE, "--x: law %s takes %zu covariate(s), got %zu", law->name, nx, k);
    }
    if (sc_table_require_num(t, a->ycol, &jy, &err) != SC_OK) return cli_report(&err);
    if (a->chance_arg) {
        d->chance_on = 1;
        d->q0 = a->chance;
        if (isnan(d->q0) && sc_chance_level(a->ycol, &d->q0) != SC_OK)
            return cli_fail(SC_EXIT_USAGE, "--chance auto: no built-in chance level for \"%s\"; give --chance Q0", a->ycol);
    }

    size_t nrows = sc_table_nrows(t);
    d->nx = nx;
    d->nrows = nrows;
    d->x = calloc(nrows * nx + 1, sizeof *d->x);
    d->y = calloc(nrows + 1, sizeof *d->y);
    d->row = calloc(nrows + 1, sizeof *d->row);
    d->compute = use_c ? calloc(nrows + 1, sizeof *d->compute) : NULL;
    d->xabove = calloc(nrows + 1, sizeof *d->xabove);
    d->yabove = calloc(nrows + 1, sizeof *d->yabove);
    if (!d->x || !d->y || !d->row || (use_c && !d->compute) || !d->xabove || !d->yabove)
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    const double *ycol = sc_table_num(t, jy);
    /* Holding out by size: the N column (--n, else "N"). */
    const double *nvals = NULL;
    if (isfinite(a->max_n)) {
        size_t jn;
        const char *nname = a->ncol ? a->ncol : "N";
        if (sc_table_require_num(t, nname, &jn, &err) != SC_OK) return cli_report(&err);
        nvals = sc_table_num(t, jn);
    }
    for (size_t i = 0; i < nrows; i++) {
        double xi[4];
        int missing = isnan(ycol[i]);
        for (size_t k = 0; k < nx; k++) {
            xi[k] = sc_table_num(t, jx[k])[i];
            if (isnan(xi[k])) missing = 1;
        }
        if (missing) {
            d->nmissing++;
            continue;
        }
        for (size_t k = 0; k < nx; k++) {
            if (!isfinite(xi[k]))
                return cell_error(t, i, jx[k], "expected a finite number", xi[k]);
        }
        if (!isfinite(ycol[i]))
            return cell_error(t, i, jy, "expected a finite number", ycol[i]);
        double cval = NAN;
        if (use_c) {
            if (!(xi[0] > 0))
                return cell_error(t, i, jx[0], "N must be > 0", xi[0]);
            if (!(xi[1] > 0))
                return cell_error(t, i, jx[1], "C must be > 0", xi[1]);
            cval = xi[1];
            xi[1] = cval / (6.0 * xi[0]); /* C = 6 N D (Kaplan et al. 2020) */
        }
        double yv = ycol[i];
        if (d->chance_on) {
            if (!(yv >= 0 && yv <= 1))
                return cell_error(t, i, jy, "accuracy must lie in [0, 1]", yv);
            if (!(yv > d->q0 + a->margin) || yv >= 1) {
                d->nchance++;
                continue;
            }
            yv = (yv - d->q0) / (1 - d->q0); /* Q' (Krajewski et al. 2025, Sec. 3) */
        }
        if (law->check) {
            char why[96] = "";
            if (law->check(xi, yv, why, sizeof why) != SC_OK) {
                /* Point at the cell the reason names (it starts with the covariate's name),
                 * else at the observation. */
                size_t jbad = jy;
                for (size_t k = 0; k < nx; k++)
                    if (law->x_names && strncmp(why, law->x_names[k], strlen(law->x_names[k])) == 0 &&
                        (why[strlen(law->x_names[k])] == ' ' || why[strlen(law->x_names[k])] == '\0'))
                        jbad = (use_c && k == 1) ? jc : jx[k];
                return cell_report(t, i, jbad, why);
            }
        }
        double along = use_c ? cval : xi[0];
        if (nvals && nvals[i] > a->max_n) {
            d->nabove_n++;
            continue;
        }
        if (along > a->max_x) {
            d->xabove[d->nabove] = along;
            d->yabove[d->nabove] = yv;
            d->nabove++;
            continue;
        }
        memcpy(d->x + d->n * nx, xi, nx * sizeof *xi);
        d->y[d->n] = yv;
        d->row[d->n] = i;
        if (use_c) d->compute[d->n] = cval;
        d->n++;
    }
    if (d->chance_on && d->n == 0 && d->nchance > 0)
        return cli_fail(SC_EXIT_NUMERIC, "%s: all %zu points of \"%s\" are at or below chance (%g + margin %g): nothing to fit",
                        a->data, d->nchance, a->ycol, d->q0, a->margin);
    if (a->drop_top > 0) {
        if (a->drop_top >= d->n)
            return cli_fail(SC_EXIT_NUMERIC, "--drop-top %zu leaves no points (%zu usable)", a->drop_top, d->n);
        /* Order the points by y, largest first, and keep all but the first drop_top. */
        const double **order = malloc(d->n * sizeof *order);
        if (!order) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        for (size_t i = 0; i < d->n; i++) order[i] = &d->y[i];
        qsort(order, d->n, sizeof *order, cmp_desc);
        unsigned char *drop = calloc(d->n, 1);
        if (!drop) {
            free(order);
            return cli_fail(SC_EXIT_INTERNAL, "out of memory");
        }
        for (size_t k = 0; k < a->drop_top; k++) drop[order[k] - d->y] = 1;
        free(order);
        size_t m = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (drop[i]) continue;
            memmove(d->x + m * nx, d->x + i * nx, nx * sizeof *d->x);
            d->y[m] = d->y[i];
            d->row[m] = d->row[i];
            if (d->compute) d->compute[m] = d->compute[i];
            m++;
        }
        free(drop);
        d->ndropped = a->drop_top;
        d->n = m;
    }
    return 0;
}

/* The bounding box of the law's start grid: where --starts N draws random starts. */
static int grid_box(const sc_law *law, const fit_data *d, double *lo, double *hi)
{
    size_t p = law->nparam;
    if (!law->starts) return cli_fail(SC_EXIT_USAGE, "law %s has no start grid to draw random starts in", law->name);
    size_t m = law->starts(d->x, d->y, d->n, NULL, 0);
    double *g = calloc(m * p + 1, sizeof *g);
    if (!g) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    m = law->starts(d->x, d->y, d->n, g, m);
    for (size_t k = 0; k < p; k++) lo[k] = INFINITY, hi[k] = -INFINITY;
    for (size_t s = 0; s < m; s++)
        for (size_t k = 0; k < p; k++) {
            if (g[s * p + k] < lo[k]) lo[k] = g[s * p + k];
            if (g[s * p + k] > hi[k]) hi[k] = g[s * p + k];
        }
    free(g);
    return 0;
}

static const char *loss_text(const sc_fit *f, char *buf, size_t size)
{
    if (f->loss_kind == SC_LOSS_HUBER) snprintf(buf, size, "huber(delta=%g)", f->huber_delta);
    else snprintf(buf, size, "least squares");
    return buf;
}

static const char *space_text(const sc_law *law)
{
    switch (law->space) {
    case SC_SPACE_LOG: return "log y";
    case SC_SPACE_LOGLOG: return "log(-log y)";
    default: return "y";
    }
}

static void print_table(FILE *f, const fit_args *a, const sc_law *law, const fit_data *d,
                        const sc_fit *fit, const sc_boot *boot)
{
    size_t p = law->nparam;
    char lb[64];
    double shown[16];
    if (law->natural) law->natural(fit->theta, shown);
    else memcpy(shown, fit->theta, p * sizeof *shown);
    fprintf(f, "law         %s: %s\n", law->name, law->formula);
    if (d->chance_on) fprintf(f, "y           %s as Q' = (Q - %g) / (1 - %g)\n", a->ycol, d->q0, d->q0);
    fprintf(f, "data        %s: %zu rows, %zu points used", a->data, d->nrows, d->n);
    if (d->nmissing) fprintf(f, ", %zu with missing values skipped", d->nmissing);
    if (d->nabove) fprintf(f, ", %zu above --max-x left out", d->nabove);
    if (d->nabove_n) fprintf(f, ", %zu above --max-n left out", d->nabove_n);
    if (d->chance_on) fprintf(f, ", %zu at or below chance %g + %g left out", d->nchance, d->q0, a->margin);
    if (d->ndropped) fprintf(f, ", %zu largest y dropped", d->ndropped);
    fputc('\n', f);
    fprintf(f, "objective   %s on %s: %.8g", loss_text(fit, lb, sizeof lb), space_text(law), fit->loss);
    if (fit->loss_kind == SC_LOSS_HUBER)
        fprintf(f, " (%.1f%% of residuals inside delta)", 100.0 * fit->inside_share);
    fprintf(f, "\nstarts      %zu (%s): %zu reached the best (loss within 1e-6), %zu failed\n",
            fit->nstarts, a->nrandom ? "random" : "grid", fit->nbest, fit->nfailed);
    fprintf(f, "best start  %s after %zu iterations (%s)\n",
            fit->converged ? "converged" : "did NOT converge", fit->iterations, fit->reason);
    fprintf(f, "rmse        %.6g (in fit space)\n\n", sqrt(fit->rss / (double)(fit->n ? fit->n : 1)));
    const char *const *names = law->shown_names ? law->shown_names : law->param_names;
    if (boot)
        fprintf(f, "%-10s %14s   %g%% bootstrap interval (%zu resamples, %zu failed)\n", "parameter",
                "estimate", 100 * a->level, boot->B, boot->nfailed);
    else
        fprintf(f, "%-10s %14s   %-22s %12s\n", "parameter", "estimate", "fitted as",
                "std. error");
    for (size_t k = 0; k < p; k++) {
        fprintf(f, "%-10s %14.6g", names[k], shown[k]);
        if (boot) {
            double lo, hi;
            if (sc_boot_param_interval(boot, k, a->level, &lo, &hi) == SC_OK) {
                /* Intervals are taken on the fitted parameter and mapped like the estimate. */
                double tl[16], th[16], sl[16], sh[16];
                memcpy(tl, fit->theta, p * sizeof *tl);
                memcpy(th, fit->theta, p * sizeof *th);
                tl[k] = lo;
                th[k] = hi;
                if (law->natural) {
                    law->natural(tl, sl);
                    law->natural(th, sh);
                } else {
                    memcpy(sl, tl, p * sizeof *sl);
                    memcpy(sh, th, p * sizeof *sh);
                }
                double a1 = fmin(sl[k], sh[k]), a2 = fmax(sl[k], sh[k]);
                fprintf(f, "   [%.6g, %.6g]", a1, a2);
            } else {
                fputs("   (no interval)", f);
            }
        } else {
            /* The standard error is that of the fitted parameter (e.g. a = log A). */
            char as[64];
            snprintf(as, sizeof as, "%s = %.6g", law->param_names[k], fit->theta[k]);
            fprintf(f, "   %-22s", as);
            if (fit->cov && fit->cov[k * p + k] >= 0) fprintf(f, " %12.4g", sqrt(fit->cov[k * p + k]));
            else fprintf(f, " %12s", "n/a");
        }
        fputc('\n', f);
    }
    if (fit->nfailed) {
        fputs("\nfailed starts (first ones):\n", f);
        size_t shown_fail = fit->nfailed < 16 ? fit->nfailed : 16;
        for (size_t k = 0; k < shown_fail; k++)
            fprintf(f, "  start %zu: %s\n", fit->failures[k].start, fit->failures[k].reason);
    }
}

/* The fit document (format "scalecast-fit"), written by the library. */
static int print_json(FILE *f, const fit_args *a, const fit_data *d, const sc_fit *fit,
                      const sc_boot *boot)
{
    sc_fit_doc doc;
    sc_fit_doc_init(&doc, fit);
    doc.boot = boot;
    doc.seed = a->seed;
    doc.level = a->level;
    doc.file = a->data;
    doc.x_columns = (const char *const *)d->xnames;
    doc.y_column = a->ycol;
    doc.chance = d->chance_on ? d->q0 : NAN;
    doc.rows = d->nrows;
    doc.at_chance_left_out = d->nchance;
    doc.skipped_missing = d->nmissing;
    doc.above_max_x = d->nabove;
    doc.dropped_top = d->ndropped;
    doc.row_index = d->row;
    doc.held_out_by_n = isfinite(a->max_n);
    doc.above_max_n = d->nabove_n;
    sc_error err;
    sc_error_clear(&err);
    return sc_fit_doc_write(&doc, f, &err) == SC_OK ? 0 : cli_report(&err);
}

/* Figure: for two covariates (N, D) the loss against compute C = 6 N D with iso-N curves of
 * the fit; for one covariate y against x with the fitted curve, carried out to the rows above
 * --max-x (drawn as held-out crosses). Accuracy fitted as Q' is drawn as accuracy again,
 * Q = Q0 + (1 - Q0) Q'. With --bootstrap, the percentile band at --level around each curve. */
static double fig_y(const fit_args *a, const fit_data *d, double v)
{
    return d->chance_on && !a->plot_q ? d->q0 + (1 - d->q0) * v : v;
}

static int figure_curve(sc_plot *pl, const fit_args *a, const sc_law *law, const fit_data *d,
                        const sc_fit *fit, const sc_boot *boot, const double *xx, const double *px,
                        size_t nc, const char *label, int colour)
{
    double *py = calloc(3 * nc + 1, sizeof *py);
    if (!py) return SC_EXIT_INTERNAL;
    double *lo = py + nc, *hi = py + 2 * nc;
    sc_fit_predict(fit, xx, nc, py);
    for (size_t k = 0; k < nc; k++) py[k] = fig_y(a, d, py[k]);
    int rc = 0;
    if (boot) {
        for (size_t k = 0; k < nc; k++) {
            if (sc_boot_predict_interval(boot, law, xx + k * law->nx, a->level, &lo[k], &hi[k]) != SC_OK)
                lo[k] = hi[k] = NAN;
            lo[k] = fig_y(a, d, lo[k]);
            hi[k] = fig_y(a, d, hi[k]);
        }
        char blab[64];
        snprintf(blab, sizeof blab, "%g%% bootstrap interval", 100 * a->level);
        /* The band is shown and hidden with its curve. */
        if ((label && sc_plot_group(pl, label) != SC_OK) ||
            sc_plot_band(pl, label ? blab : NULL, px, lo, hi, nc, colour) != SC_OK ||
            (label && sc_plot_group(pl, NULL) != SC_OK))
            rc = SC_EXIT_INTERNAL;
    }
    if (!rc && sc_plot_series(pl, label, px, py, nc, SC_MARK_LINE, colour) != SC_OK) rc = SC_EXIT_INTERNAL;
    free(py);
    return rc;
}

static int draw_figure(const fit_args *a, const sc_law *law, const fit_data *d, const sc_fit *fit,
                       const sc_boot *boot)
{
    sc_plot *pl = NULL;
    sc_error err;
    sc_error_clear(&err);
    char title[200], xlabel[200], ylabel[200];
    snprintf(title, sizeof title, "%s law fitted to %s", law->name, a->ycol);
    int two = d->nx == 2;
    int is_c = !two && law->x_names && strcmp(law->x_names[0], "C") == 0;
    if (two) snprintf(xlabel, sizeof xlabel, "training compute C = 6ND (FLOPs)");
    else if (is_c) snprintf(xlabel, sizeof xlabel, "training compute C (FLOPs; column %s)", d->xnames[0]);
    else snprintf(xlabel, sizeof xlabel, "%s (column %s)", law->x_names ? law->x_names[0] : "x", d->xnames[0]);
    if (d->chance_on && a->plot_q)
        snprintf(ylabel, sizeof ylabel, "Q' = (%s - %g) / (1 - %g), chance-normalised accuracy", a->ycol, d->q0, d->q0);
    else if (d->chance_on) snprintf(ylabel, sizeof ylabel, "%s accuracy (fit as Q', chance %g)", a->ycol, d->q0);
    else snprintf(ylabel, sizeof ylabel, "%s", a->ycol);
    if (sc_plot_new(title, xlabel, ylabel, SC_AXIS_LOG, two ? SC_AXIS_LOG : SC_AXIS_LINEAR, &pl) != SC_OK)
        return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    enum { NB = 6, NC = 120 };
    double *px = calloc(d->n + d->nabove + 3 * NC + 1, sizeof *px), *py = calloc(d->n + d->nabove + NC + 1, sizeof *py);
    char **names = calloc(d->n + 1, sizeof *names);
    int rc = 0;
    if (!px || !py || !names) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    if (!rc && two) {
        double nlo = INFINITY, nhi = -INFINITY;
        for (size_t i = 0; i < d->n; i++) {
            double N = d->x[2 * i];
            nlo = fmin(nlo, N), nhi = fmax(nhi, N);
        }
        /* NB bands of model size, evenly spaced in log N. Each point is drawn in its band's
         * colour, and each band's curve at the band's geometric-mean N over (a little beyond)
         * the compute range of its points. */
        double lnlo = log(nlo), step = (log(nhi) - lnlo) / NB;
        for (int b = 0; b < NB && !rc; b++) {
            size_t m = 0;
            double sumln = 0, cmin = INFINITY, cmax = -INFINITY;
            for (size_t i = 0; i < d->n && !rc; i++) {
                double ln = log(d->x[2 * i]);
                int band = step > 0 ? (int)floor((ln - lnlo) / step) : 0;
                if (band >= NB) band = NB - 1;
                if (band != b) continue;
                px[m] = 6 * d->x[2 * i] * d->x[2 * i + 1];
                py[m] = d->y[i];
                char nm[96];
                snprintf(nm, sizeof nm, "N = %.3g, D = %.3g", d->x[2 * i], d->x[2 * i + 1]);
                names[m] = cli_strdup(nm);
                if (!names[m]) rc = SC_EXIT_INTERNAL;
                m++;
                sumln += ln;
                cmin = fmin(cmin, px[m - 1]);
                cmax = fmax(cmax, px[m - 1]);
            }
            if (m == 0 || rc) continue;
            double Nb = exp(sumln / (double)m);
            char lab[64];
            snprintf(lab, sizeof lab, "N ~ %.2g", Nb);
            if (sc_plot_series(pl, lab, px, py, m, SC_MARK_POINTS, b) != SC_OK ||
                sc_plot_point_labels(pl, (const char *const *)names, m) != SC_OK)
                rc = SC_EXIT_INTERNAL;
            for (size_t i = 0; i < m; i++) free(names[i]), names[i] = NULL;
            double xx[2 * NC], c0 = log(cmin / 1.5), c1 = log(cmax * 1.5);
            for (int k = 0; k < NC; k++) {
                double C = exp(c0 + (c1 - c0) * k / (NC - 1));
                px[k] = C;
                xx[2 * k] = Nb;
                xx[2 * k + 1] = C / (6 * Nb);
            }
            if (!rc) rc = figure_curve(pl, a, law, d, fit, boot, xx, px, NC, NULL, b);
        }
    } else if (!rc) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < d->n; i++) lo = fmin(lo, d->x[i]), hi = fmax(hi, d->x[i]), py[i] = fig_y(a, d, d->y[i]);
        for (size_t i = 0; i < d->nabove; i++) hi = fmax(hi, d->xabove[i]);
        if (sc_plot_series(pl, "fitted rows", d->x, py, d->n, SC_MARK_POINTS, 0) != SC_OK) rc = SC_EXIT_INTERNAL;
        if (!rc && d->nabove) {
            for (size_t i = 0; i < d->nabove; i++) py[i] = fig_y(a, d, d->yabove[i]);
            if (sc_plot_series(pl, "held out (x > max-x)", d->xabove, py, d->nabove,
                               SC_MARK_CROSSES, 6) != SC_OK)
                rc = SC_EXIT_INTERNAL;
        }
        for (int k = 0; k < NC; k++) px[k] = exp(log(lo) + (log(hi) - log(lo)) * k / (NC - 1));
        if (!rc) rc = figure_curve(pl, a, law, d, fit, boot, px, px, NC, "fitted law", 1);
        if (!rc && isfinite(a->max_x) && d->nabove && sc_plot_vline(pl, a->max_x, "fit cutoff (max-x)") != SC_OK)
            rc = SC_EXIT_INTERNAL;
    }
    if (rc == SC_EXIT_INTERNAL) rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
    if (!rc && sc_plot_save(pl, a->plot, &err) != SC_OK) rc = cli_report(&err);
    free(px);
    free(py);
    free(names);
    sc_plot_free(pl);
    return rc;
}

/* Reads DATA: a wide CSV file as it is; a long file of runs x metrics or an OLMo ladder folder
 * as one row per run. Then applies --where. */
static int load_table(const fit_args *a, sc_table **out)
{
    sc_error err;
    sc_error_clear(&err);
    sc_table *t = NULL;
    struct stat st;
    int runs = stat(a->data, &st) == 0 && S_ISDIR(st.st_mode);
    if (!runs) {
        if (sc_csv_read(a->data, NULL, &t, &err) != SC_OK) return cli_report(&err);
        runs = sc_table_find(t, "benchmark") >= 0 && sc_table_find(t, "metric_type") >= 0 &&
               sc_table_find(t, "score") >= 0;
        if (runs) {
            sc_table_free(t);
            t = NULL;
        }
    }
    if (runs) {
        sc_runs_info info;
        if (sc_runs_load(a->data, 0, &t, &info, &err) != SC_OK) return cli_report(&err);
        if (info.approx_flops)
            cli_warn("%s: no flops column: C = 6 N D with N = tokens / tpr (approximate)", a->data);
        if (info.nduplicates) cli_warn("%s: %zu run(s) listed twice, kept once", a->data, info.nduplicates);
    }
    for (size_t k = 0; k < a->nwhere; k++) {
        const char *eq = strchr(a->where[k], '=');
        char col[256];
        snprintf(col, sizeof col, "%.*s", (int)(eq - a->where[k]), a->where[k]);
        double v;
        int rc = cli_parse_double("--where", eq + 1, &v);
        size_t j = 0;
        if (!rc && sc_table_require_num(t, col, &j, &err) != SC_OK) rc = cli_report(&err);
        sc_table *f = NULL;
        if (!rc && sc_table_filter_range(t, col, v, v, &f, &err) != SC_OK) rc = cli_report(&err);
        sc_table_free(t);
        t = f;
        if (rc) return rc;
    }
    *out = t;
    return 0;
}

int cmd_fit(int argc, char **argv)
{
    fit_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc) return rc < 0 ? SC_EXIT_OK : rc;
    const sc_law *law = sc_law_find(a.law);
    if (!law) {
        char known[512] = "";
        for (const sc_law *const *l = sc_laws(); *l; l++) {
            if (known[0]) strncat(known, ", ", sizeof known - strlen(known) - 1);
            strncat(known, (*l)->name, sizeof known - strlen(known) - 1);
        }
        return cli_fail(SC_EXIT_USAGE, "unknown law \"%s\" (known: %s)", a.law, known);
    }
    sc_error err;
    sc_error_clear(&err);
    sc_table *t = NULL;
    rc = load_table(&a, &t);
    if (rc) return rc;
    fit_data d;
    rc = load_points(&a, law, t, &d);
    sc_table_free(t);
    if (rc) {
        fit_data_free(&d);
        return rc;
    }
    if (d.nmissing) cli_warn("%s: %zu rows with a missing value in a used column were skipped", a.data, d.nmissing);

    sc_fit_opts o;
    sc_fit_opts_init(&o);
    o.loss = a.delta > 0 ? SC_LOSS_HUBER : SC_LOSS_LS;
    if (a.delta > 0) o.huber_delta = a.delta;
    if (a.recipe) {
        /* The recipe's tolerances too (the Huber(1e-3) minimum needs tight tests). */
        if (a.recipe->tol > 0) o.tol = a.recipe->tol;
        if (a.recipe->max_iter) o.max_iter = a.recipe->max_iter;
        if (a.recipe->huber_delta > 0 && a.recipe->loss == SC_LOSS_HUBER) o.huber_delta = a.recipe->huber_delta;
    }
    o.seed = a.seed;
    o.threads = a.threads;
    double lo[16], hi[16];
    if (a.nrandom) {
        rc = grid_box(law, &d, lo, hi);
        if (rc) {
            fit_data_free(&d);
            return rc;
        }
        o.nrandom = a.nrandom;
        o.lo = lo;
        o.hi = hi;
    }
    sc_fit *fit = NULL;
    sc_boot *boot = NULL;
    sc_status st = sc_fit_run(law, d.x, d.y, d.n, &o, &fit, &err);
    if (st != SC_OK) {
        if (!err.file[0]) snprintf(err.file, sizeof err.file, "%s", a.data);
        fit_data_free(&d);
        return cli_report(&err);
    }
    if (!fit->converged) cli_warn("the best start did not converge (%s)", fit->reason);
    if (a.boot) {
        sc_fit_opts ob = o;
        ob.starts = fit->theta;
        ob.nstarts = 1;
        ob.nrandom = 0;
        ob.no_covariance = 1;
        st = sc_bootstrap(law, d.x, d.y, d.n, NULL, a.boot, a.seed, &ob, &boot, &err);
        if (st != SC_OK) {
            sc_fit_free(fit);
            fit_data_free(&d);
            return cli_report(&err);
        }
        if (boot->nfailed) cli_warn("%zu of %zu bootstrap refits failed and were left out", boot->nfailed, boot->B);
    }
    cli_out out;
    rc = cli_out_open(&out, a.out ? a.out : "-");
    if (!rc) {
        if (a.json) rc = print_json(out.f, &a, &d, fit, boot);
        else print_table(out.f, &a, law, &d, fit, boot);
        /* The figure first: when it cannot be written, --out is not left behind either. */
        if (!rc && a.plot) rc = draw_figure(&a, law, &d, fit, boot);
        if (rc) cli_out_abort(&out);
        else rc = cli_out_commit(&out);
    }
    sc_boot_free(boot);
    sc_fit_free(fit);
    fit_data_free(&d);
    return rc;
}
