/* SPDX-License-Identifier: GPL-3.0-or-later
 * Figures with PLplot's cairo drivers. A plot is a list of items drawn when saved, so the axis
 * ranges cover everything and one description can be written as PNG, SVG or PDF. */
#include "core/internal.h"

#include <math.h>
#include <jansson.h>
#include <plplot.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ITEM_SERIES, ITEM_BAND, ITEM_VLINE } item_kind;

typedef struct plot_item {
    item_kind kind;
    char *label, *group; /* group: items toggled together in the report (a law, a family) */
    char **point_labels; /* n names of the points, or NULL */
    double *x, *y, *y2; /* y2: band upper edge */
    size_t n;
    sc_mark mark;
    int colour;
} plot_item;

struct sc_plot {
    char *title, *xlabel, *ylabel;
    sc_axis xaxis, yaxis;
    plot_item *items;
    size_t nitems, cap;
    double xlo, xhi, ylo, yhi; /* fixed ranges (NaN: automatic) */
    char *group;               /* group of the items added next (NULL: from their labels) */
    char **xcat;               /* names of a categorical x axis (x = 1..nxcat), or NULL */
    size_t nxcat;
};

/* Okabe-Ito palette, ordered for contrast between neighbours; its yellow is replaced by a mid
 * grey, which stays visible on the white background. */
static const unsigned char palette[8][3] = {
    {0, 114, 178}, {213, 94, 0}, {0, 158, 115}, {204, 121, 167},
    {230, 159, 0}, {86, 180, 233}, {0, 0, 0},   {120, 120, 120},
};
#define PAL_BASE 2      /* cmap0 index of palette[0]; 0 is the background, 1 the axes */
#define PAL_BAND_BASE 10 /* translucent copies for bands */

sc_status sc_plot_new(const char *title, const char *xlabel, const char *ylabel, sc_axis xaxis,
                      sc_axis yaxis, sc_plot **out)
{
    *out = NULL;
    sc_plot *p = calloc(1, sizeof *p);
    if (!p) return SC_ENOMEM;
    p->title = sc_strdup(title ? title : "");
    p->xlabel = sc_strdup(xlabel ? xlabel : "");
    p->ylabel = sc_strdup(ylabel ? ylabel : "");
    p->xaxis = xaxis;
    p->yaxis = yaxis;
    p->xlo = p->xhi = p->ylo = p->yhi = NAN;
    if (!p->title || !p->xlabel || !p->ylabel) {
        sc_plot_free(p);
        return SC_ENOMEM;
    }
    *out = p;
    return SC_OK;
}

static void free_strings(char **v, size_t n)
{
    if (!v) return;
    for (size_t i = 0; i < n; i++) free(v[i]);
    free(v);
}

static char **dup_strings(const char *const *v, size_t n)
{
    char **d = sc_calloc(n ? n : 1, sizeof *d);
    if (!d) return NULL;
    for (size_t i = 0; i < n; i++) {
        d[i] = sc_strdup(v[i] ? v[i] : "");
        if (!d[i]) {
            free_strings(d, i);
            return NULL;
        }
    }
    return d;
}

void sc_plot_free(sc_plot *p)
{
    if (!p) return;
    for (size_t k = 0; k < p->nitems; k++) {
        free(p->items[k].label);
        free(p->items[k].group);
        free_strings(p->items[k].point_labels, p->items[k].n);
        free(p->items[k].x);
        free(p->items[k].y);
        free(p->items[k].y2);
    }
    free(p->items);
    free(p->group);
    free_strings(p->xcat, p->nxcat);
    free(p->title);
    free(p->xlabel);
    free(p->ylabel);
    free(p);
}

static double *dup_values(const double *v, size_t n)
{
    if (!v) return NULL;
    double *d = sc_malloc_array(n, sizeof *d);
    if (d && n) memcpy(d, v, n * sizeof *d);
    return d;
}

