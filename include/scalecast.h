/*
 * scalecast: forecasts of downstream benchmark scores of language models.
 * Copyright (C) 2026 the scalecast authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one public header of libscalecast. Every symbol is prefixed sc_.
 *
 * Conventions
 *  - A function that can fail returns sc_status and is marked SC_NODISCARD.
 *  - Results go through out-parameters; on failure out-parameters that own memory are left NULL.
 *  - Objects come in sc_x_new / sc_x_free pairs; sc_x_free(NULL) is a no-op.
 *  - Functions that take an sc_error * fill it on failure when it is not NULL; it may be NULL.
 *  - The library never prints, exits or aborts.
 *  - Matrices are dense, row-major: element (i, j) of an n x p matrix is m[i * p + j].
 */
#ifndef SCALECAST_H
#define SCALECAST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SC_VERSION_STRING "0.1.0"

#if defined(__GNUC__) || defined(__clang__)
#define SC_NODISCARD __attribute__((warn_unused_result))
#define SC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SC_NODISCARD
#define SC_PRINTF(f, a)
#endif

/* ------------------------------------------------------------------------------------------
 * Status codes. Values are part of the ABI: never renumber or reuse a value; add at the end.
 * ------------------------------------------------------------------------------------------ */
typedef enum sc_status {
    SC_OK = 0,
    SC_ENOMEM = 1,     /* out of memory */
    SC_EINVAL = 2,     /* invalid argument (a programming or usage error) */
    SC_EIO = 3,        /* a file could not be opened, read or written */
    SC_EPARSE = 4,     /* malformed input: unterminated quote, ragged row, bad JSON */
    SC_ETYPE = 5,      /* a value of the wrong type: text where a number is needed */
    SC_ENOCOL = 6,     /* a column (or benchmark, task, key) the caller asked for is missing */
    SC_EEMPTY = 7,     /* empty input: no header, no rows */
    SC_EDOMAIN = 8,    /* a value outside its domain: N <= 0, NaN, accuracy outside [0,1] */
    SC_ETOOFEW = 9,    /* fewer usable points than the fit has parameters */
    SC_ENOCONV = 10,   /* the optimiser did not converge from any start */
    SC_EUNKNOWN = 11,  /* an unknown name: law, loss, command option value */
    SC_ECHANCE = 12,   /* every point is at or below the chance level */
    SC_EINTERNAL = 13, /* a bug: please report it */
    SC_EDUP = 14,      /* a duplicate where one is required to be unique */
    SC_ENUMERIC = 15   /* numerical trouble other than non-convergence (singular matrix, overflow) */
} sc_status;

/* A static, human-readable name of a status ("out of memory", ...). Never NULL. */
const char *sc_strerror(sc_status s);

/* Where and why something failed. line and column are 1-based; 0 means "not applicable". */
typedef struct sc_error {
    sc_status code;
    char message[512]; /* one line, no trailing newline, no file/line prefix */
    char file[256];    /* input file name as given by the caller, or "" */
    size_t line;
    size_t column;
} sc_error;

void sc_error_clear(sc_error *err);

/* Inputs that are not regular files (pipes, FIFOs, devices such as /dev/zero) have no size to
 * check before reading. From such an input a reader holds at most this many bytes in memory
 * (the whole file for readers that read whole files, one line of a streamed sample log) and
 * beyond it fails with SC_EPARSE ("more than the input limit of N bytes"). Regular files are
 * not limited. The default is 256 MiB; the environment variable SCALECAST_MAX_INPUT (bytes, with
 * an optional K, M or G suffix: powers of 1024) sets it when first needed; sc_set_input_limit
 * overrides both (0 restores the default). */
size_t sc_input_limit(void);
void sc_set_input_limit(size_t bytes);
/* Formats "file:line:column: message" (parts that are absent are left out) into buf. */
void sc_error_format(const sc_error *err, char *buf, size_t size);

/* ------------------------------------------------------------------------------------------
 * Output files that are complete or absent. open: a temporary file is created beside path under
 * a random name with exclusive creation (never through a link planted under that name), kept
 * open as f when open_stream, else created inside a private folder (mode 0700) beside path and
 * closed, so that a library can write it by name; commit: renames it over path (a replaced file
 * keeps its permission bits); abort: removes it. A path that exists and is not a regular file
 * (a device, a FIFO) is written directly; a link to a regular file is followed, and the link
 * survives.
 * ------------------------------------------------------------------------------------------ */
typedef struct sc_tmpfile {
    char *path; /* the destination (a link resolved) */
    char *tmp;  /* the name written: path itself when writing directly */
    char *dir;  /* the private folder holding tmp when open_stream was 0, else NULL */
    FILE *f;    /* open for writing when open_stream was 1 */
    int direct;
} sc_tmpfile;
SC_NODISCARD sc_status sc_tmpfile_open(sc_tmpfile *t, const char *path, int open_stream,
                                       sc_error *err);
SC_NODISCARD sc_status sc_tmpfile_commit(sc_tmpfile *t, sc_error *err);
void sc_tmpfile_abort(sc_tmpfile *t);

/* ------------------------------------------------------------------------------------------
 * Tables: named columns, each numeric (double; NaN = missing) or text (NULL = missing).
 * Column names are unique. Tables own their memory.
 * ------------------------------------------------------------------------------------------ */
typedef struct sc_table sc_table;

typedef enum sc_coltype { SC_COL_NUM = 0, SC_COL_TEXT = 1 } sc_coltype;

sc_table *sc_table_new(void);
void sc_table_free(sc_table *t);
SC_NODISCARD sc_status sc_table_copy(const sc_table *t, sc_table **out);

size_t sc_table_nrows(const sc_table *t);
size_t sc_table_ncols(const sc_table *t);
/* The file the table was read from ("" when built in memory). Borrowed: lives as long as t. */
const char *sc_table_source(const sc_table *t);
const char *sc_table_colname(const sc_table *t, size_t j);
sc_coltype sc_table_coltype(const sc_table *t, size_t j);
/* Index of the column named name, or -1. */
long sc_table_find(const sc_table *t, const char *name);

/* Borrowed pointer to the nrows values of numeric column j (NULL for a text column);
 * valid until t is modified or freed. */
const double *sc_table_num(const sc_table *t, size_t j);
/* Text cell (i, j) of a text column; NULL when missing or when column j is numeric. */
const char *sc_table_text(const sc_table *t, size_t j, size_t i);

/* Where cell (i, j) stood in the source file: 1-based line and byte column of the cell's start
 * (0, 0 for tables built in memory or derived by pivoting). */
void sc_table_cell_pos(const sc_table *t, size_t i, size_t j, size_t *line, size_t *column);

/* Looks up column name and requires it to be numeric. Errors:
 *  SC_ENOCOL "no column named "x" (columns: a, b, c)" at the header line of the source file;
 *  SC_ETYPE  "column "x": expected a number, got "n/a"" at the line and column of the first
 *            cell that is not a number. */
SC_NODISCARD sc_status sc_table_require_num(const sc_table *t, const char *name, size_t *j,
                                            sc_error *err);
/* Looks up any column by name (text or numeric); SC_ENOCOL as above. */
SC_NODISCARD sc_status sc_table_require(const sc_table *t, const char *name, size_t *j,
                                        sc_error *err);

/* Building. The first column added fixes nrows; later columns must have the same length.
 * values are copied. Text values may be NULL (missing). SC_EDUP if the name exists. */
SC_NODISCARD sc_status sc_table_add_num(sc_table *t, const char *name, const double *values,
                                        size_t nrows);
SC_NODISCARD sc_status sc_table_add_text(sc_table *t, const char *name,
                                         const char *const *values, size_t nrows);
SC_NODISCARD sc_status sc_table_rename(sc_table *t, const char *from, const char *to,
                                       sc_error *err);

/* New table with the rows i where keep[i] != 0, all columns. */
SC_NODISCARD sc_status sc_table_filter(const sc_table *t, const unsigned char *keep,
                                       sc_table **out);
/* New table with the rows whose numeric column col lies in [lo, hi] (NaN rows dropped). */
SC_NODISCARD sc_status sc_table_filter_range(const sc_table *t, const char *col, double lo,
                                             double hi, sc_table **out, sc_error *err);
/* New table with only the named columns, in that order. */
SC_NODISCARD sc_status sc_table_select(const sc_table *t, const char *const *names, size_t n,
                                       sc_table **out, sc_error *err);

/* Long ("tidy") to wide. Rows are grouped by the values of the id columns (in order of first
 * appearance); each distinct combination of the key columns, joined with sep (e.g.
 * "arc_easy" + ":" + "acc"), becomes a numeric column filled from value_col. When a group
 * already has a value for a key, the row starts a further wide row of the same group (the k-th
 * occurrence of a (group, key) goes to the group's k-th wide row), so repeated runs are kept
 * apart rather than merged. Id columns are copied to the wide table. */
SC_NODISCARD sc_status sc_table_pivot(const sc_table *t, const char *const *id_cols, size_t nid,
                                      const char *const *key_cols, size_t nkey,
                                      const char *value_col, const char *sep, sc_table **out,
                                      sc_error *err);

/* Writes t as RFC 4180 CSV (numbers round-trip with %.17g, missing cells empty). */
SC_NODISCARD sc_status sc_table_write_csv(const sc_table *t, FILE *f);

/* ------------------------------------------------------------------------------------------
 * CSV reading (RFC 4180: quotes, embedded delimiters and newlines, CRLF, UTF-8 BOM).
 * The first line is the header. Empty header names become "" for the first column and
 * "col<k>" otherwise (k 1-based); an unnamed leading index column is named "". A column is
 * numeric when every non-empty cell parses fully as a finite or infinite double ("1.97e+18",
 * "nan", "inf" accepted); otherwise it is text, and the position of its first non-number is
 * remembered for sc_table_require_num's error.
 * ------------------------------------------------------------------------------------------ */
typedef struct sc_csv_opts {
    char delimiter; /* 0 means ',' */
} sc_csv_opts;

SC_NODISCARD sc_status sc_csv_read(const char *path, const sc_csv_opts *opts, sc_table **out,
                                   sc_error *err);
/* The same from memory; name is used in error messages. */
SC_NODISCARD sc_status sc_csv_read_mem(const char *buf, size_t len, const char *name,
                                       const sc_csv_opts *opts, sc_table **out, sc_error *err);

/* ------------------------------------------------------------------------------------------
 * Laws: a functional form and how to fit it. Adding a law is one file in src/laws/ plus a line
 * in the registry.
 * ------------------------------------------------------------------------------------------ */

/* The space in which residuals are measured. The law's f() returns the model in that space and
 * to_fit() maps an observed y into it. */
typedef enum sc_space {
    SC_SPACE_RAW = 0,    /* r = y - f */
    SC_SPACE_LOG = 1,    /* r = log y - f */
    SC_SPACE_LOGLOG = 2  /* r = log(-log y) - f, y in (0, 1) */
} sc_space;

typedef struct sc_law {
    const char *name;    /* "chinchilla", "satpower", ... */
    const char *formula; /* human-readable, printed in reports */
    size_t nparam;       /* p */
    size_t nx;           /* covariates per point */
    const char *const *param_names; /* p names of the fitted parameters (e.g. "a" for log A) */
    const char *const *x_names;     /* nx names of the covariates ("N", "D") */
    sc_space space;
    /* Model in fit space for n points x (n x nx) -> out (n). */
    void (*f)(const double *theta, const double *x, size_t n, double *out);
    /* d f / d theta, n x p row-major; NULL: central finite differences. */
    void (*jac)(const double *theta, const double *x, size_t n, double *J);
    /* Default starts: writes up to max rows of p values into theta0 (may be NULL to count) and
     * returns how many starts the grid has. May look at the data (x, y observed, n). */
    size_t (*starts)(const double *x, const double *y, size_t n, double *theta0, size_t max);
    /* Closed-form least-squares fit in fit space, or NULL. Returns SC_OK or a status. */
    sc_status (*linear)(const double *x, const double *y, const double *w, size_t n,
                        double *theta);
    /* Checks one point's covariates and observation; NULL: anything finite is fine. Returns
     * SC_OK or SC_EDOMAIN and writes a short reason ("N must be > 0") into why. */
    sc_status (*check)(const double *x, double y, char *why, size_t whysize);
    /* Natural-scale parameters for reports (e.g. A = e^a); NULL: same as theta. shown has p
     * entries named by shown_names. */
    void (*natural)(const double *theta, double *shown);
    const char *const *shown_names;
    /* Second derivatives of f with respect to theta: n x p(p+1)/2, per point the upper
     * triangle row by row (d2f / dtheta_j dtheta_k for j <= k: (0,0), (0,1), ..., (0,p-1),
     * (1,1), ...). NULL: not available; a Huber fit then uses BFGS instead of the damped
     * Newton method. Every law of the registry has it (checked against differences of jac). */
    void (*hess)(const double *theta, const double *x, size_t n, double *H);
    /* Internal acceleration of the library's own laws (transformed covariates, fused loss,
     * gradient and Hessian); NULL for laws defined elsewhere. */
    const struct sc_law_fast *fast;
} sc_law;

/* Index of (j, k), j <= k, in a law's packed p(p+1)/2 second derivatives. */
#define SC_HESS_INDEX(p, j, k) ((j) * (p) - (j) * ((j) - 1) / 2 + ((k) - (j)))

/* Registered laws (NULL-terminated list); lookup by name (NULL if unknown). */
const sc_law *const *sc_laws(void);
const sc_law *sc_law_find(const char *name);

/* Maps observed y to fit space, and back, for a law's space. */
double sc_space_to(sc_space s, double y);
double sc_space_from(sc_space s, double f);
/* Predicts y (observation scale) at n points. */
void sc_law_predict(const sc_law *law, const double *theta, const double *x, size_t n,
                    double *y);

/* ------------------------------------------------------------------------------------------
 * Fitting engine.
 * ------------------------------------------------------------------------------------------ */
typedef enum sc_loss {
    SC_LOSS_LS = 0,   /* sum of squared residuals: Levenberg-Marquardt (gsl_multifit_nlinear) */
    SC_LOSS_HUBER = 1 /* sum of Huber(delta) of residuals: damped Newton with the law's second
                         derivatives (hess), BFGS (gsl_multimin) for a law without them */
} sc_loss;

typedef struct sc_fit_opts {
    sc_loss loss;
    double huber_delta; /* Huber threshold (in fit space); used with SC_LOSS_HUBER */
    const double *w;    /* per-point weights (n) or NULL; multiply squared / Huber terms */
    /* Starts: explicit (nstarts x p), else nrandom uniform random starts in the box [lo, hi]
     * (seeded), else the law's grid, else the law's closed form. */
    const double *starts;
    size_t nstarts;
    size_t nrandom;
    const double *lo, *hi;
    uint64_t seed;
    size_t max_iter;  /* per start; 0 = default (1000) */
    double tol;       /* gradient / step tolerance; 0 = default */
    int threads;      /* 0 = OpenMP default; results never depend on it */
    int no_covariance;/* skip covariance (bootstrap replicates) */
    /* Two-phase multistart (docs/fitting.md): SC_SCREEN_AUTO (0) screens when the loss is
     * Huber, tol is the default and there are more than 16 starts; SC_SCREEN_ON also with an
     * explicit tol (every start to a loose tolerance, then the best few polished to tol);
     * SC_SCREEN_OFF runs every start to tol. */
    int screen;
    /* Optional progress report: called from one thread at a time with the starts finished so
     * far and the total (at most about 100 times per fit, and once at the end). The library
     * never prints; the callback must not call back into the fit. */
    void (*progress)(void *ctx, size_t done, size_t total);
    void *progress_ctx;
    /* Least squares with the damped Newton solver (as Huber) instead of Levenberg-Marquardt,
     * for laws with second derivatives (docs/fitting.md); 0 = Levenberg-Marquardt. */
    int ls_newton;
} sc_fit_opts;
#define SC_SCREEN_AUTO 0
#define SC_SCREEN_ON 1
#define SC_SCREEN_OFF (-1)

