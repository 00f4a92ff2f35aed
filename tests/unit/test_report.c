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
    assert_non_null(strstr(d, "<title>A &lt;test&gt; &amp; report</title>"));
    assert_non_null(strstr(d, "<h1>Fits &amp; figures</h1>"));
    assert_non_null(strstr(d, "<p>alpha &lt; beta</p>"));
    /* A numeric column: right-aligned, sorted by value. */
    assert_non_null(strstr(d, "<td>powerlaw</td><td class=\"num\" data-v=\"2.1699999999999999\">2.17</td>"));
    assert_non_null(strstr(d, "<th scope=\"col\" class=\"num\"><button type=\"button\">MRE %</button></th>"));
    assert_non_null(strstr(d, "<td>bnsl</td><td></td>"));
    assert_non_null(strstr(d, "data:image/png;base64,iVBORw0KGgpNYW4=\""));
    /* Without a description the figure is an image with its caption as alt text. */
    assert_non_null(strstr(d, "<img class=\"static\" alt=\"bytes\""));
    assert_null(strstr(d, "src=\"http"));
    assert_null(strstr(d, "href=\"http"));
    assert_non_null(strstr(d, "<meta name=\"viewport\""));
    assert_non_null(strstr(d, "Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-"));
    /* The provenance lists the embedded figure with its SHA-256. */
    char hex[65];
    sc_sha256_hex("\x89PNG\r\n\x1a\nMan", 11, hex);
    assert_non_null(strstr(d, hex));
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
    assert_non_null(strstr(d, "<figure class=\"fig interactive\" id=\"f1\">"));
    assert_non_null(strstr(d, "\" src=\"data:image/svg+xml;base64,"));
    assert_null(strstr(d, "<svg"));
    assert_non_null(strstr(d, "<figcaption><span class=\"fignum\">Figure 1.</span> a figure</figcaption>"));
    /* The alt text says what the figure shows, from its description. */
    assert_non_null(strstr(d, "alt=\"Figure: Loss against compute. Horizontal axis: C (FLOPs) (log scale)"));
    assert_non_null(strstr(d, "<script type=\"application/json\" id=\"fd1\">"));
    free(d);
    sc_report_free(r);
    sc_plot_free(p);
}

