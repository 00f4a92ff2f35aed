/* SPDX-License-Identifier: GPL-3.0-or-later
 * A program built against an installed libscalecast: it reads a CSV file, fits the saturating
 * power law to two of its columns and prints the exponent. Built by tests/install/run.sh with
 * the flags of `pkg-config --cflags --libs scalecast` only. */
#include <scalecast.h>

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: hello FILE.csv\n");
        return 2;
    }
    sc_error err;
    sc_error_clear(&err);
    sc_table *t = NULL;
    size_t jx, jy;
    if (sc_csv_read(argv[1], NULL, &t, &err) != SC_OK ||
        sc_table_require_num(t, "x", &jx, &err) != SC_OK ||
        sc_table_require_num(t, "y", &jy, &err) != SC_OK) {
        char msg[1024];
        sc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "hello: %s\n", msg);
        sc_table_free(t);
        return 3;
    }
    sc_fit_opts o;
    sc_fit_opts_init(&o);
    sc_fit *fit = NULL;
    const sc_law *law = sc_law_find("satpower");
    if (!law || sc_fit_run(law, sc_table_num(t, jx), sc_table_num(t, jy), sc_table_nrows(t), &o,
                           &fit, &err) != SC_OK) {
        fprintf(stderr, "hello: fit failed: %s\n", err.message);
        sc_table_free(t);
        return 1;
    }
    double shown[8];
    law->natural(fit->theta, shown);
    for (size_t k = 0; k < law->nparam; k++)
        printf("%s %.6f\n", law->shown_names[k], shown[k]);
    printf("version %s\n", SC_VERSION_STRING);
    sc_fit_free(fit);
    sc_table_free(t);
    return 0;
}