/* Fills opts with defaults (least squares, delta 1e-3, law grid, seed 1). */
void sc_fit_opts_init(sc_fit_opts *opts);

typedef struct sc_start_failure {
    size_t start;      /* index of the start */
    sc_status code;
    char reason[96];
} sc_start_failure;

typedef struct sc_fit {
    const sc_law *law;
    size_t n, p;
    double *theta;      /* p best parameters (fit space) */
    double loss;        /* objective at theta (sum of squares or sum of Huber) */
    double *x;          /* n x nx covariates used (copy) */
    double *y;          /* n observations used (copy, observation scale) */
    double *w;          /* n weights used or NULL */
    double *resid;      /* n residuals in fit space */
    double *cov;        /* p x p covariance of theta (NULL when not available) */
    double *corr;       /* p x p correlation of theta (NULL when not available) */
    int converged;      /* the best start met its convergence test */
    char reason[96];    /* why the best start stopped */
    size_t iterations;  /* of the best start */
    size_t nstarts;     /* starts run */
    size_t nbest;       /* starts that reached the best loss within 1e-6 relative */
    size_t nfailed;     /* starts that failed */
    sc_start_failure *failures; /* the first min(nfailed, 16) failures */
    double inside_share;/* Huber: share of residuals with |r| <= delta; LS: 1 */
    double rss;         /* sum of squared residuals in fit space */
    sc_loss loss_kind;
    double huber_delta;
    /* Starts carried to the full tolerance (all of them without screening, else the polished
     * ones and those whose screened end point coincided with a polished one's) and how many of
     * those reached the best loss (within 1e-6 relative). */
    size_t nconverged_full;
    size_t nbest_full;
} sc_fit;

/* Fits law to n points (x: n x nx, y: n). Points failing law->check give SC_EDOMAIN naming the
 * point (err->line = point index + 1 when no source is known). SC_ETOOFEW when n < p.
 * SC_ENOCONV when every start failed. */
SC_NODISCARD sc_status sc_fit_run(const sc_law *law, const double *x, const double *y, size_t n,
                                  const sc_fit_opts *opts, sc_fit **out, sc_error *err);
void sc_fit_free(sc_fit *fit);
/* Predicted y at m points (observation scale). */
void sc_fit_predict(const sc_fit *fit, const double *x, size_t m, double *y);

/* Weighted linear least squares y ~ X beta (X: n x p, w may be NULL), via GSL. cov (p x p) and
 * chisq may be NULL. */
SC_NODISCARD sc_status sc_linfit(const double *X, const double *y, const double *w, size_t n,
                                 size_t p, double *beta, double *cov, double *chisq);

/* Objective value (sum of squares or Huber) of theta on the data, and optionally its gradient. */
double sc_fit_objective(const sc_law *law, const double *x, const double *y, const double *w,
                        size_t n, sc_loss loss, double delta, const double *theta, double *grad);

/* Bootstrap: B resamples of the points (or of whole clusters when cluster != NULL: cluster[i]
 * is point i's cluster id, e.g. its run), each refitted from the starts in opts (typically the
 * best fit's theta: opts->starts = best->theta, nstarts 1). Replicate b uses an RNG stream
 * derived from (seed, b) only, so results do not depend on the number of threads. */
typedef struct sc_boot {
    size_t B, p;
    double *theta;    /* B x p replicate parameters (NaN rows for failed replicates) */
    size_t nfailed;
} sc_boot;

SC_NODISCARD sc_status sc_bootstrap(const sc_law *law, const double *x, const double *y, size_t n,
                                    const size_t *cluster, size_t B, uint64_t seed,
                                    const sc_fit_opts *opts, sc_boot **out, sc_error *err);
void sc_boot_free(sc_boot *boot);
/* Percentile interval (level e.g. 0.8) of parameter k over successful replicates. */
SC_NODISCARD sc_status sc_boot_param_interval(const sc_boot *boot, size_t k, double level,
                                              double *lo, double *hi);
/* Percentile interval of the prediction at one point x (nx values), observation scale. */
SC_NODISCARD sc_status sc_boot_predict_interval(const sc_boot *boot, const sc_law *law,
                                                const double *x, double level, double *lo,
                                                double *hi);

/* SHA-256 (FIPS 180-4) of n bytes: the digest, or its 64 lower-case hex digits. */
void sc_sha256(const void *data, size_t n, unsigned char digest[32]);
void sc_sha256_hex(const void *data, size_t n, char hex[65]);

/* Deterministic 64-bit stream seed for (seed, index) (SplitMix64); used for per-start and
 * per-replicate RNGs. */
uint64_t sc_seed_mix(uint64_t seed, uint64_t index);

/* ==========================================================================================
 * Section: report: figures and the HTML report (src/report)
 * ========================================================================================== */

/* Figures (PLplot, cairo driver). A plot is described first (series, bands, lines) and drawn
 * when saved, so that ranges fit all of its content and one plot can be saved in several
 * formats. White background, labelled axes, a legend for labelled items. */
typedef struct sc_plot sc_plot;

typedef enum sc_axis { SC_AXIS_LINEAR = 0, SC_AXIS_LOG = 1 } sc_axis;

typedef enum sc_mark {
    SC_MARK_POINTS = 0, /* filled circles */
    SC_MARK_LINE = 1,   /* solid line */
    SC_MARK_DASHED = 2, /* dashed line */
    SC_MARK_CROSSES = 3,/* crosses (e.g. held-out points) */
    SC_MARK_OPEN = 4    /* open circles */
} sc_mark;

/* Colours index a fixed, colour-blind-friendly palette (0..7; taken modulo 8). */
SC_NODISCARD sc_status sc_plot_new(const char *title, const char *xlabel, const char *ylabel,
                                   sc_axis xaxis, sc_axis yaxis, sc_plot **out);
void sc_plot_free(sc_plot *plot);
/* Adds n points (copied). Non-finite points, and non-positive ones on a log axis, are skipped.
 * label may be NULL (no legend entry). */
SC_NODISCARD sc_status sc_plot_series(sc_plot *plot, const char *label, const double *x,
                                      const double *y, size_t n, sc_mark mark, int colour);
/* A shaded band between lo and hi over x (e.g. a bootstrap interval). */
SC_NODISCARD sc_status sc_plot_band(sc_plot *plot, const char *label, const double *x,
                                    const double *lo, const double *hi, size_t n, int colour);
/* A vertical line at x (e.g. the fit cutoff), with an optional label. */
SC_NODISCARD sc_status sc_plot_vline(sc_plot *plot, double x, const char *label);
/* Names the points of the item added last (n must be its number of points; copied): the report
 * shows a point's name on hover, and a figure with at most 16 named points writes the names
 * beside them. */
SC_NODISCARD sc_status sc_plot_point_labels(sc_plot *plot, const char *const *labels, size_t n);
/* Items added after this call belong to group (a law, a model family), which the report's
 * interactive figure shows and hides together. NULL (the default): a labelled item is its own
 * group and an unlabelled one joins the group of the item before it. */
SC_NODISCARD sc_status sc_plot_group(sc_plot *plot, const char *group);
/* A categorical x axis (linear plots only): x = 1..n stand for names[0..n-1], which label the
 * ticks in place of numbers. */
SC_NODISCARD sc_status sc_plot_xcategories(sc_plot *plot, const char *const *names, size_t n);
/* Fixes an axis range instead of fitting it to the content (NaN leaves that end automatic). */
void sc_plot_xrange(sc_plot *plot, double lo, double hi);
void sc_plot_yrange(sc_plot *plot, double lo, double hi);
/* Draws the plot into path; the format follows the extension: .png, .svg or .pdf. The file is
 * written completely or not at all. Beside it, PATH.json describes the figure as data (written
 * with it, or neither is left): {"scalecast_figure": 1, "title", "x" and "y": {"label",
 * "scale": "linear"|"log", "range": [lo, hi] as drawn, "categories" for a categorical axis},
 * "items": [{"kind": points|open|crosses|line|dashed|band|vline, "label", "group", "colour",
 * "n", "x", "y" (a band's lower edge), "hi" (a band's upper edge), "labels" (point names)}],
 * "labels_drawn": point names written in the figure}; non-finite values are null. A figure
 * written to a device or FIFO gets no description. sc_report_figure embeds it as an
 * interactive figure. */
SC_NODISCARD sc_status sc_plot_save(const sc_plot *plot, const char *path, sc_error *err);

/* A self-contained HTML report that works offline: it opens with the title, a summary and the
 * headline forecast table, then a table of contents of the sections (level-2 and level-3
 * headings), the content in the order it was added, and provenance at the foot (scalecast's
 * version, the date, the commands, and every input and embedded file with its SHA-256). Tables
 * are sortable, numbers right-aligned; figures with a description beside them (PATH.json from
 * sc_plot_save) are interactive (point names on hover, groups toggled, the value read at any x
 * on a chosen curve and its band), with the image kept for print and as a fallback. The page
 * runs only its own script, pinned with its style sheet by a Content-Security-Policy hash; all
 * text is escaped, figure data sits in JSON blocks escaped for <script> context. Content is
 * appended in order; sc_report_save writes it completely or not at all. */
typedef struct sc_report sc_report;
SC_NODISCARD sc_status sc_report_new(const char *title, sc_report **out);
void sc_report_free(sc_report *r);
/* The date given in the provenance (default: when sc_report_new ran). */
void sc_report_set_date(sc_report *r, long long unix_seconds);
/* A paragraph under the title, before the headline table. */
SC_NODISCARD sc_status sc_report_summary(sc_report *r, const char *text);
SC_NODISCARD sc_status sc_report_heading(sc_report *r, int level, const char *text);
SC_NODISCARD sc_status sc_report_paragraph(sc_report *r, const char *text);
/* Preformatted text (e.g. a command line or a fitted formula). */
SC_NODISCARD sc_status sc_report_code(sc_report *r, const char *text);
/* The contents of a text file, preformatted. */
SC_NODISCARD sc_status sc_report_code_file(sc_report *r, const char *path, sc_error *err);
/* A table: header has ncols names; cells is nrows x ncols strings (row-major, NULL = empty). */
SC_NODISCARD sc_status sc_report_table(sc_report *r, const char *caption,
                                       const char *const *header, size_t ncols,
                                       const char *const *cells, size_t nrows);
/* Embeds an image file (.svg or .png, as an image: an SVG's scripts never run) with a caption
 * and an alt text; interactive when PATH.json describes it (an unreadable description is an
 * error). */
SC_NODISCARD sc_status sc_report_figure(sc_report *r, const char *image_path, const char *caption,
                                        sc_error *err);
/* One row of the headline table. Strings may be NULL; numbers NaN when not known. */
typedef struct sc_report_forecast {
    const char *benchmark;
    const char *target;        /* what is forecast, e.g. "7B, 2T tokens"; NULL: from N, D, C */
    double N, D, C;
    const char *law;
    double value, lo, hi;      /* lo, hi NaN: no interval */
    double level;              /* of the interval, e.g. 0.9 */
    double observed;           /* the measured value when known (a backtest), else NaN */
    const char *trust, *reasons;
    const char *status;        /* "ok", "failed", "out_of_range"; NULL or "ok": value shown */
} sc_report_forecast;
/* Adds rows to the headline table at the top of the page. */
SC_NODISCARD sc_status sc_report_forecasts(sc_report *r, const char *caption,
                                           const sc_report_forecast *rows, size_t n);
/* Headline rows from a JSON file: forecasts ({"forecasts": [{benchmark, target, N, D, C, law,
 * value, lo, hi, level, trust, reasons}]}) or backtest results ({"benchmarks": [...]}: per
 * benchmark the law with the smallest held-out error, at the largest held-out run). */
SC_NODISCARD sc_status sc_report_forecast_file(sc_report *r, const char *path, sc_error *err);
/* Provenance: a command that produced the report's content, and an input file (hashed; a
 * folder by the digest of its sorted files' names and digests, as sc_sha256_file). */
