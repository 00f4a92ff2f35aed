/* SPDX-License-Identifier: GPL-3.0-or-later
 * SHA-256 of an input file, or of a folder as the sorted list of its regular files' digests
 * and names, for the provenance of a forecast (sc_sha256_hex in sha256.c does the hashing). */
#include "core/internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

sc_status sc_sha256_file(const char *path, char hex[65], sc_error *err)
{
    struct stat st;
    if (!path || stat(path, &st) != 0) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open");
    if (!S_ISDIR(st.st_mode)) {
        char *data = NULL;
        size_t len = 0;
        SC_TRY(sc_read_file(path, &data, &len, err));
        sc_sha256_hex(data, len, hex);
        free(data);
        return SC_OK;
    }
    DIR *d = opendir(path);
    if (!d) return sc_fail(err, SC_EIO, path, 0, 0, "cannot open folder");
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    sc_status rc = SC_OK;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        char **nn = realloc(names, (n + 1) * sizeof *nn);
        if (!nn) {
            rc = SC_ENOMEM;
            break;
        }
        names = nn;
        if (!(names[n] = sc_strdup(e->d_name))) {
            rc = SC_ENOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == SC_OK && n) qsort(names, n, sizeof *names, cmp_name);
    /* "<digest>  <name>\n" per regular file, as sha256sum prints them; then the digest of it. */
    char *list = NULL;
    size_t llen = 0;
    for (size_t k = 0; k < n && rc == SC_OK; k++) {
        size_t plen = strlen(path) + strlen(names[k]) + 2;
        char *p = malloc(plen);
        if (!p) {
            rc = SC_ENOMEM;
            break;
        }
        snprintf(p, plen, "%s/%s", path, names[k]);
        struct stat s2;
        if (stat(p, &s2) == 0 && S_ISREG(s2.st_mode)) {
            char h[65];
            rc = sc_sha256_file(p, h, err);
            size_t add = 64 + 2 + strlen(names[k]) + 1;
            char *nl = rc == SC_OK ? realloc(list, llen + add + 1) : NULL;
            if (rc == SC_OK && !nl) rc = SC_ENOMEM;
            if (rc == SC_OK) {
                list = nl;
                snprintf(list + llen, add + 1, "%s  %s\n", h, names[k]);
                llen += add;
            }
        }
        free(p);
    }
    for (size_t k = 0; k < n; k++) free(names[k]);
    free(names);
    if (rc == SC_OK) sc_sha256_hex(list ? list : "", llen, hex);
    free(list);
    if (rc == SC_ENOMEM) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    return rc;
}
