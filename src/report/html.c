/* SPDX-License-Identifier: GPL-3.0-or-later
 * A self-contained HTML report: one file, figures embedded (SVG inline, PNG as base64 data
 * URIs), no scripts, no external resources. */
#include "core/internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct sc_report {
    char *title;
    char *buf;
    size_t len, cap;
    int failed; /* an allocation failed: every later call reports SC_ENOMEM */
};

static sc_status grow(sc_report *r, size_t extra)
{
    if (r->failed) return SC_ENOMEM;
    if (r->len + extra + 1 <= r->cap) return SC_OK;
    size_t cap = r->cap ? r->cap : 4096;
    while (cap < r->len + extra + 1) cap *= 2;
    char *b = realloc(r->buf, cap);
    if (!b) {
        r->failed = 1;
        return SC_ENOMEM;
    }
    r->buf = b;
    r->cap = cap;
    return SC_OK;
}

static sc_status put(sc_report *r, const char *s, size_t n)
{
    SC_TRY(grow(r, n));
    memcpy(r->buf + r->len, s, n);
    r->len += n;
    r->buf[r->len] = '\0';
    return SC_OK;
}

static sc_status puts_raw(sc_report *r, const char *s)
{
    return put(r, s, strlen(s));
}

static sc_status puts_escaped(sc_report *r, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        sc_status st;
        switch (*p) {
        case '<': st = puts_raw(r, "&lt;"); break;
        case '>': st = puts_raw(r, "&gt;"); break;
        case '&': st = puts_raw(r, "&amp;"); break;
        case '"': st = puts_raw(r, "&quot;"); break;
        default: st = put(r, p, 1);
        }
        SC_TRY(st);
    }
    return SC_OK;
}

sc_status sc_report_new(const char *title, sc_report **out)
{
    *out = NULL;
    sc_report *r = calloc(1, sizeof *r);
    if (!r) return SC_ENOMEM;
    r->title = sc_strdup(title ? title : "scalecast report");
    if (!r->title) {
        free(r);
        return SC_ENOMEM;
    }
    *out = r;
    return SC_OK;
}

void sc_report_free(sc_report *r)
{
    if (!r) return;
    free(r->title);
    free(r->buf);
    free(r);
}

sc_status sc_report_heading(sc_report *r, int level, const char *text)
{
    if (level < 1) level = 1;
    if (level > 4) level = 4;
    char open[8], close[8];
    snprintf(open, sizeof open, "<h%d>", level);
    snprintf(close, sizeof close, "</h%d>\n", level);
    SC_TRY(puts_raw(r, open));
    SC_TRY(puts_escaped(r, text));
    return puts_raw(r, close);
}

sc_status sc_report_paragraph(sc_report *r, const char *text)
{
    SC_TRY(puts_raw(r, "<p>"));
    SC_TRY(puts_escaped(r, text));
    return puts_raw(r, "</p>\n");
}

sc_status sc_report_code(sc_report *r, const char *text)
{
    SC_TRY(puts_raw(r, "<pre>"));
    SC_TRY(puts_escaped(r, text));
    return puts_raw(r, "</pre>\n");
}

sc_status sc_report_table(sc_report *r, const char *caption, const char *const *header,
                          size_t ncols, const char *const *cells, size_t nrows)
{
    SC_TRY(puts_raw(r, "<table>\n"));
    if (caption) {
        SC_TRY(puts_raw(r, "<caption>"));
        SC_TRY(puts_escaped(r, caption));
        SC_TRY(puts_raw(r, "</caption>\n"));
    }
    SC_TRY(puts_raw(r, "<thead><tr>"));
    for (size_t j = 0; j < ncols; j++) {
        SC_TRY(puts_raw(r, "<th>"));
        SC_TRY(puts_escaped(r, header[j]));
        SC_TRY(puts_raw(r, "</th>"));
    }
    SC_TRY(puts_raw(r, "</tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < nrows; i++) {
        SC_TRY(puts_raw(r, "<tr>"));
        for (size_t j = 0; j < ncols; j++) {
            SC_TRY(puts_raw(r, "<td>"));
            SC_TRY(puts_escaped(r, cells[i * ncols + j]));
            SC_TRY(puts_raw(r, "</td>"));
        }
        SC_TRY(puts_raw(r, "</tr>\n"));
    }
    return puts_raw(r, "</tbody></table>\n");
}

static sc_status put_base64(sc_report *r, const unsigned char *d, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    SC_TRY(grow(r, (n + 2) / 3 * 4));
    char *o = r->buf + r->len;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)d[i] << 16 | (unsigned)d[i + 1] << 8 | d[i + 2];
        *o++ = tab[v >> 18 & 63], *o++ = tab[v >> 12 & 63];
        *o++ = tab[v >> 6 & 63], *o++ = tab[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)d[i] << 16 | (i + 1 < n ? (unsigned)d[i + 1] << 8 : 0u);
        *o++ = tab[v >> 18 & 63], *o++ = tab[v >> 12 & 63];
        *o++ = i + 1 < n ? tab[v >> 6 & 63] : '=';
        *o++ = '=';
    }
    r->len = (size_t)(o - r->buf);
    r->buf[r->len] = '\0';
    return SC_OK;
}

