/* SPDX-License-Identifier: GPL-3.0-or-later
 * Small real subsets of the Apple DCLM-mixture release (data/apple, Krajewski et al. 2025) for
 * the direct-law unit tests, copied from metrics_dclm_data_mixture_subset.csv with %.17g, and a
 * Jacobian check shared by the law tests. */
#ifndef SC_TEST_DIRECT_TESTDATA_H
#define SC_TEST_DIRECT_TESTDATA_H

#include <math.h>
#include <stddef.h>

#include "scalecast.h"

/* Every third tpr-20 run (18 runs, 1.0e18 to 3.8e22 FLOPs with C = 6 N D, N = tokens / 20):
 * tokens, hellaswag acc_norm and the dclm validation cross-entropy. */
static const double hs_tokens[18] = {
    1825570816,  2434531328,  3246653440,  4329046016,   5773459456,   7698644992,
    10266607616, 13690732544, 18256756736, 24345837568,  32466010112,  43294654464,
    57734594560, 76990644224, 102668173312, 136910471168, 182571761664, 294965477376};
static const double hs_acc[18] = {
    0.26897032463652659, 0.27574188408683531, 0.28340967934674366, 0.2962557259510058,
    0.32732523401712804, 0.35610436168094006, 0.39135630352519418, 0.44363672575184226,
    0.48267277434773947, 0.53525194184425418, 0.58394742083250351, 0.62338179645488945,
    0.66769567815176256, 0.69876518621788486, 0.73122883887671775, 0.75851424019119695,
    0.77394941246763593, 0.80282812188807007};
static const double hs_loss[18] = {
    3.6692724227905273, 3.4919595718383789, 3.3531098365783691, 3.2428145408630371,
    3.0808596611022949, 2.9878864288330078, 2.9077668190002441, 2.8035397529602051,
    2.7202205657958984, 2.6359963417053223, 2.56461501121521,   2.501821756362915,
    2.4411680698394775, 2.3766732215881348, 2.3164727687835693, 2.2609374523162842,
    2.2129411697387695, 2.1326854228973389};

/* Every fifth run with arc_easy over the tpr 10-160 runs (30 runs): tokens, tpr, acc_norm. */
static const double mt_tokens[30] = {
    1290797056,  2211708928,  2781347840,   3573547008,   4329046016,   5163712512,
    5992087552,  6994526208,  8164737024,   9530507264,   11300503552,  13478395904,
    15640559616, 18256756736, 21311258624,  24876417024,  29496442880,  35180773376,
    40824209408, 47654633472, 55626956800,  64932020224,  76990644224,  91827994624,
    106558390272, 124386279424, 150697148416, 182571761664, 248770461696, 301392199680};
static const double mt_tpr[30] = {10, 20, 10, 20, 20, 160, 10, 20, 40, 80, 20, 160, 10, 20, 40,
                                  80, 20, 160, 10, 20, 40, 80, 20, 160, 10, 20, 20, 20, 80, 80};
static const double mt_acc[30] = {
    0.38215488215488214, 0.382996632996633,   0.40740740740740738, 0.42171717171717171,
    0.40656565656565657, 0.33585858585858586, 0.46043771043771042, 0.44065656565656558,
    0.40740740740740738, 0.40782828282828282, 0.48653198653198654, 0.39436026936026936,
    0.57533670033670037, 0.51473063973063971, 0.50084175084175087, 0.4633838383838384,
    0.58670033670033672, 0.45075757575757575, 0.67382154882154888, 0.63762626262626265,
    0.60816498316498313, 0.5664983164983165,  0.70117845117845112, 0.53240740740740744,
    0.73779461279461278, 0.72601010101010099, 0.76304713804713808, 0.75462962962962965,
    0.71590909090909094, 0.7247474747474747};

/* C = 6 N D with N = tokens / tpr. */
static inline double test_flops(double tokens, double tpr)
{
    return 6.0 * (tokens / tpr) * tokens;
}

/* Largest relative difference between the analytic Jacobian and central differences of f at
 * theta over the n points x. */
static inline double test_jacobian_error(const sc_law *law, const double *theta, const double *x,
                                         size_t n)
{
    double J[64 * 8], fp[64], fm[64], t[8];
    double worst = 0.0;
    if (n > 64 || law->nparam > 8) return INFINITY;
    law->jac(theta, x, n, J);
    for (size_t k = 0; k < law->nparam; k++) {
        for (size_t q = 0; q < law->nparam; q++) t[q] = theta[q];
        double h = 1e-6 * fmax(1.0, fabs(theta[k]));
        t[k] = theta[k] + h;
        law->f(t, x, n, fp);
        t[k] = theta[k] - h;
        law->f(t, x, n, fm);
        for (size_t i = 0; i < n; i++) {
            double num = (fp[i] - fm[i]) / (2.0 * h);
            double ana = J[i * law->nparam + k];
            double err = fabs(num - ana) / fmax(1e-6, fabs(ana) + fabs(num));
            if (err > worst) worst = err;
        }
    }
    return worst;
}

#endif
