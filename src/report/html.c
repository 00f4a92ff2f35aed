/* SPDX-License-Identifier: GPL-3.0-or-later
 * A self-contained HTML report: one file that works offline. It opens with the headline
 * (forecast table) and a table of contents; result tables are sortable HTML tables; figures are
 * embedded as images (PNG or SVG as data URIs) and, when the figure's description (PATH.json,
 * written by sc_plot_save) is there, drawn interactively by the page's one script from that
 * data. A Content-Security-Policy meta allows only that script and style sheet (by their
 * SHA-256) and data-URI images; every user string reaches the page as escaped text or inside a
 * JSON data block escaped for <script> context. Provenance (version, date, commands, inputs
 * with their SHA-256) closes the page. */
#include "core/internal.h"

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "report_css.h"
#include "report_js.h"

/* A growing text buffer; after a failed allocation every later call reports SC_ENOMEM. */
typedef struct sbuf {
    char *buf;
    size_t len, cap;
    int failed;
} sbuf;

typedef struct toc_entry {
    int level;
    char *text, *id;
} toc_entry;

typedef struct input_entry {
    char *role, *path, hex[65];
    size_t bytes;
} input_entry;

struct sc_report {
    char *title;
    sbuf summary, headline, body;
    toc_entry *toc;
    size_t ntoc, ctoc;
    char **commands;
    size_t ncommands, ccommands;
    input_entry *inputs;
    size_t ninputs, cinputs;
    long long date;
    size_t nsection, nsub, nfigure, ntable;
    int failed;
};

static sc_status grow(sbuf *b, size_t extra)
{
    if (b->failed) return SC_ENOMEM;
    if (b->len + extra + 1 <= b->cap) return SC_OK;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + extra + 1) cap *= 2;
    char *nb = realloc(b->buf, cap);
    if (!nb) {
        b->failed = 1;
        return SC_ENOMEM;
    }
    b->buf = nb;
    b->cap = cap;
    return SC_OK;
}

static sc_status put(sbuf *b, const char *s, size_t n)
{
    SC_TRY(grow(b, n));
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
    return SC_OK;
}

static sc_status puts_raw(sbuf *b, const char *s)
{
    return put(b, s, strlen(s));
}

static sc_status putf(sbuf *b, const char *fmt, ...) SC_PRINTF(2, 3);
static sc_status putf(sbuf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return SC_EINVAL;
    return put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Text for an element's content or a quoted attribute value. */
static sc_status puts_escaped(sbuf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        sc_status st;
        switch (*p) {
        case '<': st = puts_raw(b, "&lt;"); break;
        case '>': st = puts_raw(b, "&gt;"); break;
        case '&': st = puts_raw(b, "&amp;"); break;
        case '"': st = puts_raw(b, "&quot;"); break;
        case '\'': st = puts_raw(b, "&#39;"); break;
        default: st = put(b, p, 1);
        }
        SC_TRY(st);
    }
    return SC_OK;
}

/* JSON text inside <script type="application/json">: '<', '>' and '&' occur only inside JSON
 * strings, where \u003c etc. mean the same, so no "</script>" or "<!--" can end or bend the
 * block. */
static sc_status puts_json_script(sbuf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        sc_status st;
        switch (*p) {
        case '<': st = puts_raw(b, "\\u003c"); break;
        case '>': st = puts_raw(b, "\\u003e"); break;
        case '&': st = puts_raw(b, "\\u0026"); break;
        default: st = put(b, p, 1);
        }
        SC_TRY(st);
    }
    return SC_OK;
}

static sc_status put_base64(sbuf *b, const unsigned char *d, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    SC_TRY(grow(b, (n + 2) / 3 * 4));
    char *o = b->buf + b->len;
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
    b->len = (size_t)(o - b->buf);
    b->buf[b->len] = '\0';
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
    r->date = (long long)time(NULL);
    *out = r;
    return SC_OK;
}

void sc_report_free(sc_report *r)
{
    if (!r) return;
    free(r->title);
    free(r->summary.buf);
    free(r->headline.buf);
    free(r->body.buf);
    for (size_t i = 0; i < r->ntoc; i++) free(r->toc[i].text), free(r->toc[i].id);
    free(r->toc);
    for (size_t i = 0; i < r->ncommands; i++) free(r->commands[i]);
    free(r->commands);
    for (size_t i = 0; i < r->ninputs; i++) free(r->inputs[i].role), free(r->inputs[i].path);
    free(r->inputs);
    free(r);
}