sc_status sc_report_figure(sc_report *r, const char *image_path, const char *caption,
                           sc_error *err)
{
    const char *dot = strrchr(image_path, '.');
    int svg = dot && strcmp(dot, ".svg") == 0, png = dot && strcmp(dot, ".png") == 0;
    if (!svg && !png)
        return sc_fail(err, SC_EINVAL, image_path, 0, 0, "only .svg and .png figures can be embedded");
    char *data;
    size_t n;
    SC_TRY(sc_read_file(image_path, &data, &n, err));
    /* Both kinds go in as data URIs of an <img>: an SVG placed inline could carry scripts
     * that would run when the report is opened; as an image it cannot. */
    static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (png && (n < 8 || memcmp(data, png_magic, 8) != 0)) {
        free(data);
        return sc_fail(err, SC_EPARSE, image_path, 0, 0, "not a PNG file");
    }
    if (svg && !strstr(data, "<svg")) {
        free(data);
        return sc_fail(err, SC_EPARSE, image_path, 0, 0, "no <svg> element");
    }
    sc_status s = puts_raw(r, svg ? "<figure><img alt=\"figure\" src=\"data:image/svg+xml;base64,"
                                  : "<figure><img alt=\"figure\" src=\"data:image/png;base64,");
    if (s == SC_OK) s = put_base64(r, (const unsigned char *)data, n);
    if (s == SC_OK) s = puts_raw(r, "\">");
    free(data);
    if (s == SC_OK && caption) {
        s = puts_raw(r, "<figcaption>");
        if (s == SC_OK) s = puts_escaped(r, caption);
        if (s == SC_OK) s = puts_raw(r, "</figcaption>");
    }
    if (s == SC_OK) s = puts_raw(r, "</figure>\n");
    if (s == SC_ENOMEM) return sc_fail(err, SC_ENOMEM, image_path, 0, 0, "out of memory");
    return s;
}

static const char *style =
    "body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;"
    "color:#222;line-height:1.45}"
    "table{border-collapse:collapse;margin:1em 0;font-size:0.92em}"
    "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:right}"
    "th{background:#f2f2f2}td:first-child,th:first-child{text-align:left}"
    "caption{caption-side:top;text-align:left;font-weight:600;padding:0.3em 0}"
    "figure{margin:1.5em 0}figure svg,figure img{max-width:100%;height:auto}"
    "figcaption{font-size:0.9em;color:#555}pre{background:#f6f6f6;padding:0.6em;"
    "overflow-x:auto}";

sc_status sc_report_code_file(sc_report *r, const char *path, sc_error *err)
{
    char *data;
    size_t n;
    SC_TRY(sc_read_file(path, &data, &n, err));
    sc_status s = sc_report_code(r, data);
    free(data);
    return s == SC_OK ? SC_OK : sc_fail(err, s, path, 0, 0, "out of memory");
}

sc_status sc_report_save(const sc_report *r, const char *path, sc_error *err)
{
    if (r->failed) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    sc_tmpfile out;
    SC_TRY(sc_tmpfile_open(&out, path, 1, err));
    FILE *f = out.f;
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>", f);
    for (const char *p = r->title; *p; p++) {
        if (*p == '<') fputs("&lt;", f);
        else if (*p == '&') fputs("&amp;", f);
        else fputc(*p, f);
    }
    fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n", style);
    if (r->buf) fwrite(r->buf, 1, r->len, f);
    fputs("</body></html>\n", f);
    return sc_tmpfile_commit(&out, err);
}
