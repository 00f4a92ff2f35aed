#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# PassUntil simulation through the real sampling driver: for each seed, a ladder of model sizes
# is sampled with `scalecast passuntil sample`, the draw command being the simulated Bernoulli
# draw `scalecast passuntil draw` (task law PU = exp(-c N^-alpha) with per-instance c_s,
# alpha_s); the task law is fitted with the largest size held out. Counts how often the 90%
# intervals hold the target alpha (the slope of log(-log true PU) over the fitted sizes) and the
# true held-out PU (the mean true pass probability of the instances).
#   usage: tools/passuntil_sim.sh SCALECAST [REPS] [JOBS]
set -eu
SCALECAST=${1:?usage: passuntil_sim.sh SCALECAST [REPS] [JOBS]}
REPS=${2:-30}
JOBS=${3:-4}
C=600 ALPHA=0.306 SDC=0.3 SDA=0.02
SIZES="1e8 3e8 1e9 3e9 1e10"
FIT_SIZES="1e8 3e8 1e9 3e9"
HELD=1e10
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for i in $(seq 1 8); do echo "s$i"; done >"$dir/inst.txt"
draw="$SCALECAST passuntil draw --c $C --alpha $ALPHA --sd-logc $SDC --sd-alpha $SDA"
a_t=0 a_b=0 p_t=0 p_b=0 n=0 draws=0
for seed in $(seq 1 "$REPS"); do
  rm -f "$dir"/*.jsonl
  for N in $SIZES; do
    "$SCALECAST" passuntil sample --instances "$dir/inst.txt" --cmd "$draw" --log "$dir/run_$N.jsonl" \
      --r 2 --kmax 100000 --size "$N" --jobs "$JOBS" --seed "$seed" >/dev/null
    draws=$((draws + $(wc -l <"$dir/run_$N.jsonl") - 1))
  done
  # Truth: mean true p of the instances at every size.
  truth=""
  for N in $SIZES; do
    p=$(for s in $(cat "$dir/inst.txt"); do SC_INSTANCE=$s SC_SEED=$seed $draw --N "$N" --print-p; done |
        awk '{ s += $1 } END { printf "%.17g", s / NR }')
    truth="$truth $N:$p"
  done
  target=$(echo "$truth" | tr ' ' '\n' | awk -F: -v fit="$FIT_SIZES" '
    BEGIN { split(fit, f, " "); for (i in f) use[f[i]] = 1 }
    NF == 2 && ($1 in use) { x[++n] = log($1); y[n] = log(-log($2)) }
    END { for (i = 1; i <= n; i++) { mx += x[i] / n; my += y[i] / n }
          for (i = 1; i <= n; i++) { sxx += (x[i] - mx) ^ 2; sxy += (x[i] - mx) * (y[i] - my) }
          printf "%.10g", -sxy / sxx }')
  held=$(echo "$truth" | tr ' ' '\n' | awk -F: -v h="$HELD" '$1 == h { print $2 }')
  "$SCALECAST" passuntil fit "$dir"/run_*.jsonl --holdout 1 --seed "$seed" >"$dir/fit.txt"
  line=$(awk -v a="$target" -v p="$held" '
    /^alpha =/ { g = $0; gsub(/[\[\],]/, " ", g); split(g, f, " ");
                 at = (f[6] <= a && a <= f[7]); ab = (f[9] <= a && a <= f[10]); est = f[3] }
    $1 == "1e+10" && NF == 7 { pt = ($3 <= p && p <= $4); pb = ($5 <= p && p <= $6); pred = $2; obs = $7 }
    END { printf "%d %d %d %d %s %s %s %s", at, ab, pt, pb, est, a, pred, p }' "$dir/fit.txt")
  set -- $line
  a_t=$((a_t + $1)) a_b=$((a_b + $2)) p_t=$((p_t + $3)) p_b=$((p_b + $4)) n=$((n + 1))
  echo "seed $seed: alpha $5 (target $6) in t: $1 boot: $2; PU(1e10) predicted $7 (true $8) in t: $3 boot: $4"
done
echo "repetitions $n, draws $draws"
echo "alpha within its 90% interval: t $a_t/$n, bootstrap $a_b/$n"
echo "held-out PU within its 90% interval: t $p_t/$n, bootstrap $p_b/$n"
