# SPDX-License-Identifier: GPL-3.0-or-later
"""The Python package gives the same numbers as the tool, and the library's errors."""
import json
import math
import os
import shutil
import subprocess

import numpy as np
import pytest

import scalecast as sc

APPLE = "data/apple/metrics_dclm_data_mixture_subset.csv"
EPOCH = "data/chinchilla-epoch/svg_extracted_data.csv"


@pytest.fixture(autouse=True)
def _at_root(root, monkeypatch):
    monkeypatch.chdir(root)


def test_fit_document_is_the_tools(cli, tmp_path):
    out = tmp_path / "fit.json"
    code, _, err = cli("fit", APPLE, "--law", "powerlaw", "--x", "C", "--y", "arc_easy:acc_norm",
                       "--chance", "auto", "--where", "tpr=20", "--max-x", "6e21",
                       "--bootstrap", "200", "--seed", "3", "--json", "--out", str(out))
    assert code == 0, err
    want = json.loads(out.read_text())
    f = sc.fit(APPLE, "powerlaw", y="arc_easy:acc_norm", x="C", chance="auto",
               where={"tpr": 20}, max_x=6e21, bootstrap=200, seed=3)
    got = f.to_dict()
    assert got["format"] == "scalecast-fit" and got["version"] == 1
    assert got == want  # every field: parameters, covariance, intervals, data, residuals
    assert got["data"]["points"] == 46 and got["data"]["chance"] == 0.25


def test_chinchilla_huber_recipe(cli, tmp_path):
    out = tmp_path / "fit.json"
    code, _, err = cli("fit", EPOCH, "--law", "chinchilla", "--n", "Model Size", "--c",
                       "Training FLOP", "--y", "loss", "--loss", "huber:1e-3", "--drop-top", "5",
                       "--json", "--out", str(out))
    assert code == 0, err
    want = json.loads(out.read_text())
    f = sc.fit(EPOCH, "chinchilla", y="loss", n="Model Size", c="Training FLOP",
               loss="huber:1e-3", drop_top=5)
    assert f.to_dict() == want
    # The published replication numbers (README): Huber sum 1.0182740e-03, alpha 0.3473.
    assert abs(f.to_dict()["objective"] - 1.018274e-3) < 1e-9
    assert abs(f.params["alpha"] - 0.3473) < 5e-5


def test_predict_from_saved_fit_matches_predict(cli, tmp_path):
    out = tmp_path / "fit.json"
    code, _, err = cli("fit", APPLE, "--law", "powerlaw", "--x", "C", "--y", "arc_easy:acc_norm",
                       "--chance", "auto", "--where", "tpr=20", "--max-x", "6e21", "--json",
                       "--out", str(out))
    assert code == 0, err
    code, pred, err = cli("predict", str(out), "--at", "3.8e22,1e23", "--chance", "0.25", "--json")
    assert code == 0, err
    want = [p["y"] for p in json.loads(pred)["predictions"]]
    saved = sc.load_fit(str(out))
    assert saved.chance == 0.25
    got = saved.predict([3.8e22, 1e23])
    assert np.array_equal(got, np.array(want))
    f = sc.fit(APPLE, "powerlaw", y="arc_easy:acc_norm", x="C", chance="auto",
               where={"tpr": 20}, max_x=6e21)
    assert np.array_equal(f.predict([3.8e22, 1e23]), got)
    # A fit saved from Python is read back by the tool.
    f.save(tmp_path / "py.json")
    code, pred2, err = cli("predict", str(tmp_path / "py.json"), "--at", "3.8e22,1e23",
                           "--chance", "0.25", "--json")
    assert code == 0, err
    assert json.loads(pred2) == json.loads(pred)


def test_predict_intervals_need_and_use_bootstrap():
    f = sc.fit("tests/data/fit/satpower_exact.csv", "satpower", y="y", x="x")
    with pytest.raises(sc.ScalecastError, match="bootstrap"):
        f.predict([1e6], level=0.8)
    fb = sc.fit("tests/data/fit/satpower_exact.csv", "satpower", y="y", x="x", bootstrap=50)
    y, lo, hi = fb.predict([1e6, 1e7], level=0.8)
    assert np.all(lo <= y + 1e-9) and np.all(y <= hi + 1e-9)
    assert abs(fb.params["alpha"] - 0.3) < 1e-6


