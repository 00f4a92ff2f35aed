/* SPDX-License-Identifier: GPL-3.0-or-later
 * A JSON file read whole through sc_read_file (close-on-exec, the input limit for what is not a
 * regular file), then parsed with jansson. Not installed. */
#ifndef SC_IO_JSON_FILE_H
#define SC_IO_JSON_FILE_H

#include "scalecast.h"

#include <jansson.h>

/* The parsed document, or NULL with err filled: SC_EIO (cannot open or read), SC_ENOMEM,
 * SC_EPARSE (past the input limit, or malformed JSON at its line and column). */
json_t *sc_json_load_path(const char *path, size_t flags, sc_error *err);

#endif
