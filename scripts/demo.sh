#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job on the shipped data: fits, backtests, bootstrap intervals, figures and one
# self-contained HTML report.
#   usage: bash scripts/demo.sh path/to/scalecast OUT_DIR [--quick]
# --quick: fewer bootstrap resamples, three DCLM benchmarks, one backtest (the browser test's
# report, written in about a minute).
set -euo pipefail
sc=$1
out=$2
quick=${3:-}
rm -rf "$out"
mkdir -p "$out"
step() { printf 'demo: %s %s\n' "$(date +%T)" "$*" >&2; }
# Every command is recorded for the report's provenance, exactly as run.
cmds=()
run() {
  [ -n "${DEMO_TRACE:-}" ] && printf "demo: %s %s\n" "$(date +%T)" "$2" >&2
  local q
  q=$(printf '%q ' "$@")
  cmds+=("${q% }")
  "$@"
}
boot=4000 dclm_bench=()
if [ "$quick" = --quick ]; then
  boot=200
  dclm_bench=(--benchmarks arc_easy:acc_norm,hellaswag:acc_norm,piqa:acc_norm)
fi
report=("$out/report.html" --title "scalecast: forecasts on the shipped data"
        --summary "What the shipped data say about forecasting downstream scores from smaller runs: the forecast of the OLMo ladder's 1B runs from its 190M-760M runs, each graded against the observed score (first table), then each method's results. Interactive figures: hover a point for its run or model, switch laws on and off in the legend, and read any curve and its band at any compute below the figure.")

# ---------------------------------------------------------------------------------------------
# 1. The Chinchilla loss law (Hoffmann et al. 2022, Approach 3) on Epoch AI's extraction of the
#    245 runs, with the replication recipe of Besiroglu et al. 2024: drop the 5 highest losses,
#    Huber(1e-3) on log L, the 4500-start grid; 4000 bootstrap resamples for the intervals.
step "Chinchilla loss law: 4500-start Huber fit, $boot bootstrap resamples"
chin=(data/chinchilla-epoch/svg_extracted_data.csv --law chinchilla --n "Model Size"
      --c "Training FLOP" --y loss --loss huber:1e-3 --drop-top 5)
run "$sc" fit "${chin[@]}" --bootstrap "$boot" --seed 1 --out "$out/chinchilla.txt" \
      --plot "$out/chinchilla.svg"
run "$sc" fit "${chin[@]}" --json --out "$out/chinchilla.json" --plot "$out/chinchilla.png"
report+=(--heading "Pretraining loss: the Chinchilla law (Hoffmann et al. 2022, Approach 3)"
         --text "Epoch AI's extraction of the 245 Chinchilla runs; the 5 highest losses dropped; Huber(1e-3) on log loss from the 4500-start grid; 80% percentile intervals from $boot bootstrap resamples of the points."
         --pre "$out/chinchilla.txt"
         --figure "$out/chinchilla.svg" --caption "Loss against compute C = 6ND, points coloured by model size, with the fitted law at each size band's N.")

# ---------------------------------------------------------------------------------------------
# The forecast: the five 1B runs of the OLMo ladder (and the 1B re-run) from the 190M-760M
#    runs, law chosen by a rung backtest, 90% intervals; the 1B runs exist, so every row is
#    graded against its observed score. Exit 1 says some forecasts failed (MMLU at chance).
step "forecast: the OLMo 1B runs from 190M-760M"
fc_rc=0
run "$sc" forecast data/olmo-ladder --targets bench/forecast/olmo_1b_targets.csv \
      --figures "$out/forecast-olmo" --report "$out/forecast-olmo.html" \
      --json -o "$out/forecast-olmo.json" || fc_rc=$?
[ "$fc_rc" -le 1 ] || exit "$fc_rc"
fc_rc=0
run "$sc" forecast data/olmo-ladder --targets bench/forecast/olmo_1b_targets.csv \
      -o "$out/forecast-olmo.txt" 2>/dev/null || fc_rc=$?
[ "$fc_rc" -le 1 ] || exit "$fc_rc"
report+=(--forecast "$out/forecast-olmo.json"
         --heading "Forecast: the OLMo 1B runs from the 190M-760M ladder"
         --text "scalecast forecast: per benchmark, the law with the lowest backtest error on the ladder's own larger rungs, refitted on every run, with a 90% interval from a bootstrap over runs, the benchmark's noise and the extrapolation error seen in the backtests; the trust verdict says why a forecast should not be relied on. The 1B runs exist, so each row is graded against its observed score (MMLU subsets fail: every ladder run is at chance)."
         --pre "$out/forecast-olmo.txt"
         --figure "$out/forecast-olmo/forecast-hellaswag_val_acc_norm.png"
         --caption "HellaSwag: the 190M-760M runs, the chosen law's curve and 90% band out to the 1B targets (at the runs' median token/parameter ratio), the runner-up dashed, each 1B forecast with its interval and the observed score (crosses). Every benchmark's figure is in forecast-olmo/ and on the forecast's own page, forecast-olmo.html."
         --figure "$out/forecast-olmo/forecast-arc_easy_val_acc_norm.png"
         --caption "ARC-Easy, as above.")