static sc_status push(sc_plot *p, plot_item item)
{
    if (p->nitems == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 8;
        plot_item *grown = realloc(p->items, cap * sizeof *grown);
        if (!grown) return SC_ENOMEM;
        p->items = grown;
        p->cap = cap;
    }
    p->items[p->nitems++] = item;
    return SC_OK;
}

static sc_status add_item(sc_plot *p, item_kind kind, const char *label, const double *x,
                          const double *y, const double *y2, size_t n, sc_mark mark, int colour)
{
    if (!p || (n && (!x || (kind != ITEM_VLINE && !y)))) return SC_EINVAL;
    plot_item it = {kind, NULL, NULL, NULL, NULL, NULL, NULL, n, mark, ((colour % 8) + 8) % 8};
    it.label = label ? sc_strdup(label) : NULL;
    /* The group: the one set by sc_plot_group, else the item's own label, else the group of
     * the item before it (an unlabelled curve belongs with the labelled points before it). */
    const char *g = p->group ? p->group
                    : label && label[0]  ? label
                    : p->nitems          ? p->items[p->nitems - 1].group
                                         : NULL;
    it.group = g ? sc_strdup(g) : NULL;
    it.x = dup_values(x, n);
    it.y = dup_values(y, n);
    it.y2 = dup_values(y2, n);
    if ((label && !it.label) || (g && !it.group) || (x && !it.x) || (y && !it.y) ||
        (y2 && !it.y2) || push(p, it) != SC_OK) {
        free(it.label);
        free(it.group);
        free(it.x);
        free(it.y);
        free(it.y2);
        return SC_ENOMEM;
    }
    return SC_OK;
}

sc_status sc_plot_series(sc_plot *p, const char *label, const double *x, const double *y,
                         size_t n, sc_mark mark, int colour)
{
    return add_item(p, ITEM_SERIES, label, x, y, NULL, n, mark, colour);
}

sc_status sc_plot_band(sc_plot *p, const char *label, const double *x, const double *lo,
                       const double *hi, size_t n, int colour)
{
    if (!hi) return SC_EINVAL;
    return add_item(p, ITEM_BAND, label, x, lo, hi, n, SC_MARK_LINE, colour);
}

sc_status sc_plot_vline(sc_plot *p, double x, const char *label)
{
    return add_item(p, ITEM_VLINE, label, &x, NULL, NULL, 1, SC_MARK_DASHED, 6);
}

sc_status sc_plot_point_labels(sc_plot *p, const char *const *labels, size_t n)
{
    if (!p || !p->nitems || !labels || p->items[p->nitems - 1].n != n) return SC_EINVAL;
    plot_item *it = &p->items[p->nitems - 1];
    char **d = dup_strings(labels, n);
    if (!d) return SC_ENOMEM;
    free_strings(it->point_labels, it->n);
    it->point_labels = d;
    return SC_OK;
}

sc_status sc_plot_group(sc_plot *p, const char *group)
{
    if (!p) return SC_EINVAL;
    char *g = group ? sc_strdup(group) : NULL;
    if (group && !g) return SC_ENOMEM;
    free(p->group);
    p->group = g;
    return SC_OK;
}

sc_status sc_plot_xcategories(sc_plot *p, const char *const *names, size_t n)
{
    if (!p || (n && !names) || p->xaxis != SC_AXIS_LINEAR) return SC_EINVAL;
    char **d = dup_strings(names, n);
    if (!d) return SC_ENOMEM;
    free_strings(p->xcat, p->nxcat);
    p->xcat = d;
    p->nxcat = n;
    if (n) sc_plot_xrange(p, 0.5, (double)n + 0.5);
    return SC_OK;
}

void sc_plot_xrange(sc_plot *p, double lo, double hi)
{
    p->xlo = lo;
    p->xhi = hi;
}

void sc_plot_yrange(sc_plot *p, double lo, double hi)
{
    p->ylo = lo;
    p->yhi = hi;
}

