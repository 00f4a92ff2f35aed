/* SPDX-License-Identifier: GPL-3.0-or-later
 * Streaming reader of lm-evaluation-harness per-sample logs (--log_samples), both generations:
 * v0.4.3+ JSONL (one object per line and filter, string leaves) and up to v0.4.2 (one indented
 * JSON array, native numbers, bare -Infinity). Memory is bounded by the largest document: the
 * file is read in chunks, and only the fields the metric chain needs are decoded (doc_id, target,
 * the continuations in arguments, filtered_resps, filter, acc, acc_norm); everything else is
 * validated and skipped by the scanner in lmeval_scan.c. */
#include "core/internal.h"
#include "io/lmeval_scan.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 1 << 20 };

struct sc_lmeval_samples {
    FILE *f;
    size_t limit; /* most bytes of one document held from a non-regular file */
    char *buf; /* file mode: owned buffer */
    size_t cap;
    const char *data; /* window over the input: data[pos..len) not consumed yet */
    size_t len, pos;
    int eof;
    size_t consumed; /* bytes before data[0] */
    size_t line;     /* 1-based line of data[pos] */
    size_t col0;     /* bytes between the start of that line and data[pos] */
    sc_lmeval_gen gen;
    int state; /* array: 0 before '[', 1 first element or ']', 2 ',' or ']', 3 done */
    char name[256];
    char delim[64];
    size_t delim_len;

    /* The current document. */
    sc_lmeval_doc doc;
    lm_strbuf key, target, filter, conts, tmp;
    size_t *cont_off;
    const char **choice;
    double *loglik;
    unsigned char *greedy;
    size_t *lens;
    size_t ncap;     /* capacity of the per-choice arrays */
    size_t ncont, nll;
};

static int grow_choices(sc_lmeval_samples *r, size_t need)
{
    if (need <= r->ncap) return 0;
    size_t cap = r->ncap ? r->ncap : 8;
    while (cap < need) cap *= 2;
    size_t *co = realloc(r->cont_off, cap * sizeof *co);
    if (!co) return -1;
    r->cont_off = co;
    const char **ch = realloc(r->choice, cap * sizeof *ch);
    if (!ch) return -1;
    r->choice = ch;
    double *ll = realloc(r->loglik, cap * sizeof *ll);
    if (!ll) return -1;
    r->loglik = ll;
    unsigned char *g = realloc(r->greedy, cap * sizeof *g);
    if (!g) return -1;
    r->greedy = g;
    size_t *ln = realloc(r->lens, cap * sizeof *ln);
    if (!ln) return -1;
    r->lens = ln;
    r->ncap = cap;
    return 0;
}

static sc_status init_reader(sc_lmeval_samples *r, const char *name, const sc_lmeval_opts *opts,
                             sc_error *err)
{
    snprintf(r->name, sizeof r->name, "%s", name ? name : "");
    const char *d = (opts && opts->delimiter) ? opts->delimiter : " ";
    size_t n = strlen(d);
    if (n >= sizeof r->delim)
        return sc_fail(err, SC_EINVAL, NULL, 0, 0, "target delimiter too long");
    memcpy(r->delim, d, n + 1);
    r->delim_len = n;
    r->line = 1;
    return SC_OK;
}

/* Moves the unread part to the front of the buffer and reads more. Grows the buffer when the
 * unread part (one incomplete document) fills half of it. */
static sc_status refill(sc_lmeval_samples *r, sc_error *err)
{
    if (r->f == NULL || r->eof) return SC_OK;
    size_t keep = r->len - r->pos;
    if (r->pos > 0) {
        memmove(r->buf, r->buf + r->pos, keep);
        r->consumed += r->pos;
        r->pos = 0;
        r->len = keep;
    }
    if (r->cap - keep < CHUNK / 2) {
        if (keep > r->limit) return sc_input_too_large(err, r->name, r->line, r->limit);
        if (r->cap > ((size_t)-1) / 4)
            return sc_fail(err, SC_ENOMEM, r->name, r->line, 0, "document too large");
        size_t cap = r->cap * 2;
        char *b = realloc(r->buf, cap);
        if (!b) return sc_fail(err, SC_ENOMEM, r->name, r->line, 0, "out of memory");
        r->buf = b;
        r->cap = cap;
    }
    size_t got = fread(r->buf + r->len, 1, r->cap - r->len, r->f);
    r->len += got;
    r->data = r->buf;
    if (got == 0) {
        if (ferror(r->f))
            return sc_fail(err, SC_EIO, r->name, 0, 0, "read error: %s", strerror(errno));
        r->eof = 1;
    }
    return SC_OK;
}

