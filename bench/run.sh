#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs every benchmark binary of a build (bench_*), from the project root.
#   usage: bash bench/run.sh BUILD_DIR [NAME...]
set -euo pipefail
build=${1:-build}
shift || true
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for b in "$build"/bench_*; do [ -x "$b" ] && names+=("$(basename "$b")"); done
fi
for n in "${names[@]}"; do
  echo "== $n"
  "$build/$n"
done
