/* SPDX-License-Identifier: GPL-3.0-or-later
 * Chance levels of multiple-choice benchmarks and the chance normalisation of accuracy,
 * Q' = (Q - Q0) / (1 - Q0) (Krajewski et al. 2025, Sec. 3, the normalised accuracy of Eq. 2). */
#include "core/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct chance_entry {
    const char *prefix;
    double q0;
} chance_entry;

/* Matched as a prefix of the benchmark name (case-insensitive), longest first where one is a
 * prefix of another (arc_challenge/arc_easy share "arc"). Generative tasks score 0 by chance. */
static const chance_entry table[] = {
    {"arc_challenge", 0.25}, {"arc_easy", 0.25}, {"arc", 0.25},      {"hellaswag", 0.25},
    {"mmlu", 0.25},          {"sciq", 0.25},     {"openbookqa", 0.25}, {"obqa", 0.25},
    {"piqa", 0.5},           {"winogrande", 0.5}, {"boolq", 0.5},     {"csqa", 0.2},
    {"commonsense_qa", 0.2}, {"socialiqa", 1.0 / 3.0}, {"siqa", 1.0 / 3.0},
    {"social_iqa", 1.0 / 3.0},
    /* Two-way tasks of SuperGLUE/GLUE and OLMES-style names; NLI three-way. */
    {"copa", 0.5},           {"winograd", 0.5},  {"wsc", 0.5},        {"rte", 0.5},
    {"sst2", 0.5},           {"mrpc", 0.5},      {"qnli", 0.5},       {"wic", 0.5},
    {"multirc", 0.5},        {"commitment_bank", 1.0 / 3.0},          {"mnli", 1.0 / 3.0},
    {"anli", 1.0 / 3.0},     {"openbook_qa", 0.25}, {"logiqa", 0.25}, {"race", 0.25},
    {"squad", 0.0},          {"drop", 0.0},      {"coqa", 0.0},       {"naturalqs", 0.0},
    {"nq_open", 0.0},        {"record", 0.0},
    {"lambada", 0.0},        {"gsm8k", 0.0},     {"triviaqa", 0.0},   {"webqs", 0.0},
    {"math", 0.0},           {"humaneval", 0.0}, {"mbpp", 0.0},       {"lbpp", 0.0},
};

static int has_prefix_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return 0;
    return 1;
}

sc_status sc_chance_level(const char *benchmark, double *q0)
{
    if (benchmark == NULL || q0 == NULL) return SC_EINVAL;
    for (size_t k = 0; k < sizeof table / sizeof table[0]; k++) {
        if (has_prefix_ci(benchmark, table[k].prefix)) {
            *q0 = table[k].q0;
            return SC_OK;
        }
    }
    return SC_EUNKNOWN;
}

double sc_chance_normalise(double q, double q0)
{
    return (q - q0) / (1.0 - q0);
}

double sc_chance_denormalise(double qn, double q0)
{
    return q0 + (1.0 - q0) * qn;
}

sc_status sc_chance_filter(const double *q, size_t n, double q0, double margin,
                           unsigned char *keep, size_t *nexcluded, sc_error *err)
{
    if ((q == NULL && n > 0) || keep == NULL || nexcluded == NULL || !(q0 >= 0.0 && q0 < 1.0) ||
        !(margin >= 0.0))
        return sc_fail(err, SC_EINVAL, NULL, 0, 0,
                       "chance filter: bad arguments (chance %g, margin %g)", q0, margin);
    size_t kept = 0, below = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(q[i] >= 0.0 && q[i] <= 1.0))
            return sc_fail(err, SC_EDOMAIN, NULL, i + 1, 0,
                           "accuracy %g of point %zu is outside [0, 1]", q[i], i + 1);
        /* Q' must lie in (0, 1) for log(-log Q'): points at or below chance (plus the margin)
         * carry no signal for the law and are excluded; a perfect score (Q' = 1) cannot be
         * mapped either and is excluded too. */
        keep[i] = (unsigned char)(q[i] > q0 + margin && q[i] < 1.0);
        if (keep[i]) kept++;
        else if (q[i] <= q0 + margin) below++;
    }
    *nexcluded = below;
    if (kept == 0)
        return sc_fail(err, SC_ECHANCE, NULL, 0, 0,
                       "all %zu points are at or below chance %g + margin %g", n, q0, margin);
    return SC_OK;
}

sc_status sc_chance_read(const char *path, char ***names, double **values, size_t *n,
                         sc_error *err)
{
    if (!path || !names || !values || !n) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no input");
    *names = NULL;
    *values = NULL;
    *n = 0;
    sc_table *t = NULL;
    SC_TRY(sc_csv_read(path, NULL, &t, err));
    size_t jb, jc;
    sc_status s = sc_table_require(t, "benchmark", &jb, err);
    if (s == SC_OK) s = sc_table_require_num(t, "chance", &jc, err);
    size_t nr = sc_table_nrows(t);
    char **nm = NULL;
    double *v = NULL;
    if (s == SC_OK) {
        nm = sc_calloc(nr ? nr : 1, sizeof *nm);
        v = sc_malloc_array(nr ? nr : 1, sizeof *v);
        if (!nm || !v) s = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    const double *q = s == SC_OK ? sc_table_num(t, jc) : NULL;
    for (size_t i = 0; i < nr && s == SC_OK; i++) {
        const char *b = sc_table_coltype(t, jb) == SC_COL_TEXT ? sc_table_text(t, jb, i) : NULL;
        size_t line, col;
        sc_table_cell_pos(t, i, jc, &line, &col);
        if (!b || !*b) {
            sc_table_cell_pos(t, i, jb, &line, &col);
            s = sc_fail(err, SC_EDOMAIN, path, line, col, "a chance level needs a benchmark name");
        } else if (!(q[i] >= 0.0 && q[i] < 1.0)) {
            s = sc_fail(err, SC_EDOMAIN, path, line, col,
                        "chance level %g of \"%s\" is outside [0, 1)", q[i], b);
        } else if (!(nm[i] = sc_strdup(b))) {
            s = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
        } else {
            v[i] = q[i];
        }
    }
    sc_table_free(t);
    if (s != SC_OK) {
        for (size_t i = 0; nm && i < nr; i++) free(nm[i]);
        free(nm);
        free(v);
        return s;
    }
    *names = nm;
    *values = v;
    *n = nr;
    return SC_OK;
}