void sc_report_set_date(sc_report *r, long long unix_seconds)
{
    r->date = unix_seconds;
}

static sc_status fail_mem(sc_report *r)
{
    r->failed = 1;
    return SC_ENOMEM;
}

sc_status sc_report_heading(sc_report *r, int level, const char *text)
{
    if (level < 1) level = 1;
    if (level > 4) level = 4;
    char id[48] = "";
    if (level == 2) {
        r->nsection++;
        r->nsub = 0;
        snprintf(id, sizeof id, "s%zu", r->nsection);
    } else if (level == 3) {
        r->nsub++;
        snprintf(id, sizeof id, "s%zu-%zu", r->nsection, r->nsub);
    }
    if (id[0]) {
        if (r->ntoc == r->ctoc) {
            size_t cap = r->ctoc ? 2 * r->ctoc : 16;
            toc_entry *t = realloc(r->toc, cap * sizeof *t);
            if (!t) return fail_mem(r);
            r->toc = t;
            r->ctoc = cap;
        }
        toc_entry *e = &r->toc[r->ntoc];
        e->level = level;
        e->text = sc_strdup(text ? text : "");
        e->id = sc_strdup(id);
        if (!e->text || !e->id) {
            free(e->text), free(e->id);
            return fail_mem(r);
        }
        r->ntoc++;
    }
    sbuf *b = &r->body;
    if (level == 2 && r->nsection > 1) SC_TRY(puts_raw(b, "</section>\n"));
    if (level == 2) SC_TRY(putf(b, "<section aria-labelledby=\"%s\">\n", id));
    if (id[0]) SC_TRY(putf(b, "<h%d id=\"%s\">", level, id));
    else SC_TRY(putf(b, "<h%d>", level));
    SC_TRY(puts_escaped(b, text));
    return putf(b, "</h%d>\n", level);
}

sc_status sc_report_paragraph(sc_report *r, const char *text)
{
    SC_TRY(puts_raw(&r->body, "<p>"));
    SC_TRY(puts_escaped(&r->body, text));
    return puts_raw(&r->body, "</p>\n");
}

sc_status sc_report_summary(sc_report *r, const char *text)
{
    SC_TRY(puts_raw(&r->summary, "<p class=\"summary\">"));
    SC_TRY(puts_escaped(&r->summary, text));
    return puts_raw(&r->summary, "</p>\n");
}

sc_status sc_report_code(sc_report *r, const char *text)
{
    SC_TRY(puts_raw(&r->body, "<pre tabindex=\"0\">"));
    SC_TRY(puts_escaped(&r->body, text));
    return puts_raw(&r->body, "</pre>\n");
}

/* A cell that is a number as a whole ("0.53", "-1.2e+21", "2.9%") is right-aligned and sorts by
 * its value. */
static int cell_number(const char *s, double *v)
{
    if (!s || !*s) return 0;
    char *end;
    *v = strtod(s, &end);
    if (end == s) return 0;
    if (*end == '%') end++;
    return *end == '\0' && !isnan(*v);
}

