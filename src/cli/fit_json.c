/* SPDX-License-Identifier: GPL-3.0-or-later
 * Checks on a saved fit (fit --json) read back by another command. */
#include "cli.h"

#include <float.h>
#include <jansson.h>
#include <math.h>

/* Equal as written by fit --json: round-trip numbers, NaN as null, infinities clamped to
 * +-DBL_MAX. */
static int same_value(double computed, const json_t *v)
{
    if (json_is_null(v)) return isnan(computed);
    if (!json_is_number(v)) return 0;
    double stored = json_number_value(v);
    if (isinf(computed)) return computed > 0 ? stored >= DBL_MAX : stored <= -DBL_MAX;
    if (stored == computed) return 1;
    return fabs(stored - computed) <= 1e-12 * fmax(fabs(stored), fabs(computed));
}

int cli_fit_params_agree(const char *path, const sc_law *law, const double *theta,
                         const struct json_t *root)
{
    const json_t *params = json_object_get(root, "params");
    if (!params) return 0; /* optional: theta alone is a complete fit */
    if (!json_is_object(params))
        return cli_fail(SC_EXIT_DATA, "%s: \"params\" must be an object", path);
    double shown[16];
    const size_t p = law->nparam;
    if (p > 16) return 0;
    if (law->natural) law->natural(theta, shown);
    else
        for (size_t k = 0; k < p; k++) shown[k] = theta[k];
    const char *const *names = law->shown_names ? law->shown_names : law->param_names;
    for (size_t k = 0; k < p; k++) {
        const json_t *v = json_object_get(params, names[k]);
        if (v && !same_value(shown[k], v))
            return cli_fail(SC_EXIT_DATA,
                            "%s: \"params\" gives %s = %.17g but \"theta\" gives %s = %.17g: the "
                            "file was edited; predictions use \"theta\" (fitted as %s), so edit "
                            "that or remove \"params\"",
                            path, names[k], json_is_number(v) ? json_number_value(v) : NAN,
                            names[k], shown[k], law->param_names[k]);
    }
    return 0;
}