/* Line and column of position q (at or after data[pos]). */
static void locate(const sc_lmeval_samples *r, const char *q, size_t *line, size_t *col)
{
    const char *p = r->data + r->pos;
    size_t ln = r->line, c = r->col0;
    const char *last = NULL;
    for (const char *t = p; t < q; t++)
        if (*t == '\n') {
            ln++;
            last = t;
        }
    if (last) c = (size_t)(q - last - 1);
    else c += (size_t)(q - p);
    *line = ln;
    *col = c + 1;
}

/* Consumes data[pos..q), keeping line and column up to date. */
static void advance(sc_lmeval_samples *r, const char *q)
{
    const char *p = r->data + r->pos;
    const char *last = NULL;
    size_t n = (size_t)(q - p);
    const char *t = p;
    while ((t = memchr(t, '\n', (size_t)(q - t))) != NULL) {
        r->line++;
        last = t;
        t++;
    }
    if (last) r->col0 = (size_t)(q - last - 1);
    else r->col0 += n;
    r->pos += n;
}

static sc_status scan_error(sc_lmeval_samples *r, const lm_scan *s, sc_error *err)
{
    if (s->oom) return sc_fail(err, SC_ENOMEM, r->name, r->line, 0, "out of memory");
    size_t line, col;
    locate(r, s->errpos, &line, &col);
    return sc_fail(err, SC_EPARSE, r->name, line, col, "%s", s->msg);
}

/* A string or a number as a log-likelihood (v0.4.3+ writes str(float): "-9.75", "-inf", "nan"). */
static int read_loglik(sc_lmeval_samples *r, lm_scan *s, double *v)
{
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    const char *at = s->p;
    if (c == '"') {
        r->tmp.len = 0;
        if (lm_string(s, &r->tmp)) return -1;
        char *end = NULL;
        const char *txt = r->tmp.d ? r->tmp.d : "";
        *v = strtod(txt, &end);
        if (end == txt || *end != '\0')
            return lm_fail(s, at, "expected a log-likelihood, got \"%.40s\"", txt);
    } else if (c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I') {
        if (lm_number(s, v)) return -1;
    } else {
        return lm_fail(s, s->p, "expected a log-likelihood (number or string)");
    }
    /* A log-likelihood is at most 0 (a log of a probability; a little slack for rounding).
     * -inf (probability 0) is valid, NaN marks an undefined sample; +inf or 5.0 is bad data. */
    if (*v > 1e-6) return lm_fail(s, at, "a log-likelihood must be <= 0, got %g", *v);
    return 0;
}

static int read_flag(sc_lmeval_samples *r, lm_scan *s, unsigned char *g)
{
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    if (c == '"') {
        r->tmp.len = 0;
        if (lm_string(s, &r->tmp)) return -1;
        *g = r->tmp.d && strcmp(r->tmp.d, "True") == 0;
        return 0;
    }
    if (c == 't' || c == 'f' || c == 'n') {
        int t = 0;
        if (lm_literal(s, &t)) return -1;
        *g = t == 1;
        return 0;
    }
    return lm_skip(s); /* anything else: not a flag we need */
}

/* Skips the remaining ", value" elements of an array, up to (not including) its ']'. */
static int skip_rest(lm_scan *s)
{
    char c = 0;
    for (;;) {
        if (lm_peek(s, &c)) return -1;
        if (c != ',') return 0;
        s->p++;
        if (lm_skip(s)) return -1;
    }
}

/* filtered_resps: [[ll, greedy], ...] */
static int read_resps(sc_lmeval_samples *r, lm_scan *s)
{
    r->nll = 0;
    if (lm_expect(s, '[')) return -1;
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    if (c == ']') {
        s->p++;
        return 0;
    }
    for (;;) {
        if (lm_peek(s, &c)) return -1;
        if (c != '[')
            return lm_fail(s, s->p,
                           "filtered_resps[%zu]: expected [log-likelihood, is-greedy] (not a "
                           "multiple-choice log-likelihood task?)",
                           r->nll);
        s->p++;
        if (grow_choices(r, r->nll + 1)) {
            s->oom = 1;
            return -1;
        }
        if (read_loglik(r, s, &r->loglik[r->nll])) return -1;
        r->greedy[r->nll] = 0;
        if (lm_peek(s, &c)) return -1;
        if (c == ',') {
            s->p++;
            if (read_flag(r, s, &r->greedy[r->nll])) return -1;
            if (skip_rest(s)) return -1; /* anything further in the pair */
        }
        if (lm_expect(s, ']')) return -1;
        r->nll++;
        if (lm_peek(s, &c)) return -1;
        s->p++;
        if (c == ']') return 0;
        if (c != ',') return lm_fail(s, s->p - 1, "expected ',' or ']' in filtered_resps");
    }
}

