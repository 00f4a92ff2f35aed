/* SPDX-License-Identifier: GPL-3.0-or-later
 * Helpers of the JSON serialisers (jansson). Not installed. */
#ifndef SC_DOC_JSON_UTIL_H
#define SC_DOC_JSON_UTIL_H

#include "scalecast.h"

#include <jansson.h>
#include <stdio.h>

/* Flags of every document the library writes: compact, keys in insertion order, doubles
 * round-trip (17 significant digits). */
#define SC_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))
/* The same on one line with a space after ',' and ':' (the chain document's long-standing
 * layout). */
#define SC_JSON_FLAGS_SPACED (JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17))

/* A number as JSON: NaN becomes null, +-infinity +-DBL_MAX (JSON has neither). */
json_t *sc_json_num(double v);
/* An array of n numbers (as sc_json_num). */
json_t *sc_json_nums(const double *v, size_t n);
/* A string; NULL becomes "". */
json_t *sc_json_str(const char *s);
/* Sets key to value, taking the reference; a NULL value (allocation failure) marks *ok = 0. */
void sc_json_set(json_t *obj, const char *key, json_t *value, int *ok);
/* Appends value, taking the reference, likewise. */
void sc_json_push(json_t *arr, json_t *value, int *ok);

/* Writes doc (taking the reference) to f followed by a newline, or into a new string (*out,
 * freed with sc_free). SC_ENOMEM when doc is NULL or ok is 0; SC_EIO when writing failed. */
sc_status sc_json_finish_file(json_t *doc, int ok, size_t flags, FILE *f, sc_error *err);
sc_status sc_json_finish_string(json_t *doc, int ok, size_t flags, char **out, sc_error *err);

#endif
