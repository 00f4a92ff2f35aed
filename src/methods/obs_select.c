/* SPDX-License-Identifier: GPL-3.0-or-later
 * Which models an observational fit uses (Ruan et al. 2024's default set of families, the
 * models released later, models left out by name) and the [0, 1] check of the metrics on the
 * source tables, so that a bad value is reported where it stands in its file. */
#include "scalecast.h"

#include "core/internal.h"

#include <math.h>
#include <string.h>

static int in_list(const char *s, const char *const *list)
{
    for (size_t i = 0; s && list[i]; i++)
        if (strcmp(s, list[i]) == 0) return 1;
    return 0;
}

sc_status sc_obs_select_models(const sc_table *t, const sc_obs_model_set *set,
                               unsigned char *keep, unsigned char *later, size_t *nkept,
                               sc_error *err)
{
    size_t n = sc_table_nrows(t), mc = 0;
    *nkept = 0;
    SC_TRY(sc_table_require(t, set->model_col, &mc, err));
    long fc = sc_table_find(t, set->family_col);
    if (!set->all_models && fc < 0)
        return sc_fail(err, SC_ENOCOL, sc_table_source(t), 0, 0,
                       "no column \"%s\": the default model set needs model families",
                       set->family_col);
    for (size_t d = 0; d < set->ndrop; d++) {
        int found = 0;
        for (size_t i = 0; i < n && !found; i++) {
            const char *m = sc_table_text(t, mc, i);
            found = m && strcmp(m, set->drop[d]) == 0;
        }
        if (!found)
            return sc_fail(err, SC_EUNKNOWN, "", 0, 0, "no model \"%s\" in the data", set->drop[d]);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const char *m = sc_table_text(t, mc, i);
        const char *f = fc >= 0 ? sc_table_text(t, (size_t)fc, i) : NULL;
        int is_later = sc_obs_is_later_model(m);
        int k = set->all_models ? 1 : (in_list(f, sc_obs_default_families()) && !is_later);
        if (later) later[i] = 0;
        if (set->add_later && is_later) {
            k = 1;
            if (later) later[i] = 1;
        }
        for (size_t d = 0; d < set->ndrop; d++)
            if (m && strcmp(m, set->drop[d]) == 0) k = 0;
        keep[i] = (unsigned char)k;
        kept += (size_t)k;
    }
    *nkept = kept;
    if (kept == 0)
        return sc_fail(err, SC_EEMPTY, sc_table_source(t), 0, 0,
                       "no model of the default set (21 families) in the data");
    return SC_OK;
}

sc_status sc_obs_check_domain(const sc_table *const *tables, size_t ntables,
                              const sc_table *joined, const unsigned char *keep,
                              const sc_obs_columns *cols, sc_obs_domain_issue *issue,
                              sc_error *err)
{
    size_t mc = 0;
    memset(issue, 0, sizeof *issue);
    SC_TRY(sc_table_require(joined, cols->model, &mc, err));
    for (size_t t = 0; t < ntables; t++) {
        const sc_table *T = tables[t];
        long tm = sc_table_find(T, cols->model);
        if (tm < 0) continue;
        for (size_t c = 0; c < cols->nmetrics + 1; c++) {
            const char *name = c < cols->nmetrics ? cols->metrics[c] : cols->target;
            if (name == NULL) continue;
            long j = sc_table_find(T, name);
            if (j < 0 || sc_table_coltype(T, (size_t)j) != SC_COL_NUM) continue;
            int is_target = c == cols->nmetrics;
            double ms = !is_target && cols->metric_scales ? cols->metric_scales[c] : 0.0;
            double scale = is_target ? (cols->target_scale > 0 ? cols->target_scale : 1.0)
                                     : (ms > 0 ? ms : 1.0);
            double chance = is_target ? cols->target_chance : 0.0;
            for (size_t i = 0; i < sc_table_nrows(T); i++) {
                const char *m = sc_table_text(T, (size_t)tm, i);
                int kept = 0;
                for (size_t k = 0; m && k < sc_table_nrows(joined) && !kept; k++) {
                    const char *km = sc_table_text(joined, mc, k);
                    kept = (!keep || keep[k]) && km && strcmp(km, m) == 0;
                }
                if (!kept) continue;
                double raw = sc_table_num(T, (size_t)j)[i], v = raw / scale;
                if (chance > 0) v = (v - chance) / (1.0 - chance);
                if (isnan(v) || (v >= (chance > 0 ? -1.0 : 0.0) && v <= 1.0)) continue;
                size_t line = 0, col = 0;
                sc_table_cell_pos(T, i, (size_t)j, &line, &col);
                issue->is_target = is_target;
                issue->column = name;
                issue->value = raw;
                /* The scale that would bring the value into [0, 1]: 10 or 100. */
                issue->scale_hint = raw > 1.0 && raw <= 10.0 ? 10.0 : 100.0;
                return sc_fail(err, SC_EDOMAIN, sc_table_source(T), line, col,
                               "%s \"%s\": %g is outside [0, 1]", is_target ? "target" : "metric",
                               name, raw);
            }
        }
    }
    return SC_OK;
}
