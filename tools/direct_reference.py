#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent reference numbers for docs/direct-laws.md and the direct-law tests, computed with
numpy/scipy only (Debian python3-numpy, python3-scipy); never needed by the build or the tests.

  /usr/bin/python3 tools/direct_reference.py            # Eq. 2 and two-stage linear, DCLM tpr 20
  /usr/bin/python3 tools/direct_reference.py bnsl S H   # + BNSL by basin hopping, S starts x H hops

Run from the project root. Protocol: C = 6 N D with N = tokens / 20, fit on C <= 6e21, predict
the larger runs (the run listed twice kept once); Eq. 2 fitted by least squares of
log(-log Q') on log C on points more than 0.05 above chance; two-stage linear: log loss on
log C, then accuracy on loss, by least squares."""
import collections
import csv
import sys
import time

import numpy as np

PATH = "data/apple/metrics_dclm_data_mixture_subset.csv"
BENCH = [("arc_easy", "acc_norm", .25), ("arc_challenge", "acc_norm", .25),
         ("hellaswag", "acc_norm", .25), ("piqa", "acc_norm", .5), ("sciq", "acc_norm", .25),
         ("winogrande", "acc", .5), ("mmlu", "acc", .25)]

runs = collections.defaultdict(dict)
for r in csv.DictReader(open(PATH)):
    if r["tpr"] == "20.0":
        runs[float(r["tokens"])][(r["benchmark"], r["metric_type"])] = float(r["score"])
tokens = np.array(sorted(runs))
C = 6 * (tokens / 20) * tokens
fit = C <= 6e21
loss = np.array([runs[t][("dclm", "cross_entropy_loss")] for t in tokens])


def mre(pred, obs):
    return 100 * np.mean(np.abs(pred - obs) / obs)


def huber(r, d=1e-3):
    a = np.abs(r)
    return np.where(a <= d, 0.5 * r * r, d * (a - 0.5 * d))


def bnsl(t, lc):
    f1 = max(abs(t[4]), 1e-8)
    u = (lc - t[5] * np.log(10)) / f1
    return t[0] + t[1] * np.exp(np.clip(-t[2] * lc - t[3] * f1 * np.logaddexp(0, u), -700, 700))


res = {}
for b, m, q0 in BENCH:
    Q = np.array([runs[t][(b, m)] for t in tokens])
    keep = fit & (Q > q0 + 0.05)
    X = np.stack([np.log(C[keep]), np.ones(keep.sum())], 1)
    co = np.linalg.lstsq(X, np.log(-np.log((Q[keep] - q0) / (1 - q0))), rcond=None)[0]
    pl = q0 + (1 - q0) * np.exp(-np.exp(co[0] * np.log(C[~fit]) + co[1]))
    s1 = np.linalg.lstsq(np.stack([np.log(C[fit]), np.ones(fit.sum())], 1), np.log(loss[fit]),
                         rcond=None)[0]
    s2 = np.linalg.lstsq(np.stack([np.ones(fit.sum()), loss[fit]], 1), Q[fit], rcond=None)[0]
    ts = s2[0] + s2[1] * np.exp(s1[0] * np.log(C[~fit]) + s1[1])
    res[b] = [mre(pl, Q[~fit]), mre(ts, Q[~fit])]
    if len(sys.argv) > 1 and sys.argv[1] == "bnsl" and b != "mmlu":
        from scipy.optimize import basinhopping
        S, H = int(sys.argv[2]), int(sys.argv[3])
        lo = np.array([-2, 0, .1, .1, .1, 18.])
        hi = np.array([5, 50, 3, 3, 3, 24.])
        lc = np.log(C)
        rng = np.random.default_rng(0)
        t0, best = time.time(), None
        for s in range(S):
            r = basinhopping(lambda t: huber(Q[fit] - bnsl(t, lc[fit])).sum(),
                             lo + (hi - lo) * rng.random(6), niter=H, seed=s,
                             minimizer_kwargs=dict(method="L-BFGS-B"))
            if best is None or r.fun < best.fun:
                best = r
        res[b].append(mre(bnsl(best.x, lc[~fit]), Q[~fit]))
        print("%s bnsl: loss %.4e, %.1f s" % (b, best.fun, time.time() - t0), flush=True)
    print("%-14s held out %d  powerlaw %.6f%%  twostage-linear %.6f%%%s" % (
        b, (~fit).sum(), res[b][0], res[b][1],
        "  bnsl %.3f%%" % res[b][2] if len(res[b]) > 2 else ""))
six = [b for b, _, _ in BENCH if b != "mmlu"]
print("mean of six: powerlaw %.14g%%  twostage-linear %.14g%%" % (
    np.mean([res[b][0] for b in six]), np.mean([res[b][1] for b in six])))
if len(res[six[0]]) > 2:
    print("mean of six: bnsl %.3f%%" % np.mean([res[b][2] for b in six]))
