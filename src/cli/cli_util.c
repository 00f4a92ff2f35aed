/* SPDX-License-Identifier: GPL-3.0-or-later
 * Shared pieces of the command-line tool. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cli_verbose = 0;

int cli_exit_code(sc_status s)
{
    switch (s) {
    case SC_OK: return SC_EXIT_OK;
    case SC_ETOOFEW:
    case SC_ENOCONV:
    case SC_ECHANCE:
    case SC_ENUMERIC: return SC_EXIT_NUMERIC;
    case SC_EINVAL:
    case SC_EUNKNOWN: return SC_EXIT_USAGE;
    case SC_EPARSE:
    case SC_ETYPE:
    case SC_ENOCOL:
    case SC_EEMPTY:
    case SC_EDOMAIN:
    case SC_EDUP: return SC_EXIT_DATA;
    case SC_EIO: return SC_EXIT_IO;
    case SC_ENOMEM:
    case SC_EINTERNAL: return SC_EXIT_INTERNAL;
    }
    return SC_EXIT_INTERNAL;
}

int cli_report(const sc_error *err)
{
    char buf[1024];
    sc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "scalecast: error: %s\n", buf);
    return cli_exit_code(err->code);
}

int cli_fail(int exit_code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("scalecast: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return exit_code;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("scalecast: warning: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_info(const char *fmt, ...)
{
    if (!cli_verbose) return;
    va_list ap;
    va_start(ap, fmt);
    fputs("scalecast: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_parse_double(const char *opt, const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    double v = (s && *s) ? strtod(s, &end) : 0.0;
    if (!s || !*s || *end != '\0' || errno == ERANGE || isnan(v))
        return cli_fail(SC_EXIT_USAGE, "%s: expected a number, got \"%s\"", opt, s ? s : "");
    *out = v;
    return 0;
}

int cli_parse_u64(const char *opt, const char *s, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    if (!s || !*s || *s == '-' || *s == '+')
        return cli_fail(SC_EXIT_USAGE, "%s: expected a whole number, got \"%s\"", opt, s ? s : "");
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || errno == ERANGE)
        return cli_fail(SC_EXIT_USAGE, "%s: expected a whole number, got \"%s\"", opt, s);
    *out = (uint64_t)v;
    return 0;
}

int cli_parse_size(const char *opt, const char *s, size_t *out)
{
    uint64_t v = 0;
    int rc = cli_parse_u64(opt, s, &v);
    if (rc) return rc;
    if (v > SIZE_MAX) return cli_fail(SC_EXIT_USAGE, "%s: %s is too large", opt, s);
    *out = (size_t)v;
    return 0;
}

int cli_parse_count(const char *opt, const char *s, size_t lo, size_t hi, size_t *out)
{
    uint64_t v = 0;
    char *end = NULL;
    errno = 0;
    int ok = s && *s && *s != '-' && *s != '+';
    if (ok) {
        v = strtoull(s, &end, 10);
        ok = *end == '\0' && errno != ERANGE && v >= lo && v <= hi;
    }
    if (!ok)
        return cli_fail(SC_EXIT_USAGE, "%s: expected a whole number from %zu to %zu, got \"%s\"", opt,
                        lo, hi, s ? s : "");
    *out = (size_t)v;
    return 0;
}

/* The command line of the running command (its first cli_args_init), for cli_check_output. */
static int cmd_argc;
static char **cmd_argv;

void cli_args_init(cli_args *a, int argc, char **argv, const cli_option_set *set)
{
    if (!cmd_argv) {
        cmd_argc = argc;
        cmd_argv = argv;
    }
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    a->i = 0; /* argv[0] is the command name */
    a->options = set->options;
    a->command = set->command;
}