static int add_cont(sc_lmeval_samples *r, lm_scan *s)
{
    if (grow_choices(r, r->ncont + 1)) {
        s->oom = 1;
        return -1;
    }
    r->cont_off[r->ncont] = r->conts.len;
    if (lm_string(s, &r->conts)) return -1;
    if (lm_strbuf_put(&r->conts, "", 1)) { /* keep the terminating NUL inside the buffer */
        s->oom = 1;
        return -1;
    }
    r->ncont++;
    return 0;
}

/* arguments, v0.4.3+: {"gen_args_0": {"arg_0": context, "arg_1": continuation}, ...}
 * arguments, <= v0.4.2: [[context, continuation], ...] */
static int read_arguments(sc_lmeval_samples *r, lm_scan *s)
{
    r->ncont = 0;
    r->conts.len = 0;
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    if (c == '[') {
        s->p++;
        if (lm_peek(s, &c)) return -1;
        if (c == ']') {
            s->p++;
            return 0;
        }
        for (;;) {
            if (lm_expect(s, '[')) return -1;
            if (lm_skip(s) || lm_expect(s, ',')) return -1; /* the context */
            if (lm_peek(s, &c)) return -1;
            if (c != '"') return lm_fail(s, s->p, "arguments: the continuation is not a string");
            if (add_cont(r, s)) return -1;
            if (skip_rest(s)) return -1;
            if (lm_expect(s, ']')) return -1;
            if (lm_peek(s, &c)) return -1;
            s->p++;
            if (c == ']') return 0;
            if (c != ',') return lm_fail(s, s->p - 1, "expected ',' or ']' in arguments");
        }
    }
    if (c != '{') return lm_fail(s, s->p, "arguments: expected an object or a list");
    s->p++;
    if (lm_peek(s, &c)) return -1;
    if (c == '}') {
        s->p++;
        return 0;
    }
    for (;;) {
        const char *kat = s->p;
        r->key.len = 0;
        if (lm_string(s, &r->key) || lm_expect(s, ':')) return -1;
        /* The key must be "gen_args_<index>", in order. */
        const char *kd = r->key.d ? r->key.d : "";
        char *kend = NULL;
        if (strncmp(kd, "gen_args_", 9) != 0 || kd[9] < '0' || kd[9] > '9' ||
            strtoull(kd + 9, &kend, 10) != r->ncont || *kend != '\0')
            return lm_fail(s, kat, "arguments: expected \"gen_args_%zu\"", r->ncont);
        char want[40];
        want[0] = '\0';
        if (lm_expect(s, '{')) return -1;
        size_t before = r->ncont;
        if (lm_peek(s, &c)) return -1;
        if (c == '}') s->p++;
        else
            for (;;) {
                r->key.len = 0;
                if (lm_string(s, &r->key) || lm_expect(s, ':')) return -1;
                if (r->key.d && strcmp(r->key.d, "arg_1") == 0 && r->ncont == before) {
                    if (lm_peek(s, &c)) return -1;
                    if (c != '"')
                        return lm_fail(s, s->p, "arguments: the continuation is not a string");
                    if (add_cont(r, s)) return -1;
                } else if (lm_skip(s)) {
                    return -1;
                }
                if (lm_peek(s, &c)) return -1;
                s->p++;
                if (c == '}') break;
                if (c != ',') return lm_fail(s, s->p - 1, "expected ',' or '}' in arguments");
            }
        (void)want;
        if (r->ncont == before)
            return lm_fail(s, kat, "arguments: gen_args_%zu has no \"arg_1\"", before);
        if (lm_peek(s, &c)) return -1;
        s->p++;
        if (c == '}') return 0;
        if (c != ',') return lm_fail(s, s->p - 1, "expected ',' or '}' in arguments");
    }
}

static size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

static int all_digits(const char *s)
{
    if (!*s) return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9') return 0;
    return 1;
}

