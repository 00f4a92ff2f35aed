/* SPDX-License-Identifier: GPL-3.0-or-later
 * The PassUntil run log: one JSON object per line. Line 1 is the header
 *   {"passuntil":1,"model":"m","N":1e8,"r":2,"kmax":100000,"seed":1,"budget":0,
 *    "instances":["a","b"]}
 * and every later line one outcome, appended (and flushed) as it happens:
 *   {"instance":"a","draw":3,"outcome":"pass"}      outcome: pass | fail | error (+ "message")
 * A last line without its newline (the writer was killed mid-line) is ignored. */
#include "cli.h"
#include "passuntil_cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void pu_log_free(pu_log *log)
{
    if (!log) return;
    for (size_t i = 0; i < log->S; i++) free(log->inst[i]);
    free(log->inst);
    free(log->model);
    free(log->path);
    sc_pu_sched_free(log->sched);
    memset(log, 0, sizeof *log);
}

static int bad(const pu_log *log, size_t line, const char *what)
{
    return cli_fail(SC_EXIT_DATA, "%s:%zu: %s", log->path, line, what);
}

static int get_count(json_t *obj, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *out = (uint64_t)json_integer_value(v);
        return 0;
    }
    if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1.8e19 &&
        floor(json_real_value(v)) == json_real_value(v)) {
        *out = (uint64_t)json_real_value(v);
        return 0;
    }
    return -1;
}

static int parse_header(pu_log *log, json_t *h, const uint64_t *budget_override)
{
    char msg[256];
    if (!json_is_object(h) || !json_object_get(h, "passuntil"))
        return bad(log, 1, "not a passuntil run log (no \"passuntil\" header)");
    json_t *model = json_object_get(h, "model"), *N = json_object_get(h, "N");
    json_t *inst = json_object_get(h, "instances");
    uint64_t r, kmax, seed = 0, budget = 0;
    if (get_count(h, "r", &r) || get_count(h, "kmax", &kmax))
        return bad(log, 1, "header: \"r\" and \"kmax\" must be whole numbers >= 0");
    if (kmax > PU_KMAX_LIMIT) {
        snprintf(msg, sizeof msg, "header: \"kmax\" %llu is above the limit of %zu draws per "
                 "instance", (unsigned long long)kmax, PU_KMAX_LIMIT);
        return bad(log, 1, msg);
    }
    if (r > kmax) {
        snprintf(msg, sizeof msg, "header: \"r\" %llu is above \"kmax\" %llu",
                 (unsigned long long)r, (unsigned long long)kmax);
        return bad(log, 1, msg);
    }
    if (get_count(h, "seed", &seed) && json_object_get(h, "seed"))
        return bad(log, 1, "header: \"seed\" must be a whole number >= 0");
    if (get_count(h, "budget", &budget) && json_object_get(h, "budget"))
        return bad(log, 1, "header: \"budget\" must be a whole number >= 0");
    if (!json_is_array(inst) || json_array_size(inst) == 0)
        return bad(log, 1, "header: \"instances\" must be a non-empty list of names");
    log->model = cli_strdup(json_is_string(model) ? json_string_value(model) : "");
    log->N = json_is_number(N) ? json_number_value(N) : NAN;
    log->r = (size_t)r;
    log->kmax = (size_t)kmax;
    log->seed = seed;
    /* A resumed run may change the budget: the schedule uses the new one. */
    log->budget = budget_override ? *budget_override : budget;
    if (!isnan(log->N) && !(isfinite(log->N) && log->N > 0.0))
        return bad(log, 1, "header: \"N\" must be a finite model size > 0 (or null)");
    log->S = json_array_size(inst);
    log->inst = calloc(log->S, sizeof *log->inst);
    if (!log->model || !log->inst) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    for (size_t i = 0; i < log->S; i++) {
        json_t *v = json_array_get(inst, i);
        if (!json_is_string(v)) {
            snprintf(msg, sizeof msg, "header: instance %zu is not a string", i + 1);
            return bad(log, 1, msg);
        }
        log->inst[i] = cli_strdup(json_string_value(v));
        if (!log->inst[i]) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    }
    sc_error err;
    sc_error_clear(&err);
    if (sc_pu_sched_new((const char *const *)log->inst, log->S, log->r, log->kmax, log->budget,
                        &log->sched, &err) != SC_OK) {
        snprintf(err.file, sizeof err.file, "%s", log->path);
        err.line = 1;
        return cli_report(&err);
    }
    return 0;
}

