/* SPDX-License-Identifier: GPL-3.0-or-later
 * Helpers of the JSON serialisers: numbers that JSON can hold, documents to files or strings. */
#include "doc/json_util.h"

#include "core/internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

json_t *sc_json_num(double v)
{
    if (isnan(v)) return json_null();
    if (isinf(v)) return json_real(v > 0 ? DBL_MAX : -DBL_MAX);
    return json_real(v);
}

json_t *sc_json_nums(const double *v, size_t n)
{
    json_t *a = json_array();
    if (!a) return NULL;
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(a, sc_json_num(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

json_t *sc_json_str(const char *s)
{
    return json_string(s ? s : "");
}

void sc_json_set(json_t *obj, const char *key, json_t *value, int *ok)
{
    if (!value || !obj || json_object_set_new(obj, key, value) != 0) *ok = 0;
}

void sc_json_push(json_t *arr, json_t *value, int *ok)
{
    if (!value || !arr || json_array_append_new(arr, value) != 0) *ok = 0;
}

sc_status sc_json_finish_file(json_t *doc, int ok, size_t flags, FILE *f, sc_error *err)
{
    if (!doc || !ok) {
        json_decref(doc);
        return sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory while building a JSON document");
    }
    int rc = json_dumpf(doc, f, flags);
    json_decref(doc);
    if (rc != 0 || fputc('\n', f) == EOF)
        return sc_fail(err, SC_EIO, "", 0, 0, "cannot write the JSON document");
    return SC_OK;
}

sc_status sc_json_finish_string(json_t *doc, int ok, size_t flags, char **out, sc_error *err)
{
    *out = NULL;
    if (!doc || !ok) {
        json_decref(doc);
        return sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory while building a JSON document");
    }
    char *s = json_dumps(doc, flags);
    json_decref(doc);
    if (!s) return sc_fail(err, SC_ENOMEM, "", 0, 0, "out of memory while writing a JSON document");
    *out = s;
    return SC_OK;
}

void sc_free(void *p)
{
    free(p);
}
