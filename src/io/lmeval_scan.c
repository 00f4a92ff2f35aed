/* SPDX-License-Identifier: GPL-3.0-or-later
 * A small validating JSON scanner (see lmeval_scan.h). Grammar: RFC 8259, plus the tokens NaN,
 * Infinity and -Infinity (Python's json.dumps with allow_nan=True). */
#include "io/lmeval_scan.h"

#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LM_MAX_DEPTH = 256, LM_MAX_NUMBER = 400 };

void lm_strbuf_free(lm_strbuf *b)
{
    free(b->d);
    b->d = NULL;
    b->len = b->cap = 0;
}

int lm_strbuf_put(lm_strbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1) {
            if (cap > ((size_t)-1) / 2) {
                b->oom = 1;
                return -1;
            }
            cap *= 2;
        }
        char *d = realloc(b->d, cap);
        if (d == NULL) {
            b->oom = 1;
            return -1;
        }
        b->d = d;
        b->cap = cap;
    }
    if (n) memcpy(b->d + b->len, s, n);
    b->len += n;
    b->d[b->len] = '\0';
    return 0;
}

int lm_fail(lm_scan *s, const char *pos, const char *fmt, ...)
{
    if (s->errpos != NULL || s->need_more || s->oom) return -1; /* keep the first error */
    s->errpos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->msg, sizeof s->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* The input ended inside a value: ask for more when more may come, else it is an error. */
static int at_end(lm_scan *s)
{
    if (!s->final) {
        s->need_more = 1;
        return -1;
    }
    return lm_fail(s, s->end, "%s", s->eof_msg ? s->eof_msg : "unexpected end of input");
}

void lm_ws(lm_scan *s)
{
    const char *p = s->p;
    while (p < s->end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    s->p = p;
}

int lm_peek(lm_scan *s, char *c)
{
    lm_ws(s);
    if (s->p >= s->end) return at_end(s);
    *c = *s->p;
    return 0;
}

int lm_expect(lm_scan *s, char c)
{
    char got = 0;
    if (lm_peek(s, &got)) return -1;
    if (got != c) return lm_fail(s, s->p, "expected '%c'", c);
    s->p++;
    return 0;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static int hex4(lm_scan *s, const char *p, unsigned *u)
{
    if (s->end - p < 4) return at_end(s);
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p[k]);
        if (h < 0) return lm_fail(s, p + k, "bad \\u escape in a string");
        v = v * 16 + (unsigned)h;
    }
    *u = v;
    return 0;
}

/* Appends code point u as UTF-8 (lone surrogates as their 3-byte form, as Python keeps them). */
static int put_utf8(lm_strbuf *out, unsigned u)
{
    char b[4];
    size_t n;
    if (u < 0x80) {
        b[0] = (char)u;
        n = 1;
    } else if (u < 0x800) {
        b[0] = (char)(0xC0 | (u >> 6));
        b[1] = (char)(0x80 | (u & 0x3F));
        n = 2;
    } else if (u < 0x10000) {
        b[0] = (char)(0xE0 | (u >> 12));
        b[1] = (char)(0x80 | ((u >> 6) & 0x3F));
        b[2] = (char)(0x80 | (u & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (u >> 18));
        b[1] = (char)(0x80 | ((u >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((u >> 6) & 0x3F));
        b[3] = (char)(0x80 | (u & 0x3F));
        n = 4;
    }
    return lm_strbuf_put(out, b, n);
}

int lm_string(lm_scan *s, lm_strbuf *out)
{
    lm_ws(s);
    const char *p = s->p, *end = s->end;
    if (p >= end) return at_end(s);
    if (*p != '"') return lm_fail(s, p, "expected a string");
    p++;
    for (;;) {
        const char *run = p;
        /* The fast path: plain bytes up to a quote, a backslash or a control character, eight
         * at a time (a word has such a byte when one of these bit tests fires; see "Bit
         * Twiddling Hacks", Anderson: haszero / hasless), then byte by byte. */
        while (end - p >= 8) {
            uint64_t v;
            memcpy(&v, p, 8);
            const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
            uint64_t q = v ^ (ones * '"'), b = v ^ (ones * '\\');
            uint64_t hit = ((q - ones) & ~q) | ((b - ones) & ~b) | ((v - ones * 0x20) & ~v);
            if (hit & highs) break;
            p += 8;
        }
        while (p < end) {
            unsigned char c = (unsigned char)*p;
            if (c == '"' || c == '\\' || c < 0x20) break;
            p++;
        }
        if (out && p > run && lm_strbuf_put(out, run, (size_t)(p - run))) goto oom;
        if (p >= end) return at_end(s);
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            s->p = p + 1;
            return 0;
        }
        if (c < 0x20) return lm_fail(s, p, "control character in a string");
        /* A backslash escape. */
        if (end - p < 2) return at_end(s);
        char e = p[1];
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        case 'u': break;
        default: return lm_fail(s, p, "bad escape '\\%c' in a string", e);
        }
        if (simple) {
            if (out && lm_strbuf_put(out, simple, 1)) goto oom;
            p += 2;
            continue;
        }
        unsigned u = 0;
        if (hex4(s, p + 2, &u)) return -1;
        p += 6;
        if (u >= 0xD800 && u < 0xDC00) {
            /* A high surrogate: combine with a following low surrogate when there is one. */
            if (end - p < 2) return at_end(s);
            if (p[0] == '\\' && p[1] == 'u') {
                unsigned lo = 0;
                if (hex4(s, p + 2, &lo)) return -1;
                if (lo >= 0xDC00 && lo < 0xE000) {
                    u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                }
            }
        }
        if (out && put_utf8(out, u)) goto oom;
    }
oom:
    s->oom = 1;
    return -1;
}

static int match_word(lm_scan *s, const char *word)
{
    size_t n = strlen(word);
    size_t have = (size_t)(s->end - s->p);
    if (have < n) {
        if (memcmp(s->p, word, have) == 0) return at_end(s);
        return lm_fail(s, s->p, "unexpected character '%c'", *s->p);
    }
    if (memcmp(s->p, word, n) != 0) return lm_fail(s, s->p, "unexpected character '%c'", *s->p);
    s->p += n;
    return 0;
}

int lm_number(lm_scan *s, double *v)
{
    const char *start = s->p, *p = s->p, *end = s->end;
    int neg = 0;
    if (p < end && *p == '-') {
        neg = 1;
        p++;
    }
    if (p >= end) return at_end(s);
    if (*p == 'I') {
        s->p = p;
        if (match_word(s, "Infinity")) return -1;
        *v = neg ? -INFINITY : INFINITY;
        return 0;
    }
    if (*p == 'N' && !neg) {
        if (match_word(s, "NaN")) return -1;
        *v = NAN;
        return 0;
    }
    if (*p == '0') {
        p++;
    } else if (*p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9') p++;
    } else {
        return lm_fail(s, p, "expected a number");
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end) return at_end(s);
        if (!(*p >= '0' && *p <= '9')) return lm_fail(s, p, "expected a digit after '.'");
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end) return at_end(s);
        if (!(*p >= '0' && *p <= '9')) return lm_fail(s, p, "expected a digit in an exponent");
        while (p < end && *p >= '0' && *p <= '9') p++;
    }
    /* A number that touches the end of a partial buffer may continue in the next one. */
    if (p >= end && !s->final) return at_end(s);
    size_t n = (size_t)(p - start);
    if (n > LM_MAX_NUMBER) return lm_fail(s, start, "number too long");
    char tmp[LM_MAX_NUMBER + 1];
    memcpy(tmp, start, n);
    tmp[n] = '\0';
    *v = strtod(tmp, NULL);
    s->p = p;
    return 0;
}