# ---------------------------------------------------------------------------------------------
# 2. Direct downstream laws (Krajewski et al. 2025): fit on runs up to 6e21 FLOPs, predict the
#    larger runs, against the two-stage route through the validation loss.
step "direct laws: DCLM backtest at 6e21 FLOPs, C4 and OLMo-ladder backtests"
dclm=(data/apple/metrics_dclm_data_mixture_subset.csv --cutoff 6e21 --tpr 20
      --loss dclm:cross_entropy_loss "${dclm_bench[@]}")
if [ "$quick" = --quick ]; then
  # One backtest: its JSON feeds the headline, its figures (20-resample bands) the section.
  run "$sc" backtest "${dclm[@]}" --figures "$out/backtest-dclm" --boot 20 --json \
        -o "$out/backtest-dclm.json"
else
  run "$sc" backtest "${dclm[@]}" --figures "$out/backtest-dclm" --boot 200 -o "$out/backtest-dclm.txt"
  run "$sc" backtest "${dclm[@]}" --json -o "$out/backtest-dclm.json"
  run "$sc" backtest data/apple/metrics_c4_mixture_subset.csv --cutoff 3.2e20 \
        --loss c4:cross_entropy_loss -o "$out/backtest-c4.txt"
  run "$sc" backtest data/olmo-ladder --max-n 8e8 --loss bpb -o "$out/backtest-olmo.txt"
fi
report+=(--heading "Direct downstream laws (Krajewski et al. 2025): extrapolation backtests"
         --text "Each law is fitted on the runs with at most the cutoff compute and predicts the larger runs. Direct laws: -log Q' = A C^-alpha (powerlaw), its saturating form (powerlaw-qmax), BNSL; two-stage baselines go from compute to the validation loss to accuracy."
         --subheading "DCLM mixture, token/parameter ratio 20, fit on C <= 6e21 FLOPs")
if [ "$quick" = --quick ]; then
  report+=(--text "Quick run: three benchmarks, bands from 20 resamples, no C4 or OLMo backtests (make demo writes the full report).")
else
  report+=(--pre "$out/backtest-dclm.txt")
