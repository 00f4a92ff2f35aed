#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian packages scalecast needs to build, test and draw figures, only when they
# are missing (quick when nothing is). Needs root (or sudo) the first time.
set -euo pipefail
pkgs=(build-essential cmake pkg-config libgsl-dev libjansson-dev libplplot-dev plplot-driver-cairo
      libcmocka-dev fonts-dejavu-core python3 chromium)
# The Python package (python/) and the JSON Schema check of the golden cases' output: Debian's
# modules (no package index needed).
pkgs+=(python3-numpy python3-cffi python3-pytest python3-jsonschema)
# The browser test drives chromium from node (playwright-core); Debian's nodejs and npm unless
# a node with npm is already there.
command -v node >/dev/null && command -v npm >/dev/null || pkgs+=(nodejs npm)
# `setup.sh fuzz`: also what the libFuzzer build needs (tests/fuzz/smoke.sh): clang, its
# sanitizer and libFuzzer runtimes (not a dependency of clang-14 on Debian 12), OpenMP for clang.
[ "${1:-}" = fuzz ] && pkgs+=(clang libclang-rt-14-dev libomp-dev)
# `setup.sh valgrind`: the memory checker the golden cases run under (make test-valgrind).
[ "${1:-}" = valgrind ] && pkgs+=(valgrind)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  # Another apt run (a second build at the same time) may hold the lock: wait for it.
  $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# playwright-core as locked in package-lock.json, only when node_modules lacks that version.
cd "$(dirname "$0")/.."
want=$(node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
have=$(node -p 'try { require("./node_modules/playwright-core/package.json").version } catch (e) { "" }')
if [ "$want" != "$have" ]; then
  echo "setup: npm ci (playwright-core $want)" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