/* Value on the drawn axis: log10 for a log axis; NaN when it cannot be drawn. */
static double axis_value(sc_axis a, double v)
{
    if (!isfinite(v)) return NAN;
    if (a == SC_AXIS_LOG) return v > 0 ? log10(v) : NAN;
    return v;
}

static void widen(double v, double *lo, double *hi)
{
    if (isnan(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

static void ranges(const sc_plot *p, double *x0, double *x1, double *y0, double *y1)
{
    double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
    for (size_t k = 0; k < p->nitems; k++) {
        const plot_item *it = &p->items[k];
        for (size_t i = 0; i < it->n; i++) {
            double xv = axis_value(p->xaxis, it->x[i]);
            if (it->kind == ITEM_VLINE) {
                widen(xv, &xl, &xh);
                continue;
            }
            double yv = axis_value(p->yaxis, it->y[i]);
            double yv2 = it->y2 ? axis_value(p->yaxis, it->y2[i]) : yv;
            if (isnan(xv) || (isnan(yv) && isnan(yv2))) continue;
            widen(xv, &xl, &xh);
            widen(yv, &yl, &yh);
            widen(yv2, &yl, &yh);
        }
    }
    if (!(xl <= xh)) xl = 0, xh = 1;
    if (!(yl <= yh)) yl = 0, yh = 1;
    double dx = xh - xl, dy = yh - yl;
    if (dx == 0) dx = fabs(xl) > 0 ? fabs(xl) * 0.1 : 1;
    if (dy == 0) dy = fabs(yl) > 0 ? fabs(yl) * 0.1 : 1;
    xl -= 0.04 * dx, xh += 0.04 * dx, yl -= 0.06 * dy, yh += 0.06 * dy;
    double fx0 = axis_value(p->xaxis, p->xlo), fx1 = axis_value(p->xaxis, p->xhi);
    double fy0 = axis_value(p->yaxis, p->ylo), fy1 = axis_value(p->yaxis, p->yhi);
    *x0 = isnan(fx0) ? xl : fx0;
    *x1 = isnan(fx1) ? xh : fx1;
    *y0 = isnan(fy0) ? yl : fy0;
    *y1 = isnan(fy1) ? yh : fy1;
}

static const char *mark_glyph(sc_mark m)
{
    switch (m) {
    case SC_MARK_POINTS: return "●";
    case SC_MARK_CROSSES: return "×";
    case SC_MARK_OPEN: return "○";
    default: return "";
    }
}

/* Draws the finite runs of a series as lines, or its points as glyphs. */
static void draw_series(const sc_plot *p, const plot_item *it, double *bx, double *by)
{
    size_t m = 0;
    for (size_t i = 0; i <= it->n; i++) {
        double xv = i < it->n ? axis_value(p->xaxis, it->x[i]) : NAN;
        double yv = i < it->n ? axis_value(p->yaxis, it->y[i]) : NAN;
        int ok = !isnan(xv) && !isnan(yv);
        if (ok) {
            bx[m] = xv;
            by[m] = yv;
            m++;
        }
        int is_line = it->mark == SC_MARK_LINE || it->mark == SC_MARK_DASHED;
        if ((!ok || i == it->n) && m > 0) {
            if (is_line) {
                if (m > 1) plline((PLINT)m, bx, by);
            } else {
                plstring((PLINT)m, bx, by, mark_glyph(it->mark));
            }
            m = 0;
        }
    }
}

static void draw_band(const sc_plot *p, const plot_item *it, double *bx, double *by)
{
    /* The polygon: lower edge left to right, then upper edge right to left. */
    size_t m = 0;
    for (size_t i = 0; i < it->n; i++) {
        double xv = axis_value(p->xaxis, it->x[i]);
        double lo = axis_value(p->yaxis, it->y[i]);
        if (isnan(xv) || isnan(lo) || isnan(axis_value(p->yaxis, it->y2[i]))) continue;
        bx[m] = xv;
        by[m] = lo;
        m++;
    }
    for (size_t i = it->n; i-- > 0;) {
        double xv = axis_value(p->xaxis, it->x[i]);
        double hi = axis_value(p->yaxis, it->y2[i]);
        if (isnan(xv) || isnan(hi) || isnan(axis_value(p->yaxis, it->y[i]))) continue;
        bx[m] = xv;
        by[m] = hi;
        m++;
    }
    if (m >= 3) plfill((PLINT)m, bx, by);
}

static void set_palette(void)
{
    plscmap0n(PAL_BAND_BASE + 8);
    plscolbg(255, 255, 255);
    plscol0a(0, 255, 255, 255, 1.0);
    plscol0a(1, 0, 0, 0, 1.0);
    for (int k = 0; k < 8; k++) {
        plscol0a(PAL_BASE + k, palette[k][0], palette[k][1], palette[k][2], 1.0);
        plscol0a(PAL_BAND_BASE + k, palette[k][0], palette[k][1], palette[k][2], 0.22);
    }
}

static void draw_legend(const sc_plot *p)
{
    PLINT nl = 0;
    for (size_t k = 0; k < p->nitems; k++)
        if (p->items[k].label && p->items[k].label[0]) nl++;
    if (nl == 0) return;
    PLINT *opt = calloc((size_t)nl, sizeof *opt), *tcol = calloc((size_t)nl, sizeof *tcol);
    PLINT *bcol = calloc((size_t)nl, sizeof *bcol), *bpat = calloc((size_t)nl, sizeof *bpat);
    PLINT *lcol = calloc((size_t)nl, sizeof *lcol), *lsty = calloc((size_t)nl, sizeof *lsty);
    PLINT *scol = calloc((size_t)nl, sizeof *scol), *snum = calloc((size_t)nl, sizeof *snum);
    PLFLT *bsc = calloc((size_t)nl, sizeof *bsc), *bw = calloc((size_t)nl, sizeof *bw);
    PLFLT *lw = calloc((size_t)nl, sizeof *lw), *ssc = calloc((size_t)nl, sizeof *ssc);
    const char **text = calloc((size_t)nl, sizeof *text), **sym = calloc((size_t)nl, sizeof *sym);
    if (opt && tcol && bcol && bpat && lcol && lsty && scol && snum && bsc && bw && lw && ssc &&
        text && sym) {
        PLINT k2 = 0;
        for (size_t k = 0; k < p->nitems; k++) {
            const plot_item *it = &p->items[k];
            if (!it->label || !it->label[0]) continue;
            PLINT c = it->kind == ITEM_VLINE ? 1 : PAL_BASE + it->colour;
            text[k2] = it->label;
            tcol[k2] = 1;
            sym[k2] = "";
            if (it->kind == ITEM_BAND) {
                opt[k2] = PL_LEGEND_COLOR_BOX;
                bcol[k2] = PAL_BAND_BASE + it->colour;
                bpat[k2] = 0;
                bsc[k2] = 0.8;
                bw[k2] = 1;
            } else if (it->kind == ITEM_VLINE || it->mark == SC_MARK_LINE ||
                       it->mark == SC_MARK_DASHED) {
                opt[k2] = PL_LEGEND_LINE;
                lcol[k2] = c;
                lsty[k2] = (it->kind == ITEM_VLINE || it->mark == SC_MARK_DASHED) ? 2 : 1;
                lw[k2] = 2;
            } else {
                opt[k2] = PL_LEGEND_SYMBOL;
                scol[k2] = c;
                ssc[k2] = 1;
                snum[k2] = 1;
                sym[k2] = mark_glyph(it->mark);
            }
            k2++;
        }
        PLFLT lwid, lhei;
        pllegend(&lwid, &lhei, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, 
                 PL_POSITION_RIGHT | PL_POSITION_OUTSIDE, 0.02, 0.0, 0.08, 0, 1,
                 1, 0, 0, nl, opt, 0.8, 0.75, 1.8, 0.0, tcol, text, bcol, bpat, bsc, bw, lcol,
                 lsty, lw, scol, ssc, snum, sym);
    }
    free(opt), free(tcol), free(bcol), free(bpat), free(lcol), free(lsty), free(scol);
    free(snum), free(bsc), free(bw), free(lw), free(ssc), free(text), free(sym);
}

/* PLplot labels a log axis at powers of ten only, which leaves an axis spanning less than a few
 * decades with one label or none (a loss axis from 1.9 to 3.5 has none). Such an axis is drawn
 * without PLplot's numbers and labelled here: across less than 0.7 decades at evenly spaced
 * "nice" values (5, 2 or 1 times a power of ten apart, the coarsest giving five or more), up to 2.5 decades
 * at 1, 2 and 5 times each power of ten. */
static int narrow_log(sc_axis a, double lo, double hi)
{
    return a == SC_AXIS_LOG && hi - lo < 2.5;
}

static void log_tick(int is_x, double pos, double lo, double hi, double other_lo, double other_hi,
                     double v)
{
    double tick = 0.015 * (other_hi - other_lo);
    char text[32];
    snprintf(text, sizeof text, "%g", v);
    double frac = (pos - lo) / (hi - lo);
    if (is_x) {
        double tx[2] = {pos, pos}, ty[2] = {other_lo, other_lo + tick};
        plline(2, tx, ty);
        plmtex("b", 1.6, frac, 0.5, text);
    } else {
        double tx[2] = {other_lo, other_lo + tick}, ty[2] = {pos, pos};
        plline(2, tx, ty);
        plmtex("lv", 0.6, frac, 1.0, text);
    }
}

/* The labelled values of a log axis from lo to hi (log10 units): at most max of them. */
static size_t log_ticks(double lo, double hi, double *v, size_t max)
{
    size_t n = 0;
    if (hi - lo >= 2.5) {
        for (double e = ceil(lo); e <= hi && n < max; e++) v[n++] = pow(10, e);
        return n;
    }
    if (hi - lo >= 0.7) {
        static const double mult[3] = {1, 2, 5};
        for (double e = floor(lo); e <= ceil(hi); e++)
            for (int m = 0; m < 3 && n < max; m++) {
                double pos = e + log10(mult[m]);
                if (pos >= lo && pos <= hi) v[n++] = mult[m] * pow(10, e);
            }
        return n;
    }
    /* The coarsest step of 5, 2 or 1 times a power of ten that gives at least five labels. */
    double vlo = pow(10, lo), vhi = pow(10, hi), step = 0;
    for (double e = floor(log10(vhi - vlo)); e > floor(log10(vhi - vlo)) - 3 && step == 0; e--) {
        static const double mult[3] = {5, 2, 1};
        for (int m = 0; m < 3 && step == 0; m++) {
            double st = mult[m] * pow(10, e);
            if (floor(vhi / st * (1 + 1e-12)) - ceil(vlo / st) + 1 >= 5) step = st;
        }
    }
    if (step == 0) step = pow(10, floor(log10(vhi - vlo)) - 2);
    for (double k = ceil(vlo / step); k * step <= vhi * (1 + 1e-12) && n < max; k++)
        if (k * step > 0) v[n++] = k * step;
    return n;
}

static void label_narrow_log(int is_x, double lo, double hi, double other_lo, double other_hi)
{
    double v[64];
    size_t n = log_ticks(lo, hi, v, 64);
    for (size_t i = 0; i < n; i++) log_tick(is_x, log10(v[i]), lo, hi, other_lo, other_hi, v[i]);
}

/* Category names under a categorical x axis, upright when few and short, else vertical. */
static int categories_vertical(const sc_plot *p)
{
    size_t longest = 0;
    for (size_t i = 0; i < p->nxcat; i++)
        if (strlen(p->xcat[i]) > longest) longest = strlen(p->xcat[i]);
    return p->nxcat * (longest + 1) > 60;
}

static void label_categories(const sc_plot *p, double x0, double x1, double y0, double y1)
{
    int vertical = categories_vertical(p);
    double tick = 0.015 * (y1 - y0);
    for (size_t i = 0; i < p->nxcat; i++) {
        double pos = (double)(i + 1), frac = (pos - x0) / (x1 - x0);
        double tx[2] = {pos, pos}, ty[2] = {y0, y0 + tick};
        plline(2, tx, ty);
        if (vertical) plmtex("bv", 0.6, frac, 1.0, p->xcat[i]);
        else plmtex("b", 1.6, frac, 0.5, p->xcat[i]);
    }
}

/* Points are named in the figure itself when there are few of them; the report shows every
 * name on hover. */
enum { MAX_DRAWN_POINT_LABELS = 16 };

static size_t labelled_points(const sc_plot *p)
{
    size_t m = 0;
    for (size_t k = 0; k < p->nitems; k++)
        if (p->items[k].point_labels) m += p->items[k].n;
    return m;
}

static void draw_point_labels(const sc_plot *p, double x0, double x1)
{
    if (labelled_points(p) > MAX_DRAWN_POINT_LABELS) return;
    plschr(0, 0.62);
    for (size_t k = 0; k < p->nitems; k++) {
        const plot_item *it = &p->items[k];
        if (!it->point_labels || it->kind != ITEM_SERIES) continue;
        plcol0(PAL_BASE + it->colour);
        for (size_t i = 0; i < it->n; i++) {
            double xv = axis_value(p->xaxis, it->x[i]), yv = axis_value(p->yaxis, it->y[i]);
            if (isnan(xv) || isnan(yv) || !it->point_labels[i][0]) continue;
            /* Right of the point, or left of it in the right quarter of the plot. */
            int left = (xv - x0) > 0.75 * (x1 - x0);
            double dx = 0.012 * (x1 - x0) * (left ? -1 : 1);
            plptex(xv + dx, yv, 1, 0, left ? 1.0 : 0.0, it->point_labels[i]);
        }
    }
    plschr(0, 0.85);
    plcol0(1);
}

/* JSON helpers for the sidecar: NaN and infinities become null. */
static json_t *json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *json_values(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        if (json_array_append_new(a, json_num(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static const char *kind_name(const plot_item *it)
{
    if (it->kind == ITEM_BAND) return "band";
    if (it->kind == ITEM_VLINE) return "vline";
    switch (it->mark) {
    case SC_MARK_LINE: return "line";
    case SC_MARK_DASHED: return "dashed";
    case SC_MARK_CROSSES: return "crosses";
    case SC_MARK_OPEN: return "open";
    default: return "points";
    }
}

/* A log axis also lists the values its labels stand at (PLplot's own labels on a linear axis
 * are not listed). */
static json_t *axis_json(const char *label, sc_axis a, double lo, double hi)
{
    int lg = a == SC_AXIS_LOG;
    json_t *ax = json_pack("{s:s, s:s, s:[o, o]}", "label", label, "scale", lg ? "log" : "linear",
                           "range", json_num(lg ? pow(10, lo) : lo), json_num(lg ? pow(10, hi) : hi));
    if (ax && lg) {
        double v[64];
        size_t n = log_ticks(lo, hi, v, 64);
        if (json_object_set_new(ax, "ticks", json_values(v, n)) != 0) {
            json_decref(ax);
            return NULL;
        }
    }
    return ax;
}

/* The sidecar: what the figure shows, as data (titles, axis labels and ranges, every item with
 * its values), for tests that check figures without pixels and for the report's interactive
 * figures. */
static json_t *sidecar_json(const sc_plot *p, double x0, double x1, double y0, double y1)
{
    json_t *x = axis_json(p->xlabel, p->xaxis, x0, x1), *y = axis_json(p->ylabel, p->yaxis, y0, y1);
    json_t *items = json_array();
    json_t *root = json_pack("{s:i, s:s, s:o*, s:o*, s:o*, s:I}", "scalecast_figure", 1,
                             "title", p->title, "x", x, "y", y, "items", items,
                             "labels_drawn", (json_int_t)(labelled_points(p) <= MAX_DRAWN_POINT_LABELS
                                                              ? labelled_points(p) : 0));
    if (!root) return NULL;
    if (p->xcat) {
        json_t *cat = json_array();
        for (size_t i = 0; cat && i < p->nxcat; i++) json_array_append_new(cat, json_string(p->xcat[i]));
        if (!cat || json_object_set_new(x, "categories", cat) != 0) goto fail;
    }
    for (size_t k = 0; k < p->nitems; k++) {
        const plot_item *it = &p->items[k];
        char colour[8];
        const unsigned char *c = palette[it->colour];
        if (it->kind == ITEM_VLINE) snprintf(colour, sizeof colour, "#000000");
        else snprintf(colour, sizeof colour, "#%02x%02x%02x", c[0], c[1], c[2]);
        json_t *o = json_pack("{s:s, s:s?, s:s?, s:s, s:I, s:o*}", "kind", kind_name(it),
                              "label", it->label, "group", it->group, "colour", colour,
                              "n", (json_int_t)it->n, "x", json_values(it->x, it->n));
        if (!o || json_array_append_new(items, o) != 0) goto fail;
        if (it->kind != ITEM_VLINE && json_object_set_new(o, "y", json_values(it->y, it->n)) != 0)
            goto fail;
        if (it->y2 && json_object_set_new(o, "hi", json_values(it->y2, it->n)) != 0) goto fail;
        if (it->point_labels) {
            json_t *names = json_array();
            for (size_t i = 0; names && i < it->n; i++)
                json_array_append_new(names, json_string(it->point_labels[i]));
            if (!names || json_object_set_new(o, "labels", names) != 0) goto fail;
        }
    }
    return root;
fail:
    json_decref(root);
    return NULL;
}

static sc_status write_sidecar(const sc_plot *p, const char *path, double x0, double x1, double y0,
                               double y1, sc_error *err)
{
    size_t n = strlen(path);
    char *side = malloc(n + 6);
    if (!side) return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    memcpy(side, path, n);
    memcpy(side + n, ".json", 6);
    json_t *root = sidecar_json(p, x0, x1, y0, y1);
    sc_status st = SC_OK;
    if (!root) st = sc_fail(err, SC_ENOMEM, side, 0, 0, "out of memory (or text that is not UTF-8 in a label)");
    sc_tmpfile out;
    if (st == SC_OK) st = sc_tmpfile_open(&out, side, 1, err);
    if (st == SC_OK) {
        if (json_dumpf(root, out.f, JSON_COMPACT | JSON_REAL_PRECISION(17)) != 0 ||
            fputc('\n', out.f) == EOF) {
            sc_tmpfile_abort(&out);
            st = sc_fail(err, SC_EIO, side, 0, 0, "cannot write the figure's description");
        } else {
            st = sc_tmpfile_commit(&out, err);
        }
    }
    json_decref(root);
    free(side);
    return st;
}

static const char *device_for(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot) return NULL;
    if (strcmp(dot, ".png") == 0) return "pngcairo";
    if (strcmp(dot, ".svg") == 0) return "svgcairo";
    if (strcmp(dot, ".pdf") == 0) return "pdfcairo";
    return NULL;
}

sc_status sc_plot_save(const sc_plot *p, const char *path, sc_error *err)
{
    if (!p || !path) return sc_fail(err, SC_EINVAL, NULL, 0, 0, "no plot or no path");
    const char *dev = device_for(path);
    if (!dev)
        return sc_fail(err, SC_EINVAL, path, 0, 0,
                       "unknown figure format (use a .png, .svg or .pdf file name)");
    sc_tmpfile out;
    SC_TRY(sc_tmpfile_open(&out, path, 0, err));

    size_t maxn = 16;
    for (size_t k = 0; k < p->nitems; k++)
        if (2 * p->items[k].n + 2 > maxn) maxn = 2 * p->items[k].n + 2;
    double *bx = sc_malloc_array(maxn, sizeof *bx), *by = sc_malloc_array(maxn, sizeof *by);
    if (!bx || !by) {
        free(bx), free(by), sc_tmpfile_abort(&out);
        return sc_fail(err, SC_ENOMEM, path, 0, 0, "out of memory");
    }

    PLINT old_stream = 0, stream = 0;
    plgstrm(&old_stream);
    plmkstrm(&stream);
    plsdev(dev);
    plsfnam(out.tmp);
    plspage(0, 0, 960, 600, 0, 0);
    set_palette();
    plinit();
    pladv(0);
    plschr(0, 0.85);
    int vcat = p->xcat && categories_vertical(p);
    plvpor(0.10, 0.70, vcat ? 0.30 : 0.12, 0.90);
    double x0, x1, y0, y1;
    ranges(p, &x0, &x1, &y0, &y1);
    plwind(x0, x1, y0, y1);
    plcol0(1);
    plwidth(1);
    int nx = narrow_log(p->xaxis, x0, x1), ny = narrow_log(p->yaxis, y0, y1);
    plbox(p->xcat ? "bc" : p->xaxis == SC_AXIS_LOG ? (nx ? "bcstl" : "bcnstl") : "bcnst", 0, 0,
          p->yaxis == SC_AXIS_LOG ? (ny ? "bcstvl" : "bcnstvl") : "bcnstv", 0, 0);
    if (nx && !p->xcat) label_narrow_log(1, x0, x1, y0, y1);
    if (ny) label_narrow_log(0, y0, y1, x0, x1);
    if (p->xcat) label_categories(p, x0, x1, y0, y1);
    if (vcat) {
        pllab("", p->ylabel, p->title);
        plmtex("b", 11.0, 0.5, 0.5, p->xlabel);
    } else {
        pllab(p->xlabel, p->ylabel, p->title);
    }
    /* Bands first, so lines and points stay visible on top. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < p->nitems; k++) {
            const plot_item *it = &p->items[k];
            if ((pass == 0) != (it->kind == ITEM_BAND)) continue;
            if (it->kind == ITEM_BAND) {
                plcol0(PAL_BAND_BASE + it->colour);
                draw_band(p, it, bx, by);
            } else if (it->kind == ITEM_VLINE) {
                double xv = axis_value(p->xaxis, it->x[0]);
                if (isnan(xv)) continue;
                double lx[2] = {xv, xv}, ly[2] = {y0, y1};
                plcol0(1);
                pllsty(2);
                plline(2, lx, ly);
                pllsty(1);
            } else {
                plcol0(PAL_BASE + it->colour);
                plwidth(it->mark == SC_MARK_LINE || it->mark == SC_MARK_DASHED ? 2 : 1);
                pllsty(it->mark == SC_MARK_DASHED ? 2 : 1);
                draw_series(p, it, bx, by);
                pllsty(1);
                plwidth(1);
            }
        }
    }
    draw_point_labels(p, x0, x1);
    plcol0(1);
    draw_legend(p);
    plend1();
    plsstrm(old_stream);
    free(bx);
    free(by);
    if (strcmp(dev, "pdfcairo") == 0 && sc_pdf_set_date(out.tmp, err) != SC_OK) {
        sc_tmpfile_abort(&out);
        return err ? err->code : SC_EIO;
    }

    /* The figure, then its sidecar; when the sidecar cannot be written the figure goes too. */
    int direct = out.direct;
    SC_TRY(sc_tmpfile_commit(&out, err));
    if (direct) return SC_OK; /* a device or FIFO: no file beside it to describe it */
    sc_status st = write_sidecar(p, path, x0, x1, y0, y1, err);
    if (st != SC_OK) remove(path);
    return st;
}
