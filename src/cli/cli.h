/* SPDX-License-Identifier: GPL-3.0-or-later
 * Shared pieces of the command-line tool: exit codes, messages, strict number parsing, output
 * files that are never left half-written, JSON numbers. Uses only the public header. */
#ifndef SC_CLI_H
#define SC_CLI_H

#include "scalecast.h"

#include <stdio.h>

/* Exit codes (documented in docs/cli.md and the man page; never renumbered). */
enum {
    SC_EXIT_OK = 0,      /* success */
    SC_EXIT_NUMERIC = 1, /* numerical trouble: no convergence, too few points, at chance */
    SC_EXIT_USAGE = 2,   /* bad command line: unknown option, law, value */
    SC_EXIT_DATA = 3,    /* bad input data: malformed file, missing column, value out of domain */
    SC_EXIT_IO = 4,      /* a file could not be read or written */
    SC_EXIT_INTERNAL = 5 /* out of memory or an internal error */
};

/* A command: argv[0] is the command name. Returns an exit code. */
typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

/* Maps a library status to an exit code. */
int cli_exit_code(sc_status s);

/* Prints "scalecast: error: <file:line:col: message>" on stderr; returns cli_exit_code(code). */
int cli_report(const sc_error *err);
/* Prints "scalecast: error: <message>" and returns the given exit code. */
int cli_fail(int exit_code, const char *fmt, ...) SC_PRINTF(2, 3);
/* Prints "scalecast: warning: <message>" on stderr. */
void cli_warn(const char *fmt, ...) SC_PRINTF(1, 2);
/* Prints "scalecast: <message>" on stderr when verbose output is on (--verbose). */
void cli_info(const char *fmt, ...) SC_PRINTF(1, 2);
extern int cli_verbose;

/* Strict parsing: the whole string must be the number; no overflow. Return 0 on success, else
 * print "scalecast: error: OPTION: expected ..., got "s"" and return SC_EXIT_USAGE. */
int cli_parse_double(const char *opt, const char *s, double *out);
int cli_parse_size(const char *opt, const char *s, size_t *out);
int cli_parse_u64(const char *opt, const char *s, uint64_t *out);
/* A count in [lo, hi] (e.g. starts, resamples): anything outside is a usage error, so that a
 * typo cannot ask for terabytes. */
int cli_parse_count(const char *opt, const char *s, size_t lo, size_t hi, size_t *out);
/* The largest counts of starts, resamples and random draws the tool accepts. */
#define CLI_MAX_COUNT ((size_t)10000000)

/* A command's options, one table per command (or subcommand), ended by {NULL, NULL, 0}. The
 * scanner reads only what the table lists: an option not in it is unknown, an option that takes
 * a value and is given last without one is an error, and an option given twice is refused
 * unless it is marked CLI_REPEAT. `scalecast --list-options` prints every table (the tests
 * generate their cases from it). */
enum {
    CLI_VALUE = 1u << 0, /* takes a value: "--name VALUE" or "--name=VALUE" */
    CLI_REPEAT = 1u << 1 /* may be given more than once */
};
typedef struct cli_option {
    const char *name;  /* "--law" */
    const char *alias; /* another spelling ("-o"), or NULL */
    unsigned flags;
} cli_option;
/* A table with the command line that reaches it ("fit", "passuntil sample"). */
typedef struct cli_option_set {
    const char *command;
    const cli_option *options;
} cli_option_set;
#define CLI_MAX_OPTIONS 64

/* Option scanner over a table for "--name value", "--name=value" and flags.
 * Usage:
 *   cli_args a; cli_args_init(&a, argc, argv, &cli_fit_options);
 *   while (cli_args_next(&a)) {
 *       if (cli_flag(&a, "--json")) json = 1;
 *       else if (cli_opt(&a, "--law", &law)) ;
 *       else if (a.positional) add(a.positional);
 *       else return cli_args_unknown(&a);
 *   }
 *   if (a.error) return a.error;
 * cli_args_next stops (returns 0) with a.error set, its message printed, on an unknown option,
 * a missing value, a value given to a flag, or a repetition. */
