/* SPDX-License-Identifier: GPL-3.0-or-later
 * Writes a synthetic but realistic set of lm-evaluation-harness per-sample logs (v0.4.3+ JSONL,
 * string leaves) for a family of models of growing compute, as the harness lays them out:
 *   OUT/<model, '/' -> '__'>/results_<date>.json and samples_<task>_<date>.jsonl, and
 *   OUT/models.csv (model, revision, family, parameters, tokens).
 * Model k has N_k parameters (10M to 10B, log-spaced) and D_k = 20 N_k tokens. The
 * log-likelihood of choice j of sample i is -(chars_j + 1) * bpc_ijk with bits per character
 * bpc_ijk = b_ij - g_ij s_k + noise (s_k in [0, 1] rises with log compute): the gold choice
 * improves faster on average, wrong choices improve too (the mechanism of Schaeffer et al.
 * 2024), and about one wrong choice in 10^4 has probability zero ("-inf").
 * Standalone (no library): cc -O2 -o gen_samples tools/gen_samples.c -lm
 *   usage: gen_samples OUT [MODELS [SAMPLES [CHOICES [SEED]]]]   (default 40 20000 4 1) */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct gen_rng {
    uint64_t s;
} gen_rng;

static uint64_t gen_next(gen_rng *r)
{
    /* SplitMix64 */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t gen_mix(uint64_t seed, uint64_t index)
{
    gen_rng r = {seed ^ (0x9E3779B97F4A7C15ULL * (index + 1))};
    return gen_next(&r);
}

static double gen_unif(gen_rng *r)
{
    return (double)(gen_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double gen_normal(gen_rng *r)
{
    double u = gen_unif(r), v = gen_unif(r);
    if (u < 1e-300) u = 1e-300;
    return sqrt(-2.0 * log(u)) * cos(6.283185307179586 * v);
}

static const char *const gen_words[] = {
    "water", "energy", "plant", "animal", "light", "heat", "rock", "cell", "force", "motion",
    "sound", "earth", "moon", "sun", "cloud", "river", "metal", "glass", "air", "soil",
    "seed", "root", "leaf", "magnet", "circuit", "battery", "wire", "gas", "liquid", "solid",
    "café", "naïve", "25 °C", "α-particle", "µm", "température", "Ökosystem", "日本"};
enum { GEN_NWORDS = (int)(sizeof gen_words / sizeof gen_words[0]) };

static void gen_phrase(gen_rng *r, char *buf, size_t size, int nmin, int nmax)
{
    int n = nmin + (int)(gen_unif(r) * (nmax - nmin + 1));
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        /* Mostly ASCII words; a few with accents, symbols or CJK. */
        int w = gen_unif(r) < 0.9 ? (int)(gen_unif(r) * 30) : (int)(gen_unif(r) * GEN_NWORDS);
        if (w >= GEN_NWORDS) w = GEN_NWORDS - 1;
        int m = snprintf(buf + len, size - len, "%s%s", k ? " " : "", gen_words[w]);
        if (m < 0 || (size_t)m >= size - len) break;
        len += (size_t)m;
    }
}

static size_t gen_chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) n++;
    return n;
}