/* The table entry whose name or alias is the first len bytes of s, or NULL. */
static const cli_option *find_option(const cli_option *t, const char *s, size_t len)
{
    for (; t && t->name; t++) {
        if (strlen(t->name) == len && strncmp(t->name, s, len) == 0) return t;
        if (t->alias && strlen(t->alias) == len && strncmp(t->alias, s, len) == 0) return t;
    }
    return NULL;
}

int cli_args_next(cli_args *a)
{
    if (a->error) return 0;
    a->i++;
    if (a->i >= a->argc) return 0;
    a->current = a->argv[a->i];
    a->positional = NULL;
    a->opt = NULL;
    a->value = NULL;
    if (!a->only_positional && strcmp(a->current, "--") == 0) {
        a->only_positional = 1;
        return cli_args_next(a);
    }
    if (a->only_positional || a->current[0] != '-' || strcmp(a->current, "-") == 0) {
        a->positional = a->current;
        return 1;
    }
    const char *eq = strchr(a->current, '=');
    size_t len = eq ? (size_t)(eq - a->current) : strlen(a->current);
    const cli_option *o = find_option(a->options, a->current, len);
    if (!o) {
        /* A negative number where a value or positional is expected reads as an option: say
         * what was not understood, with the command to ask for help. */
        a->error = cli_args_unknown(a);
        return 0;
    }
    size_t idx = (size_t)(o - a->options);
    if (idx < CLI_MAX_OPTIONS) {
        if (a->seen[idx] && !(o->flags & CLI_REPEAT)) {
            a->error = cli_fail(SC_EXIT_USAGE, "%s given more than once", o->name);
            return 0;
        }
        a->seen[idx] = 1;
    }
    if (o->flags & CLI_VALUE) {
        if (eq) {
            a->value = eq + 1;
        } else if (a->i + 1 < a->argc) {
            a->i++;
            a->value = a->argv[a->i];
        } else {
            a->error = cli_fail(SC_EXIT_USAGE, "%s needs a value", a->current);
            return 0;
        }
    } else if (eq) {
        a->error = cli_fail(SC_EXIT_USAGE, "%s takes no value (got \"%s\")", o->name, eq + 1);
        return 0;
    }
    a->opt = o;
    return 1;
}

/* The scanner must know every name the command tests for: a name missing from the table is a
 * bug in the tool, caught by the first test that reaches it. */
static const cli_option *checked(const cli_args *a, const char *name)
{
    const cli_option *o = find_option(a->options, name, strlen(name));
    if (!o) {
        fprintf(stderr, "scalecast: internal error: option %s is not in the table of '%s'\n", name,
                a->command);
        abort();
    }
    return o;
}

int cli_flag(cli_args *a, const char *name)
{
    const cli_option *o = checked(a, name);
    return a->opt == o;
}

int cli_opt(cli_args *a, const char *name, const char **value)
{
    const cli_option *o = checked(a, name);
    if (a->opt != o) return 0;
    *value = a->value;
    return 1;
}

int cli_args_unknown(const cli_args *a)
{
    return cli_fail(SC_EXIT_USAGE, "unknown option \"%s\" (see 'scalecast %s --help')",
                    a->current, a->command);
}

void cli_list_options(FILE *f, const cli_option_set *const *sets)
{
    for (; *sets; sets++)
        for (const cli_option *o = (*sets)->options; o->name; o++)
            fprintf(f, "%s\t%s\t%s\t%s\t%s\n", (*sets)->command, o->name, o->alias ? o->alias : "-",
                    o->flags & CLI_VALUE ? "value" : "flag",
                    o->flags & CLI_REPEAT ? "repeat" : "once");
}

/* 1 when s names an existing regular file with the given device and inode. */
static int same_file(const char *s, const struct stat *out)
{
    struct stat st;
    return s && *s && stat(s, &st) == 0 && S_ISREG(st.st_mode) && st.st_dev == out->st_dev &&
           st.st_ino == out->st_ino;
}