SC_NODISCARD sc_status sc_report_command(sc_report *r, const char *command_line);
SC_NODISCARD sc_status sc_report_input(sc_report *r, const char *path, sc_error *err);
SC_NODISCARD sc_status sc_report_save(const sc_report *r, const char *path, sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: direct downstream laws and backtests (Krajewski et al. 2025)
 * ========================================================================================== */

/* Direct laws (descriptors; also reachable by name through sc_law_find once registered).
 * Q is accuracy, Q0 the chance level, Q' = (Q - Q0)/(1 - Q0), C training FLOPs, logs natural.
 * The laws in LOGLOG space are fitted to y = Q' (normalise with sc_chance_normalise first). */
extern const sc_law sc_law_powerlaw;      /* Eq. 2: -log Q' = A C^-alpha; theta (a, alpha), A = e^a */
extern const sc_law sc_law_powerlaw_qmax; /* Eq. 10: -log Q' = A C^-alpha + E; theta (a, alpha, e) */
extern const sc_law sc_law_bnsl;          /* Eq. 1: Q = a + b C^-c0 (1 + (C/d1)^(1/f1))^(-c1 f1);
                                             theta (a, b, c0, c1, f1, g1 = log10 d1), raw Q */
extern const sc_law sc_law_multitpr;      /* Eq. 4: -log Q' = A N^-alpha + B D^-beta;
                                             theta (a, alpha, b, beta), x = (N, D) */
/* Two-stage baselines (Krajewski et al. 2025, Sec. 5): stage 1 L = (C/Cn)^alpha fitted as
 * log L = c + alpha log C (theta (c, alpha), Cn = e^(-c/alpha)); stage 2 maps the loss L to
 * accuracy, linearly (theta (a, b): Q = a + b L) or by a logistic
 * (theta (a, b, k, L0): Q = a / (1 + exp(-k (L - L0))) + b). */
extern const sc_law sc_law_loss_power;
extern const sc_law sc_law_acc_linear;
extern const sc_law sc_law_acc_logistic;

/* The box of BNSL random starts (Krajewski et al. 2025, App.): a in [-2,5], b in [0,50],
 * c0, c1, f1 in [0.1,3], log10 d1 in [18,24]. lo and hi receive 6 values each. */
void sc_bnsl_box(double *lo, double *hi);
/* BNSL starts: k draws uniform in the box (GSL mt19937 seeded from seed), then the same draws
 * with (a, b) replaced by their least-squares values for the drawn shape (c0, c1, f1, d1)
 * (variable projection; skipped where that regression is singular). theta0 holds 2 k x 6
 * values; *nout receives the number of starts written (k <= *nout <= 2 k). */
SC_NODISCARD sc_status sc_bnsl_starts(const double *C, const double *y, size_t n, size_t k,
                                      uint64_t seed, double *theta0, size_t *nout);
/* The BNSL fit of the backtest: least squares (Levenberg-Marquardt) from the sc_bnsl_starts
 * starts, then Huber(1e-3) (BFGS) from the same starts plus the least-squares optimum; the best
 * Huber fit is returned. */
SC_NODISCARD sc_status sc_bnsl_fit(const double *C, const double *y, size_t n, size_t k,
                                   uint64_t seed, int threads, sc_fit **out, sc_error *err);

/* Chance levels. Built-in table by benchmark name (the part of a column name before ':', and
 * prefixes such as "mmlu_stem_val" -> mmlu): ARC, HellaSwag, MMLU, SciQ, OpenBookQA 0.25; PIQA,
 * WinoGrande, BoolQ, COPA, Winograd/WSC, RTE, SST-2, MRPC, QNLI, WiC, MultiRC 0.5; CSQA /
 * commonsense_qa 0.2 (5-way); SocialIQA / siqa, CommitmentBank, MNLI, ANLI 1/3; LogiQA, RACE
 * 0.25; generative tasks (lambada, gsm8k, triviaqa, webqs, math, humaneval, mbpp, lbpp, squad,
 * drop, coqa, naturalqs, nq_open, record) 0. Returns SC_EUNKNOWN when the name is not in the table. */
SC_NODISCARD sc_status sc_chance_level(const char *benchmark, double *q0);
/* A chance file: CSV with columns benchmark,chance (chance in [0, 1)). *names (n strings) and
 * *values are malloc'ed; free each name, then both arrays. */
SC_NODISCARD sc_status sc_chance_read(const char *path, char ***names, double **values, size_t *n,
                                      sc_error *err);
/* Q' = (Q - Q0) / (1 - Q0) and back. */
double sc_chance_normalise(double q, double q0);
double sc_chance_denormalise(double qn, double q0);
/* Marks the points usable for a fit in chance-normalised space: keep[i] = 1 when
 * q[i] > q0 + margin and q[i] < 1. Errors: SC_EDOMAIN when some q[i] lies outside [0, 1] or is
 * NaN (err->line = i + 1, message names the value); SC_ECHANCE when no point is kept. *nexcluded
 * counts the points at or below q0 + margin (the caller warns with it; never silent). */
SC_NODISCARD sc_status sc_chance_filter(const double *q, size_t n, double q0, double margin,
                                        unsigned char *keep, size_t *nexcluded, sc_error *err);

/* Error metrics of predictions yhat against observations y over n points:
 * MRE = mean |yhat - y| / |y| in percent, MAE, MSE, RMSE and R^2 = 1 - SSE / SST (NaN when the
 * observations are constant or n < 2). SC_EINVAL when n == 0 or a value is not finite;
 * SC_EDOMAIN when some y is 0 (MRE undefined). */
typedef struct sc_metrics {
    size_t n;
    double mre; /* percent */
    double mae, mse, rmse, r2;
} sc_metrics;
SC_NODISCARD sc_status sc_metrics_compute(const double *y, const double *yhat, size_t n,
                                          sc_metrics *m);

/* Runs for the direct laws: a table with one row per training run and the numeric columns
 * "C" (training FLOPs), "N" (parameters), "D" (tokens), "tpr" (tokens per parameter) plus one
 * numeric column per metric, and the text column "run" (a label). */
typedef struct sc_runs_info {
    size_t nruns;
    size_t nduplicates; /* runs dropped because an identical run was already present */
    int approx_flops;   /* 1 when C = 6 N D with N = tokens / tpr (no params column) */
    int olmo;           /* 1 for the OLMo ladder layout */
    size_t nskipped;    /* OLMo: ladder files whose size is unknown, skipped on request */
    size_t nother;      /* OLMo: CSV files not named <size>-<mult>xC..., not read */
    char first_skipped[256];
} sc_runs_info;

/* Apple long-format file (Krajewski et al. 2025 data release): rows of
 * (flops?, params?, tokens, benchmark, metric_type, score, tpr) pivoted into one row per run
 * (sc_table_pivot), metric columns named "benchmark:metric_type" (e.g. "arc_easy:acc_norm").
 * When the file has no params/flops columns, N = tokens / tpr and C = 6 N D (an
 * approximation: the true tokens/params ratio differs from the nominal tpr by up to ~10%).
 * A run listed twice (same flops, params, tokens and tpr) is kept once, the first copy, and
 * counted in info->nduplicates. */
SC_NODISCARD sc_status sc_runs_load_apple(const char *path, sc_table **out, sc_runs_info *info,
                                          sc_error *err);
/* OLMo ladder folder of <size>-<mult>xC[-rerun].csv files (Bhagia et al. 2024). The last
 * checkpoint of each run (largest _step) unless all_checkpoints; C =
 * throughput/total_training_Gflops * 1e9, D = throughput/total_tokens, N of each size label from
 * the folder's SOURCE.md ("190M = 190,354,176": the non-embedding counts of the paper's configs),
 * no built-in list. A ladder file whose size is not listed is an error (SC_ENOCOL). Every other column is
 * copied; task accuracies (eval/downstream/<task>_rc_5shot_len_norm, boolq _acc) are also
 * given the short names "<task>:acc_norm" ("boolq:acc") and bits per byte "<task>:bpb". */
SC_NODISCARD sc_status sc_runs_load_olmo(const char *dir, int all_checkpoints, sc_table **out,
                                         sc_runs_info *info, sc_error *err);
/* The same with the sizes given (label -> N; NULL: from SOURCE.md); skip_missing turns a file of
 * unknown size into a counted skip (info->nskipped) instead of an error. */
typedef struct sc_olmo_size {
    char label[32];
    double N;
} sc_olmo_size;
SC_NODISCARD sc_status sc_runs_load_olmo_sized(const char *dir, int all_checkpoints,
                                               const sc_olmo_size *sizes, size_t nsizes,
                                               int skip_missing, sc_table **out,
                                               sc_runs_info *info, sc_error *err);
/* Either of the above: a directory is read as an OLMo ladder, a file as an Apple file. */
SC_NODISCARD sc_status sc_runs_load(const char *path, int all_checkpoints, sc_table **out,
                                    sc_runs_info *info, sc_error *err);

/* Backtest: fit every law on the runs with C <= cutoff (and tpr <= tpr_fit_max for multitpr)
 * and predict the others. */
typedef enum sc_bt_model {
    SC_BT_POWERLAW = 0,
    SC_BT_POWERLAW_QMAX = 1,
    SC_BT_BNSL = 2,
    SC_BT_MULTITPR = 3,
    SC_BT_TWOSTAGE_LINEAR = 4,
    SC_BT_TWOSTAGE_LOGISTIC = 5,
    SC_BT_NMODELS = 6
} sc_bt_model;
/* "powerlaw", "powerlaw-qmax", "bnsl", "multitpr", "twostage-linear", "twostage-logistic". */
const char *sc_bt_model_name(sc_bt_model m);
SC_NODISCARD sc_status sc_bt_model_find(const char *name, sc_bt_model *m);

typedef struct sc_backtest_opts {
    double cutoff;       /* fit on C <= cutoff (INFINITY: no compute cutoff) */
    double max_n;        /* also hold out runs with N > max_n (NaN: no) */
    double tpr;          /* use only runs with this tpr (NaN: all runs) */
    double tpr_fit_max;  /* also hold out runs with tpr above (NaN: no) */
    const char *const *benchmarks; /* metric column names; NULL: the defaults of the data */
    size_t nbench;
    const double *chance;  /* nbench chance levels or NULL (NaN entries: built-in table) */
    const sc_bt_model *models; /* NULL: the default models (see sc_backtest_run) */
    size_t nmodels;
    const char *loss;      /* loss column for the two-stage models ("bpb": each benchmark's
                              "<task>:bpb" column); NULL: skip them */
    double margin;         /* fit only points more than margin above chance (direct laws) */
    size_t bnsl_starts;    /* BNSL box draws (default 100; see sc_bnsl_fit) */
    uint64_t seed;
    int threads;
} sc_backtest_opts;
void sc_backtest_opts_init(sc_backtest_opts *o); /* margin 0.05, 100 BNSL starts, seed 1 */

typedef struct sc_bt_cell {
    sc_status status;    /* SC_OK, or why this law could not be fitted */
    char why[512];
    size_t nfit, nheld, nexcluded; /* fit points used, held-out points, at-chance exclusions */
    sc_metrics m;        /* on the held-out runs */
    size_t p;
    double theta[8];     /* fitted parameters (two-stage: stage 1 then stage 2) */
    double loss;         /* fit objective (stage 2 for two-stage) */
    int converged;
    size_t nbest, nstarts;
    double *pred;        /* nheld predictions, in the order of the benchmark's held-out runs */
} sc_bt_cell;

typedef struct sc_bt_bench {
    char *name;           /* metric column */
    double chance;
    size_t n;             /* runs with a value */
    double *C, *N, *D, *tpr, *y, *loss; /* n each (loss NaN when absent) */
    unsigned char *held;  /* 1 = held out */
    size_t nheld;
    int near_chance;      /* fewer than a quarter of the fit runs clear chance + margin */
} sc_bt_bench;

typedef struct sc_backtest {
    size_t nbench, nmodels;
    sc_bt_model models[SC_BT_NMODELS];
    sc_bt_bench *bench;   /* nbench */
    sc_bt_cell *cell;     /* nbench x nmodels, row-major */
    /* Means per model (index as in models) over the benchmarks it was fitted to (nmean), and
     * over those of them that are not near chance (nmean_ok). */
    double mean_mre[SC_BT_NMODELS], mean_mae[SC_BT_NMODELS];
    double mean_mre_ok[SC_BT_NMODELS], mean_mae_ok[SC_BT_NMODELS];
    size_t nmean[SC_BT_NMODELS], nmean_ok[SC_BT_NMODELS];
    sc_backtest_opts opts;
} sc_backtest;

/* Runs the backtest on a runs table (sc_runs_load). Errors: SC_ENOCOL for an unknown metric or
 * loss column (naming the benchmarks or loss columns that exist), SC_EUNKNOWN for a benchmark
 * with no built-in chance level and none given, SC_EDOMAIN for an accuracy outside [0, 1]
 * (naming the run), SC_ETOOFEW when the cutoff leaves no run to predict. A law that cannot be
 * fitted to a benchmark (fewer fit runs than parameters: SC_ETOOFEW; every fit point at chance:
 * SC_ECHANCE; no convergence) is recorded in its cell (status, why); when no cell at all could
 * be fitted, the first such reason is returned as the error. Defaults: the benchmarks of the
 * data (see docs/direct-laws.md), every law (multitpr only when the runs have several tpr, the
 * two-stage laws only with a loss column). */
SC_NODISCARD sc_status sc_backtest_run(const sc_table *runs, const sc_backtest_opts *opts,
                                       sc_backtest **out, sc_error *err);
void sc_backtest_free(sc_backtest *bt);
/* Predictions of model m for benchmark b at n compute values along the benchmark's runs (for
 * multitpr, N and D follow C at the median tpr of the fit runs). NaN when the cell failed. */
void sc_backtest_curve(const sc_backtest *bt, size_t b, size_t m, const double *C, size_t n,
                       double *y);
/* Bootstrap band (level, e.g. 0.9) of model m's curve: B resamples of the fit runs, refitted
 * from the best parameters. lo and hi receive n values. */
SC_NODISCARD sc_status sc_backtest_band(const sc_backtest *bt, size_t b, size_t m, size_t B,
                                        double level, const double *C, size_t n, double *lo,
                                        double *hi, sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: fit recipes and the runs table (shared by fit, backtest and forecast)
 * ========================================================================================== */

/* What a recipe's law is fitted against. */
typedef enum sc_recipe_input {
    SC_RIN_C = 0,   /* training compute C */
    SC_RIN_ND = 1,  /* parameters N and tokens D */
    SC_RIN_LOSS = 2 /* two-stage: C -> loss (stage 1, sc_law_loss_power) -> accuracy */
} sc_recipe_input;

/* How one law is fitted: one row per law in one table, so that backtest, fit and forecast
 * fit every law the same way. */
typedef struct sc_recipe {
    const char *name;       /* "powerlaw", "powerlaw-qmax", "bnsl", "multitpr",
                               "twostage-linear", "twostage-logistic" */
    const sc_law *law;      /* the law fitted to accuracy (stage 2 of a two-stage route) */
    sc_recipe_input input;
    int normalised;         /* fitted to chance-normalised Q' (needs a chance level) */
    sc_loss loss;
    double huber_delta;
    double tol;             /* 0: the engine's default */
    size_t max_iter;        /* 0: the engine's default */
    size_t nrandom;         /* random starts in the law's box (BNSL), 0: the law's grid */
    int by_default;         /* a default candidate of the forecast */
    int screen;             /* multistart screening (SC_SCREEN_ON): starts stopped early, the
                               best polished */
    int ls_newton;          /* least squares by damped Newton (sc_fit_opts.ls_newton) */
} sc_recipe;

/* The table (n rows) and lookup by name (NULL when unknown). */
const sc_recipe *sc_recipes(size_t *n);
const sc_recipe *sc_recipe_find(const char *name);
/* Parameters of the route (two-stage: 2 of stage 1 plus the stage-2 law's). */
size_t sc_recipe_nparam(const sc_recipe *r);
/* Engine options of the recipe. lo and hi (8 values each) receive the box of random starts. */
void sc_recipe_fit_opts(const sc_recipe *r, uint64_t seed, int threads, sc_fit_opts *fo,
                        double *lo, double *hi);

/* One fitted route. */
typedef struct sc_rfit {
    const sc_recipe *recipe;
    double chance;          /* Q0 used by a normalised law */
    size_t p, n, nexcluded; /* parameters, points fitted, points at chance + margin left out */
    double theta[10];       /* two-stage: stage 1 (c, alpha), then stage 2 */
    double loss;            /* objective of the (stage-2) fit */
    int converged;
    double resid_sd;        /* sd of the residuals in accuracy, sqrt(SSE / max(1, n - p)) */
} sc_rfit;

/* Fits recipe r to n points (C, N, D, loss L may be NULL when not needed; y accuracy in
 * [0, 1]). A normalised law fits only the points more than margin above chance. start
 * (sc_recipe_nparam values) replaces the default starts when not NULL (bootstrap refits).
 * Errors: SC_ETOOFEW (fewer usable points than parameters), SC_ECHANCE (every point at
 * chance + margin), SC_ENOCONV, SC_EDOMAIN. */
SC_NODISCARD sc_status sc_rfit_run(const sc_recipe *r, const double *C, const double *N,
                                   const double *D, const double *L, const double *y, size_t n,
                                   double chance, double margin, const double *start,
                                   uint64_t seed, int threads, sc_rfit *out, sc_error *err);
/* Accuracy predicted at (C, N, D); NaN when undefined. */
double sc_rfit_predict(const sc_rfit *f, double C, double N, double D);
/* Two-stage: the intermediate loss predicted at C (NaN for the direct laws). */
double sc_rfit_predict_loss(const sc_rfit *f, double C);

/* The runs table: one row per run or checkpoint, read the same way for every command. Columns:
 * text "run" (the run's name; checkpoints of a run share it) and "group" (run family, data
 * mixture or token/parameter ratio; missing when unknown), numeric "step" (NaN when unknown),
 * "N" (parameters), "D" (training tokens), "C" (training FLOPs), "tpr" (D / N), then one numeric
 * column per metric. */
typedef enum sc_ckpt_mode {
    SC_CKPT_LAST = 0, /* the last checkpoint (largest step) of each run */
    SC_CKPT_ALL = 1,  /* every checkpoint */
    SC_CKPT_LATE = 2  /* checkpoints with step >= late x the run's last step */
} sc_ckpt_mode;

typedef struct sc_runs_opts {
    /* Column names of a generic CSV; NULL: the first present of run: run, model, model_name,
     * name; N: N, params, num_params, n_params; D: D, tokens, train_tokens; step: step, steps,
     * _step, Step; group: group. */
    const char *run_col, *n_col, *d_col, *step_col, *group_col;
    /* The C column. NULL: C = 6 N D for every row (the one C rule), whatever C-like columns the
     * file has. */
    const char *c_col;
    /* Long CSV (one row per run x benchmark [x metric]): the benchmark, metric and value columns;
     * NULL: "benchmark", "metric", "value" when the file has benchmark and value columns. */
    const char *bench_col, *metric_col, *value_col;
    const char *sizes;   /* sizes table (model,revision,N,D,tokens_per_step) or NULL */
    sc_ckpt_mode ckpt;
    double late;         /* SC_CKPT_LATE fraction in (0, 1] */
    double scale;        /* metric values are divided by it (100 for percent); 0 or 1: none */
    int skip_missing;    /* a run absent from the sizes table or a file that cannot be placed is
                            a counted warning instead of an error */
} sc_runs_opts;
void sc_runs_opts_init(sc_runs_opts *o);

typedef struct sc_runs_meta {
    size_t nruns, nrows;   /* distinct runs, rows kept (checkpoints) */
    size_t nwarnings;      /* rows, runs or files skipped on request (skip_missing) */
    char warning[512];     /* the first of them */
    char layout[32];       /* "csv-wide", "csv-long", "apple", "olmo-ladder", "lmeval" */
    char c_rule[128];      /* "C = 6 N D" or "C from column <name>" */
    char n_rule[160];      /* where N came from and its convention */
    size_t nduplicates;    /* Apple: runs listed twice, kept once */
} sc_runs_meta;

/* Reads npaths inputs (CSV files wide or long, Apple long files, OLMo ladder folders,
 * lm-evaluation-harness results folders) into one runs table; rows of several inputs are
 * appended (metric columns joined by name, NaN where an input lacks one). Errors:
 * SC_ENOCOL (a needed column, a model absent from the sizes table), SC_EDUP (two runs with the
 * same name, or one checkpoint twice), SC_EDOMAIN (N, D or C not > 0), SC_EEMPTY. */
SC_NODISCARD sc_status sc_runs_read(const char *const *paths, size_t npaths,
                                    const sc_runs_opts *opts, sc_table **out,
                                    sc_runs_meta *meta, sc_error *err);
/* Parses "last", "all" or "late:F" (0 < F <= 1). SC_EUNKNOWN otherwise. */
SC_NODISCARD sc_status sc_ckpt_parse(const char *s, sc_ckpt_mode *mode, double *late);

/* ==========================================================================================
 * Section: forecast: from a ladder of runs to the big run, law chosen by backtest
 * ========================================================================================== */

/* A planned run: N and D, or C alone (NaN for what is not given). */
typedef struct sc_fc_target {
    char name[128];
    double N, D, C;
} sc_fc_target;

/* Parses "NAME=C" or "NAME=N:D" (or "NAME=N:D:C" when c_given). SC_EDOMAIN with a message on a
 * bad spec (a name with '=', a number that is not > 0, missing parts). */
SC_NODISCARD sc_status sc_fc_target_parse(const char *spec, int c_given, sc_fc_target *out,
                                          sc_error *err);
/* Reads a CSV with columns name,N,D,C (empty cells allowed). *out is malloc'ed. */
SC_NODISCARD sc_status sc_fc_targets_read(const char *path, sc_fc_target **out, size_t *n,
                                          sc_error *err);

typedef struct sc_forecast_opts {
    const char *const *benchmarks; /* metric columns; NULL: every metric column ("all") */
    size_t nbench;
    const char *const *laws;       /* recipe names; NULL: the default candidates */
    size_t nlaws;
    const sc_fc_target *targets;
    size_t ntargets;
    double level;                  /* interval level (default 0.9) */
    const char *loss_column;       /* loss column of the two-stage routes, or NULL */
    const char *const *chance_names; /* nchance benchmark names ("" or "*": every benchmark) */
    const double *chance_values;
    size_t nchance;
    double margin;                 /* direct laws fit points more than margin above chance
                                      (default 0.05, accuracy units) */
    double items;                  /* items per benchmark (binomial noise); NaN: unknown */
    size_t boot;                   /* bootstrap replicates over runs (default 100) */
    double max_backtest_error;     /* trust threshold in accuracy (default 0.05) */
    int c_given;                   /* C comes from a named column: targets need C */
    int skip_missing;              /* a benchmark missing from some runs: skipped, counted */
    uint64_t seed;
    int threads;                   /* 0: OpenMP default; results never depend on it */
    size_t curve_points;           /* > 0: each benchmark's curves and band at this many
                                      compute values (sc_fc_bench.curve_*), for figures */
} sc_forecast_opts;
void sc_forecast_opts_init(sc_forecast_opts *o);

#define SC_FC_MAX_REASONS 10
typedef struct sc_fc_reason {
    char code[24];     /* near_chance, too_few_points, too_few_rungs, far_extrapolation,
                          backtest_error, laws_disagree, degenerate_fit, not_converged,
                          non_monotone, flat, inside_ladder, no_backtest, wide_interval */
    char message[200];
} sc_fc_reason;

typedef enum sc_trust { SC_TRUST_OK = 0, SC_TRUST_CAUTION = 1, SC_TRUST_UNTRUSTED = 2 } sc_trust;
const char *sc_trust_name(sc_trust t);

typedef struct sc_fc_row {
    size_t bench, target;          /* indices into sc_forecast.bench and the targets */
    char target_name[128];
    double N, D, C;
    char law[24], runner_up[24];   /* "" when none */
    double backtest_error;         /* MAE of the chosen law over the folds (NaN: no folds) */
    double runner_up_error;
    double value, lo, hi;          /* accuracy; NaN when status is not ok */
    double runner_up_value;
    double loss;                   /* two-stage: the intermediate loss forecast (else NaN) */
    double sd_param, sd_noise, sd_extrap; /* the interval's parts (accuracy) */
    double ratio;                  /* C / largest C fitted */
    double observed, error;        /* when the target is a run of the input (else NaN) */
    sc_trust trust;
    sc_fc_reason reasons[SC_FC_MAX_REASONS];
    size_t nreasons;
    char status[24];               /* "ok", "failed", "out_of_range" */
    char why[256];
} sc_fc_row;

/* One backtest prediction: law, fold (1 = largest rung held out), held-out run. */
typedef struct sc_fc_pred {
    size_t bench;
    char law[24];
    size_t fold;
    char run[128];
    double N, D, C, ratio;         /* ratio: C / largest C of the fold's fit runs */
    double predicted, observed;
    double lo, hi;                 /* chosen law's calibration prediction only (else NaN) */
    int calibration;               /* counted in the calibration */
} sc_fc_pred;

typedef struct sc_fc_score {
    size_t bench;
    char law[24];
    size_t nfolds, npred;
    double mae;                    /* mean over folds of the fold MAE; NaN when failed */
    char status[24];               /* "ok", "failed", "out_of_range" */
    char why[256];
} sc_fc_score;

typedef struct sc_fc_bench {
    char *name;
    double chance;                 /* NaN when unknown */
    size_t nruns, nrungs, nfolds, npoints;
    char noise_source[24];         /* "items" or "residuals" */
    /* Extrapolation error as a variance inflation max(1, a + b d^2), d = log(C / cmax). */
    double infl_a, infl_b;
    double cmax;                   /* largest C fitted */
    double tpr_median;             /* median D / N of the runs (for curves) */
    sc_rfit fit[2];                /* final fits: chosen law, runner-up */
    int has_fit[2];
    /* With opts.curve_points: ncurve compute values from below the smallest run fitted to
     * beyond the largest target, the chosen law's forecast there with its interval (as a
     * target's: bootstrap, noise and the extrapolation term at that distance) and the
     * runner-up's curve; N and D from C at tpr_median; NaN where the law gives no value in
     * [0, 1]. NULL without. */
    size_t ncurve;
    double *curve_C, *curve_value, *curve_lo, *curve_hi, *curve_runner;
    /* With opts.curve_points: the npts points of the final fits (C, accuracy, run name). */
    size_t npts;
    double *pts_C, *pts_y;
    char **pts_run;
} sc_fc_bench;

typedef struct sc_fc_skip {
    char *benchmark;
    char reason[256];
} sc_fc_skip;

typedef struct sc_forecast {
    size_t nbench;
    sc_fc_bench *bench;
    size_t ntargets;
    sc_fc_target *targets;
    size_t nrows;
    sc_fc_row *rows;               /* nbench x ntargets, row-major */
    size_t npred;
    sc_fc_pred *pred;
    size_t nscores;
    sc_fc_score *scores;
    size_t nskipped;
    sc_fc_skip *skipped;
    size_t nmissing;               /* benchmarks skipped by skip_missing */
    struct {
        double level;
        size_t covered, total;
        double mean_width;
    } calibration;
    sc_forecast_opts opts;         /* as given (pointers not kept: NULL) */
} sc_forecast;

/* Runs the forecast on a runs table (sc_runs_read). Errors: SC_ENOCOL (an unknown benchmark,
 * a benchmark missing from some runs without skip_missing, an unknown loss column),
 * SC_EUNKNOWN (an unknown law), SC_EDOMAIN (a bad target: N <= 0, D missing for a law that
 * needs it; a named benchmark that is not an accuracy), SC_EEMPTY (no target, no benchmark
 * left). A law or a forecast that fails is recorded in its row, not returned. */
SC_NODISCARD sc_status sc_forecast_run(const sc_table *runs, const sc_forecast_opts *opts,
                                       sc_forecast **out, sc_error *err);
void sc_forecast_free(sc_forecast *fc);
/* 1 when every forecast row has status ok (a finite value). */
int sc_forecast_all_ok(const sc_forecast *fc);
/* The chosen law's curve of benchmark b at n compute values (N, D from C at the median
 * token/parameter ratio of the runs); NaN when not fitted. which: 0 chosen, 1 runner-up. */
void sc_forecast_curve(const sc_forecast *fc, size_t b, int which, const double *C, size_t n,
                       double *y);

/* Provenance of a forecast for its JSON. */
typedef struct sc_fc_input {
    const char *path;
    char sha256[65];               /* hex digest of the file ("" for a folder: per file below) */
} sc_fc_input;
typedef struct sc_fc_provenance {
    int argc;
    char *const *argv;
    const sc_fc_input *inputs;
    size_t ninputs;
    const sc_runs_meta *runs;
} sc_fc_provenance;
/* Writes the forecast as JSON (format "scalecast.forecast", version 1) with jansson. */
SC_NODISCARD sc_status sc_forecast_write_json(const sc_forecast *fc, const sc_fc_provenance *pv,
                                              FILE *f, sc_error *err);

/* A saved forecast read back (format "scalecast.forecast", version 1): its rows. */
typedef struct sc_fc_saved_row {
    char *benchmark;
    char target[128];
    double N, D, C;
    char law[24];
    double value, lo, hi, level;   /* NaN when null (a failed forecast) */
    char status[24];               /* "ok", "failed", "out_of_range" */
    char trust[16];
} sc_fc_saved_row;
typedef struct sc_fc_saved {
    char *path;
    size_t nrows;
    sc_fc_saved_row *rows;
} sc_fc_saved;
/* Reads forecast JSON. SC_EPARSE naming the file (and line and column for malformed JSON): not
 * a forecast, another version, a row without benchmark or target, a field of the wrong type, a
 * row marked ok whose value is not inside its interval within [0, 1]. */
SC_NODISCARD sc_status sc_forecast_read_json(const char *path, sc_fc_saved **out, sc_error *err);
/* The same from len bytes in memory; path names them in messages. */
SC_NODISCARD sc_status sc_forecast_read_json_mem(const char *data, size_t len, const char *path,
                                                 sc_fc_saved **out, sc_error *err);
void sc_fc_saved_free(sc_fc_saved *s);

/* Grading a saved forecast against runs that exist now (a runs table, sc_runs_read): a row
 * whose target names a run gets that run's value of the benchmark at its last checkpoint with
 * one (largest step, else the last listed row). */
typedef struct sc_fc_grade_row {
    size_t bench;                  /* index into sc_fc_grade.bench */
    double observed, error;        /* error = value - observed; NaN unless graded */
    int covered;                   /* observed inside [lo, hi] */
    char status[24];               /* "graded", "no_run" (no run of the target's name),
                                      "no_value" (the run has no value of the benchmark),
                                      "not_forecast" (the saved row has no value) */
} sc_fc_grade_row;
typedef struct sc_fc_grade_sum {
    char *benchmark;               /* NULL in the overall summary */
    size_t rows, n, covered, nmre; /* forecasts, graded, inside their interval, with MRE */
    double mae, rmse, mre;         /* over the graded rows (mre in percent, observed != 0);
                                      NaN when none */
} sc_fc_grade_sum;
typedef struct sc_fc_grade {
    size_t nrows;                  /* as the saved forecast's */
    sc_fc_grade_row *rows;
    size_t nbench;
    sc_fc_grade_sum *bench;        /* per benchmark, in order of first appearance */
    sc_fc_grade_sum all;
    size_t nnamed;                 /* rows whose target names a run */
} sc_fc_grade;
SC_NODISCARD sc_status sc_forecast_grade(const sc_fc_saved *fc, const sc_table *runs,
                                         sc_fc_grade **out, sc_error *err);
void sc_fc_grade_free(sc_fc_grade *g);
/* Writes the grading as JSON (format "scalecast.score", version 1) with jansson. */
SC_NODISCARD sc_status sc_fc_grade_write_json(const sc_fc_saved *fc, const sc_fc_grade *g,
                                              FILE *f, sc_error *err);

/* SHA-256 (FIPS 180-4) of a file as 64 hex digits; a folder hashes the sorted list of its
 * regular files' names and digests. */
SC_NODISCARD sc_status sc_sha256_file(const char *path, char hex[65], sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: observational scaling laws (Ruan et al. 2024)
 * ========================================================================================== */

/* Observational scaling laws (Ruan, Maddison, Hashimoto, "Observational Scaling Laws and the
 * Predictability of Language Model Performance", NeurIPS 2024, arXiv 2405.10938). A benchmark
 * matrix B (models x metrics, values in [0,1]) is imputed, reduced to a few principal
 * components S (capabilities), and a target metric is linked to S by a floored sigmoid. */

/* --- Iterative low-rank PCA imputation (src/prep/impute.c) --- */
typedef struct sc_impute_opts {
    size_t rank;       /* components of the reconstruction; default 1 */
    double tol;        /* stop when no imputed cell changes by tol or more (standardised units);
                        * default 1e-4 */
    size_t max_rounds; /* default 1000 */
    double lo, hi;     /* clip range after unstandardising; lo > hi or NaN: no clipping;
                        * default [0, 1] */
} sc_impute_opts;
void sc_impute_opts_init(sc_impute_opts *opts);

typedef struct sc_impute_info {
    size_t nmissing_train, nmissing_test; /* cells imputed */
    size_t rounds_train, rounds_test;     /* rounds run (0 when nothing was missing) */
    int converged_train, converged_test;  /* the change criterion was met */
    double change_train, change_test;     /* largest change of an imputed cell in the last round */
} sc_impute_info;

/* Fills the NaN cells of train (ntrain x p) in place by iterative rank-r PCA fitted on train
 * only: standardise with the observed training mean and sd (sd 0 -> 1), fill with the mean,
 * then repeat {PCA of the filled matrix, overwrite only the missing cells with the rank-r
 * reconstruction} until the largest change of a missing cell is < tol; unstandardise; clip.
 * test (ntest x p, may be NULL) is filled with the same standardisation and the final training
 * components. Errors: SC_ETOOFEW with fewer than 2 training rows or rank >= min(ntrain, p);
 * SC_EEMPTY when a column has no observed training value (message names column index j+1). A
 * run that stops at max_rounds returns SC_OK with info->converged_* = 0. */
SC_NODISCARD sc_status sc_impute_pca(double *train, size_t ntrain, double *test, size_t ntest,
                                     size_t p, const sc_impute_opts *opts, sc_impute_info *info,
                                     sc_error *err);

/* --- PCA, mean-centred, not standardised (src/prep/pca.c) --- */
typedef struct sc_pca {
    size_t n, p;        /* rows fitted on, variables */
    size_t k;           /* components kept */
    size_t nall;        /* components with variance reported: min(n - 1, p) */
    double *mean;       /* p column means */
    double *components; /* k x p orthonormal rows; the sign of each is fixed so that its entry
                         * of largest magnitude is positive */
    double *variance;   /* nall explained variances (denominator n - 1) */
    double *ratio;      /* nall explained variance ratios (of the total variance) */
    double total_variance;
} sc_pca;

/* Fits k components to X (n x p, no NaN). SC_ETOOFEW when n <= k ("need more models than
 * components") or k > p or k == 0; SC_EDOMAIN on a non-finite cell. Uses GSL's SVD. */
SC_NODISCARD sc_status sc_pca_fit(const double *X, size_t n, size_t p, size_t k, sc_pca **out,
                                  sc_error *err);
void sc_pca_free(sc_pca *pca);
/* Scores S (m x k) = (X - mean) components^T for m rows X (m x p). */
void sc_pca_transform(const sc_pca *pca, const double *X, size_t m, double *S);

/* --- Floored sigmoid link y = (1 - b) sigmoid(w . s + w0) + b (src/methods/obs_link.c) --- */
typedef struct sc_link_opts {
    double floor_max;  /* b in [0, floor_max]; default 0.2 */
    sc_loss loss;      /* SC_LOSS_LS (default) or SC_LOSS_HUBER (iteratively reweighted) */
    double huber_delta;/* default 0.1 (observation units) */
    size_t max_iter;   /* per inner Levenberg-Marquardt fit; default 2000 */
} sc_link_opts;
void sc_link_opts_init(sc_link_opts *opts);

typedef struct sc_link {
    size_t k;          /* covariates */
    size_t n;          /* points fitted */
    double *w;         /* k slopes */
    double w0;         /* intercept */
    double b;          /* floor */
    double rss;        /* sum of squared residuals at the fit */
    double loss;       /* objective at the fit (rss, or sum of Huber) */
    int converged;     /* the inner fit at the chosen floor met its test */
    size_t evaluations;/* inner fits run (profile over the floor) */
} sc_link;

/* Fits the link to n points (S: n x k, y: n, no NaN) by least squares with the floor b bounded
 * to [0, floor_max]: b is profiled (grid, then golden section) and (w0, w) fitted by GSL's
 * trust-region Levenberg-Marquardt from two starts at each b. SC_ETOOFEW when n < k + 2. */
SC_NODISCARD sc_status sc_link_fit(const double *S, const double *y, size_t n, size_t k,
                                   const sc_link_opts *opts, sc_link **out, sc_error *err);
void sc_link_free(sc_link *link);
void sc_link_predict(const sc_link *link, const double *S, size_t m, double *y);
/* The linear predictor P = w . s + w0 of one row s (k values). */
double sc_link_linear(const sc_link *link, const double *s);

/* --- The observational pipeline on arrays (src/methods/obs.c) --- */
typedef enum sc_obs_split {
    SC_OBS_SPLIT_CUTOFF = 0, /* train: FLOPs <= cutoff; models without FLOPs go to test */
    SC_OBS_SPLIT_TOP = 1,    /* test: the top fraction of models by the target */
    SC_OBS_SPLIT_GIVEN = 2   /* test: rows with is_test[i] != 0 */
} sc_obs_split;

typedef struct sc_obs_data {
    size_t n, p;
    const char *const *model;   /* n names */
    const char *const *family;  /* n family names (NULL entries: no family) or NULL */
    const char *const *metric;  /* p metric names */
    const double *B;            /* n x p benchmark matrix, NaN = missing */
    const double *flops;        /* n training FLOPs (any fixed unit), NaN unknown; or NULL */
    const double *y;            /* n target values, NaN = missing; or NULL (PCA only) */
    const unsigned char *is_test; /* n, for SC_OBS_SPLIT_GIVEN */
    const double *size;         /* n parameter counts (any fixed unit), NaN unknown; or NULL */
} sc_obs_data;

typedef struct sc_obs_opts {
    size_t k;                  /* components; default 3 */
    sc_obs_split split;        /* default SC_OBS_SPLIT_CUTOFF */
    double cutoff;             /* same unit as flops; default 84 (1e21 FLOPs) */
    double top_fraction;       /* SC_OBS_SPLIT_TOP: default 0.1 (floor(fraction * n) models) */
    const char *reference_family; /* default "Llama-2" */
    size_t select_budget;      /* > 0: V-optimal family selection with at most this many models */
    size_t select_random;      /* > 0: also score this many random family sets of the same size
                                * (budget - 2 to budget models, reference kept) as a baseline */
    uint64_t seed;             /* for the random sets; default 1 */
    sc_impute_opts impute;
    sc_link_opts link;
} sc_obs_opts;
void sc_obs_opts_init(sc_obs_opts *opts);

/* Per-family efficiency: P = slope log C + intercept (natural log of the FLOPs unit). */
typedef struct sc_obs_family {
    char *name;
    size_t nmodels;            /* models of the family in the fit (train and test) */
    size_t nflops;             /* of them with FLOPs */
    int fitted;                /* 0 when fewer than 2 models with distinct FLOPs */
    double slope, intercept;
} sc_obs_family;

typedef struct sc_obs_result {
    size_t n, p, k;            /* rows used (target present), metrics, components */
    size_t *row;               /* n indices into the input rows */
    unsigned char *is_test;    /* n */
    size_t ntrain, ntest;
    double *B;                 /* n x p imputed and clipped matrix */
    sc_impute_info impute;
    sc_pca *pca;               /* fitted on the training rows */
    double *S;                 /* n x k scores */
    /* Target (absent when data->y == NULL): */
    sc_link *link;             /* on S */
    double *pred;              /* n predictions */
    double *P;                 /* n linear predictors w . S + w0 */
    double mse_train, mse_test;
    /* log-FLOPs baseline on the rows with FLOPs (NULL when no flops or too few) */
    sc_link *flink;
    double *fpred;             /* n (NaN where FLOPs unknown) */
    double fmse_train, fmse_test;
    size_t fntest;             /* test rows the baseline could score */
    double pc_mse_test_same;   /* PC link test MSE on those same rows */
    /* log-N (parameters) baseline, likewise (NULL when no sizes or too few) */
    sc_link *nlink;
    double *npred;
    double nmse_train, nmse_test;
    size_t nntest;
    double pc_mse_test_same_n; /* PC link test MSE on the rows the log-N baseline scores */
    /* Family efficiency and equivalent FLOPs (Eq. 7-8): */
    sc_obs_family *families;
    size_t nfamilies;
    long reference;            /* index into families, -1 when not fitted */
    double *eq_flops;          /* n equivalent FLOPs relative to the reference family or NaN */
    /* V-optimal selection (select_budget > 0): */
    size_t nselected_families;
    char **selected_families;
    size_t nselected_models;
    double select_objective;   /* trace(S^T S (S_M^T S_M)^-1) of the chosen set */
    sc_link *select_link;      /* link fitted on the selected models only */
    double select_mse_test, select_mse_train;
    size_t select_searched;    /* subsets evaluated */
    size_t nrandom;            /* random sets scored (select_random > 0) */
    double random_mse_median;  /* median test MSE of the link fitted on a random set */
    double random_mse_mean;
    size_t random_better;      /* random sets with a lower test MSE than the V-optimal set */
    /* Warnings (family with one model, non-converged imputation or fit, ...). */
    char **warnings;
    size_t nwarnings;
} sc_obs_result;

/* Runs the pipeline: drops rows whose target is NaN (when y is given), splits, imputes on the
 * training rows, fits the PCA on the training rows, fits the link and the log-FLOPs baseline on
 * the training rows, measures train / test MSE, fits family efficiencies and equivalent FLOPs,
 * and optionally selects families. Errors: SC_ETOOFEW (fewer training models than components
 * plus one, or than link parameters), SC_EEMPTY (no training row with a target value),
 * SC_EDOMAIN (B outside [0,1], FLOPs <= 0). */
SC_NODISCARD sc_status sc_obs_run(const sc_obs_data *data, const sc_obs_opts *opts,
                                  sc_obs_result **out, sc_error *err);
void sc_obs_result_free(sc_obs_result *r);

/* The paper's default set-up (see data/obsscaling/SOURCE.md): NULL-terminated lists of the 21
 * default model families, the 8 default metrics and the 20 models released later (names
 * without the organisation prefix). */
const char *const *sc_obs_default_families(void);
const char *const *sc_obs_default_metrics(void);
const char *const *sc_obs_later_models(void);
/* 1 when model ("org/name" or "name") is one of the later models. */
int sc_obs_is_later_model(const char *model);

/* Inner join of tables on a text key column (rows of the first table whose key is in every
 * other table, in the first table's order); columns of later tables whose names already exist
 * are skipped. SC_ENOCOL when a table lacks the key; SC_EDUP on a repeated key. */
SC_NODISCARD sc_status sc_obs_join(const sc_table *const *tables, size_t ntables,
                                   const char *key, sc_table **out, sc_error *err);

/* Arrays for sc_obs_run read from a table (owned copies). */
typedef struct sc_obs_table_data {
    sc_obs_data data; /* points into the arrays below */
    char **model, **family, **metric;
    double *B, *flops, *y, *size;
    size_t *line;     /* n source lines of the rows (0 when unknown) */
} sc_obs_table_data;

typedef struct sc_obs_columns {
    const char *model;   /* default "Model" */
    const char *family;  /* default "Model Family"; absent column: no families */
    const char *flops;   /* default "FLOPs (1E21)"; absent column: no FLOPs */
    const char *size;    /* default "Model Size (B)"; absent column: no sizes */
    const char *const *metrics; /* PCA inputs; NULL: sc_obs_default_metrics() */
    size_t nmetrics;
    const char *target;  /* NULL: no target */
    double target_scale; /* the target is divided by it; 0 or 1: none */
    double target_chance;/* then rescaled (y - c) / (1 - c); 0: none */
    const double *metric_scales; /* nmetrics divisors of the metrics (0 or 1: none), or NULL */
} sc_obs_columns;

/* Reads the columns from t, keeping the rows where keep[i] != 0 (keep may be NULL). Every
 * metric and the (rescaled) target must lie in [0, 1]: a value outside gives SC_EDOMAIN at the
 * cell's file, line and column, naming the column and suggesting a declared scale. Text
 * metrics give SC_ETYPE; missing columns SC_ENOCOL; an empty selection SC_EEMPTY. */
SC_NODISCARD sc_status sc_obs_table_data_new(const sc_table *t, const unsigned char *keep,
                                             const sc_obs_columns *cols,
                                             sc_obs_table_data **out, sc_error *err);
void sc_obs_table_data_free(sc_obs_table_data *d);

/* end of section */

/* ==========================================================================================
 * Section: lm-evaluation-harness readers and the metric chain (Schaeffer et al. 2024)
 * ========================================================================================== */

/* --- Aggregated results JSON (lm-evaluation-harness) ------------------------------------
 * Both generations are read: v0.4+ ({"results": {task: {"acc,none": x, ...}}, "config":
 * {"model_args": "pretrained=org/m,revision=step1000", ...}}) and older releases (plain "acc"
 * keys, config.model_args likewise). The table has text columns "model" and "revision" (parsed
 * from model_args: pretrained= or model=, and revision=; missing revision -> missing cell),
 * "source" (the file name), and one numeric column per task and metric named "<task>:<metric>",
 * or "<task>:<metric>,<filter>" when the filter is not "none" ("arc_easy:acc",
 * "arc_easy:acc_stderr"). Non-numeric entries ("alias") are skipped; "N/A" becomes missing. */
SC_NODISCARD sc_status sc_lmeval_results_read(const char *path, sc_table **out, sc_error *err);
SC_NODISCARD sc_status sc_lmeval_results_read_mem(const char *buf, size_t len, const char *name,
                                                  sc_table **out, sc_error *err);
/* Every *.json file under dir (recursively, sorted by path) that has a "results" object: one
 * row per (model, revision), files of the same model and revision merged (the same column
 * twice is SC_EDUP naming both files). SC_EEMPTY when no results file is found. */
SC_NODISCARD sc_status sc_lmeval_results_read_dir(const char *dir, sc_table **out,
                                                  sc_error *err);

/* Parses model_args ("pretrained=org/m,revision=step1000,dtype=float16") into the model id
 * (pretrained= or model=) and the revision ("" when absent). Output strings are truncated to
 * their sizes. Returns 0 when a model id was found, else -1. */
int sc_lmeval_model_args(const char *args, char *model, size_t model_size, char *revision,
                         size_t revision_size);

/* --- Per-sample logs (--log_samples), streamed one document at a time -------------------
 *  SC_LMEVAL_JSONL: v0.4.3+, one JSON object per line and filter; every leaf of
 *      filtered_resps is a string (["-9.73", "False"]), "-inf" for minus infinity; target a
 *      string (the gold index or the gold choice text); arguments {"gen_args_i": {"arg_0":
 *      context, "arg_1": continuation}}.
 *  SC_LMEVAL_ARRAY: up to v0.4.2, one indented JSON array of documents with native numbers
 *      (bare NaN, Infinity, -Infinity accepted, as Python's json writes them), arguments as a
 *      list of [context, continuation] pairs, no "filter" key.
 * Memory is bounded by the largest document, whatever the file size. */
typedef enum sc_lmeval_gen {
    SC_LMEVAL_UNKNOWN = 0,
    SC_LMEVAL_JSONL = 1,
    SC_LMEVAL_ARRAY = 2
} sc_lmeval_gen;

typedef struct sc_lmeval_opts {
    /* The task's target delimiter, stripped from the front of each continuation to get the
     * choice text whose length acc_norm divides by. NULL means " " (the harness default). */
    const char *delimiter;
} sc_lmeval_opts;

/* One document (one filter) of a per-sample log. Pointers are borrowed: valid until the next
 * call of sc_lmeval_samples_next or sc_lmeval_samples_close. */
typedef struct sc_lmeval_doc {
    long long doc_id;
    const char *filter;            /* "none" when the log names none */
    size_t nchoices;               /* M */
    const double *loglik;          /* M log-likelihoods of the continuations (-inf, NaN kept) */
    const unsigned char *greedy;   /* M is-greedy flags */
    const char *const *choice;     /* M continuations as logged, delimiter removed */
    const size_t *len;             /* M character (code point) lengths of choice[j] */
    const char *target_text;       /* the target as logged ("1", or the gold choice text) */
    size_t target;                 /* gold index in [0, M) */
    double acc, acc_norm;          /* per-document values logged by the harness, NaN if absent */
    size_t line;                   /* line of the file where the document starts */
} sc_lmeval_doc;

typedef struct sc_lmeval_samples sc_lmeval_samples;

/* Opens a log (the generation is detected from its first byte: '[' or '{'). opts may be NULL.
 * SC_EIO when unreadable, SC_EEMPTY when the file holds no JSON at all. */
SC_NODISCARD sc_status sc_lmeval_samples_open(const char *path, const sc_lmeval_opts *opts,
                                              sc_lmeval_samples **out, sc_error *err);
/* The same over memory (not copied: buf must outlive the reader); name is used in errors. */
SC_NODISCARD sc_status sc_lmeval_samples_open_mem(const char *buf, size_t len, const char *name,
                                                  const sc_lmeval_opts *opts,
                                                  sc_lmeval_samples **out, sc_error *err);
/* Reads the next document into *doc, or sets *doc = NULL at the end. Errors name the file,
 * line and column: SC_EPARSE for malformed or truncated JSON, SC_ETYPE for a field of the
 * wrong type, SC_EDOMAIN for a target outside the choices or not one of the choice texts. */
SC_NODISCARD sc_status sc_lmeval_samples_next(sc_lmeval_samples *s, const sc_lmeval_doc **doc,
                                              sc_error *err);
sc_lmeval_gen sc_lmeval_samples_generation(const sc_lmeval_samples *s);
/* Bytes consumed so far. */
size_t sc_lmeval_samples_offset(const sc_lmeval_samples *s);
void sc_lmeval_samples_close(sc_lmeval_samples *s);

/* Which of n models (model ids and revisions; a NULL or "" revision matches any) a per-sample
 * log belongs to, and its task:
 *  - v0.4.3+ "samples_<task>_<date>.jsonl": the model_args of "results_<date>.json" in the same
 *    folder (the harness writes both with the same date);
 *  - older "<model_args, '/' and '=' written '__'>_<task>.jsonl": from the file name.
 * *index = the matching model, task (may be NULL) receives the task name. SC_ENOCOL when no
 * model matches ("no row of the models table matches model org/m revision step9"). */
SC_NODISCARD sc_status sc_lmeval_samples_match(const char *path, const char *const *models,
                                               const char *const *revisions, size_t n,
                                               size_t *index, char *task, size_t task_size,
                                               sc_error *err);

/* --- The per-sample metric chain (Schaeffer et al. 2024, "Why has predicting downstream
 * capabilities of frontier AI models with scale remained elusive?", Sec. 3) --------------
 * For a sample with choice log-likelihoods l_1..l_M and gold t:
 *   log p_vocab(correct) = l_t;  p_vocab(correct) = exp(l_t);  p_vocab(choices) = sum_j exp(l_j);
 *   p_choices(correct) = softmax(l)_t;  Brier = (1/M) sum_j (softmax(l)_j - [j = t])^2;
 *   acc = [argmax_j l_j = t];  acc_norm = [argmax_j l_j / len_j = t];
 *   the largest p_choices and p_vocab among wrong choices. */
typedef enum sc_chain_metric {
    SC_CHAIN_LOGP_VOCAB = 0,    /* log p_vocab(correct) */
    SC_CHAIN_P_VOCAB = 1,       /* p_vocab(correct) */
    SC_CHAIN_P_VOCAB_CHOICES = 2,/* p_vocab(choices): mass on all choices */
    SC_CHAIN_P_CHOICES = 3,     /* p_choices(correct) */
    SC_CHAIN_BRIER = 4,         /* Brier score (lower is better) */
    SC_CHAIN_ACC_NORM = 5,      /* length-normalised accuracy */
    SC_CHAIN_ACC = 6,           /* accuracy */
    SC_CHAIN_P_CHOICES_WRONG = 7,/* largest p_choices among wrong choices */
    SC_CHAIN_P_VOCAB_WRONG = 8, /* largest p_vocab among wrong choices */
    SC_CHAIN_NMETRICS = 9
} sc_chain_metric;

/* Short name ("logp_vocab", "p_vocab", "p_vocab_choices", "p_choices", "brier", "acc_norm",
 * "acc", "p_choices_wrong", "p_vocab_wrong"). */
const char *sc_chain_metric_name(sc_chain_metric m);
/* +1 when higher is better, -1 for Brier and the wrong-choice masses. Correlations with compute
 * are reported for sign * metric, so that +1 is ideal for every metric. */
int sc_chain_metric_sign(sc_chain_metric m);
/* Every metric of one sample into out[SC_CHAIN_NMETRICS]. len may be NULL (acc_norm then NaN).
 * argmax takes the first maximum, and a NaN log-likelihood wins (as numpy.argmax does). */
void sc_chain_sample(const double *loglik, const size_t *len, size_t m, size_t target,
                     double *out);

/* --- Correlations ----------------------------------------------------------------------- */
typedef enum sc_corr_kind {
    SC_CORR_PEARSON = 0,
    SC_CORR_SPEARMAN = 1, /* Pearson of average ranks (ties share their mean rank) */
    SC_CORR_KENDALL = 2,  /* Kendall tau-b (tie-corrected) */
    SC_CORR_NKINDS = 3
} sc_corr_kind;
const char *sc_corr_name(sc_corr_kind k);
/* Correlation of n pairs into *r: NaN when it is undefined (n < 2, a constant series, a NaN,
 * or an infinite value for Pearson; ranks accept infinities). SC_ENOMEM only. Kendall tau-b
 * is O(n log n) (Knight 1966) for large n and direct for small n. */
SC_NODISCARD sc_status sc_corr(sc_corr_kind kind, const double *x, const double *y, size_t n,
                               double *r);

/* Summary of per-sample correlations r (NaN = undefined) against the ideal where every sample
 * correlates +1 with compute. Over the defined values: mean, median, std (n - 1), the area
 * under the complementary ECDF on [-1, 1] (= 1 + mean, ideal 2), the Wasserstein-1 distance to
 * the point mass at +1 (= 1 - mean), the energy distance sqrt(2 E|R - 1| - E|R - R'|) (as
 * scipy.stats.energy_distance) and the Kolmogorov-Smirnov distance (= share below +1). */
typedef struct sc_corr_summary {
    size_t n;        /* samples */
    size_t nnan;     /* undefined correlations */
    double share_nan;
    double mean, median, std;
    double auc_ccdf, wasserstein1, energy, ks;
} sc_corr_summary;
SC_NODISCARD sc_status sc_corr_summarise(const double *r, size_t n, sc_corr_summary *out);

/* --- Correlating a family's samples with compute ------------------------------------------
 * A set holds, for one family and task, nmodels x K log-likelihoods (K = total choices over the
 * documents), filled from one per-sample log per model. */
typedef struct sc_chain_set sc_chain_set;

/* names (may be NULL) label the models in errors; log10c is log10 of each model's compute. */
SC_NODISCARD sc_status sc_chain_set_new(size_t nmodels, const char *const *names,
                                        const double *log10c, sc_chain_set **out);
void sc_chain_set_free(sc_chain_set *set);
/* Streams the log of model k. After a failed read the set is left incomplete: free it.
 * filter NULL: the first filter of the first file read. The first
 * file read fixes the documents, their choice counts, gold indices and choice lengths; later
 * files must match (SC_EDOMAIN: "doc 17 has 5 choices here but 4 in <first file>", a different
 * gold, a missing or extra document; SC_EDUP: a document twice). */
SC_NODISCARD sc_status sc_chain_set_read(sc_chain_set *set, size_t model, const char *path,
                                         const char *filter, const sc_lmeval_opts *opts,
                                         sc_error *err);
/* The same from arrays: nsamples documents with nchoices[i] choices, loglik (K values), the
 * gold indices and lengths (K values, may be NULL); used for models read otherwise. */
SC_NODISCARD sc_status sc_chain_set_fill(sc_chain_set *set, size_t model, size_t nsamples,
                                         const size_t *nchoices, const size_t *target,
                                         const size_t *len, const double *loglik,
                                         sc_error *err);
size_t sc_chain_set_nsamples(const sc_chain_set *set);
/* doc_id of sample i (in the order of the first file read). */
long long sc_chain_set_doc_id(const sc_chain_set *set, size_t i);
/* The filter the set reads ("" before the first file). */
const char *sc_chain_set_filter(const sc_chain_set *set);

typedef struct sc_chain_result {
    size_t nmodels, nsamples;
    /* nsamples x SC_CHAIN_NMETRICS x nmodels metric values (element (i, q, k) at
     * values[(i * SC_CHAIN_NMETRICS + q) * nmodels + k]), models in order of compute. */
    double *values;
    /* SC_CHAIN_NMETRICS x SC_CORR_NKINDS x nsamples per-sample correlations of
     * sign * metric with log10 C across the models (NaN when undefined). */
    double *corr;
    sc_corr_summary summary[SC_CHAIN_NMETRICS][SC_CORR_NKINDS];
    /* The mechanism: share of samples whose gold p_vocab rises (Kendall tau > 0), stays
     * (tau undefined or 0) or falls with compute [0..2], crossed with the same for the
     * strongest wrong choice's p_vocab [0..2]; and the same for p_choices. */
    double trend_vocab[3][3];
    double trend_choices[3][3];
    /* Mean of each metric per model (nmodels x SC_CHAIN_NMETRICS, models in order of
     * compute): the aggregate chain. */
    double *model_mean;
} sc_chain_result;

/* Computes every metric and correlation. Every model must have been read. threads 0: the
 * OpenMP default; results do not depend on it. SC_ETOOFEW with fewer than 3 models. */
SC_NODISCARD sc_status sc_chain_set_run(const sc_chain_set *set, int threads,
                                        sc_chain_result **out, sc_error *err);
void sc_chain_result_free(sc_chain_result *res);

/* Aggregate chain: for n models with compute log10c, the correlation of each of ncol metric
 * columns (n x ncol, row-major; NaN rows skipped per column) with log10 C, each multiplied by
 * sign[j] (NULL: +1). r is ncol x SC_CORR_NKINDS. */
SC_NODISCARD sc_status sc_chain_aggregate(const double *log10c, const double *metrics, size_t n,
                                          size_t ncol, const int *sign, double *r);


/* end of section */

/* ==========================================================================================
 * Section: PassUntil and pass@k (Hu et al. 2024)
 * ========================================================================================== */

/* pass@k, the unbiased estimator of Chen et al. 2021 (Eq. 1): from n samples of which c are
 * correct, pass@k = 1 - C(n-c, k) / C(n, k), computed as the product
 * 1 - prod_{i=n-c+1}^{n} (1 - k / i), which is exact for c = 0 (0) and c = n (1).
 * Errors (SC_EDOMAIN): k = 0, n = 0, c > n, k > n ("k > n: pass@k needs at least k samples"). */
SC_NODISCARD sc_status sc_passk(size_t n, size_t c, size_t k, double *out, sc_error *err);

/* One instance of a task, sampled until r passes (Hu et al. 2024, PassUntil) or K_max draws.
 * draws K counts the draws up to and including the r-th pass; passes is the number of passes
 * among them (= r when resolved, < r when censored because K_max or a budget was reached). */
typedef struct sc_pu_est {
    size_t draws;   /* K */
    size_t passes;  /* passes among the K draws */
    size_t r;       /* the target number of passes */
    int censored;   /* 1 when passes < r (K_max or budget reached) */
    double pu;      /* r / K, the maximum-likelihood estimate (negative binomial); NaN if censored */
    double value;   /* the value used in task means: (r-1)/(K-1) (unbiased) when r >= 2, r/K
                     * when r = 1, or for a censored instance its
                     * median-unbiased value, the p with P(Bin(K, p) <= passes) = 1/2 (never 0) */
    double lo, hi;  /* exact interval at the level asked for. Resolved: two-sided negative-binomial
                     * bounds lo = B^-1(a/2; r, K-r+1), hi = B^-1(1-a/2; r, K-r) (hi = 1 if K = r).
                     * Censored: lo = 0 and hi the one-sided upper bound B^-1(level; c+1, K-c). */
    int budget;     /* 1: a fixed budget of K samples with `passes` correct (binomial sampling,
                     * sc_pu_estimate_budget); 0: sampled until r passes */
} sc_pu_est;

/* Estimate and exact interval for one instance. Errors (SC_EDOMAIN, message names the value):
 * r < 1, kmax < r, draws > kmax, draws = 0, passes > draws, passes > r, level outside (0, 1). */
SC_NODISCARD sc_status sc_pu_estimate(size_t draws, size_t passes, size_t r, size_t kmax,
                                      double level, sc_pu_est *out, sc_error *err);

/* Task level: PU = mean of instance values over S instances, with a percentile bootstrap interval
 * over instances (B resamples, replicate b seeded from (seed, b) only). ncensored counts
 * censored instances (their value is not a point estimate: see sc_pu_est.value). */
typedef struct sc_pu_task {
    size_t S, ncensored;
    double pu, lo, hi;
    double sd_loglog; /* standard deviation of log(-log PU), used as the weight of this size */
} sc_pu_task;
SC_NODISCARD sc_status sc_pu_task_estimate(const sc_pu_est *inst, size_t S, size_t B,
                                           uint64_t seed, double level, sc_pu_task *out,
                                           sc_error *err);

/* The task law of Hu et al. 2024 (Eq. 3): PU(N) = exp(-c N^-alpha), fitted as
 * log(-log PU) = log c - alpha log N by weighted least squares over M model sizes, weights
 * 1 / sd_loglog^2 of each size's task estimate. est is S x M (row s = instance s, column m = size
 * N[m]); sizes need not be sorted. With quadratic = 1 the fit adds a term b2 (log N - xbar)^2
 * (the emergence test). Intervals: t intervals from the covariance (scaled by chi2/dof when it
 * exceeds 1) and percentile intervals from B bootstrap resamples of instances (the same
 * instances at every size). */
typedef struct sc_pu_fit {
    size_t M, S, p;    /* sizes, instances, parameters (2 or 3) */
    double xbar;       /* mean log N of the sizes used (the quadratic is centred there) */
    double beta[3];    /* F(x) = beta0 + beta1 (x - xbar) + beta2 (x - xbar)^2, x = log N */
    double cov[9];     /* p x p covariance of beta (scaled) */
    double logc, alpha;/* the law in the paper's form (from beta0, beta1; linear fit only) */
    double chi2;       /* weighted residual sum of squares */
    size_t dof;        /* M - p */
    double scale;      /* max(1, chi2 / dof): the factor applied to the covariance */
    double level;
    double alpha_lo, alpha_hi;   /* t interval of alpha (= -beta1) */
    double alpha_blo, alpha_bhi; /* bootstrap interval of alpha */
    double *N, *F, *sdF;         /* M sizes, log(-log PU) and its sd */
    sc_pu_task *task;            /* M task estimates */
    size_t B, bfailed;
    double *boot;                /* B x p replicate beta (NaN rows for failed replicates) */
} sc_pu_fit;

typedef struct sc_pu_fit_opts {
    double level;   /* interval level, e.g. 0.9 (0 = 0.9) */
    size_t B;       /* bootstrap resamples (0 = 1000) */
    uint64_t seed;
    int quadratic;
} sc_pu_fit_opts;

/* Errors: SC_ETOOFEW when M < p + 1; SC_EDOMAIN when a size has PU = 1 (every instance passed
 * on its first r draws: log(-log PU) undefined) or N <= 0. */
SC_NODISCARD sc_status sc_pu_fit_task(const double *N, size_t M, const sc_pu_est *est, size_t S,
                                      const sc_pu_fit_opts *opts, sc_pu_fit **out,
                                      sc_error *err);
void sc_pu_fit_free(sc_pu_fit *fit);
/* Predicted task PU at size N with its t interval (from the covariance) and its bootstrap
 * percentile interval; any of the outputs may be NULL. */
void sc_pu_fit_predict(const sc_pu_fit *fit, double N, double *pu, double *lo, double *hi,
                       double *blo, double *bhi);

/* Instance-level law (Hu et al. 2024): each instance's own (c_s, alpha_s) from its resolved
 * sizes; the task prediction is the mean of instance predictions. Censored points are handled
 * explicitly: they are left out of the instance's fit and checked afterwards (a fitted law above
 * a censored upper bound is counted in nviolations). An instance with fewer than 3 resolved
 * sizes keeps alpha fixed at the median alpha of the fully fitted instances and fits only its
 * log c (weighted mean); with no resolved size its log c is set so that the law passes through
 * its tightest upper bound, so its prediction is an upper bound (counted in nbounded). */
typedef struct sc_pu_inst_fit {
    size_t S;
    double *logc, *alpha;  /* S per-instance parameters */
    int *kind;             /* S: 2 = own law, 1 = alpha fixed, 0 = upper bound only */
    size_t nfull, npartial, nbounded, nviolations;
    double alpha_median;
} sc_pu_inst_fit;
SC_NODISCARD sc_status sc_pu_fit_instances(const double *N, size_t M, const sc_pu_est *est,
                                           size_t S, sc_pu_inst_fit **out, sc_error *err);
void sc_pu_inst_fit_free(sc_pu_inst_fit *fit);
/* Mean over instances of exp(-c_s N^-alpha_s). */
double sc_pu_inst_predict(const sc_pu_inst_fit *fit, double N);

/* Emergence test (Hu et al. 2024, Sec. 5): log(-log PU) against log N as a line and as a
 * quadratic, compared by AIC and BIC (Gaussian likelihood, weights known up to a scale); the
 * curvature beta2 with its bootstrap interval over instances. Classified as curved only when
 * AIC and BIC both prefer the quadratic and the interval excludes 0: convex (beta2 > 0,
 * sub-scaling, as for multi-step tasks -log PU = sum_i c_i N^-alpha_i) or concave (beta2 < 0,
 * accelerated emergence). Needs M >= 5 sizes. */
typedef enum sc_pu_class {
    SC_PU_LINEAR = 0,  /* scaling-law growth */
    SC_PU_CONVEX = 1,  /* sub-scaling */
    SC_PU_CONCAVE = 2  /* accelerated emergence */
} sc_pu_class;
typedef struct sc_pu_emergence {
    double aic_line, aic_quad, bic_line, bic_quad;
    double curv, curv_lo, curv_hi;
    sc_pu_class cls;
} sc_pu_emergence;
SC_NODISCARD sc_status sc_pu_classify(const double *N, size_t M, const sc_pu_est *est, size_t S,
                                      const sc_pu_fit_opts *opts, sc_pu_emergence *out,
                                      sc_error *err);
const char *sc_pu_class_name(sc_pu_class c);

/* The sampling schedule behind `scalecast passuntil sample` (no processes here: the caller runs
 * the draws). Instances are sampled until r passes or kmax draws; a total budget of draws goes
 * first to the unresolved instances with the fewest draws (ties: lowest index). Outcomes may
 * arrive in any order; an instance's result uses only the draws 1..K before its r-th pass, so it
 * does not depend on the order or on the number of parallel draws (unless the budget binds). */
typedef struct sc_pu_sched sc_pu_sched;
typedef enum sc_pu_outcome { SC_PU_FAIL = 0, SC_PU_PASS = 1, SC_PU_ERROR = 2 } sc_pu_outcome;
typedef enum sc_pu_state {
    SC_PU_RUNNING = 0,
    SC_PU_RESOLVED = 1, /* r passes */
    SC_PU_CENSORED = 2, /* kmax or the budget reached first */
    SC_PU_FAILED = 3    /* a draw ended in an error before the instance resolved */
} sc_pu_state;

/* Errors: r < 1, kmax < r, S = 0, duplicate instance names (SC_EDUP). budget 0 = S * kmax. */
SC_NODISCARD sc_status sc_pu_sched_new(const char *const *instances, size_t S, size_t r,
                                       size_t kmax, uint64_t budget, sc_pu_sched **out,
                                       sc_error *err);
void sc_pu_sched_free(sc_pu_sched *s);
/* Index of an instance by name; SC_ENOCOL "unknown instance "x"" otherwise. */
SC_NODISCARD sc_status sc_pu_sched_find(const sc_pu_sched *s, const char *name, size_t *inst,
                                        sc_error *err);
/* The next draw to run (1-based draw number); returns 0 when none can start now. */
int sc_pu_sched_next(sc_pu_sched *s, size_t *inst, size_t *draw);
/* Records the outcome of a draw (issued by sc_pu_sched_next, or read back from a log). msg (may
 * be NULL) explains an error. Errors: draw 0 or > kmax (SC_EDOMAIN), recorded twice (SC_EDUP). */
SC_NODISCARD sc_status sc_pu_sched_record(sc_pu_sched *s, size_t inst, size_t draw,
                                          sc_pu_outcome o, const char *msg, sc_error *err);
/* Forgets that a draw was issued without recording it (e.g. its process could not start). */
void sc_pu_sched_cancel(sc_pu_sched *s, size_t inst, size_t draw);
/* 1 when every instance is finished and no issued draw is outstanding. */
int sc_pu_sched_done(const sc_pu_sched *s);
size_t sc_pu_sched_count(const sc_pu_sched *s);      /* instances */
uint64_t sc_pu_sched_issued(const sc_pu_sched *s);   /* draws issued or recorded */
size_t sc_pu_sched_running(const sc_pu_sched *s);    /* draws issued and not yet recorded */
const char *sc_pu_sched_name(const sc_pu_sched *s, size_t inst);
/* State of an instance; draws, passes as for sc_pu_est; msg (may be NULL) is the first error's
 * message (borrowed). While running, draws is the length of the completed prefix. */
sc_pu_state sc_pu_sched_state(const sc_pu_sched *s, size_t inst, size_t *draws, size_t *passes,
                              const char **msg, size_t *error_draw);

/* A simulated task for tests and demonstrations: each instance's pass probability at size N is
 * one of (Hu et al. 2024, Sec. 5):
 *   SC_PU_SIM_LAW:       p = exp(-c N^-alpha)
 *   SC_PU_SIM_MULTISTEP: p = exp(-sum_i c_i N^-alpha_i)          (convex: sub-scaling)
 *   SC_PU_SIM_MIXTURE:   p = sum_i w_i exp(-c_i N^-alpha_i)      (concave: a circuit takes over)
 * with per-instance log c_i and alpha_i jittered by normal deviates (sd_logc, sd_alpha) derived
 * from a hash of (seed, instance name). Draw outcomes are a hash of (seed, instance, N, draw), so
 * a draw's outcome never depends on when or where it runs. */
typedef enum sc_pu_sim_kind {
    SC_PU_SIM_LAW = 0, SC_PU_SIM_MULTISTEP = 1, SC_PU_SIM_MIXTURE = 2
} sc_pu_sim_kind;
typedef struct sc_pu_sim {
    sc_pu_sim_kind kind;
    size_t nterms;        /* 1..4 */
    double c[4], alpha[4], w[4];
    double sd_logc, sd_alpha;
    uint64_t seed;
} sc_pu_sim;
/* The true pass probability of an instance at N. */
double sc_pu_sim_p(const sc_pu_sim *sim, const char *instance, double N);
/* The true instance parameters of term t (after jitter). */
void sc_pu_sim_params(const sc_pu_sim *sim, const char *instance, size_t t, double *c,
                      double *alpha);
/* 1 (pass) or 0 (fail) for draw number draw (1-based) of an instance at size N. */
int sc_pu_sim_draw(const sc_pu_sim *sim, const char *instance, double N, uint64_t draw);
/* Runs the schedule in process with simulated outcomes for S instances at size N: fills est (S)
 * at the given level. */
SC_NODISCARD sc_status sc_pu_sim_run(const sc_pu_sim *sim, const char *const *instances,
                                     size_t S, double N, size_t r, size_t kmax, uint64_t budget,
                                     double level, sc_pu_est *est, sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: observational scaling laws: model selection and check statistics
 * (src/methods/obs_select.c, src/methods/obs_check.c)
 * ========================================================================================== */

/* RMSE over the metrics of result row i's reconstruction from PC-1 alone (mean + s1 * c1), the
 * pre-registered check of Ruan et al. 2024 on the models released later. */
double sc_obs_rank1_rmse(const sc_obs_result *res, size_t i);
/* Its mean over the training rows (test = 0) or the test rows (test = 1); NaN when none. */
double sc_obs_mean_rank1_rmse(const sc_obs_result *res, int test);
/* The range of PC-1 scores of the training rows. */
void sc_obs_pc1_range(const sc_obs_result *res, double *lo, double *hi);

/* The gain of target a over target g (e.g. post-trained over base accuracy) predicted by two
 * links fitted on the same models (rows of a and g the same): MSE of the predicted gain
 * pred_a - pred_g against the observed ya - yg on the training and test rows, and of the
 * constant baseline (the mean training gain) on the test rows. ya and yg are the data arrays
 * the results index (sc_obs_data.y). */
typedef struct sc_obs_gain_stats {
    size_t ntrain, ntest;
    double mse_train, mse_test, const_mse_test;
} sc_obs_gain_stats;
void sc_obs_gain(const sc_obs_result *a, const double *ya, const sc_obs_result *g,
                 const double *yg, sc_obs_gain_stats *out);

/* --- Which models (src/methods/obs_select.c) --- */
typedef struct sc_obs_model_set {
    const char *model_col, *family_col;
    int all_models;            /* every row; else the 21 default families without the later models */
    int add_later;             /* also the models released later (for a split on them) */
    const char *const *drop;   /* models left out by name */
    size_t ndrop;
} sc_obs_model_set;
/* keep (and later, when not NULL) receive one flag per row of t. Errors: SC_ENOCOL (no model
 * column; no family column for the default set), SC_EUNKNOWN (a model to leave out that is not
 * in the data), SC_EEMPTY (no row kept). */
SC_NODISCARD sc_status sc_obs_select_models(const sc_table *t, const sc_obs_model_set *set,
                                            unsigned char *keep, unsigned char *later,
                                            size_t *nkept, sc_error *err);

/* The [0, 1] check of cols' metrics (after metric_scales) and target (after target_scale and
 * target_chance) on the rows of the source tables whose model is kept in the joined table, so
 * that an error names the file, line and column of the value. SC_EDOMAIN there, with issue
 * saying which column, the value and the scale (10 or 100) that would bring it into range. */
typedef struct sc_obs_domain_issue {
    int is_target;
    const char *column; /* borrowed from cols */
    double value, scale_hint;
} sc_obs_domain_issue;
SC_NODISCARD sc_status sc_obs_check_domain(const sc_table *const *tables, size_t ntables,
                                           const sc_table *joined, const unsigned char *keep,
                                           const sc_obs_columns *cols,
                                           sc_obs_domain_issue *issue, sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: the metric chain: logs of a family, aggregate chains (src/methods/chain_logs.c,
 * src/methods/chain_agg.c)
 * ========================================================================================== */

/* The aggregate chain of a result: sc_chain_aggregate of the per-model means (model_mean)
 * against log10c (the models' log10 compute, in the result's order: by compute), with every
 * metric's sign. r receives SC_CHAIN_NMETRICS x SC_CORR_NKINDS values. */
SC_NODISCARD sc_status sc_chain_result_aggregate(const sc_chain_result *res,
                                                 const double *log10c, double *r);

/* --- A family's sample logs against a table of models (src/methods/chain_logs.c) ---
 * The models table (CSV) has a text column "model" (the id the harness logs), optional
 * "revision" and "family" (missing: "all"), and either "parameters" and "tokens" (compute
 * C = 6 N D) or "flops". */
typedef struct sc_chain_models {
    sc_table *t;
    size_t n;
    const char **id, **rev, **family; /* borrowed from t; rev entries may be NULL */
    double *log10c;                   /* n: log10 C, NaN when not a positive number */
} sc_chain_models;
/* Errors: those of sc_csv_read and sc_table_require(_num), SC_ETYPE (model ids not text),
 * SC_EEMPTY (an empty model id, at its line). */
SC_NODISCARD sc_status sc_chain_models_read(const char *path, sc_chain_models **out,
                                            sc_error *err);
void sc_chain_models_free(sc_chain_models *m);

typedef struct sc_chain_logs_opts {
    const char *family, *task; /* only this family / task (NULL: all) */
    const char *filter;        /* the log filter (NULL: the first of the first file) */
    sc_lmeval_opts lmeval;
    int threads;
} sc_chain_logs_opts;
/* One (family, task): its models in order of compute (rows of the models table, their log10 C
 * and ids) and the chain computed on their logs. */
typedef struct sc_chain_group {
    char *family, *task;
    size_t nmodels;
    size_t *model;
    double *log10c;
    const char **id;
    sc_chain_set *set;
    sc_chain_result *res;
} sc_chain_group;
typedef struct sc_chain_groups {
    size_t n;
    sc_chain_group *group;
} sc_chain_groups;
/* Matches every log to its model and task (sc_lmeval_samples_match), groups them by (family,
 * task) in order of first appearance, and runs each group (opts may be NULL). Errors: those of
 * matching (SC_ENOCOL: no model matches), reading and sc_chain_set_run (SC_ETOOFEW "family F,
 * task T: ..."), SC_EDUP (two logs of one task for a model), SC_EDOMAIN (a model without a
 * positive compute), SC_EEMPTY (no group left by the family and task asked for). */
SC_NODISCARD sc_status sc_chain_run_logs(const sc_chain_models *m, const char *const *logs,
                                         size_t nlogs, const sc_chain_logs_opts *opts,
                                         sc_chain_groups **out, sc_error *err);
void sc_chain_groups_free(sc_chain_groups *g);

/* The aggregate chain on published per-run metrics (Schaeffer et al. 2024, when no per-sample
 * logs exist): for each task, the correlation of each stage of the chain (a column template
 * with {task}, e.g. "eval/downstream_bpb/{task}_rc_5shot_bpb") with log10 C across the rows of
 * the files (runs or checkpoints). Stages: "tmpl[:-1],tmpl,..." (":-1" for lower-is-better).
 * Compute: the column x times xscale, else flops, else 6 params tokens, else 6 tokens^2 / tpr.
 * Tasks are the names that fill every stage template with a numeric column of the first file. */
#define SC_CHAIN_AGG_MAX_STAGES 8
typedef enum sc_chain_agg_mode {
    SC_CHAIN_AGG_ALL = 0,   /* every row of every file */
    SC_CHAIN_AGG_LAST = 1,  /* the last row (with compute) of each file: final checkpoints */
    SC_CHAIN_AGG_WITHIN = 2 /* within each file, correlations averaged over the files */
} sc_chain_agg_mode;
typedef struct sc_chain_agg_opts {
    const char *x;       /* compute column, or NULL */
    double xscale;       /* multiplies x (1e9 for GFLOPs); default 1 */
    const char *stages;  /* stage templates */
    int long_format;     /* pivot (benchmark, metric_type, score) rows first */
    sc_chain_agg_mode mode;
} sc_chain_agg_opts;
void sc_chain_agg_opts_init(sc_chain_agg_opts *o);
/* Fills x, xscale, stages and long_format for "olmo" (the OLMo ladder) or "apple" (the
 * Krajewski et al. long file); SC_EUNKNOWN otherwise. */
SC_NODISCARD sc_status sc_chain_agg_preset(const char *name, sc_chain_agg_opts *o);

typedef struct sc_chain_agg {
    sc_chain_agg_mode mode;
    size_t nstages;
    char stage[SC_CHAIN_AGG_MAX_STAGES][256]; /* templates */
    int sign[SC_CHAIN_AGG_MAX_STAGES];
    char label[SC_CHAIN_AGG_MAX_STAGES][64];  /* short names ("bpb", "acc_norm") */
    size_t ntasks;
    char **task;      /* ntasks names */
    size_t *n;        /* ntasks: points correlated (files for SC_CHAIN_AGG_WITHIN) */
    double *r;        /* ntasks x nstages x SC_CORR_NKINDS correlations (NaN: undefined) */
    double mean[SC_CHAIN_AGG_MAX_STAGES][SC_CORR_NKINDS]; /* over the tasks, per stage */
} sc_chain_agg;
/* Errors: SC_EINVAL (no files, no or malformed stages, xscale <= 0), SC_EIO/SC_EPARSE (files),
 * SC_ENOCOL (no compute, no task with every stage, a stage column missing in a later file). */
SC_NODISCARD sc_status sc_chain_agg_run(const char *const *files, size_t nfiles,
                                        const sc_chain_agg_opts *o, sc_chain_agg **out,
                                        sc_error *err);
void sc_chain_agg_free(sc_chain_agg *a);
/* The column of a stage for a task ("eval/downstream_bpb/arc_easy_rc_5shot_bpb"). */
void sc_chain_agg_column(const sc_chain_agg *a, size_t task, size_t stage, char *out,
                         size_t size);

/* end of section */

/* ==========================================================================================
 * Section: result documents (JSON, written with jansson; schemas in docs/schemas/)
 * Every document is one compact JSON object that starts with "format" (its name) and
 * "version" (an integer, raised when a field changes meaning or goes away; new fields may be
 * added within a version). Numbers round-trip; NaN is written as null and +-infinity as
 * +-1.7976931348623157e308. Strings returned by the *_string functions are freed with sc_free.
 * ========================================================================================== */

void sc_free(void *p);

/* --- The fit document ("scalecast-fit", version 1) ---------------------------------------- */
#define SC_FIT_DOC_FORMAT "scalecast-fit"
#define SC_FIT_DOC_VERSION 1
#define SC_FIT_DOC_MAXP 16 /* the most parameters a law of a fit document may have */

/* A fit and where its points came from. Everything but fit is optional (sc_fit_doc_init sets
 * the defaults: no bootstrap, chance NaN = not chance-normalised, rows = points, counts 0,
 * row_index NULL = 0..n-1, x_columns NULL = the law's covariate names). Borrowed pointers. */
typedef struct sc_fit_doc {
    const sc_fit *fit;
    const sc_boot *boot;            /* bootstrap of the fit, or NULL */
    uint64_t seed;                  /* the bootstrap's seed */
    double level;                   /* level of the bootstrap intervals (e.g. 0.8) */
    const char *file;               /* the data file ("" or NULL: none) */
    const char *const *x_columns;   /* law->nx column names */
    const char *y_column;
    double chance;                  /* the chance level Q0 of a chance-normalised fit, or NaN */
    size_t rows;                    /* rows of the data considered */
    size_t at_chance_left_out, skipped_missing, above_max_x, dropped_top;
    const size_t *row_index;        /* fit->n row numbers (0-based) of the points, or NULL */
    int held_out_by_n;              /* 1 when rows above a largest N were held out */
    size_t above_max_n;             /* how many (written only when held_out_by_n) */
} sc_fit_doc;
void sc_fit_doc_init(sc_fit_doc *doc, const sc_fit *fit);
/* Writes the document and a newline to f (SC_EIO when the write fails). */
SC_NODISCARD sc_status sc_fit_doc_write(const sc_fit_doc *doc, FILE *f, sc_error *err);
/* The document as a new string (no newline); free with sc_free. */
SC_NODISCARD sc_status sc_fit_doc_string(const sc_fit_doc *doc, char **out, sc_error *err);

/* A fit read back from its document: the law, its parameters in fit space and the chance level
 * the data were normalised with (NaN when none). Documents without "format" and "version"
 * (written before they existed) are read as version 1. Errors: SC_EIO (unreadable), SC_EPARSE
 * (not JSON: line and column of the problem; another format; a newer version), SC_EUNKNOWN (a
 * law this library does not know), SC_ETYPE (a parameter missing), SC_EDOMAIN (a bad chance). */
typedef struct sc_saved_fit {
    int version;
    const sc_law *law;
    double theta[SC_FIT_DOC_MAXP];
    double chance;
} sc_saved_fit;
SC_NODISCARD sc_status sc_saved_fit_read(const char *path, sc_saved_fit *out, sc_error *err);
SC_NODISCARD sc_status sc_saved_fit_read_mem(const char *buf, size_t len, const char *name,
                                             sc_saved_fit *out, sc_error *err);
/* Predicted y at m points x (m x law->nx): the observation scale of the fit, and for a law in
 * log(-log Q') space with a chance level, accuracy Q = Q0 + (1 - Q0) Q'. */
void sc_saved_fit_predict(const sc_saved_fit *s, const double *x, size_t m, double *y);

/* --- The registered laws (an array, as `scalecast laws --json`) ------------------------- */
/* "y", "log y" or "log(-log y)": the space a law's residuals are measured in. */
const char *sc_space_name(sc_space s);
SC_NODISCARD sc_status sc_laws_doc_write(FILE *f, sc_error *err);
SC_NODISCARD sc_status sc_laws_doc_string(char **out, sc_error *err);

/* --- The observational document ("scalecast-obs", version 1) ---------------------------- */
#define SC_OBS_DOC_FORMAT "scalecast-obs"
#define SC_OBS_DOC_VERSION 1

/* A run of sc_obs_run and what it was run on (borrowed pointers). later_split: the test rows
 * are the models released later (adds each row's rank-1 RMSE); gain_*: a second target's run
 * on the same models (adds the gain statistics of sc_obs_gain), or NULL. */
typedef struct sc_obs_doc {
    const sc_obs_result *result;
    const sc_obs_data *data;
    const sc_obs_opts *opts;
    const char *target;             /* the target's name (with a link) */
    int later_split;
    const sc_obs_result *gain_result;
    const sc_obs_data *gain_data;
    const char *gain_over;
} sc_obs_doc;
SC_NODISCARD sc_status sc_obs_doc_write(const sc_obs_doc *doc, FILE *f, sc_error *err);
SC_NODISCARD sc_status sc_obs_doc_string(const sc_obs_doc *doc, char **out, sc_error *err);

/* --- The metric-chain document ("scalecast-chain", version 1) ---------------------------
 * Built group by group ((family, task) each), then written. */
#define SC_CHAIN_DOC_FORMAT "scalecast-chain"
#define SC_CHAIN_DOC_VERSION 1
typedef struct sc_chain_doc sc_chain_doc;
SC_NODISCARD sc_status sc_chain_doc_new(sc_chain_doc **out);
void sc_chain_doc_free(sc_chain_doc *doc);
/* Adds a group: res with its models' names and log10 compute, both in the result's order (by
 * compute). filter is the log filter read (sc_chain_set_filter). */
SC_NODISCARD sc_status sc_chain_doc_add(sc_chain_doc *doc, const char *family, const char *task,
                                        const char *filter, const sc_chain_result *res,
                                        const char *const *models, const double *log10c,
                                        sc_error *err);
SC_NODISCARD sc_status sc_chain_doc_write(const sc_chain_doc *doc, FILE *f, sc_error *err);
SC_NODISCARD sc_status sc_chain_doc_string(const sc_chain_doc *doc, char **out, sc_error *err);

/* --- The aggregate-chain document ("scalecast-chain-aggregate", version 1) -------------- */
#define SC_CHAIN_AGG_DOC_FORMAT "scalecast-chain-aggregate"
#define SC_CHAIN_AGG_DOC_VERSION 1
SC_NODISCARD sc_status sc_chain_agg_doc_write(const sc_chain_agg *a, FILE *f, sc_error *err);
SC_NODISCARD sc_status sc_chain_agg_doc_string(const sc_chain_agg *a, char **out, sc_error *err);

/* ==========================================================================================
 * Section: Fixed sampling budgets (per-problem counts n, c)
 *
 * Most repeated-sampling data is a fixed budget per problem: n samples, c correct. These
 * functions turn such counts into PassUntil estimates, unbiased pass@k (Chen et al. 2021) and
 * the distribution of per-problem pass rates (a Beta, fitted by beta-binomial maximum
 * likelihood), whose left tail gives the power law of -log pass@k in k (Schaeffer et al. 2025,
 * "How Do Large Language Monkeys Get Their Power (Laws)?").
 * ========================================================================================== */

/* One problem sampled n times with c correct (binomial sampling). pu = value = c / n: the
 * unbiased estimate, 0 exactly when c = 0 (so a task mean counts zero-pass problems as 0).
 * lo, hi: Clopper-Pearson interval at level; when c = 0 the observation is censored at its
 * budget for instance-level fits (censored = 1, lo = 0, hi = 1 - (1 - level)^(1/n), one-sided);
 * when c = n, hi = 1. draws = n, passes = r = c, budget = 1.
 * Errors (SC_EDOMAIN): n = 0, c > n, level outside (0, 1). */
SC_NODISCARD sc_status sc_pu_estimate_budget(size_t n, size_t c, double level, sc_pu_est *out,
                                             sc_error *err);

/* Sizes without information for the task law: at size m (column m of est, S x M) no instance
 * has a pass (fixed-budget rows with c = 0, or censored rows without a pass). For each such
 * size flag[m] = 1 and bound[m] is a one-sided upper bound at level on the task mean pass rate,
 * 1 - (1 - level)^(1 / (S K_min)) with K_min the fewest draws of an instance there (all fail
 * with probability prod_i (1 - p_i)^K_i <= (1 - mean p)^(S K_min)); else flag[m] = 0 and
 * bound[m] = NaN. Returns the number of flagged sizes. Such sizes must be left out of
 * sc_pu_fit_task (it refuses a task PU of 0). */
size_t sc_pu_zero_sizes(const sc_pu_est *est, size_t S, size_t M, double level,
                        unsigned char *flag, double *bound);

/* Empirical task pass rate at one size: mean over instances of passes / draws (the data, not an
 * estimator's output: censored instances count their observed passes). */
double sc_pu_empirical(const sc_pu_est *est, size_t stride, size_t S);

/* A table of per-problem counts, as read by sc_counts_read. Each row is either a fixed budget
 * (n samples, c correct) or sample-until-pass (K draws, r passes, optional censored). */
typedef struct sc_count_row {
    char *problem;        /* a numeric cell is printed with %.17g */
    char *model;          /* "" when there is no model column */
    double size;          /* model size N or compute C */
    int budget;           /* 1: fixed budget (n, c); 0: sample until pass (K, r) */
    size_t n, c;          /* budget: samples, correct; else draws K, passes r */
    int censored;         /* sample-until-pass only: 1 = stopped before the r-th pass */
    size_t line;          /* line of the row in its file */
} sc_count_row;

/* Column names; NULL = the default (problem: "problem" or else "instance"; model: "model";
 * size: "N" or else "C"; n, c, K, r, censored: those names). */
typedef struct sc_counts_cols {
    const char *problem, *model, *size, *n, *c, *K, *r, *censored;
} sc_counts_cols;

/* Reads every row of t. A row with n and c filled is a fixed budget; a row with K and r filled
 * is sample-until-pass; a table may mix both (each row fills one pair; the other pair's cells
 * empty). Errors at the cell (file, line, column): a missing problem, size <= 0, a count that is
 * not a whole number >= 0, n = 0 ("no samples"), c > n, r > K, K = 0, n or K above 1e9, a row
 * filling both pairs or neither, censored not 0/1, r = 0 in a row not censored. *rows has *nrows entries (free
 * with sc_counts_free); *nbudget counts the fixed-budget rows. */
SC_NODISCARD sc_status sc_counts_read(const sc_table *t, const sc_counts_cols *cols,
                                      sc_count_row **rows, size_t *nrows, size_t *nbudget,
                                      sc_error *err);
void sc_counts_free(sc_count_row *rows, size_t nrows);

/* The Beta(a, b) distribution of per-problem pass rates, fitted to counts (n_i, c_i) of S
 * problems by maximum likelihood of the beta-binomial:
 *   log L = sum_i [ log C(n_i, c_i) + ln B(c_i + a, n_i - c_i + b) - ln B(a, b) ]
 * over (log a, log b) with GSL's BFGS (analytic gradient, digamma); covariance of (log a, log b)
 * from the observed information (trigamma). Problems with c_i = 0 enter exactly (their
 * likelihood is B(a, n_i + b) / B(a, b)), never imputed.
 * For p ~ Beta(a, b) the task pass@k is 1 - B(a, b + k) / B(a, b), and for large k
 *   -log pass@k ~ 1 - pass@k ~ Gamma(a + b) / Gamma(b) k^-a
 * (Schaeffer et al. 2025): the power-law exponent of -log pass@k in k is a, the exponent of the
 * density's left tail p^(a - 1). */
typedef struct sc_bb_fit {
    size_t S, nzero, nall; /* problems; with c = 0; with c = n */
    double a, b;           /* the fitted Beta */
    double cov[4];         /* 2 x 2 covariance of (log a, log b); NaN when not available */
    double level;
    double a_lo, a_hi, b_lo, b_hi; /* Wald intervals on the log scale at level */
    double loglik;
    double exponent;       /* = a */
    double prefactor;      /* Gamma(a + b) / Gamma(b) */
    size_t iterations;
    int converged;
} sc_bb_fit;

/* Errors: S < 2 (SC_ETOOFEW); n_i = 0 or c_i > n_i (SC_EDOMAIN); every problem with c = 0 or
 * every problem with c = n (SC_EDOMAIN: the distribution is not identified); the optimum at the
 * boundary (a or b beyond 1e6: no spread between problems beyond binomial noise) or no
 * convergence (SC_ENOCONV). */
SC_NODISCARD sc_status sc_bb_fit_counts(const size_t *n, const size_t *c, size_t S, double level,
                                        sc_bb_fit *out, sc_error *err);

/* 1 - B(a, b + k) / B(a, b): task pass@k when the pass rates are Beta(a, b); k > 0 real. */
double sc_bb_passk(double a, double b, double k);

/* Forecast of the task pass@k of the S problems themselves at k (any k >= 1, e.g. far beyond
 * the budget): point = mean over problems of the posterior mean
 *   1 - B(a + c_i, b + n_i - c_i + k) / B(a + c_i, b + n_i - c_i)
 * at the fitted (a, b); interval at fit->level from `draws` Monte Carlo draws, each drawing
 * (log a, log b) from the normal approximation of the fit and then every problem's p_i from its
 * posterior Beta(a + c_i, b + n_i - c_i): parameter and per-problem uncertainty together.
 * population = sc_bb_passk(a, b, k) (a new set of problems). Deterministic for a seed. */
typedef struct sc_bb_forecast {
    double k, passk, lo, hi, population;
} sc_bb_forecast;
SC_NODISCARD sc_status sc_bb_forecast_k(const sc_bb_fit *fit, const size_t *n, const size_t *c,
                                        size_t S, double k, size_t draws, uint64_t seed,
                                        sc_bb_forecast *out, sc_error *err);

/* The task curve pass@k = 1 - B(a, b + k) / B(a, b) fitted to m task-level points (k_j, y_j)
 * by least squares in log(-log pass@k) (the space of Krajewski et al.'s Eq. 5), Nelder-Mead
 * over (log a, log b) from a grid of starts. Points with y = 0 or 1 are skipped. Fills a, b,
 * exponent, prefactor, iterations, converged of out (cov NaN; loglik = -rss / 2).
 * Errors: fewer than 3 usable points (SC_ETOOFEW), no convergence (SC_ENOCONV). */
SC_NODISCARD sc_status sc_bb_fit_curve(const double *k, const double *y, size_t m,
                                       sc_bb_fit *out, sc_error *err);

/* Eq. 5 of Krajewski et al. 2025 at one fixed compute: log(-log pass@k) = c1 log k + c3, a line
 * in log k fitted by least squares to the points with 0 < y < 1. Errors: fewer than 2 usable
 * points with distinct k (SC_ETOOFEW). */
SC_NODISCARD sc_status sc_passk_line_k(const double *k, const double *y, size_t m, double *c1,
                                       double *c3, sc_error *err);
/* Its prediction exp(-exp(c3 + c1 log k)). */
double sc_passk_line_predict(double c1, double c3, double k);

/* end of section */

#ifdef __cplusplus
}
#endif
#endif /* SCALECAST_H */
