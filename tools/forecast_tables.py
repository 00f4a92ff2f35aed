#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Markdown tables of a `scalecast forecast --json` result, as quoted in docs/forecast.md:
# per benchmark the chosen law, its backtest MAE, the graded targets' mean absolute error (in
# accuracy points) and how many fell inside their interval, the verdicts; then the totals and
# the calibration over the backtests.
#   usage: tools/forecast_tables.py FORECAST.json
#          tools/forecast_tables.py --calibration NAME=FORECAST.json...   (one table over files)
import json
import sys

if sys.argv[1] == "--calibration":
    print("| data | backtest predictions | inside the 90% interval | share | mean width | graded targets inside |")
    print("|---|---|---|---|---|---|")
    tc = tt = 0
    tw = 0.0
    for arg in sys.argv[2:]:
        name, path = arg.split("=", 1)
        d = json.load(open(path))
        c = d["calibration"]
        g = [r for r in d["forecasts"] if r["status"] == "ok" and r["observed"] is not None]
        gin = sum(1 for r in g if r["lo"] <= r["observed"] <= r["hi"])
        print(f"| {name} | {c['total']} | {c['covered']} | {100*c['covered']/c['total']:.1f}% | "
              f"{c['mean_width']:.4f} | {gin}/{len(g)} |")
        tc += c["covered"]
        tt += c["total"]
        tw += c["mean_width"] * c["total"]
    print(f"| all | {tt} | {tc} | {100*tc/tt:.1f}% | {tw/tt:.4f} | |")
    sys.exit(0)

d = json.load(open(sys.argv[1]))
rows = d["forecasts"]
print("| benchmark | law (runner-up) | backtest MAE | graded | MAE (points) | inside | trust |")
print("|---|---|---|---|---|---|---|")
tot_n = tot_in = 0
tot_err = 0.0
for b in dict.fromkeys(r["benchmark"] for r in rows):
    rs = [r for r in rows if r["benchmark"] == b]
    ok = [r for r in rs if r["status"] == "ok" and r["observed"] is not None]
    law = rs[0]["law"] or "-"
    ru = rs[0]["runner_up"]
    bt = rs[0]["backtest_error"]
    if not ok:
        st = sorted(set(r["status"] for r in rs))
        print(f"| {b} | {law} | {'-' if bt is None else f'{100*bt:.2f}'} | 0 | {'/'.join(st)} | - | - |")
        continue
    mae = sum(abs(r["error"]) for r in ok) / len(ok)
    inside = sum(1 for r in ok if r["lo"] <= r["observed"] <= r["hi"])
    trust = {}
    for r in ok:
        trust[r["trust"]] = trust.get(r["trust"], 0) + 1
    tr = ", ".join(f"{k} {v}" for k, v in sorted(trust.items()))
    print(f"| {b} | {law}{f' ({ru})' if ru else ''} | {'-' if bt is None else f'{100*bt:.2f}'} | {len(ok)} | {100*mae:.2f} | {inside}/{len(ok)} | {tr} |")
    tot_n += len(ok)
    tot_in += inside
    tot_err += sum(abs(r["error"]) for r in ok)
failed = sum(1 for r in rows if r["status"] != "ok")
print()
if tot_n:
    print(f"graded forecasts: {tot_n}, MAE {100*tot_err/tot_n:.2f} points, {tot_in}/{tot_n} "
          f"({100*tot_in/tot_n:.0f}%) inside their {100*d['calibration']['level']:.0f}% interval; "
          f"{failed} forecasts failed or out of range")
c = d["calibration"]
if c["total"]:
    print(f"calibration over the backtests: {c['covered']}/{c['total']} "
          f"({100*c['covered']/c['total']:.1f}%) inside, mean width {c['mean_width']:.4f}")
print(f"skipped columns: {len(d['skipped'])}")
