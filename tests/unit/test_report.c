/* SPDX-License-Identifier: GPL-3.0-or-later
 * Figures (PLplot) and the self-contained HTML report. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scalecast.h"

static char tmpdir[256];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/sc_test_report_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    size_t got = fread(b, 1, (size_t)len, f);
    b[got] = '\0';
    fclose(f);
    if (n) *n = got;
    return b;
}

static sc_plot *sample_plot(void)
{
    sc_plot *p = NULL;
    assert_int_equal(sc_plot_new("Loss against compute", "C (FLOPs)", "loss", SC_AXIS_LOG,
                                 SC_AXIS_LOG, &p),
                     SC_OK);
    double x[5] = {1e18, 1e19, 1e20, 1e21, -1}; /* the last point cannot be drawn on a log axis */
    double y[5] = {4.0, 3.5, 3.1, 2.8, 2.0};
    double lo[5] = {3.8, 3.3, 2.9, 2.6, 1.9}, hi[5] = {4.2, 3.7, 3.3, 3.0, 2.1};
    assert_int_equal(sc_plot_band(p, "80% band", x, lo, hi, 4, 0), SC_OK);
    assert_int_equal(sc_plot_series(p, "runs", x, y, 5, SC_MARK_POINTS, 0), SC_OK);
    assert_int_equal(sc_plot_series(p, "fit", x, y, 4, SC_MARK_LINE, 1), SC_OK);
    assert_int_equal(sc_plot_series(p, NULL, x, y, 2, SC_MARK_CROSSES, 2), SC_OK);
    assert_int_equal(sc_plot_vline(p, 3e20, "cutoff"), SC_OK);
    return p;
}

static void test_plot_png_and_svg(void **state)
{
    (void)state;
    sc_plot *p = sample_plot();
    char png[300], svg[300];
    snprintf(png, sizeof png, "%s/a.png", tmpdir);
    snprintf(svg, sizeof svg, "%s/a.svg", tmpdir);
    sc_error err;
    assert_int_equal(sc_plot_save(p, png, &err), SC_OK);
    assert_int_equal(sc_plot_save(p, svg, &err), SC_OK);
    size_t n = 0;
    char *d = slurp(png, &n);
    assert_non_null(d);
    assert_true(n > 1000);
    assert_memory_equal(d, "\x89PNG", 4);
    free(d);
    d = slurp(svg, &n);
    assert_non_null(strstr(d, "<svg"));
    free(d);
    sc_plot_free(p);
}

static void test_plot_errors(void **state)
{
    (void)state;
    sc_plot *p = sample_plot();
    sc_error err;
    char path[300];
    snprintf(path, sizeof path, "%s/a.gif", tmpdir);
    assert_int_equal(sc_plot_save(p, path, &err), SC_EINVAL);
    assert_non_null(strstr(err.message, "unknown figure format"));
    snprintf(path, sizeof path, "%s/missing-folder/a.png", tmpdir);
    assert_int_equal(sc_plot_save(p, path, &err), SC_EIO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, "cannot write"));
    sc_plot_free(p);
    sc_plot_free(NULL);
}

static void test_report_html(void **state)
{
    (void)state;
    char bin[300], html[300];
    snprintf(bin, sizeof bin, "%s/m.png", tmpdir);
    snprintf(html, sizeof html, "%s/r.html", tmpdir);
    FILE *f = fopen(bin, "wb");
    fputs("\x89PNG\r\n\x1a\nMan", f); /* PNG signature, then "Man" */
    fclose(f);
    sc_report *r = NULL;
    assert_int_equal(sc_report_new("A <test> & report", &r), SC_OK);
    assert_int_equal(sc_report_heading(r, 1, "Fits & figures"), SC_OK);
    assert_int_equal(sc_report_paragraph(r, "alpha < beta"), SC_OK);
    const char *hdr[2] = {"law", "MRE %"};
    const char *cells[4] = {"powerlaw", "2.17", "bnsl", NULL};
    assert_int_equal(sc_report_table(r, "errors", hdr, 2, cells, 2), SC_OK);
    sc_error err;
    assert_int_equal(sc_report_figure(r, bin, "bytes", &err), SC_OK);
    assert_int_equal(sc_report_figure(r, "nope.gif", "x", &err), SC_EINVAL);
    char fake[300];
    snprintf(fake, sizeof fake, "%s/fake.png", tmpdir);
    f = fopen(fake, "wb");
    fputs("<svg onload=alert(1)>", f);
    fclose(f);
    assert_int_equal(sc_report_figure(r, fake, "x", &err), SC_EPARSE);
    assert_string_equal(err.message, "not a PNG file");
    assert_int_equal(sc_report_save(r, html, &err), SC_OK);
    char *d = slurp(html, NULL);
    assert_non_null(strstr(d, "<title>A &lt;test> &amp; report</title>"));
    assert_non_null(strstr(d, "<h1>Fits &amp; figures</h1>"));
    assert_non_null(strstr(d, "<p>alpha &lt; beta</p>"));
    assert_non_null(strstr(d, "<td>powerlaw</td><td>2.17</td>"));
    assert_non_null(strstr(d, "<td>bnsl</td><td></td>"));
    assert_non_null(strstr(d, "data:image/png;base64,iVBORw0KGgpNYW4=\""));
    assert_null(strstr(d, "http"));
    free(d);
    sc_report_free(r);
}

static void test_report_embeds_svg(void **state)
{
    (void)state;
    sc_plot *p = sample_plot();
    char svg[300], html[300];
    snprintf(svg, sizeof svg, "%s/b.svg", tmpdir);
    snprintf(html, sizeof html, "%s/b.html", tmpdir);
    sc_error err;
    assert_int_equal(sc_plot_save(p, svg, &err), SC_OK);
    sc_report *r = NULL;
    assert_int_equal(sc_report_new("svg", &r), SC_OK);
    assert_int_equal(sc_report_figure(r, svg, "a figure", &err), SC_OK);
    assert_int_equal(sc_report_save(r, html, &err), SC_OK);
    char *d = slurp(html, NULL);
    /* Embedded as an image (data URI), never inline where its scripts could run. */
    assert_non_null(strstr(d, "<figure><img alt=\"figure\" src=\"data:image/svg+xml;base64,"));
    assert_null(strstr(d, "<svg"));
    assert_non_null(strstr(d, "<figcaption>a figure</figcaption>"));
    free(d);
    sc_report_free(r);
    sc_plot_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_png_and_svg),
        cmocka_unit_test(test_plot_errors),
        cmocka_unit_test(test_report_html),
        cmocka_unit_test(test_report_embeds_svg),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
