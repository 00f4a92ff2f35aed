/* SPDX-License-Identifier: GPL-3.0-or-later
 * Double comparisons for the observational tests (cmocka's float assertion is single
 * precision). assert_double_equal: |got - want| <= tol. assert_rel: relative to |want|. */
#ifndef SC_TEST_OBS_ASSERT_H
#define SC_TEST_OBS_ASSERT_H

#include <math.h>

#define assert_double_equal(got, want, tol)                                                      \
    do {                                                                                         \
        double g_ = (got), w_ = (want);                                                          \
        if (!(fabs(g_ - w_) <= (tol)))                                                           \
            fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #got, g_, w_, (double)(tol)); \
    } while (0)

#define assert_rel(got, want, rel)                                                               \
    do {                                                                                         \
        double g_ = (got), w_ = (want);                                                          \
        if (!(fabs(g_ - w_) <= (rel) * fabs(w_)))                                                \
            fail_msg("%s = %.17g, expected %.17g (relative %g)", #got, g_, w_, (double)(rel));  \
    } while (0)

#endif
