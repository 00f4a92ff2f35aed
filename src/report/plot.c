/* SPDX-License-Identifier: GPL-3.0-or-later
 * Figures with PLplot's cairo drivers. A plot is a list of items drawn when saved, so the axis
 * ranges cover everything and one description can be written as PNG, SVG or PDF. */
#include "core/internal.h"

#include <math.h>
#include <plplot.h>
#include <stdlib.h>
#include <string.h>

typedef enum { ITEM_SERIES, ITEM_BAND, ITEM_VLINE } item_kind;

typedef struct plot_item {
    item_kind kind;
    char *label;
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

void sc_plot_free(sc_plot *p)
{
    if (!p) return;
    for (size_t k = 0; k < p->nitems; k++) {
        free(p->items[k].label);
        free(p->items[k].x);
        free(p->items[k].y);
        free(p->items[k].y2);
    }
    free(p->items);
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
    plot_item it = {kind, NULL, NULL, NULL, NULL, n, mark, ((colour % 8) + 8) % 8};
    it.label = label ? sc_strdup(label) : NULL;
    it.x = dup_values(x, n);
    it.y = dup_values(y, n);
    it.y2 = dup_values(y2, n);
    if ((label && !it.label) || (x && !it.x) || (y && !it.y) || (y2 && !it.y2) ||
        push(p, it) != SC_OK) {
        free(it.label);
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

/* A log axis that spans less than about a decade gets no labels from PLplot (it labels powers of
 * ten only), so such an axis is drawn without PLplot's numbers and labelled here at "nice"
 * values (1, 2 or 5 times a power of ten apart). */
static int narrow_log(sc_axis a, double lo, double hi)
{
    return a == SC_AXIS_LOG && hi - lo < 1.2;
}

static void label_narrow_log(int is_x, double lo, double hi, double other_lo, double other_hi)
{
    double vlo = pow(10, lo), vhi = pow(10, hi);
    double raw = (vhi - vlo) / 5, mag = pow(10, floor(log10(raw)));
    double step = mag;
    if (raw / mag > 5) step = 10 * mag;
    else if (raw / mag > 2) step = 5 * mag;
    else if (raw / mag > 1) step = 2 * mag;
    double tick = 0.015 * (other_hi - other_lo);
    for (double v = ceil(vlo / step) * step; v <= vhi * (1 + 1e-12); v += step) {
        if (v <= 0) continue;
        double pos = log10(v);
        char text[32];
        snprintf(text, sizeof text, "%g", fabs(v) < 1e-12 * step ? 0.0 : v);
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
    plvpor(0.10, 0.70, 0.12, 0.90);
    double x0, x1, y0, y1;
    ranges(p, &x0, &x1, &y0, &y1);
    plwind(x0, x1, y0, y1);
    plcol0(1);
    plwidth(1);
    int nx = narrow_log(p->xaxis, x0, x1), ny = narrow_log(p->yaxis, y0, y1);
    plbox(p->xaxis == SC_AXIS_LOG ? (nx ? "bcstl" : "bcnstl") : "bcnst", 0, 0,
          p->yaxis == SC_AXIS_LOG ? (ny ? "bcstvl" : "bcnstvl") : "bcnstv", 0, 0);
    if (nx) label_narrow_log(1, x0, x1, y0, y1);
    if (ny) label_narrow_log(0, y0, y1, x0, x1);
    pllab(p->xlabel, p->ylabel, p->title);
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
    return sc_tmpfile_commit(&out, err);
}
