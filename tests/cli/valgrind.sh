#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The golden command-line cases again, with the tool run under valgrind (memcheck): an invalid
# read or write, a use of uninitialised memory or a definitely lost block is an error (exit 97)
# and fails its case. Run by `make test` (the test-valgrind stage).
#   usage: tests/cli/valgrind.sh SCALECAST_BINARY [CASE...]
# Left out, because they depend on timing or run the tool once per draw (valgrind is about 40x
# slower, so their sleeps, timeouts and kills would land elsewhere, or they would take minutes):
#   out-to-fifo                   a writer and a reader meeting at a FIFO
#   passuntil-kill-resume         SIGKILL after 30 log lines, then a resume
#   passuntil-lock                SIGTERM while a draw sleeps; a second driver meanwhile
#   passuntil-leftovers           SIGKILL while draws sleep; the resume kills them
#   passuntil-crash-timeout       a --timeout of 0.5 s
#   passuntil-budget, passuntil-ladder, passuntil-resume-budget
#                                 hundreds of draws, each one 'scalecast passuntil draw'
# and, to keep the stage within a few minutes, the cases that take longer than about half a
# second without valgrind on a loaded 2-core machine (each would take a minute or more under it):
#   options-missing-value (every option of every table), docs-cli-reference (every --help),
#   figure-* (figures drawn and checked by description), fit-chinchilla-real (4,500 starts),
#   obs-select, obs-emergent-arithmetic, chain-agg-olmo-within, chain-agg-olmo-last,
#   backtest-figures, backtest-figures-partial, input-limit, predict-edited-params,
#   passk-beta-humaneval, passuntil-counts-json, report-hostile-names, report-builds,
#   completion-bash, plot-planted-link, report-bad-figure-description
# A draw command that runs the tool itself runs it without valgrind (SC_IN_VALGRIND).
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
skip=" out-to-fifo passuntil-kill-resume passuntil-lock passuntil-leftovers passuntil-crash-timeout passuntil-budget passuntil-ladder passuntil-resume-budget options-missing-value docs-cli-reference figure-* fit-chinchilla-real obs-select obs-emergent-arithmetic chain-agg-olmo-within chain-agg-olmo-last backtest-figures backtest-figures-partial input-limit predict-edited-params passk-beta-humaneval passuntil-counts-json report-hostile-names report-builds completion-bash plot-planted-link report-bad-figure-description "
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/scalecast" <<WRAP
#!/usr/bin/env bash
if [ -n "\${SC_IN_VALGRIND:-}" ]; then exec "$bin" "\$@"; fi
export SC_IN_VALGRIND=1
exec valgrind -q --error-exitcode=97 --leak-check=full --show-leak-kinds=definite \\
  --errors-for-leak-kinds=definite --suppressions="$root/tests/valgrind.supp" "$bin" "\$@"
WRAP
chmod +x "$work/scalecast"
if [ $# -gt 0 ]; then cases=("$@"); else
  cases=()
  for d in "$root"/tests/cli/cases/*/; do
    n=$(basename "$d")
    skipped=0
    set -f # the patterns are matched against case names, not expanded as file names
    for pat in $skip; do
      # shellcheck disable=SC2254
      case "$n" in $pat) skipped=1 ;; esac
    done
    set +f
    [ $skipped = 1 ] && continue
    cases+=("$n")
  done
fi
start=$(date +%s)
cd "$root"
printf '%s\n' "${cases[@]}" | xargs -P "${JOBS:-2}" -I{} bash -c \
  'if out=$(bash tests/cli/run_case.sh "$0" "tests/cli/cases/{}" 2>&1); then echo "ok {}"; else echo "FAIL {}"; echo "$out" | head -40; fi' \
  "$work/scalecast" >"$work/log"
fails=$(grep -c '^FAIL' "$work/log")
grep -v '^ok ' "$work/log" >&2
echo "valgrind: ${#cases[@]} cases, $fails failed, $(( $(date +%s) - start )) s" >&2
[ "$fails" -eq 0 ]
