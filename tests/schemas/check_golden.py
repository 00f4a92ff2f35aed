#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validates every JSON document the golden command-line cases produce against its schema in
docs/schemas/.

   usage: check_golden.py SCALECAST_BINARY        (working directory: the project root)

Each case in tests/cli/cases whose command mentions JSON is run again as run_case.sh runs it
($SCALECAST, a fresh $TMP). Its standard output, when it is one JSON document, and every *.json
file the tool is told to write in $TMP (--out, -o, --output, a redirection of its output) are
validated: a document naming its "format" ("scalecast-fit") against
that schema (fit.schema.json), any other against the schema of a command the case runs (chain:
chain or chain-aggregate; passuntil: passuntil-fit, -classify or -estimate). A document without
a schema, one that does not validate, or no document at all fails the check."""
import concurrent.futures
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import jsonschema

SCHEMAS_BY_COMMAND = {
    "fit": ["fit"], "predict": ["predict"], "backtest": ["backtest"], "obs": ["obs"],
    "chain": ["chain", "chain-aggregate"], "passk": ["passk"], "laws": ["laws"],
    "passuntil": ["passuntil-fit", "passuntil-classify", "passuntil-estimate"],
}


def load_schemas():
    out = {}
    for path in sorted(glob.glob("docs/schemas/*.schema.json")):
        with open(path, encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        out[os.path.basename(path)[:-len(".schema.json")]] = jsonschema.Draft202012Validator(schema)
    return out


def candidates(doc, cmd):
    if isinstance(doc, dict) and isinstance(doc.get("format"), str):
        fmt = doc["format"]
        return [fmt[len("scalecast-"):]] if fmt.startswith("scalecast-") else [fmt]
    names = []
    for c in re.findall(r"\$SCALECAST\s+([a-z]+)", cmd):
        for n in SCHEMAS_BY_COMMAND.get(c, []):
            if n not in names:
                names.append(n)
    return names


def check(doc, cmd, schemas, where):
    """None when doc validates against one of its candidate schemas, else a message."""
    names = candidates(doc, cmd)
    if not names:
        return "%s: no schema for this document (command: %s)" % (where, cmd)
    problems = []
    for n in names:
        if n not in schemas:
            problems.append("no schema docs/schemas/%s.schema.json" % n)
            continue
        errs = sorted(schemas[n].iter_errors(doc), key=lambda e: list(e.path))
        if not errs:
            return None
        e = errs[0]
        problems.append("%s: %s at /%s" % (n, e.message[:200], "/".join(str(p) for p in e.path)))
    return "%s: %s" % (where, "; ".join(problems))


def written_by_tool(cmd):
    """The $TMP/....json files the tool itself is told to write (--out, -o, --output, or its
    standard output redirected), not the inputs a case prepares with echo or cat."""
    out = set()
    for seg in re.split(r"&&|\|\||;|\||\n", cmd):
        words = seg.split()
        while words and re.match(r"^[A-Z_]+=", words[0]):
            words = words[1:]
        if not words or words[0] != "$SCALECAST":
            continue
        for k, w in enumerate(words):
            target = None
            if w in ("--out", "-o", "--output", ">") and k + 1 < len(words):
                target = words[k + 1]
            elif w.startswith(">") and len(w) > 1:
                target = w[1:]
            elif w.startswith("--out=") or w.startswith("--output="):
                target = w.split("=", 1)[1]
            if target and target.startswith("$TMP/") and target.endswith(".json"):
                out.add(target[len("$TMP/"):])
    return out


def run_case(binary, case):
    with open(os.path.join(case, "cmd"), encoding="utf-8") as f:
        cmd = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SCALECAST=binary, TMP=tmp, OMP_NUM_THREADS="2")
        p = subprocess.run(["bash", "-c", cmd], env=env, cwd=os.getcwd(), stdin=subprocess.DEVNULL,
                           capture_output=True, text=True)
        docs = []
        if p.stdout.strip():
            try:
                docs.append(("stdout", json.loads(p.stdout)))
            except ValueError:
                pass
        for rel in sorted(written_by_tool(cmd)):
            path = os.path.join(tmp, rel)
            if not os.path.exists(path):
                continue  # a failing case leaves no output (checked by the case itself)
            with open(path, encoding="utf-8") as f:
                try:
                    docs.append((rel, json.load(f)))
                except ValueError as e:
                    docs.append((rel, ValueError(str(e))))
    return case, cmd, docs


def main():
    binary = os.path.abspath(sys.argv[1])
    schemas = load_schemas()
    # The check itself must be able to fail: a fit document without its parameters does not
    # validate.
    bad = {"format": "scalecast-fit", "version": 1, "law": "powerlaw"}
    assert check(bad, "", schemas, "self-test") is not None, "the fit schema accepts a broken document"
    cases = [c for c in sorted(glob.glob("tests/cli/cases/*"))
             if os.path.isfile(os.path.join(c, "cmd")) and "json" in open(os.path.join(c, "cmd")).read()]
    failures, checked = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for case, cmd, docs in pool.map(lambda c: run_case(binary, c), cases):
            name = os.path.basename(case)
            for where, doc in docs:
                if isinstance(doc, ValueError):
                    failures.append("%s %s: not JSON: %s" % (name, where, doc))
                    continue
                msg = check(doc, cmd, schemas, "%s %s" % (name, where))
                checked += 1
                if msg:
                    failures.append(msg)
                else:
                    print("ok   %s %s" % (name, where))
    for f in failures:
        print("FAIL " + f)
    if checked == 0:
        print("FAIL no JSON document was produced by the golden cases")
        return 1
    print("%d documents from %d cases, %d failures" % (checked, len(cases), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
