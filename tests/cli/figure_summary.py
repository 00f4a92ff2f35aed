#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Prints what a figure shows, from the description scalecast writes beside it (FIGURE.json):
# title, axis labels, scales and ranges (4 significant digits), categories, and each item's kind,
# label, group, point count, and whether its points are named; for golden figure cases that
# check labels and ranges rather than pixels.
#   usage: figure_summary.py FIGURE.json...
import json
import sys


def g(v):
    return "null" if v is None else "%.4g" % v


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        fig = json.load(f)
    assert fig["scalecast_figure"] == 1
    print("title: %s" % fig["title"])
    for k in ("x", "y"):
        ax = fig[k]
        line = "%s: %s [%s] %s to %s" % (k, ax["label"], ax["scale"], g(ax["range"][0]), g(ax["range"][1]))
        if "ticks" in ax:
            line += " ticks: " + " ".join(g(v) for v in ax["ticks"])
        if "categories" in ax:
            line += " categories: " + ", ".join(ax["categories"])
        print(line)
    for it in fig["items"]:
        vals = [v for v in it.get("y", []) + it.get("hi", []) if v is not None]
        xs = [v for v in it["x"] if v is not None]
        line = "item %s %r group %r n=%d" % (it["kind"], it["label"], it["group"], it["n"])
        if xs:
            line += " x %s..%s" % (g(min(xs)), g(max(xs)))
        if vals:
            line += " y %s..%s" % (g(min(vals)), g(max(vals)))
        if "labels" in it:
            line += " named (%s)" % (it["labels"][0] if it["labels"] else "")
        print(line)
    print("names drawn: %d" % fig["labels_drawn"])