/* Parses one document object at s->p into r->doc. */
static int parse_doc(sc_lmeval_samples *r, lm_scan *s)
{
    const char *start = s->p;
    int have_id = 0, have_target = 0, have_args = 0, have_resps = 0, have_filter = 0;
    double target_num = NAN;
    const char *target_at = NULL;
    r->doc.acc = r->doc.acc_norm = NAN;
    r->ncont = r->nll = 0;
    r->target.len = 0;
    if (lm_expect(s, '{')) return -1;
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    if (c == '}') s->p++;
    else
        for (;;) {
            if (lm_peek(s, &c)) return -1;
            if (c != '"') return lm_fail(s, s->p, "expected a string key");
            r->key.len = 0;
            if (lm_string(s, &r->key) || lm_expect(s, ':')) return -1;
            const char *k = r->key.d ? r->key.d : "";
            if (lm_peek(s, &c)) return -1;
            const char *vat = s->p;
            if (strcmp(k, "doc_id") == 0) {
                double v = 0.0;
                if (!(c == '-' || (c >= '0' && c <= '9'))) return lm_fail(s, vat, "doc_id is not a number");
                if (lm_number(s, &v)) return -1;
                if (!(v == floor(v)) || fabs(v) > 9e15) return lm_fail(s, vat, "doc_id is not a whole number");
                r->doc.doc_id = (long long)v;
                have_id = 1;
            } else if (strcmp(k, "target") == 0) {
                target_at = vat;
                r->target.len = 0;
                if (c == '"') {
                    if (lm_string(s, &r->target)) return -1;
                    target_num = NAN;
                } else if (c == '-' || (c >= '0' && c <= '9')) {
                    if (lm_number(s, &target_num)) return -1;
                } else if (c == '[') {
                    return lm_fail(s, vat, "target is a list (several gold answers): not supported");
                } else {
                    return lm_fail(s, vat, "target: expected a string or a number");
                }
                have_target = 1;
            } else if (strcmp(k, "arguments") == 0) {
                if (read_arguments(r, s)) return -1;
                have_args = 1;
            } else if (strcmp(k, "filtered_resps") == 0) {
                if (read_resps(r, s)) return -1;
                have_resps = 1;
            } else if (strcmp(k, "filter") == 0 && c == '"') {
                r->filter.len = 0;
                if (lm_string(s, &r->filter)) return -1;
                have_filter = 1;
            } else if ((strcmp(k, "acc") == 0 || strcmp(k, "acc_norm") == 0) &&
                       (c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I')) {
                double v = 0.0;
                if (lm_number(s, &v)) return -1;
                if (k[3] == '\0') r->doc.acc = v;
                else r->doc.acc_norm = v;
            } else if (lm_skip(s)) {
                return -1;
            }
            if (lm_peek(s, &c)) return -1;
            s->p++;
            if (c == '}') break;
            if (c != ',') return lm_fail(s, s->p - 1, "expected ',' or '}' after a value");
        }
    /* Semantic checks; errors point at the document's first byte or at the target. */
    if (!have_id) return lm_fail(s, start, "document without \"doc_id\"");
    if (!have_resps) return lm_fail(s, start, "doc %lld: no \"filtered_resps\"", r->doc.doc_id);
    if (!have_args) return lm_fail(s, start, "doc %lld: no \"arguments\"", r->doc.doc_id);
    if (!have_target) return lm_fail(s, start, "doc %lld: no \"target\"", r->doc.doc_id);
    if (r->nll == 0) return lm_fail(s, start, "doc %lld: no choices", r->doc.doc_id);
    if (r->ncont != r->nll)
        return lm_fail(s, start, "doc %lld: %zu continuations in arguments but %zu log-likelihoods",
                       r->doc.doc_id, r->ncont, r->nll);
    size_t m = r->nll;
    if (!have_filter) {
        r->filter.len = 0;
        if (lm_strbuf_put(&r->filter, "none", 4)) {
            s->oom = 1;
            return -1;
        }
    }
    for (size_t j = 0; j < m; j++) {
        const char *t = r->conts.d + r->cont_off[j];
        if (r->delim_len && strncmp(t, r->delim, r->delim_len) == 0) t += r->delim_len;
        r->choice[j] = t;
        r->lens[j] = utf8_length(t);
    }
    /* The gold index: a number, a string of digits, or the gold choice's text. */
    if (r->target.len == 0 && !isnan(target_num)) {
        if (target_num != floor(target_num) || target_num < 0 || target_num >= (double)m)
            return lm_fail(s, target_at, "doc %lld: target %g outside the %zu choices",
                           r->doc.doc_id, target_num, m);
        r->doc.target = (size_t)target_num;
        char num[32];
        snprintf(num, sizeof num, "%zu", r->doc.target);
        r->target.len = 0;
        if (lm_strbuf_put(&r->target, num, strlen(num))) {
            s->oom = 1;
            return -1;
        }
    } else {
        const char *t = r->target.d ? r->target.d : "";
        size_t found = m;
        if (all_digits(t) && strlen(t) < 16 && (size_t)strtoull(t, NULL, 10) < m) {
            found = (size_t)strtoull(t, NULL, 10);
        } else {
            for (size_t j = 0; j < m && found == m; j++)
                if (strcmp(r->choice[j], t) == 0 || strcmp(r->conts.d + r->cont_off[j], t) == 0)
                    found = j;
        }
        if (found == m) {
            if (all_digits(t))
                return lm_fail(s, target_at, "doc %lld: target %s outside the %zu choices",
                               r->doc.doc_id, t, m);
            return lm_fail(s, target_at, "doc %lld: target \"%.60s\" is not one of the %zu choices",
                           r->doc.doc_id, t, m);
        }
        r->doc.target = found;
    }
    if (r->target.len == 0 && lm_strbuf_put(&r->target, "", 0)) {
        s->oom = 1;
        return -1;
    }
    r->doc.filter = r->filter.d;
    r->doc.nchoices = m;
    r->doc.loglik = r->loglik;
    r->doc.greedy = r->greedy;
    r->doc.choice = r->choice;
    r->doc.len = r->lens;
    r->doc.target_text = r->target.d;
    return 0;
}

static void init_scan(lm_scan *s, const char *p, const char *end, int final, const char *eof_msg)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->end = end;
    s->final = final;
    s->eof_msg = eof_msg;
}