def test_laws_are_the_tools(cli):
    code, out, err = cli("laws", "--json")
    assert code == 0, err
    assert sc.laws_document() == json.loads(out)
    assert [l["name"] for l in sc.laws()] == [l["name"] for l in json.loads(out)]


def test_fit_from_arrays_and_dict():
    x = np.array([1e3, 1e4, 1e5, 1e6, 1e7])
    y = 1.5 + 100 * x ** -0.3
    f = sc.fit({"x": x, "y": y}, "satpower", y="y", x="x")
    assert abs(f.params["E"] - 1.5) < 1e-6 and abs(f.params["A"] - 100) < 1e-3


def test_backtest_matches_the_tool(cli, tmp_path):
    out = tmp_path / "bt.json"
    args = ["--cutoff", "6e21", "--tpr", "20", "--laws", "powerlaw,twostage-linear", "--loss",
            "dclm:cross_entropy_loss"]
    code, _, err = cli("backtest", APPLE, *args, "--json", "-o", str(out))
    assert code == 0, err
    want = json.loads(out.read_text())
    got = sc.backtest(APPLE, cutoff=6e21, tpr=20, laws=["powerlaw", "twostage-linear"],
                      loss="dclm:cross_entropy_loss")
    text = out.read_text()
    for law in ("powerlaw", "twostage-linear"):
        v = got["means"][law]["mean_mre_percent_not_near_chance"]
        assert ("%.17g" % v) in text, (law, v)
    # The independent numpy reference of tests/cli/cases/backtest-json.
    assert abs(got["means"]["powerlaw"]["mean_mre_percent_not_near_chance"] - 2.174678152935) < 1e-11
    assert [b["held_out"] for b in got["benchmarks"]].count(8) == len(got["benchmarks"])
    assert want  # the tool wrote a document


def test_obs_pca_matches_the_tool(cli):
    code, out, err = cli("obs", "data/obsscaling/base_llm_benchmark_eval.csv", "--split", "none",
                         "--json")
    assert code == 0, err
    got = sc.obs("data/obsscaling/base_llm_benchmark_eval.csv", split="none")
    arrays = got.pop("arrays")
    assert got == json.loads(out)
    assert got["train"] == 77 and got["test"] == 0
    assert abs(got["explained_variance_ratio"][0] - 0.8016302429) < 1e-10
    assert arrays["scores"].shape == (77, 3)


def test_obs_target_matches_the_tool(cli):
    files = ["data/obsscaling/base_llm_benchmark_eval.csv",
             "data/obsscaling/base_llm_post_training_eval.csv"]
    target = "gsm8k_cot_8_exact_match,strict-match"
    code, out, err = cli("obs", *files, "--y", target, "--select", "12", "--json")
    assert code == 0, err
    got = sc.obs(files, y=target, select=12)
    got.pop("arrays")
    assert got == json.loads(out)
    assert got["selection"]["families"][0] == "Llama-2"


def test_obs_value_outside_names_its_cell(cli):
    code, _, err = cli("obs", "tests/data/obs/tiny.csv", "--models", "all", "--metrics", "m1,pct",
                       "--pcs", "1", "--cutoff", "20")
    assert code == 3
    with pytest.raises(sc.ScalecastError) as ei:
        sc.obs(["tests/data/obs/tiny.csv"], metrics=["m1", "pct"], pcs=1, cutoff=20,
               default_families=False)
    e = ei.value
    assert (e.file, e.line, e.column, e.code) == ("tests/data/obs/tiny.csv", 2, 25, "domain")
    assert err.startswith("scalecast: error: " + str(e) + " (declare its scale")


