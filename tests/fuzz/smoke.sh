#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds every libFuzzer target (tests/fuzz/fuzz_*.c) in build-fuzz/ with clang, AddressSanitizer
# and UBSan (warnings are not fatal here: the gcc builds check them), and runs each for a bounded
# time from its committed seed corpus (tests/fuzz/corpus/<target>/). New inputs go to a
# temporary folder, so the committed corpus is not changed; a crashing input is saved as
# build-fuzz/artifacts/<target>-crash-*.
#   usage: tests/fuzz/smoke.sh [SECONDS_PER_TARGET (default 20)] [TARGET...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-20}
shift || true
build="$root/build-fuzz"

bash "$root/scripts/setup.sh" fuzz
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSC_FUZZ=ON \
  -DSC_SANITIZE=ON -DSC_WERROR=OFF >/dev/null
mkdir -p "$build/artifacts"
if ! cmake --build "$build" --target fuzz -j "$(nproc 2>/dev/null || echo 2)" \
     >"$build/artifacts/build.log" 2>&1; then
  cat "$build/artifacts/build.log" >&2
  exit 1
fi

if [ $# -gt 0 ]; then targets=("$@"); else
  targets=()
  for src in "$root"/tests/fuzz/fuzz_*.c; do targets+=("$(basename "$src" .c)"); done
fi
status=0
for name in "${targets[@]}"; do
  corpus="$root/tests/fuzz/corpus/$name"
  mkdir -p "$corpus"
  work=$(mktemp -d)
  echo "fuzz: $name for ${secs}s from $(ls "$corpus" | wc -l) seeds" >&2
  if "$build/tests/fuzz/$name" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -max_len=65536 -print_final_stats=1 -artifact_prefix="$build/artifacts/$name-" \
       "$work" "$corpus" >"$build/artifacts/$name.log" 2>&1; then
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/artifacts/$name.log" \
      | sed "s/^/fuzz: $name: /" >&2
  else
    echo "fuzz: $name FAILED; log: $build/artifacts/$name.log" >&2
    tail -40 "$build/artifacts/$name.log" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