static int parse_record(pu_log *log, size_t line, json_t *o)
{
    char msg[512];
    json_t *name = json_object_get(o, "instance"), *out = json_object_get(o, "outcome");
    uint64_t draw;
    if (!json_is_object(o) || !json_is_string(name) || !json_is_string(out) ||
        get_count(o, "draw", &draw))
        return bad(log, line, "expected {\"instance\": name, \"draw\": n, \"outcome\": ...}");
    const char *s = json_string_value(out);
    sc_pu_outcome oc;
    if (strcmp(s, "pass") == 0) oc = SC_PU_PASS;
    else if (strcmp(s, "fail") == 0) oc = SC_PU_FAIL;
    else if (strcmp(s, "error") == 0) oc = SC_PU_ERROR;
    else {
        snprintf(msg, sizeof msg, "unknown outcome \"%s\" (pass, fail or error)", s);
        return bad(log, line, msg);
    }
    json_t *m = json_object_get(o, "message");
    sc_error err;
    sc_error_clear(&err);
    size_t i;
    sc_status st = sc_pu_sched_find(log->sched, json_string_value(name), &i, &err);
    if (st == SC_OK)
        st = sc_pu_sched_record(log->sched, i, (size_t)draw, oc,
                                json_is_string(m) ? json_string_value(m) : NULL, &err);
    if (st != SC_OK) {
        snprintf(err.file, sizeof err.file, "%s", log->path);
        err.line = line;
        if (st == SC_ENOCOL) err.code = SC_EDOMAIN;
        return cli_report(&err);
    }
    log->nrecords++;
    return 0;
}

int pu_log_load(const char *path, const uint64_t *budget, pu_log *log)
{
    memset(log, 0, sizeof *log);
    log->path = cli_strdup(path);
    if (!log->path) return cli_fail(SC_EXIT_INTERNAL, "out of memory");
    FILE *f = fopen(path, "re");
    if (!f) return cli_fail(SC_EXIT_IO, "%s: cannot read: %s", path, strerror(errno));
    char *buf = NULL;
    size_t cap = 0, line = 0, limit = cli_input_limit(f);
    long len;
    int rc = 0;
    long pos = 0;
    while ((len = cli_getline(&buf, &cap, f, limit)) > 0 || len < -1) {
        if (len < -1) {
            rc = len == -2 ? cli_fail(SC_EXIT_DATA, "%s:%zu: a line of more than the input limit "
                                      "of %zu bytes for an input that is not a regular file "
                                      "(SCALECAST_MAX_INPUT raises it)", path, line + 1, limit)
                           : cli_fail(SC_EXIT_INTERNAL, "out of memory");
            break;
        }
        line++;
        int complete = buf[len - 1] == '\n';
        if (!complete) {
            /* Torn write: the run was killed mid-line. The draw is run again on resume. */
            log->torn = 1;
            break;
        }
        pos += (long)len;
        json_error_t je;
        json_t *o = json_loadb(buf, (size_t)len, 0, &je);
        if (!o) {
            char msg[300];
            snprintf(msg, sizeof msg, "malformed JSON: %s", je.text);
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu:%d: %s", path, line, je.column, msg);
            break;
        }
        rc = line == 1 ? parse_header(log, o, budget) : parse_record(log, line, o);
        json_decref(o);
        if (rc) break;
    }
    free(buf);
    int ioerr = ferror(f);
    fclose(f);
    if (rc) return rc;
    if (ioerr) return cli_fail(SC_EXIT_IO, "%s: read error", path);
    if (line == 0) return cli_fail(SC_EXIT_DATA, "%s: empty run log", path);
    if (!log->sched)
        return cli_fail(SC_EXIT_DATA,
                        "%s:1: incomplete header line (the run was killed while writing it)",
                        path);
    log->valid_bytes = pos;
    return 0;
}

int pu_log_has_line(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f) return 0;
    int c, found = 0;
    while ((c = getc(f)) != EOF)
        if (c == '\n') {
            found = 1;
            break;
        }
    fclose(f);
    return found;
}

