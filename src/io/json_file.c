/* SPDX-License-Identifier: GPL-3.0-or-later
 * JSON files read whole, then parsed (see json_file.h). */
#include "io/json_file.h"

#include "core/internal.h"

#include <stdlib.h>

json_t *sc_json_load_path(const char *path, size_t flags, sc_error *err)
{
    char *data = NULL;
    size_t len = 0;
    if (sc_read_file(path, &data, &len, err) != SC_OK) return NULL;
    json_error_t je;
    json_t *root = json_loadb(data, len, flags, &je);
    free(data);
    if (!root)
        sc_fail(err, SC_EPARSE, path, je.line > 0 ? (size_t)je.line : 0,
                je.column > 0 ? (size_t)je.column : 0, "%s", je.text);
    return root;
}
