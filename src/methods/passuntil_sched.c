/* SPDX-License-Identifier: GPL-3.0-or-later
 * The PassUntil sampling schedule (Hu et al. 2024, Sec. 3: sample until r passes or K_max):
 * which draw to run next, and each instance's result from the outcomes recorded so far. The
 * processes themselves are run by the command-line driver. */
#include "core/internal.h"

#include <stdlib.h>
#include <string.h>

enum { D_NONE = 0, D_RUNNING = 1, D_FAIL = 2, D_PASS = 3, D_ERROR = 4 };

typedef struct pu_inst {
    char *name;
    unsigned char *d;  /* d[k] for draw k + 1 */
    size_t cap;
    size_t prefix;     /* draws 1..prefix are all recorded */
    size_t passes;     /* passes among them (up to r) */
    size_t lowest;     /* smallest draw index (0-based) that is D_NONE */
    size_t count;      /* draws issued or recorded */
    size_t running;
    size_t error_at;   /* 1-based draw of the earliest error, 0 = none */
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

static int grow(pu_inst *in, size_t need)
{
    if (need <= in->cap) return 0;
    size_t cap = in->cap ? in->cap : 64;
    while (cap < need) cap *= 2;
    unsigned char *d = realloc(in->d, cap);
    if (!d) return -1;
    memset(d + in->cap, D_NONE, cap - in->cap);
    in->d = d;
    in->cap = cap;
    return 0;
}

/* Advances the completed prefix and the state of an instance. */
static void advance(const sc_pu_sched *s, pu_inst *in)
{
    while (in->state == SC_PU_RUNNING && in->prefix < in->cap &&
           in->d[in->prefix] >= D_FAIL) {
        unsigned char v = in->d[in->prefix++];
        if (v == D_ERROR) in->state = SC_PU_FAILED;
        else if (v == D_PASS && ++in->passes == s->r) in->state = SC_PU_RESOLVED;
    }
    if (in->state == SC_PU_RUNNING && in->prefix == s->kmax) in->state = SC_PU_CENSORED;
}

static int can_issue(const sc_pu_sched *s, const pu_inst *in)
{
    if (in->state != SC_PU_RUNNING) return 0;
    if (in->lowest >= s->kmax) return 0;
    if (in->error_at && in->lowest + 1 >= in->error_at) return 0;
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
    if (grow(in, in->lowest + 1) != 0) return 0;
    size_t k = in->lowest;
    in->d[k] = D_RUNNING;
    in->count++;
    in->running++;
    s->running++;
    s->issued++;
    while (in->lowest < in->cap && in->d[in->lowest] != D_NONE) in->lowest++;
    *inst = best;
    *draw = k + 1;
    return 1;
}

void sc_pu_sched_cancel(sc_pu_sched *s, size_t inst, size_t draw)
{
    if (inst >= s->S || draw == 0) return;
    pu_inst *in = &s->inst[inst];
    if (draw > in->cap || in->d[draw - 1] != D_RUNNING) return;
    in->d[draw - 1] = D_NONE;
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
    if (grow(in, draw) != 0) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    unsigned char *d = &in->d[draw - 1];
    if (*d >= D_FAIL)
        return sc_fail(err, SC_EDUP, NULL, 0, 0, "instance \"%s\": draw %zu recorded twice",
                       in->name, draw);
    if (*d == D_RUNNING) {
        in->running--;
        s->running--;
    } else {
        in->count++;
        s->issued++;
    }
    *d = o == SC_PU_PASS ? D_PASS : o == SC_PU_FAIL ? D_FAIL : D_ERROR;
    if (o == SC_PU_ERROR && (in->error_at == 0 || draw < in->error_at)) {
        in->error_at = draw;
        free(in->error_msg);
        in->error_msg = sc_strdup(msg ? msg : "error");
        if (!in->error_msg) return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    while (in->lowest < in->cap && in->d[in->lowest] != D_NONE) in->lowest++;
    advance(s, in);
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