/* FIPS 180-4 examples (and the NIST one-million-'a' vector). */
static void test_sha256(void **state)
{
    (void)state;
    char hex[65];
    sc_sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sc_sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sc_sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *m = malloc(1000000);
    memset(m, 'a', 1000000);
    sc_sha256_hex(m, 1000000, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(m);
    /* 55 and 56 bytes: the padding fits in the block, or needs a second one. */
    sc_sha256_hex(two, 55, hex);
    char *t = malloc(56);
    memcpy(t, two, 56);
    char hex2[65];
    sc_sha256_hex(t, 56, hex2);
    assert_string_not_equal(hex, hex2);
    free(t);
}

/* Names from the data reach the page as escaped text, or as JSON in a data block escaped for
 * <script> context: no "</script>", "<script" or raw quote from the data anywhere. */
static void test_report_hostile_names(void **state)
{
    (void)state;
    const char *evil = "</script><script>alert(\"x\")</script><!--";
    sc_plot *p = NULL;
    assert_int_equal(sc_plot_new(evil, evil, evil, SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p), SC_OK);
    double x[2] = {1, 2}, y[2] = {3, 4};
    assert_int_equal(sc_plot_series(p, evil, x, y, 2, SC_MARK_POINTS, 0), SC_OK);
    const char *names[2] = {evil, "it's \"ok\" & <b>"};
    assert_int_equal(sc_plot_point_labels(p, names, 2), SC_OK);
    assert_int_equal(sc_plot_point_labels(p, names, 1), SC_EINVAL);
    char png[300], html[300];
    snprintf(png, sizeof png, "%s/evil.png", tmpdir);
    snprintf(html, sizeof html, "%s/evil.html", tmpdir);
    sc_error err;
    assert_int_equal(sc_plot_save(p, png, &err), SC_OK);
    /* Two named points: written in the figure too. */
    char side[320];
    snprintf(side, sizeof side, "%s.json", png);
    char *sd = slurp(side, NULL);
    assert_non_null(strstr(sd, "\"labels_drawn\":2"));
    free(sd);
    sc_report *r = NULL;
    assert_int_equal(sc_report_new(evil, &r), SC_OK);
    assert_int_equal(sc_report_heading(r, 2, evil), SC_OK);
    assert_int_equal(sc_report_summary(r, evil), SC_OK);
    assert_int_equal(sc_report_command(r, evil), SC_OK);
    const char *hdr[1] = {evil};
    const char *cells[1] = {evil};
    assert_int_equal(sc_report_table(r, evil, hdr, 1, cells, 1), SC_OK);
    assert_int_equal(sc_report_figure(r, png, evil, &err), SC_OK);
    sc_report_forecast f = {evil, evil, NAN, NAN, 1e24, evil, 0.5, 0.4, 0.6, 0.9, NAN, evil, evil, NULL};
    assert_int_equal(sc_report_forecasts(r, evil, &f, 1), SC_OK);
    assert_int_equal(sc_report_save(r, html, &err), SC_OK);
    char *d = slurp(html, NULL);
    /* Exactly the page's own two script elements: the data block and the program. */
    size_t nscript = 0;
    for (const char *q = d; (q = strstr(q, "<script")); q++) nscript++;
    assert_int_equal(nscript, 2);
    size_t nend = 0;
    for (const char *q = d; (q = strstr(q, "</script>")); q++) nend++;
    assert_int_equal(nend, 2);
    assert_null(strstr(d, "<!--"));
    assert_null(strstr(d, "alert(\"x\")"));
    assert_non_null(strstr(d, "&lt;/script&gt;&lt;script&gt;alert(&quot;x&quot;)"));
    assert_non_null(strstr(d, "\\u003c/script\\u003e\\u003cscript\\u003ealert(\\\"x\\\")"));
    assert_non_null(strstr(d, "it's \\\"ok\\\" \\u0026 \\u003cb\\u003e"));
    free(d);
    sc_report_free(r);
    sc_plot_free(p);
}

/* The Content-Security-Policy names the SHA-256 of the page's script and style exactly. */
static void test_report_csp_hashes(void **state)
{
    (void)state;
    char html[300];
    snprintf(html, sizeof html, "%s/csp.html", tmpdir);
    sc_report *r = NULL;
    assert_int_equal(sc_report_new("csp", &r), SC_OK);
    sc_error err;
    assert_int_equal(sc_report_save(r, html, &err), SC_OK);
    char *d = slurp(html, NULL);
    static const char *const open[2] = {"<script>", "<style>"}, *const close[2] = {"</script>", "</style>"};
    static const char *const dir[2] = {"script-src 'sha256-", "style-src 'sha256-"};
    for (int k = 0; k < 2; k++) {
        char *a = strstr(d, open[k]);
        assert_non_null(a);
        a += strlen(open[k]);
        char *b = strstr(a, close[k]);
        assert_non_null(b);
        unsigned char dg[32];
        sc_sha256(a, (size_t)(b - a), dg);
        static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        char b64[48], *o = b64;
        for (int i = 0; i < 30; i += 3) {
            unsigned v = (unsigned)dg[i] << 16 | (unsigned)dg[i + 1] << 8 | dg[i + 2];
            *o++ = tab[v >> 18 & 63], *o++ = tab[v >> 12 & 63], *o++ = tab[v >> 6 & 63], *o++ = tab[v & 63];
        }
        unsigned v = (unsigned)dg[30] << 16 | (unsigned)dg[31] << 8;
        *o++ = tab[v >> 18 & 63], *o++ = tab[v >> 12 & 63], *o++ = tab[v >> 6 & 63], *o++ = '=';
        *o = '\0';
        char want[80];
        snprintf(want, sizeof want, "%s%s'", dir[k], b64);
        assert_non_null(strstr(d, want));
    }
    /* No inline event handler anywhere. */
    assert_null(strstr(d, " onload="));
    assert_null(strstr(d, " onclick="));
    free(d);
    sc_report_free(r);
}

/* The headline from forecast JSON, and from backtest JSON; a file of neither shape is refused. */
static void test_report_forecast_file(void **state)
{
    (void)state;
    char fj[300], bj[300], bad[300], html[300];
    snprintf(fj, sizeof fj, "%s/f.json", tmpdir);
    snprintf(bj, sizeof bj, "%s/b.json", tmpdir);
    snprintf(bad, sizeof bad, "%s/bad.json", tmpdir);
    snprintf(html, sizeof html, "%s/f.html", tmpdir);
    FILE *f = fopen(fj, "w");
    fputs("{\"forecasts\": [{\"benchmark\": \"arc_easy\", \"target\": \"7B x 140B tokens\", \"N\": 7e9,"
          " \"D\": 1.4e11, \"C\": 5.88e21, \"law\": \"powerlaw\", \"value\": 0.731, \"lo\": 0.70,"
          " \"hi\": 0.76, \"level\": 0.9, \"trust\": \"ok\", \"reasons\": [\"a\", \"b\"]}]}", f);
    fclose(f);
    f = fopen(bj, "w");
    fputs("{\"cutoff\": 6e21, \"benchmarks\": [{\"name\": \"piqa\", \"near_chance\": false, \"laws\": ["
          "{\"law\": \"powerlaw\", \"ok\": true, \"mre_percent\": 3.0, \"n_held_out\": 2, \"held_out\": ["
          "{\"C\": 1e22, \"observed\": 0.8, \"predicted\": 0.78}, {\"C\": 4e22, \"observed\": 0.81, \"predicted\": 0.79}]},"
          "{\"law\": \"bnsl\", \"ok\": true, \"mre_percent\": 1.5, \"n_held_out\": 2, \"held_out\": ["
          "{\"C\": 4e22, \"observed\": 0.81, \"predicted\": 0.805}]}]}]}", f);
    fclose(f);
    f = fopen(bad, "w");
    fputs("{\"forecasts\": [{\"benchmark\": 3}]}", f);
    fclose(f);
    sc_report *r = NULL;
    assert_int_equal(sc_report_new("f", &r), SC_OK);
    sc_error err;
    assert_int_equal(sc_report_forecast_file(r, fj, &err), SC_OK);
    assert_int_equal(sc_report_forecast_file(r, bj, &err), SC_OK);
    assert_int_equal(sc_report_forecast_file(r, bad, &err), SC_EPARSE);
    assert_non_null(strstr(err.message, "forecasts[0]"));
    assert_int_equal(sc_report_save(r, html, &err), SC_OK);
    char *d = slurp(html, NULL);
    assert_non_null(strstr(d, "<td data-label=\"benchmark\">arc_easy</td><td data-label=\"target\">7B x 140B tokens</td>"
                              "<td class=\"num\" data-v=\"0.73099999999999998\" data-label=\"forecast\">0.731</td>"
                              "<td data-label=\"interval\">0.7 to 0.76</td>"));
    assert_non_null(strstr(d, "<td data-label=\"reasons\">a; b</td>"));
    /* The backtest's best law (bnsl, 1.5%) at the largest held-out run. */
    assert_non_null(strstr(d, "<td data-label=\"benchmark\">piqa</td><td data-label=\"target\">largest held-out run, C = 4e+22 FLOPs</td>"
                              "<td class=\"num\" data-v=\"0.80500000000000005\" data-label=\"forecast\">0.805</td>"
                              "<td data-label=\"interval\">none computed</td>"));
    assert_non_null(strstr(d, "<td data-label=\"law\">bnsl</td>"));
    /* The headline comes before the contents and the sections. */
    assert_true(strstr(d, "id=\"headline\"") < strstr(d, "<main>"));
    free(d);
    sc_report_free(r);
}

/* The description beside a figure: labels, ranges, items, point names, groups, categories. */
static void test_plot_description(void **state)
{
    (void)state;
    sc_plot *p = NULL;
    assert_int_equal(sc_plot_new("Loadings", "metric", "loading", SC_AXIS_LINEAR, SC_AXIS_LINEAR, &p), SC_OK);
    const char *cats[3] = {"MMLU", "ARC-C", "GSM8K"};
    assert_int_equal(sc_plot_xcategories(p, cats, 3), SC_OK);
    double x[3] = {1, 2, 3}, y[3] = {0.2, -0.1, NAN};
    assert_int_equal(sc_plot_group(p, "law A"), SC_OK);
    assert_int_equal(sc_plot_series(p, "PC-1", x, y, 3, SC_MARK_POINTS, 0), SC_OK);
    assert_int_equal(sc_plot_group(p, NULL), SC_OK);
    assert_int_equal(sc_plot_series(p, "PC-2", x, y, 3, SC_MARK_POINTS, 1), SC_OK);
    assert_int_equal(sc_plot_series(p, NULL, x, y, 3, SC_MARK_LINE, 1), SC_OK);
    char path[300];
    snprintf(path, sizeof path, "%s/l.svg", tmpdir);
    sc_error err;
    assert_int_equal(sc_plot_save(p, path, &err), SC_OK);
    strcat(path, ".json");
    char *d = slurp(path, NULL);
    assert_non_null(d);
    assert_non_null(strstr(d, "\"title\":\"Loadings\""));
    assert_non_null(strstr(d, "\"categories\":[\"MMLU\",\"ARC-C\",\"GSM8K\"]"));
    assert_non_null(strstr(d, "\"range\":[0.5,3.5]"));
    assert_non_null(strstr(d, "\"label\":\"PC-1\",\"group\":\"law A\""));
    /* The unlabelled line joins the group of the labelled points before it. */
    assert_non_null(strstr(d, "{\"kind\":\"line\",\"label\":null,\"group\":\"PC-2\""));
    assert_non_null(strstr(d, "\"y\":[0.20000000000000001,-0.10000000000000001,null]"));
    free(d);
    sc_plot_free(p);
    /* A log plot: no categories. */
    assert_int_equal(sc_plot_new("t", "x", "y", SC_AXIS_LOG, SC_AXIS_LINEAR, &p), SC_OK);
    assert_int_equal(sc_plot_xcategories(p, cats, 3), SC_EINVAL);
    sc_plot_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plot_png_and_svg),
        cmocka_unit_test(test_plot_errors),
        cmocka_unit_test(test_report_html),
        cmocka_unit_test(test_report_embeds_svg),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_report_hostile_names),
        cmocka_unit_test(test_report_csp_hashes),
        cmocka_unit_test(test_report_forecast_file),
        cmocka_unit_test(test_plot_description),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
