/* SPDX-License-Identifier: GPL-3.0-or-later
 * Strict, locale-free recognition of numbers in text cells.
 *
 * The syntax is checked here; the value comes from an exact fast path when the decimal
 * mantissa fits in 53 bits and the power of ten is exactly representable (|e| <= 22): then one
 * IEEE multiplication or division is correctly rounded (Clinger, "How to read floating point
 * numbers accurately", PLDI 1990, the "fast path"). Otherwise strtod, which is correctly
 * rounded in glibc. */
#include "core/table_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_blank(char c) { return c == ' ' || c == '\t'; }

static char lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c; }

/* Case-insensitive: does s start with word? Returns its length or 0. */
static size_t match_word(const char *s, const char *word)
{
    size_t i = 0;
    for (; word[i]; i++)
        if (lower(s[i]) != word[i]) return 0;
    return i;
}

static int only_blanks(const char *p)
{
    while (is_blank(*p)) p++;
    return *p == '\0';
}

int sc_text_to_double(const char *s, double *v)
{
    const char *p = s;
    while (is_blank(*p)) p++;
    const char *start = p;
    int neg = 0;
    if (*p == '+' || *p == '-') {
        neg = *p == '-';
        p++;
    }
    if (!is_digit(*p) && *p != '.') {
        size_t k;
        double x;
        if ((k = match_word(p, "infinity")) || (k = match_word(p, "inf")))
            x = INFINITY;
        else if ((k = match_word(p, "nan")))
            x = NAN;
        else
            return 0;
        if (!only_blanks(p + k)) return 0;
        *v = neg ? -x : x;
        return 1;
    }

    uint64_t m = 0;
    int ndig = 0;       /* significant digits kept in m */
    long dexp = 0;      /* decimal exponent of m */
    int truncated = 0;  /* digits beyond the 19 kept */
    int any = 0;
    for (; is_digit(*p); p++) {
        any = 1;
        unsigned d = (unsigned)(*p - '0');
        if (m == 0 && d == 0) continue;
        if (ndig < 19) {
            m = m * 10 + d;
            ndig++;
        } else {
            dexp++;
            if (d) truncated = 1;
        }
    }
    if (*p == '.') {
        p++;
        for (; is_digit(*p); p++) {
            any = 1;
            unsigned d = (unsigned)(*p - '0');
            if (m == 0 && d == 0) {
                dexp--;
                continue;
            }
            if (ndig < 19) {
                m = m * 10 + d;
                ndig++;
                dexp--;
            } else if (d) {
                truncated = 1;
            }
        }
    }
    if (!any) return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int eneg = 0;
        if (*p == '+' || *p == '-') {
            eneg = *p == '-';
            p++;
        }
        if (!is_digit(*p)) return 0;
        long e = 0;
        for (; is_digit(*p); p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        dexp += eneg ? -e : e;
    }
    if (!only_blanks(p)) return 0;

    double x;
    if (m == 0) {
        x = 0.0;
    } else if (!truncated && m <= (UINT64_C(1) << 53) && dexp >= -22 && dexp <= 22) {
        x = (double)m;
        x = dexp >= 0 ? x * pow10_exact[dexp] : x / pow10_exact[-dexp];
    } else {
        /* The syntax is already checked, so strtod reads exactly the same token. */
        x = strtod(start, NULL);
        *v = x;
        return 1;
    }
    *v = neg ? -x : x;
    return 1;
}