/* stack: on a narrow screen each row becomes a card of "header: value" lines. */
static sc_status table_to(sbuf *b, size_t index, const char *caption, const char *const *header,
                          size_t ncols, const char *const *cells, size_t nrows, int stack)
{
    SC_TRY(putf(b, "<div class=\"tablewrap\" tabindex=\"0\"><table class=\"sortable%s\" id=\"t%zu\">\n",
                stack ? " stack" : "", index));
    if (caption) {
        SC_TRY(puts_raw(b, "<caption>"));
        SC_TRY(puts_escaped(b, caption));
        SC_TRY(puts_raw(b, "</caption>\n"));
    }
    /* A column is numeric when every filled cell in it is a number. */
    SC_TRY(puts_raw(b, "<thead><tr>"));
    for (size_t j = 0; j < ncols; j++) {
        int num = 1, any = 0;
        double v;
        for (size_t i = 0; i < nrows; i++) {
            const char *c = cells[i * ncols + j];
            if (!c || !*c) continue;
            any = 1;
            if (!cell_number(c, &v)) num = 0;
        }
        SC_TRY(puts_raw(b, num && any ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">"));
        SC_TRY(puts_raw(b, "<button type=\"button\">"));
        SC_TRY(puts_escaped(b, header[j]));
        SC_TRY(puts_raw(b, "</button></th>"));
    }
    SC_TRY(puts_raw(b, "</tr></thead>\n<tbody>\n"));
    for (size_t i = 0; i < nrows; i++) {
        SC_TRY(puts_raw(b, "<tr>"));
        for (size_t j = 0; j < ncols; j++) {
            const char *c = cells[i * ncols + j];
            double v;
            if (cell_number(c, &v)) SC_TRY(putf(b, "<td class=\"num\" data-v=\"%.17g\"", v));
            else SC_TRY(puts_raw(b, "<td"));
            if (stack) {
                SC_TRY(puts_raw(b, " data-label=\""));
                SC_TRY(puts_escaped(b, header[j]));
                SC_TRY(puts_raw(b, "\""));
            }
            SC_TRY(puts_raw(b, ">"));
            SC_TRY(puts_escaped(b, c));
            SC_TRY(puts_raw(b, "</td>"));
        }
        SC_TRY(puts_raw(b, "</tr>\n"));
    }
    return puts_raw(b, "</tbody></table></div>\n");
}

sc_status sc_report_table(sc_report *r, const char *caption, const char *const *header,
                          size_t ncols, const char *const *cells, size_t nrows)
{
    return table_to(&r->body, ++r->ntable, caption, header, ncols, cells, nrows, 0);
}

/* Inputs and embedded files, listed with their SHA-256 at the foot of the page. */
static sc_status add_input(sc_report *r, const char *role, const char *path, const char *data,
                           size_t n)
{
    if (r->ninputs == r->cinputs) {
        size_t cap = r->cinputs ? 2 * r->cinputs : 16;
        input_entry *e = realloc(r->inputs, cap * sizeof *e);
        if (!e) return fail_mem(r);
        r->inputs = e;
        r->cinputs = cap;
    }
    input_entry *e = &r->inputs[r->ninputs];
    e->role = sc_strdup(role);
    e->path = sc_strdup(path);
    if (!e->role || !e->path) {
        free(e->role), free(e->path);
        return fail_mem(r);
    }
    sc_sha256_hex(data, n, e->hex);
    e->bytes = n;
    r->ninputs++;
    return SC_OK;
}

sc_status sc_report_input(sc_report *r, const char *path, sc_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        /* A folder (an OLMo ladder, an lm-eval results folder): the digest of its sorted files'
         * names and digests (sc_sha256_file). */
        char hex[65];
        SC_TRY(sc_sha256_file(path, hex, err));
        sc_status s = add_input(r, "input folder", path, "", 0);
        if (s == SC_OK) memcpy(r->inputs[r->ninputs - 1].hex, hex, 65);
        return s == SC_OK ? SC_OK : sc_fail(err, s, path, 0, 0, "out of memory");
    }
    char *data;
    size_t n;
    SC_TRY(sc_read_file(path, &data, &n, err));
    sc_status s = add_input(r, "input", path, data, n);
    free(data);
    return s == SC_OK ? SC_OK : sc_fail(err, s, path, 0, 0, "out of memory");
}

sc_status sc_report_command(sc_report *r, const char *command_line)
{
    if (r->ncommands == r->ccommands) {
        size_t cap = r->ccommands ? 2 * r->ccommands : 16;
        char **c = realloc(r->commands, cap * sizeof *c);
        if (!c) return fail_mem(r);
        r->commands = c;
        r->ccommands = cap;
    }
    r->commands[r->ncommands] = sc_strdup(command_line ? command_line : "");
    if (!r->commands[r->ncommands]) return fail_mem(r);
    r->ncommands++;
    return SC_OK;
}

sc_status sc_report_code_file(sc_report *r, const char *path, sc_error *err)
{
    char *data;
    size_t n;
    SC_TRY(sc_read_file(path, &data, &n, err));
    sc_status s = sc_report_code(r, data);
    if (s == SC_OK) s = add_input(r, "embedded text", path, data, n);
    free(data);
    return s == SC_OK ? SC_OK : sc_fail(err, s, path, 0, 0, "out of memory");
}

/* ---- figures ------------------------------------------------------------------------------ */

