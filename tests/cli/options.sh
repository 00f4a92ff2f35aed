#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks every option of every command, taken from the tool's own tables
# (`scalecast --list-options`), against the scanner's promises:
#   - an option that takes a value, given last without one: exit 2, one line
#     "scalecast: error: OPTION needs a value", nothing on standard output;
#   - a flag given last: no crash (an exit code from the documented set);
#   - every name a command file tests for (cli_opt/cli_flag) is in one of that file's tables.
#   usage: options.sh SCALECAST    (working directory: the project root)
set -u
SC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail=0 n=0
"$SC" --list-options >"$out/list" || { echo >&2 "--list-options failed"; exit 1; }
[ -s "$out/list" ] || { echo "--list-options printed nothing"; exit 1; }
while IFS=$'\t' read -r command name alias kind repeat; do
  for spelling in "$name" "$alias"; do
    [ "$spelling" = - ] && continue
    # Alone, and after a data file as a user would write it: the scanner stops first either way.
    for before in "" runs.csv; do
      n=$((n + 1))
      # shellcheck disable=SC2086
      (cd "$out" && exec "$SC" $command $before "$spelling" >"$out/o" 2>"$out/e" </dev/null)
      code=$?
      if [ "$kind" = value ]; then
        want="scalecast: error: $spelling needs a value"
        ok=1
        [ $code = 2 ] && [ ! -s "$out/o" ] && [ "$(wc -l <"$out/e")" = 1 ] || ok=0
        [ -z "$before" ] && [ "$(cat "$out/e")" != "$want" ] && ok=0
        if [ $ok = 0 ]; then
          echo >&2 "FAIL: $command $before $spelling: exit $code, stdout $(wc -c <"$out/o") bytes, stderr: $(cat "$out/e")"
          fail=1
        fi
      elif [ $code -gt 5 ]; then
        echo >&2 "FAIL: $command $before $spelling (a flag): exit $code"; cat "$out/e" >&2; fail=1
      fi
    done
  done
done <"$out/list"
# Names tested in the code but missing from the tables would abort at run time.
for f in src/cli/*.c; do
  used=$(grep -o 'cli_\(opt\|flag\)([^,]*, *"[^"]*"' "$f" | sed 's/.*"\(.*\)"/\1/' | sort -u)
  [ -z "$used" ] && continue
  listed=$(grep -o '^    {"[^"]*", \(NULL\|"[^"]*"\)' "$f" | sed 's/^    {"\([^"]*\)", \(NULL\|"\([^"]*\)"\)/\1 \3/' | tr ' ' '\n' | sed '/^$/d' | sort -u)
  missing=$(comm -23 <(echo "$used") <(echo "$listed"))
  if [ -n "$missing" ]; then
    echo >&2 "FAIL: $f tests for options missing from its tables: $missing"; fail=1
  fi
done
[ $n -gt 100 ] || { echo "FAIL: only $n options listed"; fail=1; }
exit $fail
