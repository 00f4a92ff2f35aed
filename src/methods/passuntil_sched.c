/* SPDX-License-Identifier: GPL-3.0-or-later
 * The PassUntil sampling schedule (Hu et al. 2024, Sec. 3: sample until r passes or K_max):
 * which draw to run next, and each instance's result from the outcomes recorded so far. The
 * processes themselves are run by the command-line driver. */
#include "core/internal.h"

#include <stdlib.h>
#include <string.h>

enum { D_NONE = 0, D_RUNNING = 1, D_FAIL = 2, D_PASS = 3, D_ERROR = 4 };

/* The largest K_max (draws per instance) a schedule accepts. Draw numbers are bounded by it, and
 * draws are stored sparsely (only those past the completed prefix), so memory does not grow with
 * the draw number. */
#define PU_KMAX_LIMIT ((size_t)1000000000)

/* A draw past the completed prefix that is running or recorded. */
typedef struct pu_cell {
    size_t draw; /* 1-based */
    unsigned char v;
} pu_cell;

typedef struct pu_inst {
    char *name;
    pu_cell *d;        /* draws > prefix that are not D_NONE, ascending */
    size_t nd, cap;
    size_t prefix;     /* draws 1..prefix are all recorded */
    size_t passes;     /* passes among them (up to r) */
    size_t lowest;     /* smallest draw index (0-based) that is D_NONE */
    size_t count;      /* draws issued or recorded */
    size_t running;
    size_t error_at;   /* 1-based draw of the earliest error, 0 = none */
    size_t pass_at;    /* 1-based draw of the r-th recorded pass, 0 = not yet: no draw after it
                        * can matter, whatever the draws still running before it give */
    char *error_msg;
    sc_pu_state state;
} pu_inst;

struct sc_pu_sched {
    size_t S, r, kmax;
    uint64_t budget, issued;
    size_t running;
    pu_inst *inst;
};

void sc_pu_sched_free(sc_pu_sched *s)
{
    if (!s) return;
    for (size_t i = 0; i < s->S; i++) {
        free(s->inst[i].name);
        free(s->inst[i].d);
        free(s->inst[i].error_msg);
    }
    free(s->inst);
    free(s);
}