def test_chain_matches_the_tool(cli):
    code, out, err = cli("chain", "tests/data/lmeval/chain", "--models",
                         "tests/data/lmeval/chain/models.csv", "--json")
    assert code == 0, err
    want = json.loads(out)["groups"][0]
    models = sc.read_csv("tests/data/lmeval/chain/models.csv")
    N, D = models["parameters"], models["tokens"]
    logs = []
    for m in models["model"]:
        d = os.path.join("tests/data/lmeval/chain", m.replace("/", "__"))
        logs += [os.path.join(d, f) for f in sorted(os.listdir(d)) if f.startswith("samples_")]
    got = sc.chain(logs, 6 * N * D, names=models["model"], family="synth", task="synth_mc")
    corr = got.pop("correlations")
    got.pop("doc_id")
    assert got == want  # summaries, aggregate chain, mechanism shares, model means
    assert got["samples"] == 24 and corr["acc"]["kendall"].shape == (24,)


def test_chain_aggregate_files_match_the_tool(cli, root):
    code, out, err = cli("chain", "--aggregate", "--preset", "olmo", "--last", "data/olmo-ladder",
                         "--json")
    assert code == 0, err
    files = sorted(os.path.join("data/olmo-ladder", f) for f in os.listdir("data/olmo-ladder")
                   if f.endswith(".csv"))
    got = sc.chain_aggregate_files(files, preset="olmo", mode="last")
    assert got == json.loads(out)
    with pytest.raises(sc.ScalecastError) as ei:
        sc.chain_aggregate_files(files[:1], stages="eval/downstream/{task}_nope", x="step")
    assert ei.value.code == "nocol" and ei.value.file == files[0]


def test_chain_logs_is_the_tool(cli):
    for folder in ("tests/data/lmeval/chain", "tests/data/lmeval/chain-old"):
        models = "tests/data/lmeval/chain/models.csv"  # the same five models
        code, out, err = cli("chain", folder, "--models", models, "--json")
        assert code == 0, err
        assert sc.chain_logs(folder, models) == json.loads(out)
    code, _, err = cli("chain", "tests/data/lmeval/chain/synth__m00",
                       "tests/data/lmeval/chain/synth__m01", "--models",
                       "tests/data/lmeval/chain/models.csv")
    with pytest.raises(sc.ScalecastError) as ei:
        sc.chain_logs(["tests/data/lmeval/chain/synth__m00", "tests/data/lmeval/chain/synth__m01"],
                      "tests/data/lmeval/chain/models.csv")
    assert code == 1 and ei.value.code == "toofew"
    assert err.strip() == "scalecast: error: " + str(ei.value)


def test_chain_aggregate_is_the_correlation():
    c = np.array([1e18, 1e19, 1e20, 1e21])
    m = np.column_stack([[0.1, 0.2, 0.3, 0.5], [4.0, 3.0, 2.0, 1.0]])
    r = sc.chain_aggregate(c, m, sign=[1, -1])
    assert np.allclose(r[:, 1:], 1.0)  # both rise with compute once signed: ranks are perfect
    assert abs(r[0, 0] - np.corrcoef(np.log10(c), m[:, 0])[0, 1]) < 1e-12


def test_passuntil_estimate():
    e = sc.passuntil_estimate(40, 2, r=2, kmax=1000, level=0.9)
    assert e["pu"] == 2 / 40 and abs(e["value"] - 1 / 39) < 1e-15 and not e["censored"]
    assert 0 < e["lo"] < e["value"] < e["hi"] < 1
    c = sc.passuntil_estimate(1000, 0, r=2, kmax=1000)
    assert c["censored"] and c["lo"] == 0 and math.isnan(c["pu"])
    t = sc.passuntil_task([40, 1000, 50], [2, 0, 2], r=2, kmax=1000, B=200)
    assert t["S"] == 3 and t["censored"] == 1 and t["lo"] <= t["pu"] <= t["hi"]
    with pytest.raises(sc.ScalecastError) as ei:
        sc.passuntil_estimate(10, 3, r=2, kmax=100)
    assert ei.value.code == "domain"