int cli_check_output(const char *path)
{
    struct stat out;
    if (!path || strcmp(path, "-") == 0 || stat(path, &out) != 0 || !S_ISREG(out.st_mode))
        return 0;
    /* The output is one of the command-line words (or a --name=value's value); any other word
     * naming the same file (device and inode: links and other spellings included) is an input
     * the output would replace. */
    int seen = 0;
    const char *other = NULL; /* preferably spelled otherwise than path */
    for (int k = 1; k < cmd_argc; k++) {
        const char *w = cmd_argv[k], *eq = w[0] == '-' ? strchr(w, '=') : NULL;
        const char *name = same_file(w, &out) ? w : eq && same_file(eq + 1, &out) ? eq + 1 : NULL;
        if (!name) continue;
        seen++;
        if (!other || (strcmp(other, path) == 0 && strcmp(name, path) != 0)) other = name;
    }
    if (seen < 2) return 0;
    return cli_fail(SC_EXIT_USAGE, "%s: the output would overwrite an input of this command "
                    "(\"%s\" is the same file); write it elsewhere", path, other);
}

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return 0;
    }
    int rc = cli_check_output(path);
    if (rc) return rc;
    sc_error err;
    sc_error_clear(&err);
    if (sc_tmpfile_open(&o->t, path, 1, &err) != SC_OK) return cli_report(&err);
    o->f = o->t.f;
    return 0;
}

int cli_out_commit(cli_out *o)
{
    if (o->f == stdout) {
        o->f = NULL;
        return fflush(stdout) == 0 && !ferror(stdout)
                   ? 0
                   : cli_fail(SC_EXIT_IO, "cannot write to standard output");
    }
    o->f = NULL;
    sc_error err;
    sc_error_clear(&err);
    if (sc_tmpfile_commit(&o->t, &err) != SC_OK) return cli_report(&err);
    return 0;
}

void cli_out_abort(cli_out *o)
{
    if (o->f && o->f != stdout) sc_tmpfile_abort(&o->t);
    memset(o, 0, sizeof *o);
}

int cli_mkdirs(const char *path)
{
    char buf[4096];
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof buf) return cli_fail(SC_EXIT_USAGE, "bad folder name \"%s\"", path);
    memcpy(buf, path, len + 1);
    for (size_t k = 1; k <= len; k++) {
        if (buf[k] == '/' || buf[k] == '\0') {
            char c = buf[k];
            buf[k] = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return cli_fail(SC_EXIT_IO, "%s: cannot create folder: %s", buf, strerror(errno));
            buf[k] = c;
        }
    }
    return 0;
}

