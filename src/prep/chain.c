/* SPDX-License-Identifier: GPL-3.0-or-later
 * The per-sample metric chain of Schaeffer et al. 2024 ("Why has predicting downstream
 * capabilities of frontier AI models with scale remained elusive?", arXiv 2406.04391, Sec. 3):
 * from the log-likelihoods l_j of a sample's M choices (gold t) to
 *   log p_vocab(correct) = l_t,  p_vocab(correct) = exp(l_t),  p_vocab(choices) = sum_j exp(l_j),
 *   p_choices(correct) = exp(l_t) / sum_j exp(l_j)                        (their Eq. 1-3),
 *   Brier = (1/M) sum_j (p_choices(j) - [j = t])^2,
 *   acc = [argmax_j l_j = t],  acc_norm = [argmax_j l_j / len_j = t]      (lm-eval's definitions).
 * p_choices is computed stably as exp(l_j - max) / sum_k exp(l_k - max). */
#include "core/internal.h"

#include <math.h>

static const char *const metric_names[SC_CHAIN_NMETRICS] = {
    "logp_vocab", "p_vocab", "p_vocab_choices", "p_choices", "brier",
    "acc_norm",   "acc",     "p_choices_wrong", "p_vocab_wrong"};

const char *sc_chain_metric_name(sc_chain_metric m)
{
    if ((unsigned)m >= SC_CHAIN_NMETRICS) return "?";
    return metric_names[m];
}

int sc_chain_metric_sign(sc_chain_metric m)
{
    return (m == SC_CHAIN_BRIER || m == SC_CHAIN_P_CHOICES_WRONG || m == SC_CHAIN_P_VOCAB_WRONG)
               ? -1
               : 1;
}

/* numpy.argmax: the first maximum; a NaN is the maximum (the first NaN wins). */
static size_t argmax_np(const double *v, size_t m)
{
    size_t best = 0;
    if (isnan(v[0])) return 0;
    for (size_t j = 1; j < m; j++) {
        if (isnan(v[j])) return j;
        if (v[j] > v[best]) best = j;
    }
    return best;
}

void sc_chain_sample(const double *loglik, const size_t *len, size_t m, size_t target,
                     double *out)
{
    for (int k = 0; k < SC_CHAIN_NMETRICS; k++) out[k] = NAN;
    if (m == 0 || target >= m) return;
    const double lt = loglik[target];
    out[SC_CHAIN_LOGP_VOCAB] = lt;
    out[SC_CHAIN_P_VOCAB] = exp(lt);

    int has_nan = 0;
    double mx = -INFINITY, wmx = -INFINITY;
    for (size_t j = 0; j < m; j++) {
        if (isnan(loglik[j])) has_nan = 1;
        else if (loglik[j] > mx) mx = loglik[j];
        if (j != target && loglik[j] > wmx) wmx = loglik[j];
    }
    if (!has_nan && m > 1) out[SC_CHAIN_P_VOCAB_WRONG] = exp(wmx);

    /* acc and acc_norm follow numpy.argmax, so that they match the harness even with NaN. */
    out[SC_CHAIN_ACC] = argmax_np(loglik, m) == target ? 1.0 : 0.0;
    if (len != NULL) {
        size_t best = 0;
        double bv = loglik[0] / (double)len[0];
        if (!isnan(bv))
            for (size_t j = 1; j < m; j++) {
                double v = loglik[j] / (double)len[j];
                if (isnan(v)) {
                    best = j;
                    break;
                }
                if (v > bv) {
                    bv = v;
                    best = j;
                }
            }
        out[SC_CHAIN_ACC_NORM] = best == target ? 1.0 : 0.0;
    }

    if (has_nan) return;
    if (mx == -INFINITY) {
        /* Every choice has probability zero: the mass on the choices is 0 and p_choices is
         * undefined (0 / 0). */
        out[SC_CHAIN_P_VOCAB_CHOICES] = 0.0;
        return;
    }
    if (mx == INFINITY) return;
    double sum = 0.0;
    for (size_t j = 0; j < m; j++) sum += exp(loglik[j] - mx);
    out[SC_CHAIN_P_VOCAB_CHOICES] = exp(mx) * sum;
    double brier = 0.0, pw = m > 1 ? 0.0 : NAN;
    for (size_t j = 0; j < m; j++) {
        double p = exp(loglik[j] - mx) / sum;
        double d = p - (j == target ? 1.0 : 0.0);
        brier += d * d;
        if (j == target) out[SC_CHAIN_P_CHOICES] = p;
        else if (p > pw) pw = p;
    }
    out[SC_CHAIN_BRIER] = brier / (double)m;
    out[SC_CHAIN_P_CHOICES_WRONG] = pw;
}