int lm_literal(lm_scan *s, int *truth)
{
    if (s->p >= s->end) return at_end(s);
    switch (*s->p) {
    case 't':
        *truth = 1;
        return match_word(s, "true");
    case 'f':
        *truth = 0;
        return match_word(s, "false");
    case 'n':
        *truth = -1;
        return match_word(s, "null");
    default: return lm_fail(s, s->p, "unexpected character '%c'", *s->p);
    }
}

int lm_skip(lm_scan *s)
{
    char c = 0;
    if (lm_peek(s, &c)) return -1;
    if (c == '"') return lm_string(s, NULL);
    if (c == '{' || c == '[') {
        if (++s->depth > LM_MAX_DEPTH) return lm_fail(s, s->p, "nesting too deep");
        char close = c == '{' ? '}' : ']';
        s->p++;
        char d = 0;
        if (lm_peek(s, &d)) return -1;
        if (d == close) {
            s->p++;
            s->depth--;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                if (lm_peek(s, &d)) return -1;
                if (d != '"') return lm_fail(s, s->p, "expected a string key");
                if (lm_string(s, NULL) || lm_expect(s, ':')) return -1;
            }
            if (lm_skip(s)) return -1;
            if (lm_peek(s, &d)) return -1;
            if (d == ',') {
                s->p++;
                continue;
            }
            if (d == close) {
                s->p++;
                s->depth--;
                return 0;
            }
            return lm_fail(s, s->p, "expected ',' or '%c'", close);
        }
    }
    if (c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I') {
        double v = 0.0;
        return lm_number(s, &v);
    }
    int t = 0;
    return lm_literal(s, &t);
}