void cli_json_number(FILE *f, double v)
{
    if (isnan(v)) fputs("null", f);
    else if (isinf(v)) fputs(v > 0 ? "1.7976931348623157e308" : "-1.7976931348623157e308", f);
    else fprintf(f, "%.17g", v);
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

char *cli_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int cli_not_folder(const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cli_fail(SC_EXIT_IO, "%s: is a folder, expected a file", path);
    return 0;
}

size_t cli_input_limit(FILE *f)
{
    struct stat st;
    return fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? SIZE_MAX : sc_input_limit();
}

long cli_getline(char **buf, size_t *cap, FILE *f, size_t limit)
{
    size_t n = 0;
    int c;
    for (;;) {
        c = getc(f);
        if (c == EOF) break;
        if (n + 2 > *cap) {
            if (n >= limit) return -2;
            size_t nc = *cap ? 2 * *cap : 256;
            if (limit < SIZE_MAX - 2 && nc > limit + 2) nc = limit + 2;
            char *nb = nc > *cap ? realloc(*buf, nc) : NULL;
            if (!nb) return -3;
            *buf = nb;
            *cap = nc;
        }
        (*buf)[n++] = (char)c;
        if (c == '\n') break;
    }
    if (n == 0) return -1;
    (*buf)[n] = '\0';
    return (long)n;
}

typedef struct limited_read {
    FILE *f;
    size_t left;
    int over;
} limited_read;

static size_t read_limited(void *buffer, size_t size, void *data)
{
    limited_read *r = data;
    if (r->left == 0) {
        if (getc(r->f) == EOF) return 0;
        r->over = 1;
        return (size_t)-1;
    }
    size_t got = fread(buffer, 1, size < r->left ? size : r->left, r->f);
    if (got == 0 && ferror(r->f)) return (size_t)-1;
    r->left -= got;
    return got;
}

json_t *cli_json_load_file(const char *path, size_t flags, json_error_t *jerr)
{
    FILE *f = fopen(path, "rbe");
    if (!f) {
        snprintf(jerr->text, sizeof jerr->text, "cannot open: %s", strerror(errno));
        jerr->line = jerr->column = 0;
        return NULL;
    }
    limited_read r = {f, cli_input_limit(f), 0};
    json_t *root = json_load_callback(read_limited, &r, flags, jerr);
    fclose(f);
    if (!root && r.over)
        snprintf(jerr->text, sizeof jerr->text, "more than the input limit of %zu bytes for an "
                 "input that is not a regular file (SCALECAST_MAX_INPUT raises it)",
                 sc_input_limit());
    return root;
}

/* Files of a multi-file output (figures in a folder) written so far, listed when the command
 * fails after some of them: each is complete, the rest are missing. */
static char **written;
static size_t nwritten;

void cli_note_written(const char *path)
{
    char **w = realloc(written, (nwritten + 1) * sizeof *w);
    if (!w) return;
    written = w;
    if ((written[nwritten] = cli_strdup(path)) != NULL) nwritten++;
}

void cli_written_report(int rc)
{
    if (rc != 0 && nwritten > 0) {
        fprintf(stderr, "scalecast: note: written before the error (complete; the others are "
                        "missing): ");
        for (size_t k = 0; k < nwritten; k++) fprintf(stderr, "%s%s", k ? ", " : "", written[k]);
        fputc('\n', stderr);
    }
    for (size_t k = 0; k < nwritten; k++) free(written[k]);
    free(written);
    written = NULL;
    nwritten = 0;
    cmd_argv = NULL; /* the next command (in-process: tests) records its own command line */
    cmd_argc = 0;
}

char *cli_command_line(int argc, char **argv)
{
    size_t n = 16;
    for (int i = 0; i < argc; i++) n += 4 * strlen(argv[i]) + 3;
    char *s = malloc(n), *o = s;
    if (!s) return NULL;
    o += sprintf(o, "scalecast");
    for (int i = 0; i < argc; i++) {
        const char *p = argv[i];
        int plain = *p != '\0';
        for (const char *q = p; *q; q++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *q))
                plain = 0;
        *o++ = ' ';
        if (plain) {
            o += sprintf(o, "%s", p);
            continue;
        }
        *o++ = '\'';
        for (; *p; p++) {
            if (*p == '\'') o += sprintf(o, "'\\''");
            else *o++ = *p;
        }
        *o++ = '\'';
    }
    *o = '\0';
    return s;
}

int cli_report_date(sc_report *r)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (!epoch || !*epoch) return 0;
    char *end;
    long long t = strtoll(epoch, &end, 10);
    if (*end || t < 0)
        return cli_fail(SC_EXIT_USAGE, "SOURCE_DATE_EPOCH: expected seconds since 1970, got \"%s\"", epoch);
    sc_report_set_date(r, t);
    return 0;
}

void cli_figure_path(char *path, size_t size, const char *dir, const char *prefix,
                     const char *name)
{
    char safe[256];
    snprintf(safe, sizeof safe, "%s", name);
    for (char *p = safe; *p; p++)
        if (*p == ':' || *p == '/' || *p == ' ' || *p == '\\') *p = '_';
    snprintf(path, size, "%s/%s-%s.png", dir, prefix, safe);
}