static sc_status detect(sc_lmeval_samples *r, sc_error *err)
{
    for (;;) {
        const char *p = r->data + r->pos, *end = r->data + r->len;
        if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
            advance(r, p + 3);
            r->col0 = 0;
            continue;
        }
        while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
        if (p < end) {
            if (*p == '[') r->gen = SC_LMEVAL_ARRAY;
            else if (*p == '{') r->gen = SC_LMEVAL_JSONL;
            else {
                size_t line, col;
                locate(r, p, &line, &col);
                return sc_fail(err, SC_EPARSE, r->name, line, col,
                               "not a per-sample log: expected '[' or '{'");
            }
            return SC_OK;
        }
        if (r->eof || r->f == NULL)
            return sc_fail(err, SC_EEMPTY, r->name, 0, 0, "empty per-sample log");
        SC_TRY(refill(r, err));
    }
}

static sc_status open_common(sc_lmeval_samples *r, sc_lmeval_samples **out, sc_error *err)
{
    sc_status st = detect(r, err);
    if (st != SC_OK) {
        sc_lmeval_samples_close(r);
        return st;
    }
    *out = r;
    return SC_OK;
}

sc_status sc_lmeval_samples_open(const char *path, const sc_lmeval_opts *opts,
                                 sc_lmeval_samples **out, sc_error *err)
{
    *out = NULL;
    sc_lmeval_samples *r = calloc(1, sizeof *r);
    if (!r) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    sc_status st = init_reader(r, path, opts, err);
    if (st != SC_OK) {
        free(r);
        return st;
    }
    st = sc_input_open(path, &r->f, &r->limit, err);
    if (st != SC_OK) {
        free(r);
        return st;
    }
    r->cap = CHUNK;
    r->buf = malloc(r->cap);
    if (!r->buf) {
        sc_lmeval_samples_close(r);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    r->data = r->buf;
    return open_common(r, out, err);
}

sc_status sc_lmeval_samples_open_mem(const char *buf, size_t len, const char *name,
                                     const sc_lmeval_opts *opts, sc_lmeval_samples **out,
                                     sc_error *err)
{
    *out = NULL;
    sc_lmeval_samples *r = calloc(1, sizeof *r);
    if (!r) return sc_fail(err, SC_ENOMEM, name, 0, 0, "out of memory");
    sc_status st = init_reader(r, name, opts, err);
    if (st != SC_OK) {
        free(r);
        return st;
    }
    r->data = buf ? buf : "";
    r->len = buf ? len : 0;
    r->eof = 1;
    return open_common(r, out, err);
}

static sc_status next_jsonl(sc_lmeval_samples *r, const sc_lmeval_doc **doc, sc_error *err)
{
    for (;;) {
        const char *p = r->data + r->pos, *end = r->data + r->len;
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL && !r->eof) {
            SC_TRY(refill(r, err));
            continue;
        }
        const char *lend = nl ? nl : end;
        const char *q = p;
        while (q < lend && (*q == ' ' || *q == '\r' || *q == '\t')) q++;
        if (q == lend) { /* a blank line, or the end */
            if (nl == NULL) {
                advance(r, end);
                *doc = NULL;
                return SC_OK;
            }
            advance(r, nl + 1);
            continue;
        }
        lm_scan s;
        init_scan(&s, q, lend, 1, "unexpected end of line (truncated JSON line?)");
        r->doc.line = r->line;
        if (parse_doc(r, &s)) return scan_error(r, &s, err);
        lm_ws(&s);
        if (s.p != lend) {
            lm_fail(&s, s.p, "unexpected text after the document's JSON object");
            return scan_error(r, &s, err);
        }
        advance(r, nl ? nl + 1 : end);
        *doc = &r->doc;
        return SC_OK;
    }
}