/* The figure's description beside it (PATH.json), or NULL when there is none. A description
 * that is there but unreadable is an error: the figure would silently lose its interaction. */
static sc_status load_sidecar(const char *image_path, json_t **out, sc_error *err)
{
    *out = NULL;
    size_t n = strlen(image_path);
    char *side = malloc(n + 6);
    if (!side) return sc_fail(err, SC_ENOMEM, image_path, 0, 0, "out of memory");
    memcpy(side, image_path, n);
    memcpy(side + n, ".json", 6);
    struct stat st;
    if (stat(side, &st) != 0) {
        free(side);
        return SC_OK;
    }
    char *data;
    size_t len;
    sc_status s = sc_read_file(side, &data, &len, err);
    if (s != SC_OK) {
        free(side);
        return s;
    }
    json_error_t je;
    json_t *root = json_loadb(data, len, 0, &je);
    free(data);
    if (!root) {
        s = sc_fail(err, SC_EPARSE, side, (size_t)(je.line > 0 ? je.line : 0),
                    (size_t)(je.column > 0 ? je.column : 0), "figure description: %s", je.text);
    } else if (!json_is_object(root) || json_integer_value(json_object_get(root, "scalecast_figure")) != 1 ||
               !json_is_array(json_object_get(root, "items")) ||
               !json_is_object(json_object_get(root, "x")) || !json_is_object(json_object_get(root, "y"))) {
        json_decref(root);
        root = NULL;
        s = sc_fail(err, SC_EPARSE, side, 0, 0,
                    "not a figure description (no \"scalecast_figure\": 1 with x, y and items)");
    }
    free(side);
    *out = root;
    return s;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* "Figure: <title>. Horizontal axis: <label> (log scale), 1e18 to 3e22; vertical axis: ...;
 * shows <item labels>." */
static sc_status alt_text(sbuf *b, const json_t *fig)
{
    SC_TRY(puts_raw(b, "Figure: "));
    SC_TRY(puts_escaped(b, jstr(fig, "title")));
    static const char *const names[2] = {"x", "y"};
    for (int k = 0; k < 2; k++) {
        const json_t *ax = json_object_get(fig, names[k]);
        SC_TRY(puts_raw(b, k ? "; vertical axis: " : ". Horizontal axis: "));
        SC_TRY(puts_escaped(b, jstr(ax, "label")));
        const json_t *cat = json_object_get(ax, "categories");
        if (json_is_array(cat)) {
            SC_TRY(puts_raw(b, " (categories: "));
            for (size_t i = 0; i < json_array_size(cat); i++) {
                if (i) SC_TRY(puts_raw(b, ", "));
                SC_TRY(puts_escaped(b, json_string_value(json_array_get(cat, i))));
            }
            SC_TRY(puts_raw(b, ")"));
            continue;
        }
        const json_t *rg = json_object_get(ax, "range");
        if (strcmp(jstr(ax, "scale"), "log") == 0) SC_TRY(puts_raw(b, " (log scale)"));
        if (json_is_number(json_array_get(rg, 0)) && json_is_number(json_array_get(rg, 1)))
            SC_TRY(putf(b, ", %.3g to %.3g", json_number_value(json_array_get(rg, 0)),
                        json_number_value(json_array_get(rg, 1))));
    }
    const json_t *items = json_object_get(fig, "items");
    int first = 1;
    for (size_t i = 0; i < json_array_size(items); i++) {
        const char *lab = json_string_value(json_object_get(json_array_get(items, i), "label"));
        if (!lab || !*lab) continue;
        SC_TRY(puts_raw(b, first ? "; shows " : ", "));
        SC_TRY(puts_escaped(b, lab));
        first = 0;
    }
    return puts_raw(b, ".");
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
    json_t *fig = NULL;
    sc_status s = load_sidecar(image_path, &fig, err);
    if (s != SC_OK) {
        free(data);
        return s;
    }
    char *figjson = fig ? json_dumps(fig, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
    size_t k = ++r->nfigure;
    sbuf *b = &r->body;
    s = putf(b, "<figure class=\"fig%s\" id=\"f%zu\">\n", figjson ? " interactive" : "", k);
    if (s == SC_OK && figjson) s = putf(b, "<div class=\"chart\" data-src=\"fd%zu\"></div>\n", k);
    if (s == SC_OK) s = puts_raw(b, "<img class=\"static\" alt=\"");
    if (s == SC_OK) {
        if (fig) s = alt_text(b, fig);
        else if (caption) s = puts_escaped(b, caption);
        else s = putf(b, "Figure %zu", k);
    }
    if (s == SC_OK) s = puts_raw(b, svg ? "\" src=\"data:image/svg+xml;base64," : "\" src=\"data:image/png;base64,");
    if (s == SC_OK) s = put_base64(b, (const unsigned char *)data, n);
    if (s == SC_OK) s = puts_raw(b, "\">\n");
    if (s == SC_OK) s = putf(b, "<figcaption><span class=\"fignum\">Figure %zu.</span> ", k);
    if (s == SC_OK && caption) s = puts_escaped(b, caption);
    if (s == SC_OK) s = puts_raw(b, "</figcaption>\n");
    if (s == SC_OK && figjson) {
        s = putf(b, "<script type=\"application/json\" id=\"fd%zu\">", k);
        if (s == SC_OK) s = puts_json_script(b, figjson);
        if (s == SC_OK) s = puts_raw(b, "</script>\n");
    }
    if (s == SC_OK) s = puts_raw(b, "</figure>\n");
    if (s == SC_OK) s = add_input(r, "embedded figure", image_path, data, n);
    if (fig && !figjson) s = SC_ENOMEM;
    free(figjson);
    json_decref(fig);
    free(data);
    if (s != SC_OK) return sc_fail(err, SC_ENOMEM, image_path, 0, 0, "out of memory");
    return SC_OK;
}

/* ---- the headline forecast table ---------------------------------------------------------- */

static void fmt_num(char *buf, size_t n, double v)
{
    if (isfinite(v)) snprintf(buf, n, "%.4g", v);
    else buf[0] = '\0';
}

sc_status sc_report_forecasts(sc_report *r, const char *caption, const sc_report_forecast *rows,
                              size_t n)
{
    enum { NC = 9 };
    static const char *const header[NC] = {"benchmark", "target", "forecast", "interval",
                                           "level", "law", "observed", "trust", "reasons"};
    const char **cells = calloc(n * NC + 1, sizeof *cells);
    char *store = calloc(n * 5 + 1, 160);
    if (!cells || !store) {
        free(cells), free(store);
        return fail_mem(r);
    }
    for (size_t i = 0; i < n; i++) {
        const sc_report_forecast *f = &rows[i];
        char *tgt = store + (5 * i) * 160, *val = tgt + 160, *iv = val + 160, *lev = iv + 160;
        char *obs = lev + 160;
        if (f->target && *f->target) {
            snprintf(tgt, 160, "%s", f->target);
        } else {
            int m = 0;
            if (isfinite(f->N)) m += snprintf(tgt + m, (size_t)(160 - m), "N = %.3g ", f->N);
            if (isfinite(f->D) && m < 150) m += snprintf(tgt + m, (size_t)(160 - m), "D = %.3g ", f->D);
            if (isfinite(f->C) && m < 150) snprintf(tgt + m, (size_t)(160 - m), "C = %.3g FLOPs", f->C);
        }
        fmt_num(val, 160, f->value);
        /* A forecast that failed says so instead of showing an empty cell. */
        if (!isfinite(f->value) && f->status && *f->status && strcmp(f->status, "ok") != 0)
            snprintf(val, 160, "%s", f->status);
        fmt_num(obs, 160, f->observed);
        if (isfinite(f->lo) && isfinite(f->hi)) snprintf(iv, 160, "%.4g to %.4g", f->lo, f->hi);
        else snprintf(iv, 160, "none computed");
        if (isfinite(f->level)) snprintf(lev, 160, "%g%%", 100 * f->level);
        else lev[0] = '\0';
        const char *row[NC] = {f->benchmark, tgt, val, iv, lev, f->law, obs, f->trust, f->reasons};
        for (size_t j = 0; j < NC; j++) cells[i * NC + j] = row[j] ? row[j] : "";
    }
    sc_status s = table_to(&r->headline, ++r->ntable, caption, header, NC, cells, n, 1);
    free(cells);
    free(store);
    return s;
}

/* Rows from `forecast --json` ({"forecasts": [...]}) or, until forecasts exist, from a
 * backtest (`backtest --json`): per benchmark the law with the smallest held-out error and its
 * prediction at the largest held-out run, against what that run scored. */
static double jnum(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static sc_status forecasts_from_json(sc_report *r, const char *path, const json_t *root,
                                     sc_error *err)
{
    const json_t *fc = json_object_get(root, "forecasts");
    size_t n = json_array_size(fc);
    sc_report_forecast *rows = calloc(n + 1, sizeof *rows);
    char (*txt)[2][256] = calloc(n + 1, sizeof *txt);
    if (!rows || !txt) {
        free(rows), free(txt);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    sc_status s = SC_OK;
    for (size_t i = 0; i < n && s == SC_OK; i++) {
        const json_t *o = json_array_get(fc, i);
        if (!json_is_object(o) || !json_is_string(json_object_get(o, "benchmark"))) {
            s = sc_fail(err, SC_EPARSE, path, 0, 0, "forecasts[%zu]: expected an object with a \"benchmark\" string", i);
            break;
        }
        sc_report_forecast *f = &rows[i];
        f->benchmark = jstr(o, "benchmark");
        const json_t *t = json_object_get(o, "target");
        if (json_is_string(t)) f->target = json_string_value(t);
        else if (json_is_number(t)) snprintf(txt[i][0], 256, "%g", json_number_value(t)), f->target = txt[i][0];
        f->N = jnum(o, "N"), f->D = jnum(o, "D"), f->C = jnum(o, "C");
        f->law = jstr(o, "law");
        f->value = jnum(o, "value"), f->lo = jnum(o, "lo"), f->hi = jnum(o, "hi");
        f->level = jnum(o, "level");
        f->observed = jnum(o, "observed");
        f->status = jstr(o, "status");
        const json_t *tr = json_object_get(o, "trust");
        f->trust = json_is_string(tr) ? json_string_value(tr) : json_is_boolean(tr) ? (json_is_true(tr) ? "yes" : "no") : "";
        const json_t *rs = json_object_get(o, "reasons");
        if (json_is_string(rs)) {
            f->reasons = json_string_value(rs);
        } else if (json_is_array(rs)) {
            size_t m = 0;
            for (size_t k = 0; k < json_array_size(rs) && m < 250; k++) {
                const json_t *e = json_array_get(rs, k);
                /* A reason is a string or {code, message}: the code keeps the cell short. */
                const char *one = json_is_object(e) ? json_string_value(json_object_get(e, "code"))
                                                    : json_string_value(e);
                if (one) m += (size_t)snprintf(txt[i][1] + m, 256 - m, "%s%s", m ? "; " : "", one);
            }
            f->reasons = txt[i][1];
        }
        /* A failed forecast says why in "why" when it has no verdict reasons. */
        if ((!f->reasons || !*f->reasons) && json_is_string(json_object_get(o, "why")))
            f->reasons = jstr(o, "why");
    }
    if (s == SC_OK && sc_report_forecasts(r, "Forecasts", rows, n) != SC_OK)
        s = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    free(rows);
    free(txt);
    return s;
}

static sc_status forecasts_from_backtest(sc_report *r, const char *path, const json_t *root,
                                         sc_error *err)
{
    const json_t *bm = json_object_get(root, "benchmarks");
    size_t n = json_array_size(bm), m = 0;
    sc_report_forecast *rows = calloc(n + 1, sizeof *rows);
    char (*txt)[3][160] = calloc(n + 1, sizeof *txt);
    if (!rows || !txt) {
        free(rows), free(txt);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *b = json_array_get(bm, i), *laws = json_object_get(b, "laws");
        const json_t *best = NULL;
        for (size_t k = 0; k < json_array_size(laws); k++) {
            const json_t *l = json_array_get(laws, k);
            if (!json_is_true(json_object_get(l, "ok")) || !isfinite(jnum(l, "mre_percent"))) continue;
            if (!best || jnum(l, "mre_percent") < jnum(best, "mre_percent")) best = l;
        }
        if (!best) continue;
        const json_t *ho = json_object_get(best, "held_out"), *last = NULL;
        for (size_t k = 0; k < json_array_size(ho); k++) {
            const json_t *h = json_array_get(ho, k);
            if (!last || jnum(h, "C") > jnum(last, "C")) last = h;
        }
        if (!last) continue;
        sc_report_forecast *f = &rows[m];
        f->benchmark = jstr(b, "name");
        f->N = f->D = NAN;
        f->C = jnum(last, "C");
        snprintf(txt[m][0], 160, "largest held-out run, C = %.3g FLOPs", f->C);
        f->target = txt[m][0];
        f->value = jnum(last, "predicted");
        f->lo = f->hi = f->level = NAN;
        f->observed = jnum(last, "observed");
        f->law = jstr(best, "law");
        int near = json_is_true(json_object_get(b, "near_chance"));
        snprintf(txt[m][1], 160, "%s (backtest)", near ? "low: near chance" : "held-out check");
        f->trust = txt[m][1];
        snprintf(txt[m][2], 160, "scored %.4g; mean error %.2f%% over %.0f held-out runs", f->observed,
                 jnum(best, "mre_percent"), jnum(best, "n_held_out"));
        f->reasons = txt[m][2];
        m++;
    }
    char caption[200];
    snprintf(caption, sizeof caption, "Backtest: forecasts of the largest held-out runs from runs with C <= %.3g FLOPs (best law per benchmark)",
             jnum(root, "cutoff"));
    sc_status s = SC_OK;
    if (sc_report_forecasts(r, caption, rows, m) != SC_OK) s = sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    free(rows);
    free(txt);
    return s;
}

sc_status sc_report_forecast_file(sc_report *r, const char *path, sc_error *err)
{
    char *data;
    size_t n;
    SC_TRY(sc_read_file(path, &data, &n, err));
    json_error_t je;
    json_t *root = json_loadb(data, n, 0, &je);
    sc_status s = SC_OK;
    if (!root) {
        s = sc_fail(err, SC_EPARSE, path, (size_t)(je.line > 0 ? je.line : 0),
                    (size_t)(je.column > 0 ? je.column : 0), "%s", je.text);
    } else if (json_is_array(json_object_get(root, "forecasts"))) {
        s = forecasts_from_json(r, path, root, err);
    } else if (json_is_array(json_object_get(root, "benchmarks"))) {
        s = forecasts_from_backtest(r, path, root, err);
    } else {
        s = sc_fail(err, SC_EPARSE, path, 0, 0,
                    "expected forecasts ({\"forecasts\": [...]}) or backtest results ({\"benchmarks\": [...]})");
    }
    if (s == SC_OK) s = add_input(r, "forecast table", path, data, n);
    json_decref(root);
    free(data);
    return s;
}

/* ---- the page ----------------------------------------------------------------------------- */

/* CSP source for an inline element: 'sha256-<base64 of the digest of its exact text>'. */
static sc_status csp_hash(sbuf *b, const char *text)
{
    unsigned char d[32];
    sc_sha256(text, strlen(text), d);
    SC_TRY(puts_raw(b, "'sha256-"));
    SC_TRY(put_base64(b, d, 32));
    return puts_raw(b, "'");
}

static sc_status page(const sc_report *r, sbuf *b)
{
    SC_TRY(puts_raw(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "));
    SC_TRY(csp_hash(b, report_js));
    SC_TRY(puts_raw(b, "; style-src "));
    SC_TRY(csp_hash(b, report_css));
    SC_TRY(puts_raw(b, "; img-src data:; base-uri 'none'; form-action 'none'\">\n"
                       "<meta name=\"generator\" content=\"scalecast " SC_VERSION_STRING "\">\n"
                       "<link rel=\"icon\" href=\"data:,\">\n<title>"));
    SC_TRY(puts_escaped(b, r->title));
    SC_TRY(puts_raw(b, "</title>\n<style>"));
    SC_TRY(puts_raw(b, report_css));
    SC_TRY(puts_raw(b, "</style></head>\n<body>\n<header>\n<h1>"));
    SC_TRY(puts_escaped(b, r->title));
    SC_TRY(puts_raw(b, "</h1>\n"));
    if (r->summary.buf) SC_TRY(puts_raw(b, r->summary.buf));
    SC_TRY(puts_raw(b, "</header>\n"));
    if (r->headline.buf) {
        SC_TRY(puts_raw(b, "<section id=\"headline\" aria-label=\"Headline forecasts\">\n"));
        SC_TRY(puts_raw(b, r->headline.buf));
        SC_TRY(puts_raw(b, "</section>\n"));
    }
    if (r->ntoc) {
        SC_TRY(puts_raw(b, "<nav class=\"toc\" aria-labelledby=\"toc-h\"><h2 id=\"toc-h\">Contents</h2>\n<ol>"));
        int open_sub = 0;
        for (size_t i = 0; i < r->ntoc; i++) {
            const toc_entry *e = &r->toc[i];
            if (e->level == 2) {
                if (open_sub) SC_TRY(puts_raw(b, "</ol>"));
                if (i) SC_TRY(puts_raw(b, "</li>\n"));
                open_sub = 0;
            } else if (!open_sub) {
                SC_TRY(puts_raw(b, "<ol>"));
                open_sub = 1;
            }
            SC_TRY(putf(b, "%s<a href=\"#%s\">", e->level == 2 ? "<li>" : "<li>", e->id));
            SC_TRY(puts_escaped(b, e->text));
            SC_TRY(puts_raw(b, e->level == 2 ? "</a>" : "</a></li>"));
        }
        if (open_sub) SC_TRY(puts_raw(b, "</ol>"));
        SC_TRY(puts_raw(b, "</li>\n<li><a href=\"#provenance\">Provenance</a></li></ol></nav>\n"));
    }
    SC_TRY(puts_raw(b, "<main>\n"));
    if (r->body.buf) SC_TRY(puts_raw(b, r->body.buf));
    if (r->nsection) SC_TRY(puts_raw(b, "</section>\n"));
    SC_TRY(puts_raw(b, "</main>\n<footer id=\"provenance\">\n<h2>Provenance</h2>\n<p>Written by scalecast "
                       SC_VERSION_STRING " on "));
    char date[64];
    time_t t = (time_t)r->date;
    struct tm tm;
    if (gmtime_r(&t, &tm)) strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
    else snprintf(date, sizeof date, "%lld (seconds since 1970)", r->date);
    SC_TRY(putf(b, "<time>%s</time>.</p>\n", date));
    if (r->ncommands) {
        SC_TRY(puts_raw(b, "<h3>Commands</h3>\n<pre class=\"commands\" tabindex=\"0\">"));
        for (size_t i = 0; i < r->ncommands; i++) {
            SC_TRY(puts_escaped(b, r->commands[i]));
            SC_TRY(puts_raw(b, "\n"));
        }
        SC_TRY(puts_raw(b, "</pre>\n"));
    }
    if (r->ninputs) {
        SC_TRY(puts_raw(b, "<h3>Inputs</h3>\n<div class=\"tablewrap\" tabindex=\"0\"><table class=\"inputs\">"
                           "<thead><tr><th scope=\"col\">file</th><th scope=\"col\">used as</th>"
                           "<th scope=\"col\" class=\"num\">bytes</th><th scope=\"col\">SHA-256</th></tr></thead>\n<tbody>\n"));
        for (size_t i = 0; i < r->ninputs; i++) {
            SC_TRY(puts_raw(b, "<tr><td>"));
            SC_TRY(puts_escaped(b, r->inputs[i].path));
            SC_TRY(puts_raw(b, "</td><td>"));
            SC_TRY(puts_escaped(b, r->inputs[i].role));
            SC_TRY(putf(b, "</td><td class=\"num\">%zu</td><td><code class=\"hash\">%s</code></td></tr>\n",
                        r->inputs[i].bytes, r->inputs[i].hex));
        }
        SC_TRY(puts_raw(b, "</tbody></table></div>\n"));
    }
    SC_TRY(puts_raw(b, "</footer>\n<script>"));
    SC_TRY(puts_raw(b, report_js));
    return puts_raw(b, "</script>\n</body></html>\n");
}

sc_status sc_report_save(const sc_report *r, const char *path, sc_error *err)
{
    if (r->failed || r->summary.failed || r->headline.failed || r->body.failed)
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    sbuf b = {0};
    if (page(r, &b) != SC_OK) {
        free(b.buf);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }
    sc_tmpfile out;
    sc_status s = sc_tmpfile_open(&out, path, 1, err);
    if (s == SC_OK) {
        if (fwrite(b.buf, 1, b.len, out.f) != b.len) {
            sc_tmpfile_abort(&out);
            s = sc_fail(err, SC_EIO, path, 0, 0, "cannot write the report");
        } else {
            s = sc_tmpfile_commit(&out, err);
        }
    }
    free(b.buf);
    return s;
}
