#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one golden command-line case.
#   usage: run_case.sh SCALECAST_BINARY CASE_DIR       (working directory: the project root)
# CASE_DIR/cmd     one shell command line; $SCALECAST is the binary, $TMP a fresh empty folder
# CASE_DIR/exit    expected exit code (default 0)
# CASE_DIR/stdout  expected standard output, exactly (optional)
# CASE_DIR/stderr  expected standard error, exactly (optional)
# CASE_DIR/check   optional extra shell commands run afterwards (same variables; must exit 0)
set -u
SCALECAST=$1
case_dir=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export SCALECAST TMP
export OMP_NUM_THREADS=2
cmd=$(cat "$case_dir/cmd")
bash -c "$cmd" >"$TMP/.stdout" 2>"$TMP/.stderr" </dev/null
code=$?
want=0
[ -f "$case_dir/exit" ] && want=$(tr -d '[:space:]' <"$case_dir/exit")
fail=0
if [ "$code" != "$want" ]; then
  echo "exit code $code, expected $want"; fail=1
fi
for s in stdout stderr; do
  if [ -f "$case_dir/$s" ] && ! diff -u "$case_dir/$s" "$TMP/.$s"; then
    echo "$s differs from $case_dir/$s"; fail=1
  fi
done
if [ -f "$case_dir/check" ] && ! bash "$case_dir/check"; then
  echo "check failed"; fail=1
fi
if [ $fail != 0 ]; then
  echo "--- command: $cmd"; echo "--- stderr:"; cat "$TMP/.stderr"
fi
exit $fail
