/* SPDX-License-Identifier: GPL-3.0-or-later
 * The list of registered laws as JSON (`scalecast laws --json`): an array of {name, formula,
 * space, covariates, parameters}. Schema: docs/schemas/laws.schema.json. */
#include "doc/json_util.h"

#include "core/internal.h"

const char *sc_space_name(sc_space s)
{
    switch (s) {
    case SC_SPACE_LOG: return "log y";
    case SC_SPACE_LOGLOG: return "log(-log y)";
    default: return "y";
    }
}

static json_t *build(int *ok)
{
    json_t *a = json_array();
    for (const sc_law *const *l = sc_laws(); *l; l++) {
        const sc_law *law = *l;
        json_t *o = json_object(), *cov = json_array(), *par = json_array();
        sc_json_set(o, "name", sc_json_str(law->name), ok);
        sc_json_set(o, "formula", sc_json_str(law->formula), ok);
        sc_json_set(o, "space", json_string(sc_space_name(law->space)), ok);
        for (size_t k = 0; k < law->nx; k++)
            sc_json_push(cov, sc_json_str(law->x_names ? law->x_names[k] : "x"), ok);
        for (size_t k = 0; k < law->nparam; k++) sc_json_push(par, sc_json_str(law->param_names[k]), ok);
        sc_json_set(o, "covariates", cov, ok);
        sc_json_set(o, "parameters", par, ok);
        sc_json_push(a, o, ok);
    }
    return a;
}

sc_status sc_laws_doc_write(FILE *f, sc_error *err)
{
    int ok = 1;
    json_t *a = build(&ok);
    return sc_json_finish_file(a, ok, SC_JSON_FLAGS, f, err);
}

sc_status sc_laws_doc_string(char **out, sc_error *err)
{
    int ok = 1;
    json_t *a = build(&ok);
    return sc_json_finish_string(a, ok, SC_JSON_FLAGS, out, err);
}
