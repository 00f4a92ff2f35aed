/* SPDX-License-Identifier: GPL-3.0-or-later
 * Check statistics of an observational fit (Ruan et al. 2024): how well PC-1 alone reconstructs
 * a model's metrics (the pre-registered check on the models released later), the PC-1 range
 * of the training models, and the gain of one target over another (e.g. post-training over
 * base). */
#include "scalecast.h"

#include <math.h>

double sc_obs_rank1_rmse(const sc_obs_result *res, size_t i)
{
    const sc_pca *pc = res->pca;
    double s1 = res->S[i * res->k], ss = 0;
    for (size_t j = 0; j < res->p; j++) {
        double rec = pc->mean[j] + s1 * pc->components[j];
        double e = res->B[i * res->p + j] - rec;
        ss += e * e;
    }
    return sqrt(ss / (double)res->p);
}

double sc_obs_mean_rank1_rmse(const sc_obs_result *res, int test)
{
    double s = 0;
    size_t c = 0;
    for (size_t i = 0; i < res->n; i++)
        if ((res->is_test[i] != 0) == (test != 0)) {
            s += sc_obs_rank1_rmse(res, i);
            c++;
        }
    return c ? s / (double)c : NAN;
}

void sc_obs_pc1_range(const sc_obs_result *res, double *lo, double *hi)
{
    double a = HUGE_VAL, b = -HUGE_VAL;
    for (size_t i = 0; i < res->n; i++)
        if (!res->is_test[i]) {
            double s = res->S[i * res->k];
            a = s < a ? s : a;
            b = s > b ? s : b;
        }
    *lo = a;
    *hi = b;
}

/* Rows of a and g are the same models when both targets were required of every row. */
void sc_obs_gain(const sc_obs_result *a, const double *ya, const sc_obs_result *g,
                 const double *yg, sc_obs_gain_stats *out)
{
    double s[2] = {0, 0}, mean = 0, sc = 0;
    size_t c[2] = {0, 0}, t = 0;
    for (size_t i = 0; i < a->n; i++) {
        int test = a->is_test[i] != 0;
        double pg = a->pred[i] - g->pred[i];
        double ag = ya[a->row[i]] - yg[g->row[i]];
        s[test] += (pg - ag) * (pg - ag);
        c[test]++;
        if (!test) mean += ag;
    }
    mean = c[0] ? mean / (double)c[0] : NAN;
    /* The constant baseline: the mean training gain, scored on the test models. */
    for (size_t i = 0; i < a->n; i++)
        if (a->is_test[i]) {
            double e = ya[a->row[i]] - yg[g->row[i]] - mean;
            sc += e * e;
            t++;
        }
    out->ntrain = c[0];
    out->ntest = c[1];
    out->mse_train = c[0] ? s[0] / (double)c[0] : NAN;
    out->mse_test = c[1] ? s[1] / (double)c[1] : NAN;
    out->const_mse_test = t ? sc / (double)t : NAN;
}
