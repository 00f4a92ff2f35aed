/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"
#include "commands.h"

int cmd_fit(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_fail(SC_EXIT_INTERNAL, "fit: under construction");
}
