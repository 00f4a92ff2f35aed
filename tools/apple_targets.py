#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes a targets file (name,N,D,C) of the runs of an Apple long-format file whose compute is
# above a cutoff, named as the runs reader names them ("tpr<r>-D<tokens %.3g>"), with N and D
# as the reader takes them (params, or tokens / tpr) and C empty (C = 6 N D).
#   usage: tools/apple_targets.py FILE CUTOFF > targets.csv
import csv
import sys

path, cutoff = sys.argv[1], float(sys.argv[2])
seen = {}
with open(path, newline="") as f:
    for r in csv.DictReader(f):
        tok, tpr = float(r["tokens"]), float(r["tpr"])
        n = float(r["params"]) if r.get("params") else tok / tpr
        seen.setdefault("tpr%g-D%.3g" % (tpr, tok), (n, tok))
print("name,N,D,C")
for name, (n, d) in seen.items():
    if 6.0 * n * d > cutoff:
        print("%s,%.17g,%.17g," % (name, n, d))
