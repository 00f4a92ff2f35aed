# SPDX-License-Identifier: GPL-3.0-or-later
# Writes OUT, a C header defining NAME as a NUL-terminated char array with the bytes of IN
# (the report's script and style sheet, kept as ordinary files in src/report).
#   cmake -DIN=file -DOUT=header -DNAME=identifier -P embed.cmake
file(READ "${IN}" hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
string(REGEX REPLACE "(('\\\\x[0-9a-f][0-9a-f]',){16})" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* Generated from ${IN} by cmake/embed.cmake; do not edit. */\nstatic const char ${NAME}[] = {\n${body}'\\0'};\n")