/* Python's str(float): the shortest text that reads back to the same double. */
static void gen_pyfloat(double v, char *buf, size_t size)
{
    if (isinf(v)) {
        snprintf(buf, size, v < 0 ? "-inf" : "inf");
        return;
    }
    if (isnan(v)) {
        snprintf(buf, size, "nan");
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, size, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (!strchr(buf, '.') && !strchr(buf, 'e') && !strchr(buf, 'n')) {
        size_t l = strlen(buf);
        if (l + 2 < size) memcpy(buf + l, ".0", 3);
    }
}

static void gen_hex(gen_rng *r, char *buf)
{
    static const char hx[] = "0123456789abcdef";
    for (int k = 0; k < 64; k++) buf[k] = hx[gen_next(r) & 15];
    buf[64] = '\0';
}

static int gen_mkdir(const char *p)
{
    if (mkdir(p, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen_samples: cannot create %s: %s\n", p, strerror(errno));
        return -1;
    }
    return 0;
}

/* Writes the set; returns 0 or -1. */
static int gen_samples_write(const char *out, int nmodels, int nsamples, int nchoices,
                             uint64_t seed)
{
    static const char date[] = "2026-01-15T10-20-30.123456";
    static const char task[] = "synth_mc";
    char path[4096];
    if (gen_mkdir(out)) return -1;
    snprintf(path, sizeof path, "%s/models.csv", out);
    FILE *mf = fopen(path, "w");
    if (!mf) return -1;
    fprintf(mf, "model,revision,family,parameters,tokens\n");
    char (*choice)[160] = malloc((size_t)nchoices * sizeof *choice);
    double *b = malloc((size_t)nchoices * sizeof *b), *g = malloc((size_t)nchoices * sizeof *g);
    double *ll = malloc((size_t)nchoices * sizeof *ll);
    if (!choice || !b || !g || !ll) return -1;
    for (int k = 0; k < nmodels; k++) {
        double sk = nmodels > 1 ? (double)k / (nmodels - 1) : 0.0;
        double N = floor(1e7 * pow(1e3, sk)), D = 20.0 * N;
        char model[64], dir[64];
        snprintf(model, sizeof model, "synth/m%02d", k);
        snprintf(dir, sizeof dir, "synth__m%02d", k);
        fprintf(mf, "%s,main,synth,%.0f,%.0f\n", model, N, D);
        snprintf(path, sizeof path, "%s/%s", out, dir);
        if (gen_mkdir(path)) return -1;
        snprintf(path, sizeof path, "%s/%s/samples_%s_%s.jsonl", out, dir, task, date);
        FILE *f = fopen(path, "w");
        if (!f) return -1;
        double acc_sum = 0.0, accn_sum = 0.0;
        for (int i = 0; i < nsamples; i++) {
            /* The document: the same for every model (seeded by the sample). */
            gen_rng dr = {seed * 1000003ULL + (uint64_t)(unsigned)i};
            char question[600], ctx[700], tmp[64], hash[3][65];
            gen_phrase(&dr, question, sizeof question, 8, 30);
            snprintf(ctx, sizeof ctx, "Question: %s?\\nAnswer:", question);
            int t = (int)(gen_unif(&dr) * nchoices);
            for (int j = 0; j < nchoices; j++) {
                /* Distinct choice texts (a few attempts, then a numbered fallback). */
                for (int attempt = 0;; attempt++) {
                    gen_phrase(&dr, choice[j], sizeof choice[j], 1, 5);
                    int dup = 0;
                    for (int q = 0; q < j; q++) dup |= strcmp(choice[q], choice[j]) == 0;
                    if (!dup) break;
                    if (attempt == 8) {
                        snprintf(choice[j], sizeof choice[j], "option %d", j + 1);
                        break;
                    }
                }
                b[j] = 0.8 + 1.7 * gen_unif(&dr);
                g[j] = (j == t ? 0.2 + 0.6 * gen_unif(&dr) : 0.5 * gen_unif(&dr)) * b[j];
            }
            for (int h = 0; h < 3; h++) gen_hex(&dr, hash[h]);
            /* This model's log-likelihoods. */
            gen_rng mr = {gen_mix(seed, (uint64_t)(unsigned)k * 1315423911ULL + (uint64_t)(unsigned)i)};
            for (int j = 0; j < nchoices; j++) {
                double bpc = b[j] - g[j] * sk + 0.15 * gen_normal(&mr);
                if (bpc < 0.01) bpc = 0.01;
                ll[j] = -(double)(gen_chars(choice[j]) + 1) * bpc;
                if (j != t && gen_unif(&mr) < 1e-4 / (nchoices - 1) * nchoices) ll[j] = -INFINITY;
            }
            int am = 0, an = 0;
            for (int j = 1; j < nchoices; j++) {
                if (ll[j] > ll[am]) am = j;
                if (ll[j] / (double)gen_chars(choice[j]) > ll[an] / (double)gen_chars(choice[an]))
                    an = j;
            }
            acc_sum += am == t;
            accn_sum += an == t;
            fprintf(f, "{\"doc_id\": %d, \"doc\": {\"id\": \"Q%d\", \"question\": \"%s?\", "
                       "\"choices\": {\"text\": [",
                    i, i, question);
            for (int j = 0; j < nchoices; j++) fprintf(f, "%s\"%s\"", j ? ", " : "", choice[j]);
            fprintf(f, "], \"label\": [");
            for (int j = 0; j < nchoices; j++) fprintf(f, "%s\"%c\"", j ? ", " : "", 'A' + j);
            fprintf(f, "]}, \"answerKey\": \"%c\"}, \"target\": \"%d\", \"arguments\": {", 'A' + t,
                    t);
            for (int j = 0; j < nchoices; j++)
                fprintf(f, "%s\"gen_args_%d\": {\"arg_0\": \"%s\", \"arg_1\": \" %s\"}",
                        j ? ", " : "", j, ctx, choice[j]);
            fprintf(f, "}, \"resps\": [");
            for (int j = 0; j < nchoices; j++) {
                gen_pyfloat(ll[j], tmp, sizeof tmp);
                fprintf(f, "%s[[\"%s\", \"False\"]]", j ? ", " : "", tmp);
            }
            fprintf(f, "], \"filtered_resps\": [");
            for (int j = 0; j < nchoices; j++) {
                gen_pyfloat(ll[j], tmp, sizeof tmp);
                fprintf(f, "%s[\"%s\", \"False\"]", j ? ", " : "", tmp);
            }
            fprintf(f, "], \"filter\": \"none\", \"metrics\": [\"acc\", \"acc_norm\"], "
                       "\"doc_hash\": \"%s\", \"prompt_hash\": \"%s\", \"target_hash\": \"%s\", "
                       "\"acc\": %s, \"acc_norm\": %s}\n",
                    hash[0], hash[1], hash[2], am == t ? "1.0" : "0.0", an == t ? "1.0" : "0.0");
        }
        if (fclose(f) != 0) return -1;
        snprintf(path, sizeof path, "%s/%s/results_%s.json", out, dir, date);
        f = fopen(path, "w");
        if (!f) return -1;
        fprintf(f,
                "{\n  \"results\": {\n    \"%s\": {\n      \"alias\": \"%s\",\n"
                "      \"acc,none\": %.17g,\n      \"acc_norm,none\": %.17g\n    }\n  },\n"
                "  \"config\": {\n    \"model\": \"hf\",\n"
                "    \"model_args\": \"pretrained=%s,revision=main\"\n  }\n}\n",
                task, task, acc_sum / nsamples, accn_sum / nsamples, model);
        if (fclose(f) != 0) return -1;
    }
    free(choice);
    free(b);
    free(g);
    free(ll);
    return fclose(mf) == 0 ? 0 : -1;
}

#ifndef GEN_SAMPLES_NO_MAIN
int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: gen_samples OUT [MODELS [SAMPLES [CHOICES [SEED]]]]\n");
        return 2;
    }
    int nm = argc > 2 ? atoi(argv[2]) : 40, ns = argc > 3 ? atoi(argv[3]) : 20000;
    int nc = argc > 4 ? atoi(argv[4]) : 4;
    uint64_t seed = argc > 5 ? strtoull(argv[5], NULL, 10) : 1;
    if (nm < 1 || ns < 1 || nc < 2) {
        fprintf(stderr, "gen_samples: bad sizes\n");
        return 2;
    }
    return gen_samples_write(argv[1], nm, ns, nc, seed) == 0 ? 0 : 1;
}
#endif
