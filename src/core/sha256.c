/* SPDX-License-Identifier: GPL-3.0-or-later
 * SHA-256 as specified in FIPS 180-4 (Secure Hash Standard), Sec. 4.1.2 (functions), 4.2.2
 * (constants), 5.1.1 (padding), 6.2.2 (computation): used to record the digests of the inputs
 * of a forecast. */
#include "core/internal.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct sha256 {
    uint32_t h[8];
    uint64_t len;
    unsigned char buf[64];
    size_t nbuf;
} sha256;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32 - n)); }

static void block(sha256 *s, const unsigned char *p)
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++)
        w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 |
               (uint32_t)p[4 * t + 2] << 8 | (uint32_t)p[4 * t + 3];
    for (int t = 16; t < 64; t++) {
        uint32_t s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
        uint32_t s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3], e = s->h[4], f = s->h[5],
             g = s->h[6], h = s->h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] +
                      w[t];
        uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
    s->h[5] += f;
    s->h[6] += g;
    s->h[7] += h;
}

static void sha_init(sha256 *s)
{
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(s->h, h0, sizeof h0);
    s->len = 0;
    s->nbuf = 0;
}

static void sha_update(sha256 *s, const unsigned char *p, size_t n)
{
    s->len += (uint64_t)n;
    while (n > 0) {
        size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;
        memcpy(s->buf + s->nbuf, p, take);
        s->nbuf += take;
        p += take;
        n -= take;
        if (s->nbuf == 64) {
            block(s, s->buf);
            s->nbuf = 0;
        }
    }
}

static void sha_final(sha256 *s, char hex[65])
{
    uint64_t bits = s->len * 8;
    unsigned char pad = 0x80, zero = 0;
    sha_update(s, &pad, 1);
    while (s->nbuf != 56) sha_update(s, &zero, 1);
    unsigned char lenb[8];
    for (int k = 0; k < 8; k++) lenb[k] = (unsigned char)(bits >> (56 - 8 * k));
    sha_update(s, lenb, 8);
    for (int k = 0; k < 8; k++) snprintf(hex + 8 * k, 9, "%08x", (unsigned)s->h[k]);
    hex[64] = '\0';
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

sc_status sc_sha256_file(const char *path, char hex[65], sc_error *err)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open");
    sha256 s;
    sha_init(&s);
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (!d) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open folder");
        char **names = NULL;
        size_t n = 0;
        struct dirent *e;
        sc_status rc = SC_OK;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char **nn = realloc(names, (n + 1) * sizeof *nn);
            if (!nn || !(nn[n] = sc_strdup(e->d_name))) {
                if (nn) names = nn;
                rc = SC_ENOMEM;
                break;
            }
            names = nn;
            n++;
        }
        closedir(d);
        if (rc == SC_OK) qsort(names, n, sizeof *names, cmp_name);
        for (size_t k = 0; k < n && rc == SC_OK; k++) {
            size_t len = strlen(path) + strlen(names[k]) + 2;
            char *p = malloc(len);
            if (!p) {
                rc = SC_ENOMEM;
                break;
            }
            snprintf(p, len, "%s/%s", path, names[k]);
            struct stat s2;
            if (stat(p, &s2) == 0 && S_ISREG(s2.st_mode)) {
                char h[65];
                rc = sc_sha256_file(p, h, err);
                if (rc == SC_OK) {
                    sha_update(&s, (const unsigned char *)h, 64);
                    sha_update(&s, (const unsigned char *)"  ", 2);
                    sha_update(&s, (const unsigned char *)names[k], strlen(names[k]));
                    sha_update(&s, (const unsigned char *)"\n", 1);
                }
            }
            free(p);
        }
        for (size_t k = 0; k < n; k++) free(names[k]);
        free(names);
        if (rc == SC_ENOMEM) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
        if (rc != SC_OK) return rc;
        sha_final(&s, hex);
        return SC_OK;
    }
    FILE *f = fopen(path, "rb");
    if (!f) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open");
    unsigned char buf[65536];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, f)) > 0) sha_update(&s, buf, r);
    int bad = ferror(f);
    fclose(f);
    if (bad) return sc_fail(err, SC_EIO, path, 0, 0, "read error");
    sha_final(&s, hex);
    return SC_OK;
}
