#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The browser test: writes the demo report (scripts/demo.sh --quick) and opens it in headless
# Chromium (tests/browser/report.test.mjs). Needs chromium, node and playwright-core from
# package-lock.json (scripts/setup.sh installs them; `npm ci` runs only when node_modules does
# not hold the locked version, so the test runs offline once installed).
#   usage: tests/browser/run.sh SCALECAST [SCREENSHOT_DIR]     (working directory: project root)
set -euo pipefail
sc=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shots=${2:-}
want=$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch (e) { "" }')
if [ "$want" != "$have" ]; then
  echo "browser test: npm ci (playwright-core $want)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
bash scripts/demo.sh "$sc" "$out/demo" --quick 2>"$out/demo.log" >/dev/null ||
  { cat "$out/demo.log" >&2; exit 1; }
# The page of the golden case with markup in run, model, column and file names.
mkdir -p "$out/hostile"
TMP="$out/hostile" SCALECAST="$sc" bash -c "$(cat tests/cli/cases/report-hostile-names/cmd)"
REPORT="$out/demo/report.html" HOSTILE="$out/hostile/r.html" SCREENSHOTS="$shots" \
  node --test tests/browser/report.test.mjs