def test_passuntil_task_law_recovers_alpha():
    rng = np.random.default_rng(1)
    N = np.array([1e8, 3e8, 1e9, 3e9, 1e10])
    pu = np.exp(-959 * N ** -0.306)
    S, r = 40, 2
    draws = np.array([[rng.negative_binomial(r, p) + r for p in pu] for _ in range(S)])
    fit = sc.passuntil_fit(N, draws, np.full_like(draws, r), r=r, kmax=10**9, B=200)
    lo, hi = fit["alpha_interval"]
    assert lo < 0.306 < hi
    p, plo, phi = fit["predict"](3e10)[:3]
    assert plo <= p <= phi


def test_errors_carry_file_line_column(cli):
    code, _, err = cli("fit", "tests/data/fit/text.csv", "--law", "chinchilla", "--n", "N", "--d",
                       "D", "--y", "loss")
    assert code == 3
    with pytest.raises(sc.ScalecastError) as ei:
        sc.fit("tests/data/fit/text.csv", "chinchilla", y="loss", n="N", d="D")
    e = ei.value
    assert e.file == "tests/data/fit/text.csv" and e.line > 1 and e.column > 0
    assert err.strip() == "scalecast: error: " + str(e)
    with pytest.raises(sc.ScalecastError) as ei:
        sc.read_csv("tests/data/no-such-file.csv")
    assert ei.value.code == "io"
    with pytest.raises(sc.ScalecastError) as ei:
        sc.fit("tests/data/fit/good.csv", "nosuchlaw", y="loss", x="N")
    assert "unknown law" in ei.value.message


def test_lmeval_results_folder_is_the_import(cli, tmp_path):
    out = tmp_path / "runs.csv"
    code, _, err = cli("import", "lmeval", "tests/data/lmeval/chain", "-o", str(out))
    assert code == 0, err
    t = sc.read_lmeval("tests/data/lmeval/chain")
    ref = sc.read_csv(str(out))
    assert t.columns == ref.columns
    for name in t.columns:
        a, b = t[name], ref[name]
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b, equal_nan=True), name
        else:
            assert [x or None for x in a] == [x or None for x in b], name
    d = t.to_dict()
    assert set(d) == set(t.columns) and len(d["model"]) == len(t)


def test_runs_table_and_pandas_optional():
    t, info = sc.load_runs(APPLE)
    assert info["runs"] == len(t) and {"C", "N", "D", "tpr", "run"} <= set(t.columns)
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pandas"):
            t.to_pandas()
    else:
        df = t.to_pandas()
        assert list(df.columns) == t.columns
        f = sc.fit(df, "satpower", y="arc_easy:acc_norm", x="C")
        assert f.to_dict()["data"]["points"] > 0


def test_struct_layouts_match_the_compiler(tmp_path, root):
    """cffi reads the header itself; the layouts must be those the C compiler uses."""
    cc = shutil.which("cc")
    if not cc:
        pytest.skip("no C compiler to compare with")
    structs = ["sc_error", "sc_law", "sc_fit_opts", "sc_fit", "sc_boot", "sc_fit_doc",
               "sc_saved_fit", "sc_backtest_opts", "sc_bt_cell", "sc_bt_bench", "sc_backtest",
               "sc_obs_columns", "sc_obs_opts", "sc_obs_result", "sc_obs_table_data",
               "sc_chain_result", "sc_corr_summary", "sc_pu_est", "sc_pu_task", "sc_pu_fit",
               "sc_runs_info", "sc_lmeval_doc"]
    src = tmp_path / "sizes.c"
    src.write_text('#include "scalecast.h"\n#include <stdio.h>\nint main(void){\n' +
                   "".join('printf("%%zu\\n", sizeof(%s));\n' % s for s in structs) + "}\n")
    exe = tmp_path / "sizes"
    subprocess.run([cc, "-std=c11", "-I", os.path.join(root, "include"), str(src), "-o", str(exe)],
                   check=True)
    sizes = [int(v) for v in subprocess.run([str(exe)], capture_output=True, text=True,
                                            check=True).stdout.split()]
    assert sizes == [sc.ffi.sizeof(s) for s in structs]