fi
for f in "$out"/backtest-dclm/*.png; do
  b=$(basename "$f" .png)
  report+=(--figure "$f" --caption "${b#backtest-}: fit runs, each law's curve, the cutoff, held-out runs as crosses, bootstrap band of the best direct law.")
done
if [ "$quick" != --quick ]; then
  report+=(--subheading "C4 mixture, fit on C <= 3.2e20 FLOPs (top third of log-compute held out)"
           --pre "$out/backtest-c4.txt"
           --subheading "OLMo ladder: fit on 190M-760M, predict the 1B runs"
           --pre "$out/backtest-olmo.txt")
fi

# ---------------------------------------------------------------------------------------------
# 3. Observational scaling laws (Ruan et al. 2024) on the published public-model scores.
B=data/obsscaling/base_llm_benchmark_eval.csv
E=data/obsscaling/base_llm_emergent_capability_eval.csv
L=data/obsscaling/base_llm_leaderboard_v2_eval.csv
step "observational scaling: emergent BIG-bench task and Leaderboard v2 GPQA"
run "$sc" obs "$B" "$E" --y word_unscrambling_2_exact_match --out "$out/obs-unscramble" \
      > "$out/obs-unscramble.txt"
run "$sc" obs "$B" "$L" --y leaderboard_gpqa --cutoff 168 --out "$out/obs-gpqa" \
      > "$out/obs-gpqa.txt"
report+=(--heading "Observational scaling laws (Ruan et al. 2024)"
         --text "77 public base models of 21 families; the 8 standard benchmarks imputed (rank-1 PCA) and reduced to 3 principal capability components on the models trained with at most 84e21 FLOPs; the target is a sigmoid of the components, compared with the same link on log FLOPs and log N."
         --subheading "BIG-bench word unscrambling (emergent)"
         --pre "$out/obs-unscramble.txt"
         --figure "$out/obs-unscramble/target_vs_eqflops.png" --caption "Word unscrambling against Llama-2-equivalent FLOPs, train and test models, with the fitted sigmoid."
         --figure "$out/obs-unscramble/pred_vs_actual.png" --caption "Predicted against actual, train and test models."
         --figure "$out/obs-unscramble/scree.png" --caption "Explained variance of the principal components."
         --subheading "Open LLM Leaderboard v2: GPQA (train on FLOPs <= 168e21)"
         --pre "$out/obs-gpqa.txt"
         --figure "$out/obs-gpqa/pred_vs_actual.png" --caption "GPQA: predicted against actual.")

# ---------------------------------------------------------------------------------------------
# 4. The metric chain (Schaeffer et al. 2024) on the aggregate metrics of real runs.
step "metric chain: OLMo ladder and Apple runs"
run "$sc" chain --aggregate data/olmo-ladder --preset olmo --last > "$out/chain-olmo.txt"
run "$sc" chain --aggregate data/olmo-ladder --preset olmo --within > "$out/chain-olmo-within.txt"
run "$sc" chain --aggregate data/apple/metrics_c4_mixture_subset.csv --preset apple \
      > "$out/chain-apple.txt"
report+=(--heading "The metric chain (Schaeffer et al. 2024)"
         --text "How each stage of the chain from log-likelihoods to accuracy correlates with compute. No per-sample logs are published for these runs, so the chain is measured on the aggregate metrics each run reports; scalecast chain computes the per-sample version from lm-evaluation-harness logs."
         --subheading "OLMo ladder, final checkpoints of the 24 runs"
         --pre "$out/chain-olmo.txt"
         --subheading "OLMo ladder, across the checkpoints within each run"
         --pre "$out/chain-olmo-within.txt"
         --subheading "Krajewski et al. runs, C4 mixture"
         --pre "$out/chain-apple.txt")

# ---------------------------------------------------------------------------------------------
# 5. pass@k (Krajewski et al. 2025, Eq. 5) on the code tasks, and PassUntil (Hu et al. 2024).
step "pass@k law on HumanEval, MBPP and LBPP"
for b in humaneval-py mbpp lbpp; do
  run "$sc" passk data/apple/metrics_dclm_data_mixture_subset.csv --benchmark "$b" --cutoff 6e21 \
        > "$out/passk-$b.txt"
done
report+=(--heading "pass@k law (Krajewski et al. 2025, Eq. 5)"
         --text "log(-log pass@k) linear in log C, log k and their product, fitted on the DCLM-mixture runs (token/parameter ratio 20) up to 6e21 FLOPs and tested on the larger ones."
         --pre "$out/passk-humaneval-py.txt" --pre "$out/passk-mbpp.txt" --pre "$out/passk-lbpp.txt")

step "PassUntil: a simulated ladder sampled through the real driver"
pu="$out/passuntil"
mkdir -p "$pu"
for i in 1 2 3 4 5 6 7 8; do echo "s$i"; done > "$pu/instances.txt"
draw="$sc passuntil draw --c 600 --alpha 0.306 --sd-logc 0.3 --sd-alpha 0.02"
for N in 1e8 3e8 1e9 3e9 1e10; do
  run "$sc" passuntil sample --instances "$pu/instances.txt" --cmd "$draw" --log "$pu/run_$N.jsonl" \
        --r 2 --kmax 100000 --size "$N" --jobs 2 --seed 1 > /dev/null
done
run "$sc" passuntil fit "$pu"/run_*.jsonl --holdout 1 --seed 1 > "$out/passuntil-fit.txt"
run "$sc" passuntil classify "$pu"/run_*.jsonl > "$out/passuntil-classify.txt"
report+=(--heading "PassUntil (Hu et al. 2024): tiny pass rates and the task law"
         --text "A simulated task (PU = exp(-c N^-alpha) with c = 600, alpha = 0.306 and per-instance spread), 8 instances sampled until 2 passes at 5 model sizes through the sampling driver; the task law is fitted on the 4 smaller sizes and predicts the largest."
         --pre "$out/passuntil-fit.txt" --pre "$out/passuntil-classify.txt")

step "writing the report"
for f in data/chinchilla-epoch/svg_extracted_data.csv data/apple/metrics_dclm_data_mixture_subset.csv \
         data/apple/metrics_c4_mixture_subset.csv "$B" "$E" "$L"; do
  report+=(--input "$f")
done
for f in data/olmo-ladder/*; do [ -f "$f" ] && report+=(--input "$f"); done
for c in "${cmds[@]}"; do report+=(--command "$c"); done
"$sc" report "${report[@]}"
step "done: results in $out/ (open $out/report.html)"
echo "$out"