sc_status sc_pu_sched_new(const char *const *instances, size_t S, size_t r, size_t kmax,
                          uint64_t budget, sc_pu_sched **out, sc_error *err)
{
    *out = NULL;
    if (r < 1) return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "r must be >= 1 (got %zu)", r);
    if (kmax < r)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "K_max (%zu) must be >= r (%zu)", kmax, r);
    if (kmax > PU_KMAX_LIMIT)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0, "K_max (%zu) above the limit of %zu draws",
                       kmax, PU_KMAX_LIMIT);
    if (S == 0) return sc_fail(err, SC_EEMPTY, NULL, 0, 0, "no instances");
    sc_pu_sched *s = calloc(1, sizeof *s);
    if (!s) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    s->inst = sc_calloc(S, sizeof *s->inst);
    if (!s->inst) {
        free(s);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    s->S = S;
    s->r = r;
    s->kmax = kmax;
    s->budget = budget ? budget : (uint64_t)S * (uint64_t)kmax;
    for (size_t i = 0; i < S; i++) {
        for (size_t j = 0; j < i; j++)
            if (strcmp(instances[i], instances[j]) == 0) {
                sc_pu_sched_free(s);
                return sc_fail(err, SC_EDUP, NULL, 0, 0, "instance \"%s\" is listed twice",
                               instances[i]);
            }
        s->inst[i].name = sc_strdup(instances[i]);
        if (!s->inst[i].name) {
            sc_pu_sched_free(s);
            return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    *out = s;
    return SC_OK;
}

sc_status sc_pu_sched_find(const sc_pu_sched *s, const char *name, size_t *inst, sc_error *err)
{
    for (size_t i = 0; i < s->S; i++)
        if (strcmp(s->inst[i].name, name) == 0) {
            *inst = i;
            return SC_OK;
        }
    return sc_fail(err, SC_ENOCOL, NULL, 0, 0, "unknown instance \"%s\"", name);
}

/* Index in in->d of the first cell with draw >= draw (in->nd if none). */
static size_t find_cell(const pu_inst *in, size_t draw)
{
    size_t lo = 0, hi = in->nd;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (in->d[mid].draw < draw) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/* The value of a draw (1-based). */
static unsigned char cell_get(const pu_inst *in, size_t draw)
{
    if (draw <= in->prefix) return D_FAIL; /* recorded (the exact outcome no longer matters) */
    size_t k = find_cell(in, draw);
    return k < in->nd && in->d[k].draw == draw ? in->d[k].v : D_NONE;
}

/* Sets a draw's value; D_NONE removes it. Returns -1 when out of memory. */
static int cell_set(pu_inst *in, size_t draw, unsigned char v)
{
    size_t k = find_cell(in, draw);
    if (k < in->nd && in->d[k].draw == draw) {
        if (v != D_NONE) {
            in->d[k].v = v;
        } else {
            memmove(in->d + k, in->d + k + 1, (in->nd - k - 1) * sizeof *in->d);
            in->nd--;
        }
        return 0;
    }
    if (v == D_NONE) return 0;
    if (in->nd == in->cap) {
        /* The cells are bounded by K_max <= PU_KMAX_LIMIT, so the doubling cannot wrap. */
        size_t cap = in->cap ? 2 * in->cap : 16;
        pu_cell *d = realloc(in->d, cap * sizeof *d);
        if (!d) return -1;
        in->d = d;
        in->cap = cap;
    }
    memmove(in->d + k + 1, in->d + k, (in->nd - k) * sizeof *in->d);
    in->d[k] = (pu_cell){draw, v};
    in->nd++;
    return 0;
}

/* Moves lowest past the draws that are running or recorded. */
static void skip_taken(pu_inst *in)
{
    if (in->lowest < in->prefix) in->lowest = in->prefix;
    size_t k = find_cell(in, in->lowest + 1);
    while (k < in->nd && in->d[k].draw == in->lowest + 1) {
        in->lowest++;
        k++;
    }
}

/* Advances the completed prefix and the state of an instance; the cells it passes are dropped. */
static void advance(const sc_pu_sched *s, pu_inst *in)
{
    size_t k = 0;
    while (in->state == SC_PU_RUNNING && k < in->nd && in->d[k].draw == in->prefix + 1 &&
           in->d[k].v >= D_FAIL) {
        unsigned char v = in->d[k++].v;
        in->prefix++;
        if (v == D_ERROR) in->state = SC_PU_FAILED;
        else if (v == D_PASS && ++in->passes == s->r) in->state = SC_PU_RESOLVED;
    }
    if (k) {
        memmove(in->d, in->d + k, (in->nd - k) * sizeof *in->d);
        in->nd -= k;
    }
    if (in->state == SC_PU_RUNNING && in->prefix == s->kmax) in->state = SC_PU_CENSORED;
}

static int can_issue(const sc_pu_sched *s, const pu_inst *in)
{
    if (in->state != SC_PU_RUNNING) return 0;
    if (in->lowest >= s->kmax) return 0;
    if (in->error_at && in->lowest + 1 >= in->error_at) return 0;
    if (in->pass_at && in->lowest + 1 > in->pass_at) return 0;
    return 1;
}

int sc_pu_sched_next(sc_pu_sched *s, size_t *inst, size_t *draw)
{
    if (s->issued >= s->budget) return 0;
    size_t best = s->S;
    for (size_t i = 0; i < s->S; i++) {
        if (!can_issue(s, &s->inst[i])) continue;
        if (best == s->S || s->inst[i].count < s->inst[best].count) best = i;
    }
    if (best == s->S) return 0;
    pu_inst *in = &s->inst[best];
    size_t k = in->lowest;
    if (cell_set(in, k + 1, D_RUNNING) != 0) return 0;
    in->count++;
    in->running++;
    s->running++;
    s->issued++;
    skip_taken(in);
    *inst = best;
    *draw = k + 1;
    return 1;
}

void sc_pu_sched_cancel(sc_pu_sched *s, size_t inst, size_t draw)
{
    if (inst >= s->S || draw == 0) return;
    pu_inst *in = &s->inst[inst];
    if (cell_get(in, draw) != D_RUNNING) return;
    (void)cell_set(in, draw, D_NONE); /* removing never allocates */
    in->count--;
    in->running--;
    s->running--;
    s->issued--;
    if (draw - 1 < in->lowest) in->lowest = draw - 1;
}

sc_status sc_pu_sched_record(sc_pu_sched *s, size_t inst, size_t draw, sc_pu_outcome o,
                             const char *msg, sc_error *err)
{
    if (inst >= s->S) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no instance %zu", inst);
    pu_inst *in = &s->inst[inst];
    if (draw == 0 || draw > s->kmax)
        return sc_fail(err, SC_EDOMAIN, NULL, 0, 0,
                       "instance \"%s\": draw %zu outside 1..K_max (%zu)", in->name, draw,
                       s->kmax);
    unsigned char d = cell_get(in, draw);
    if (d >= D_FAIL)
        return sc_fail(err, SC_EDUP, NULL, 0, 0, "instance \"%s\": draw %zu recorded twice",
                       in->name, draw);
    if (cell_set(in, draw, o == SC_PU_PASS ? D_PASS : o == SC_PU_FAIL ? D_FAIL : D_ERROR) != 0)
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    if (d == D_RUNNING) {
        in->running--;
        s->running--;
    } else {
        in->count++;
        s->issued++;
    }
    if (o == SC_PU_ERROR && (in->error_at == 0 || draw < in->error_at)) {
        in->error_at = draw;
        free(in->error_msg);
        in->error_msg = sc_strdup(msg ? msg : "error");
        if (!in->error_msg) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    advance(s, in);
    skip_taken(in);
    if (o == SC_PU_PASS && (in->pass_at == 0 || draw < in->pass_at)) {
        /* The r-th pass among the recorded draws, counting the completed prefix. */
        size_t n = in->passes;
        in->pass_at = n >= s->r ? in->prefix : 0;
        for (size_t k = 0; k < in->nd && n < s->r; k++)
            if (in->d[k].v == D_PASS && ++n == s->r) in->pass_at = in->d[k].draw;
    }
    return SC_OK;
}

sc_pu_state sc_pu_sched_state(const sc_pu_sched *s, size_t inst, size_t *draws, size_t *passes,
                              const char **msg, size_t *error_draw)
{
    const pu_inst *in = &s->inst[inst];
    sc_pu_state st = in->state;
    /* Out of budget with nothing outstanding: censored where the prefix ends. */
    if (st == SC_PU_RUNNING && in->running == 0 &&
        (s->issued >= s->budget || !can_issue(s, in)))
        st = SC_PU_CENSORED;
    if (draws) *draws = in->prefix;
    if (passes) *passes = in->passes;
    if (msg) *msg = st == SC_PU_FAILED ? in->error_msg : NULL;
    if (error_draw) *error_draw = st == SC_PU_FAILED ? in->error_at : 0;
    return st;
}

int sc_pu_sched_done(const sc_pu_sched *s)
{
    if (s->running) return 0;
    for (size_t i = 0; i < s->S; i++)
        if (sc_pu_sched_state(s, i, NULL, NULL, NULL, NULL) == SC_PU_RUNNING) return 0;
    return 1;
}

size_t sc_pu_sched_count(const sc_pu_sched *s) { return s->S; }
uint64_t sc_pu_sched_issued(const sc_pu_sched *s) { return s->issued; }
size_t sc_pu_sched_running(const sc_pu_sched *s) { return s->running; }
const char *sc_pu_sched_name(const sc_pu_sched *s, size_t inst) { return s->inst[inst].name; }
