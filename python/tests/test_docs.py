# SPDX-License-Identifier: GPL-3.0-or-later
"""The example of docs/python.md runs and gives a sensible forecast."""
import os
import re


def test_python_md_example(root, tmp_path, monkeypatch):
    text = open(os.path.join(root, "docs", "python.md"), encoding="utf-8").read()
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    assert len(code.strip().splitlines()) <= 14  # "a dozen lines", give or take the imports
    monkeypatch.chdir(root)
    code = code.replace('fit.save("fit.json")', 'fit.save(%r)' % str(tmp_path / "fit.json"))
    env = {}
    exec(compile(code, "docs/python.md", "exec"), env)
    acc, lo, hi = env["acc"][0], env["lo"][0], env["hi"][0]
    assert 0.25 < lo <= acc <= hi <= 1
    assert (tmp_path / "fit.json").exists()