static sc_status next_array(sc_lmeval_samples *r, const sc_lmeval_doc **doc, sc_error *err)
{
    for (;;) {
        if (r->state == 3) {
            *doc = NULL;
            return SC_OK;
        }
        lm_scan s;
        init_scan(&s, r->data + r->pos, r->data + r->len, r->eof,
                  "unexpected end of file (truncated JSON array?)");
        char c = 0;
        int rc = 0;
        const char *elem = NULL;
        if (r->state == 0) {
            rc = lm_expect(&s, '[');
            if (!rc) {
                rc = lm_peek(&s, &c);
                if (!rc && c == ']') {
                    s.p++;
                    elem = NULL;
                } else if (!rc) {
                    elem = s.p;
                    rc = parse_doc(r, &s);
                }
            }
        } else {
            rc = lm_peek(&s, &c);
            if (!rc) {
                if (c == ']') {
                    s.p++;
                } else if (c == ',') {
                    s.p++;
                    rc = lm_peek(&s, &c);
                    if (!rc) {
                        elem = s.p;
                        rc = parse_doc(r, &s);
                    }
                } else {
                    rc = lm_fail(&s, s.p, "expected ',' or ']' between documents");
                }
            }
        }
        if (rc) {
            if (s.need_more && !r->eof) {
                SC_TRY(refill(r, err));
                continue;
            }
            return scan_error(r, &s, err);
        }
        if (elem == NULL) {
            /* The closing bracket: only white space may follow. */
            advance(r, s.p);
            for (;;) {
                lm_scan t;
                init_scan(&t, r->data + r->pos, r->data + r->len, 1, NULL);
                lm_ws(&t);
                if (t.p < t.end) {
                    lm_fail(&t, t.p, "unexpected text after the JSON array");
                    return scan_error(r, &t, err);
                }
                advance(r, t.p);
                if (r->eof) break;
                SC_TRY(refill(r, err));
            }
            r->state = 3;
            continue;
        }
        size_t line, col;
        locate(r, elem, &line, &col);
        r->doc.line = line;
        advance(r, s.p);
        r->state = 2;
        *doc = &r->doc;
        return SC_OK;
    }
}

sc_status sc_lmeval_samples_next(sc_lmeval_samples *s, const sc_lmeval_doc **doc, sc_error *err)
{
    *doc = NULL;
    if (s == NULL) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no reader");
    if (s->gen == SC_LMEVAL_JSONL) return next_jsonl(s, doc, err);
    return next_array(s, doc, err);
}

sc_lmeval_gen sc_lmeval_samples_generation(const sc_lmeval_samples *s)
{
    return s ? s->gen : SC_LMEVAL_UNKNOWN;
}

size_t sc_lmeval_samples_offset(const sc_lmeval_samples *s)
{
    return s ? s->consumed + s->pos : 0;
}

void sc_lmeval_samples_close(sc_lmeval_samples *s)
{
    if (s == NULL) return;
    if (s->f) fclose(s->f);
    free(s->buf);
    lm_strbuf_free(&s->key);
    lm_strbuf_free(&s->target);
    lm_strbuf_free(&s->filter);
    lm_strbuf_free(&s->conts);
    lm_strbuf_free(&s->tmp);
    free(s->cont_off);
    free(s->choice);
    free(s->loglik);
    free(s->greedy);
    free(s->lens);
    free(s);
}
