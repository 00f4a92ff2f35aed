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
/* Formats "file:line:column: message" (parts that are absent are left out) into buf. */
void sc_error_format(const sc_error *err, char *buf, size_t size);

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
} sc_law;

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
    SC_LOSS_HUBER = 1 /* sum of Huber(delta) of residuals: BFGS (gsl_multimin) */
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
} sc_fit_opts;

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
/* Fixes an axis range instead of fitting it to the content (NaN leaves that end automatic). */
void sc_plot_xrange(sc_plot *plot, double lo, double hi);
void sc_plot_yrange(sc_plot *plot, double lo, double hi);
/* Draws the plot into path; the format follows the extension: .png, .svg or .pdf. The file is
 * written completely or not at all. */
SC_NODISCARD sc_status sc_plot_save(const sc_plot *plot, const char *path, sc_error *err);

/* A self-contained HTML report (figures embedded, no external files or scripts). Content is
 * appended in order; sc_report_save writes it completely or not at all. Text is escaped. */
typedef struct sc_report sc_report;
SC_NODISCARD sc_status sc_report_new(const char *title, sc_report **out);
void sc_report_free(sc_report *r);
SC_NODISCARD sc_status sc_report_heading(sc_report *r, int level, const char *text);
SC_NODISCARD sc_status sc_report_paragraph(sc_report *r, const char *text);
/* Preformatted text (e.g. a command line or a fitted formula). */
SC_NODISCARD sc_status sc_report_code(sc_report *r, const char *text);
/* A table: header has ncols names; cells is nrows x ncols strings (row-major, NULL = empty). */
SC_NODISCARD sc_status sc_report_table(sc_report *r, const char *caption,
                                       const char *const *header, size_t ncols,
                                       const char *const *cells, size_t nrows);
/* Embeds an image file (.svg inline, .png as base64) with a caption. */
SC_NODISCARD sc_status sc_report_figure(sc_report *r, const char *image_path, const char *caption,
                                        sc_error *err);
SC_NODISCARD sc_status sc_report_save(const sc_report *r, const char *path, sc_error *err);

/* end of section */

/* ==========================================================================================
 * Section: direct downstream laws and backtests (Krajewski et al. 2025)
 * ========================================================================================== */

/* end of section */

/* ==========================================================================================
 * Section: observational scaling laws (Ruan et al. 2024)
 * ========================================================================================== */

/* end of section */

/* ==========================================================================================
 * Section: lm-evaluation-harness readers and the metric chain (Schaeffer et al. 2024)
 * ========================================================================================== */

/* end of section */

/* ==========================================================================================
 * Section: PassUntil and pass@k (Hu et al. 2024)
 * ========================================================================================== */

/* end of section */

#ifdef __cplusplus
}
#endif
#endif /* SCALECAST_H */