int pu_utf8_valid(const char *s)
{
    /* RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF. */
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n, min, u;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) n = 1, min = 0x80, u = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) n = 2, min = 0x800, u = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) n = 3, min = 0x10000, u = c & 0x07;
        else return 0;
        for (unsigned k = 1; k <= n; k++) {
            if ((p[k] & 0xC0) != 0x80) return 0;
            u = (u << 6) | (p[k] & 0x3Fu);
        }
        if (u < min || u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) return 0;
        p += n + 1;
    }
    return 1;
}

void pu_log_write_header(FILE *f, const pu_log *log)
{
    fputs("{\"passuntil\":1,\"model\":", f);
    cli_json_string(f, log->model ? log->model : "");
    fputs(",\"N\":", f);
    cli_json_number(f, log->N);
    fprintf(f, ",\"r\":%zu,\"kmax\":%zu,\"seed\":%llu,\"budget\":%llu,\"instances\":[", log->r,
            log->kmax, (unsigned long long)log->seed, (unsigned long long)log->budget);
    for (size_t i = 0; i < log->S; i++) {
        if (i) fputc(',', f);
        cli_json_string(f, log->inst[i]);
    }
    fputs("]}\n", f);
    fflush(f);
}

void pu_log_write_outcome(FILE *f, const char *instance, size_t draw, sc_pu_outcome o,
                          const char *msg)
{
    fputs("{\"instance\":", f);
    cli_json_string(f, instance);
    fprintf(f, ",\"draw\":%zu,\"outcome\":\"%s\"", draw,
            o == SC_PU_PASS ? "pass" : o == SC_PU_FAIL ? "fail" : "error");
    if (o == SC_PU_ERROR) {
        fputs(",\"message\":", f);
        cli_json_string(f, msg ? msg : "error");
    }
    fputs("}\n", f);
    fflush(f);
}

int pu_read_instances(const char *path, char ***out, size_t *n)
{
    FILE *f = fopen(path, "re");
    if (!f) return cli_fail(SC_EXIT_IO, "%s: cannot read: %s", path, strerror(errno));
    char *buf = NULL, **names = NULL;
    size_t cap = 0, count = 0, alloc = 0, line = 0, limit = cli_input_limit(f), total = 0;
    long len;
    int rc = 0;
    while ((len = cli_getline(&buf, &cap, f, limit)) > 0 || len < -1) {
        line++;
        total += len > 0 ? (size_t)len : 0;
        if (len == -2 || total > limit) {
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu: more than the input limit of %zu bytes for an "
                          "input that is not a regular file (SCALECAST_MAX_INPUT raises it)",
                          path, line, limit);
            goto out;
        }
        if (len < -1) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto out;
        }
        while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' || buf[len - 1] == ' ' ||
                           buf[len - 1] == '\t'))
            buf[--len] = '\0';
        char *s = buf;
        while (*s == ' ' || *s == '\t') s++;
        if (*s == '\0' || *s == '#') continue;
        if (!pu_utf8_valid(s)) {
            rc = cli_fail(SC_EXIT_DATA, "%s:%zu: instance name is not valid UTF-8", path, line);
            goto out;
        }
        for (size_t j = 0; j < count; j++)
            if (strcmp(names[j], s) == 0) {
                rc = cli_fail(SC_EXIT_DATA, "%s:%zu: instance \"%s\" is listed twice", path, line, s);
                goto out;
            }
        if (count == alloc) {
            alloc = alloc ? 2 * alloc : 16;
            char **nn = realloc(names, alloc * sizeof *nn);
            if (!nn) {
                rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
                goto out;
            }
            names = nn;
        }
        names[count] = cli_strdup(s);
        if (!names[count]) {
            rc = cli_fail(SC_EXIT_INTERNAL, "out of memory");
            goto out;
        }
        count++;
    }
    if (count == 0) rc = cli_fail(SC_EXIT_DATA, "%s: no instances", path);
out:
    free(buf);
    fclose(f);
    if (rc) {
        for (size_t j = 0; j < count; j++) free(names[j]);
        free(names);
        return rc;
    }
    *out = names;
    *n = count;
    return 0;
}
