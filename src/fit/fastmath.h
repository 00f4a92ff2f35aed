/* SPDX-License-Identifier: GPL-3.0-or-later
 * exp and log written with plain arithmetic and bit operations, without branches or tables, so
 * that the compiler can vectorise loops that call them (the C library's exp and log are opaque
 * calls). Accuracy: a few units in the last place over the documented ranges (checked against
 * the C library in tests/unit/test_fit_fastmath.c). Deterministic: no fused multiply-add is
 * required or assumed (C11 mode compiles with -ffp-contract=off).
 *
 * Method (textbook range reduction, e.g. Muller, "Elementary Functions", 3rd ed., ch. 11):
 *  exp(x) = 2^k exp(r), k = round(x / ln 2), r = x - k ln 2 (ln 2 split in two parts so that
 *           k ln2_hi is exact), |r| <= ln2 / 2, exp(r) by its Taylor series to degree 13
 *           (truncation below 5e-18 relative).
 *  log(x) = k ln 2 + log(m), x = 2^k m with m in [sqrt(1/2), sqrt(2)) (found with integer
 *           operations on the bits only),
 *           log(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716, by the atanh series to
 *           f^23 (truncation below 1e-19 relative). */
#ifndef SC_FIT_FASTMATH_H
#define SC_FIT_FASTMATH_H

#include <stdint.h>
#include <string.h>

static inline uint64_t sc_fm_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

static inline double sc_fm_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* exp(x) for x in [-708, 708] (callers clamp). */
static inline double sc_fast_exp(double x)
{
    const double inv_ln2 = 1.4426950408889634;
    const double ln2_hi = 6.93147180369123816490e-01; /* 33 significant bits: k ln2_hi exact */
    const double ln2_lo = 1.90821492927058770002e-10;
    const double shift = 6755399441055744.0; /* 1.5 * 2^52: adding it rounds to an integer */
    const double kd_s = x * inv_ln2 + shift;
    const double kd = kd_s - shift;
    const uint64_t kbits = sc_fm_bits(kd_s) - sc_fm_bits(shift); /* k, two's complement */
    const double r = (x - kd * ln2_hi) - kd * ln2_lo;
    /* Taylor series of exp(r) to r^13, Horner form. */
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    const double scale = sc_fm_double((kbits + 1023u) << 52);
    return p * scale;
}

/* log(x) for normal positive finite x. */
static inline double sc_fast_log(double x)
{
    const double ln2_hi = 6.93147180369123816490e-01;
    const double ln2_lo = 1.90821492927058770002e-10;
    const uint64_t u = sc_fm_bits(x);
    /* Reduction without comparisons: adding (bits of 1) - (bits of sqrt(1/2)) carries into the
     * exponent field exactly when the mantissa is at least sqrt(2)'s, so the exponent field ev
     * of the sum is k + 1023 with x = 2^k m, m in [sqrt(1/2), sqrt(2)). */
    const uint64_t ev = (u + (0x3FF0000000000000u - 0x3FE6A09E667F3BCDu)) >> 52;
    const double m = sc_fm_double(u - (ev << 52) + 0x3FF0000000000000u);
    /* k as a double without an integer conversion: (2^52 + ev) - 2^52 - 1023. */
    const double k = (sc_fm_double(ev | 0x4330000000000000u) - 4503599627370496.0) - 1023.0;
    const double f = (m - 1.0) / (m + 1.0);
    const double s = f * f;
    /* atanh(f) / f = sum s^j / (2j + 1), j = 0..11. */
    double q = 1.0 / 23.0;
    q = q * s + 1.0 / 21.0;
    q = q * s + 1.0 / 19.0;
    q = q * s + 1.0 / 17.0;
    q = q * s + 1.0 / 15.0;
    q = q * s + 1.0 / 13.0;
    q = q * s + 1.0 / 11.0;
    q = q * s + 1.0 / 9.0;
    q = q * s + 1.0 / 7.0;
    q = q * s + 1.0 / 5.0;
    q = q * s + 1.0 / 3.0;
    /* log(m) = 2 f + 2 f s q: the small correction added last keeps the rounding low. */
    const double logm = 2.0 * f + 2.0 * f * s * q;
    return k * ln2_hi + (k * ln2_lo + logm);
}

/* On x86-64 AVX-512 and AVX2 versions of a kernel marked SC_CLONES are compiled as well and the
 * widest the processor has is chosen at load time (GCC function multiversioning); all compute
 * the same numbers (no fused multiply-add; sums in a fixed order). */
#if defined(SC_CLONES)
/* given on the command line (e.g. empty, to compare the variants) */
#elif defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define SC_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SC_CLONES
#endif

/* Kernels sum over points in SC_LANES interleaved partial sums (point i to lane i mod
 * SC_LANES), each in point order, so that the result does not depend on the vector width;
 * SC_CHUNK (fit_internal.h) is a multiple. */
#define SC_LANES 4

#endif