typedef struct cli_args {
    int argc;
    char **argv;
    int i;                  /* index of the current argument */
    const char *current;    /* the current argument */
    const char *positional; /* the current argument when it is not an option, else NULL */
    const cli_option *opt;  /* the table entry of the current option, else NULL */
    const char *value;      /* the current option's value, or NULL */
    int error;              /* exit code when the command line is bad */
    int only_positional;    /* after "--" */
    const cli_option *options;
    const char *command; /* "fit", "passuntil sample": named in messages */
    unsigned char seen[CLI_MAX_OPTIONS];
} cli_args;
void cli_args_init(cli_args *a, int argc, char **argv, const cli_option_set *set);
int cli_args_next(cli_args *a);
/* 1 when the current argument is the flag (or option) name or its alias. */
int cli_flag(cli_args *a, const char *name);
/* 1 when the current argument is the option name or its alias; *value is its value. */
int cli_opt(cli_args *a, const char *name, const char **value);
int cli_args_unknown(const cli_args *a);
/* Prints every option table of the NULL-terminated list, one option a line:
 * "COMMAND<tab>NAME<tab>ALIAS or -<tab>value or flag<tab>repeat or once". */
void cli_list_options(FILE *f, const cli_option_set *const *sets);

/* Output that is either complete or absent (sc_tmpfile): data goes to a temporary file beside
 * path, which replaces path on cli_out_commit and is removed on cli_out_abort. "-" is stdout. */
typedef struct cli_out {
    FILE *f;
    sc_tmpfile t;
} cli_out;
/* 0, or (message printed) SC_EXIT_USAGE when the existing regular file path is also named by
 * another word of the command line (compared by device and inode): writing it would destroy
 * an input ("fit X.csv --out X.csv"). cli_out_open checks it; call it for outputs written by
 * the library (figures, reports) before any work. */
int cli_check_output(const char *path);
int cli_out_open(cli_out *o, const char *path);  /* 0 or an exit code (message printed) */
int cli_out_commit(cli_out *o);                  /* 0 or an exit code (message printed) */
void cli_out_abort(cli_out *o);

/* 0 when path is not a folder (it may not exist: the reader reports that); for a folder prints
 * "PATH: is a folder, expected a file" and returns SC_EXIT_IO. */
int cli_not_folder(const char *path);

/* The command line as a shell would take it back ("scalecast ARGV...", words quoted where
 * needed; malloc'ed, NULL when out of memory). */
char *cli_command_line(int argc, char **argv);

/* A report's date from SOURCE_DATE_EPOCH (seconds since 1970) when that is set (reproducible
 * pages); 0, or SC_EXIT_USAGE (message printed) for a value that is not such a number. */
struct sc_report;
int cli_report_date(struct sc_report *r);

/* A figure's file in dir: "DIR/PREFIX-NAME.png", NAME with ':', '/', ' ' and '\\' as '_'. */
void cli_figure_path(char *path, size_t size, const char *dir, const char *prefix,
                     const char *name);

/* strdup for the tool (NULL on failure or NULL input). */
char *cli_strdup(const char *s);

/* Creates a directory (and parents) if missing; 0 or an exit code (message printed). */
int cli_mkdirs(const char *path);

/* JSON numbers: round-trip %.17g; NaN becomes null, +-inf become +-1.7976931348623157e308. */
void cli_json_number(FILE *f, double v);
/* JSON string with escapes. */
void cli_json_string(FILE *f, const char *s);

struct json_t;
struct json_error_t;

/* Multi-file outputs: cli_note_written(path) after each file of a set (figures in a folder) is
 * complete; main calls cli_written_report(exit code), which lists them on stderr when the
 * command failed part-way (each listed file complete, the others missing) and forgets them
 * (and the command line recorded for cli_check_output). */
void cli_note_written(const char *path);
void cli_written_report(int rc);

/* Inputs: the most bytes to hold from f (SIZE_MAX for a regular file, else sc_input_limit()). */
size_t cli_input_limit(FILE *f);
/* One line (with its '\n', NUL-terminated, may hold NULs) into *buf of *cap bytes, grown as
 * needed: its length, -1 at the end of the file, -2 when a line would pass limit bytes, -3 out
 * of memory. Unlike getline, a line without end (/dev/zero) stops at the limit. */
long cli_getline(char **buf, size_t *cap, FILE *f, size_t limit);
/* 0 when a saved fit's optional "params" (natural scale, as fit --json writes them) agree with
 * its "theta" (what predictions use); else prints which parameter differs and returns
 * SC_EXIT_DATA, so that an edited "params" is not silently ignored. */
int cli_fit_params_agree(const char *path, const sc_law *law, const double *theta,
                         const struct json_t *root);
/* json_load_file, but close-on-exec and within cli_input_limit (jerr->text says so). */
struct json_t *cli_json_load_file(const char *path, size_t flags, struct json_error_t *jerr);

#endif
