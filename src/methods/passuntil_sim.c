/* SPDX-License-Identifier: GPL-3.0-or-later
 * Simulated PassUntil tasks with known laws (Hu et al. 2024, Sec. 5: the task law, multi-step
 * tasks and mixtures of circuits), with outcomes that are a pure function of
 * (seed, instance, N, draw). */
#include "core/internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* Uniform in (0, 1) from 53 bits. */
static double unif(uint64_t h)
{
    return ((double)(h >> 11) + 0.5) * 0x1.0p-53;
}

static double normal(uint64_t h)
{
    double u1 = unif(mix64(h)), u2 = unif(mix64(h ^ 0x5851f42d4c957f2dULL));
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void sc_pu_sim_params(const sc_pu_sim *sim, const char *instance, size_t t, double *c,
                      double *alpha)
{
    uint64_t h = mix64(sim->seed ^ fnv1a(instance)) + 0x100 * (uint64_t)t;
    *c = sim->c[t] * exp(sim->sd_logc * normal(h + 1));
    *alpha = sim->alpha[t] + sim->sd_alpha * normal(h + 2);
}

double sc_pu_sim_p(const sc_pu_sim *sim, const char *instance, double N)
{
    size_t T = sim->nterms < 1 ? 1 : sim->nterms > 4 ? 4 : sim->nterms;
    double acc = 0.0;
    for (size_t t = 0; t < T; t++) {
        double c, a;
        sc_pu_sim_params(sim, instance, t, &c, &a);
        double e = c * pow(N, -a);
        if (sim->kind == SC_PU_SIM_MIXTURE) acc += sim->w[t] * exp(-e);
        else acc += e;
        if (sim->kind == SC_PU_SIM_LAW) break;
    }
    return sim->kind == SC_PU_SIM_MIXTURE ? acc : exp(-acc);
}

int sc_pu_sim_draw(const sc_pu_sim *sim, const char *instance, double N, uint64_t draw)
{
    uint64_t nb;
    memcpy(&nb, &N, sizeof nb);
    uint64_t h = mix64(mix64(mix64(sim->seed ^ 0xd1b54a32d192ed03ULL) ^ fnv1a(instance)) ^ nb);
    return unif(mix64(h ^ draw)) < sc_pu_sim_p(sim, instance, N);
}

sc_status sc_pu_sim_run(const sc_pu_sim *sim, const char *const *instances, size_t S, double N,
                        size_t r, size_t kmax, uint64_t budget, double level, sc_pu_est *est,
                        sc_error *err)
{
    sc_pu_sched *s = NULL;
    SC_TRY(sc_pu_sched_new(instances, S, r, kmax, budget, &s, err));
    double *p = sc_malloc_array(S, sizeof *p);
    uint64_t *hi = sc_malloc_array(S, sizeof *hi);
    if (!p || !hi) {
        free(p);
        free(hi);
        sc_pu_sched_free(s);
        return sc_fail(err, SC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    uint64_t nb;
    memcpy(&nb, &N, sizeof nb);
    uint64_t h0 = mix64(sim->seed ^ 0xd1b54a32d192ed03ULL);
    /* The same stream as sc_pu_sim_draw, with the per-instance part hashed once. */
    for (size_t i = 0; i < S; i++) {
        p[i] = sc_pu_sim_p(sim, instances[i], N);
        hi[i] = mix64(mix64(h0 ^ fnv1a(instances[i])) ^ nb);
    }
    size_t i, k;
    sc_status st = SC_OK;
    while (st == SC_OK && sc_pu_sched_next(s, &i, &k)) {
        int pass = unif(mix64(hi[i] ^ k)) < p[i];
        st = sc_pu_sched_record(s, i, k, pass ? SC_PU_PASS : SC_PU_FAIL, NULL, err);
    }
    for (size_t j = 0; st == SC_OK && j < S; j++) {
        size_t K, c;
        sc_pu_sched_state(s, j, &K, &c, NULL, NULL);
        st = sc_pu_estimate(K, c, r, kmax, level, &est[j], err);
    }
    free(p);
    free(hi);
    sc_pu_sched_free(s);
    return st;
}
