#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent reference numbers for scalecast's observational scaling laws (docs/observational.md).

Written from the method description only (Ruan et al. 2024, NeurIPS, arXiv 2405.10938):
iterative rank-1 PCA imputation fitted on the training models, PCA (mean-centred, not
standardised), bounded sigmoid link fitted by least squares.  Uses numpy, scipy and scikit-learn
(Debian python3-numpy / python3-scipy / python3-sklearn) and is never needed by the build or tests;
its printed numbers are what the C unit tests are cross-checked against.

usage: /usr/bin/python3 tools/obs_reference.py [pca|impute|emergent|link TARGET]
"""
import csv
import sys

import numpy as np
from scipy.optimize import curve_fit
from sklearn.decomposition import PCA

DATA = "data/obsscaling/"
METRICS = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"]
FAMILIES = ("BLOOM CodeLlama DeepSeek-Coder Falcon GPT-Neo/J Gemma Llama Llama-2 Llama-3 MPT "
            "Mistral Mixtral OPT Phi Pythia Qwen Qwen1.5 StarCoder StarCoder2 XGLM Yi").split()
LATER = ("Meta-Llama-3.1-405B-FP8 Meta-Llama-3.1-70B Meta-Llama-3.1-8B Qwen1.5-110B Qwen2-72B "
         "Qwen2-57B-A14B Qwen2-7B Qwen2-1.5B Qwen2-0.5B DeepSeek-V2 DeepSeek-Coder-V2-Base "
         "gemma-2-27b gemma-2-9b gemma-2-2b Mixtral-8x22B-v0.1 Mistral-Nemo-Base-2407 Yi-1.5-34B "
         "Yi-1.5-9B Yi-1.5-6B Jamba-v0.1").split()


def num(s):
    return float(s) if s != "" else np.nan


def load_base():
    rows = list(csv.DictReader(open(DATA + "base_llm_benchmark_eval.csv")))
    return [r for r in rows if r["Model Family"] in FAMILIES and r["Model"].split("/")[-1] not in LATER]


def impute(train, test, tol=1e-4, max_rounds=1000):
    """Rank-1 iterative PCA imputation; stops when the imputed cells change by < tol."""
    mu = np.nanmean(train, axis=0)
    sd = np.nanstd(train, axis=0)  # population sd, as sklearn's StandardScaler
    z = (train - mu) / sd
    miss = np.isnan(z)
    z[miss] = np.take(np.nanmean(z, axis=0), np.where(miss)[1])
    rounds = 0
    for rounds in range(1, max_rounds + 1):
        pca = PCA(n_components=1, svd_solver="full").fit(z)
        rec = pca.inverse_transform(pca.transform(z))
        change = np.max(np.abs(rec[miss] - z[miss])) if miss.any() else 0.0
        z[miss] = rec[miss]
        if change < tol:
            break
    out_train = np.clip(z * sd + mu, 0, 1)
    out_test = None
    rounds_test = 0
    if test is not None:
        zt = (test - mu) / sd
        mt = np.isnan(zt)
        zt[mt] = np.take(np.nanmean((train - mu) / sd, axis=0), np.where(mt)[1])
        for rounds_test in range(1, max_rounds + 1):
            rec = pca.inverse_transform(pca.transform(zt))
            change = np.max(np.abs(rec[mt] - zt[mt])) if mt.any() else 0.0
            zt[mt] = rec[mt]
            if change < tol:
                break
        out_test = np.clip(zt * sd + mu, 0, 1)
    return out_train, out_test, rounds, rounds_test


def link(S, y, floor_max=0.2):
    """y = (1 - b) sigmoid(w.S + w0) + b, b in [0, floor_max], least squares (scipy TRF)."""
    X = np.column_stack([np.ones(len(S)), S])

    def f(x, *p):
        p = np.asarray(p)
        b = p[-1]
        return (1 - b) / (1 + np.exp(-(x @ p[:-1]))) + b

    p0 = np.concatenate([[0.0], np.full(S.shape[1], 1e-2), [0.0]])
    lo = [-np.inf] * X.shape[1] + [0.0]
    hi = [np.inf] * X.shape[1] + [floor_max]
    p, _ = curve_fit(f, X, y, p0=p0, bounds=(lo, hi), maxfev=100000, xtol=1e-14, ftol=1e-14, gtol=1e-14)
    return p, (lambda Z: f(np.column_stack([np.ones(len(Z)), Z]), *p))


def cmd_pca():
    rows = load_base()
    fam = sorted(set(r["Model Family"] for r in rows))
    B = np.array([[num(r[m]) for m in METRICS] for r in rows])
    flops = np.array([num(r["FLOPs (1E21)"]) for r in rows])
    tr = flops <= 84  # NaN compares False: models without FLOPs go to test
    print(f"models {len(rows)} families {len(fam)} train {tr.sum()} test {(~tr).sum()}")
    a, b, r1, r2 = impute(B[tr], B[~tr])
    print(f"imputation rounds train {r1} test {r2}, missing train {np.isnan(B[tr]).sum()} test {np.isnan(B[~tr]).sum()}")
    p = PCA(n_components=8, svd_solver="full").fit(a)
    print("train EVR", " ".join(f"{v:.17g}" for v in p.explained_variance_ratio_))
    print("train comp1", " ".join(f"{v:.17g}" for v in p.components_[0]))
    allx, _, r3, _ = impute(B, None)
    p2 = PCA(n_components=8, svd_solver="full").fit(allx)
    print(f"all-77 imputation rounds {r3}")
    print("all EVR", " ".join(f"{v:.17g}" for v in p2.explained_variance_ratio_))
    print("imputed train cells:")
    for i, j in zip(*np.where(np.isnan(B[tr]))):
        print(f"  {rows[np.where(tr)[0][i]]['Model']} {METRICS[j]} {a[i, j]:.17g}")



EMERGENT = [  # column, cutoff (1e21 FLOPs), leave GSM8K out of the PCA inputs, transform
    ("parsinlu_qa_2_acc", 84, False, lambda v: (v - 0.25) / 0.75),
    ("word_unscrambling_2_exact_match", 84, False, lambda v: v),
    ("ipa_transliterate_2_exact_match", 84, False, lambda v: v),
    ("ipa_transliterate_2_bleu", 84, False, lambda v: v / 100),
    ("arithmetic_3ds_2_acc", 21, True, lambda v: v),
    ("arithmetic_3da_2_acc", 21, True, lambda v: v),
    ("arithmetic_2dm_2_acc", 21, True, lambda v: v),
    ("arithmetic_2da_2_acc", 21, True, lambda v: v),
]


def fit_eval(rows, y, metrics, cutoff, k=3, drop=()):
    """Split (FLOPs <= cutoff), impute on train, PCA on train, fit the link; train/test MSE."""
    keep = np.array([not np.isnan(v) and r["Model"] not in drop for r, v in zip(rows, y)])
    rows = [r for r, kk in zip(rows, keep) if kk]
    y = y[keep]
    B = np.array([[num(r[m]) for m in metrics] for r in rows])
    flops = np.array([num(r["FLOPs (1E21)"]) for r in rows])
    tr = flops <= cutoff
    a, b, r1, r2 = impute(B[tr], B[~tr])
    p = PCA(n_components=k, svd_solver="full").fit(a)
    Str, Ste = p.transform(a), p.transform(b)
    th, f = link(Str, y[tr])
    out = {"n": len(rows), "ntrain": int(tr.sum()), "ntest": int((~tr).sum()), "rounds": (r1, r2),
           "pc_train": np.mean((f(Str) - y[tr]) ** 2), "pc_test": np.mean((f(Ste) - y[~tr]) ** 2), "theta": th}
    # log-FLOPs baseline: models with FLOPs only (test models without FLOPs cannot be scored)
    lf = np.log(flops)
    hasf = ~np.isnan(flops)
    thf, g = link(lf[tr][:, None], y[tr])
    out["fl_train"] = np.mean((g(lf[tr][:, None]) - y[tr]) ** 2)
    te = (~tr) & hasf
    out["fl_test"] = np.mean((g(lf[te][:, None]) - y[te]) ** 2)
    out["fl_ntest"] = int(te.sum())
    out["pc_test_same"] = np.mean((f(Ste[hasf[~tr]]) - y[te]) ** 2)
    return out


def cmd_emergent():
    base = {r["Model"]: r for r in load_base()}
    em = list(csv.DictReader(open(DATA + "base_llm_emergent_capability_eval.csv")))
    rows = []
    for e in em:
        if e["Model"] in base:
            r = dict(base[e["Model"]])
            r.update(e)
            rows.append(r)
    print(f"joined models {len(rows)}")
    drop = set(sys.argv[2:])
    for col, cut, nogsm, tf in EMERGENT:
        y = np.array([tf(num(r[col])) for r in rows])
        metrics = [m for m in METRICS if not (nogsm and m == "GSM8K")]
        o = fit_eval(rows, y, metrics, cut, drop=drop)
        print(f"{col:34s} n {o['n']} train {o['ntrain']} test {o['ntest']} (flops-test {o['fl_ntest']}) rounds {o['rounds']} "
              f"PC train {o['pc_train']:.3e} test {o['pc_test']:.3e} (same models {o['pc_test_same']:.3e}) | "
              f"FLOPs train {o['fl_train']:.3e} test {o['fl_test']:.3e}  b={o['theta'][-1]:.4f}")
if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "pca"
    {"pca": cmd_pca, "emergent": cmd_emergent}[what]()
