#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job on the shipped data: fits, bootstrap intervals, figures and one HTML report.
#   usage: bash scripts/demo.sh path/to/scalecast OUT_DIR
set -euo pipefail
sc=$1
out=$2
mkdir -p "$out"
step() { printf 'demo: %s\n' "$*" >&2; }

# 1. The Chinchilla loss law (Hoffmann et al. 2022, Approach 3) on Epoch AI's extraction of the
#    245 points, with the replication recipe of Besiroglu et al. 2024: drop the 5 highest
#    losses, Huber(1e-3) on log L, the 4500-start grid; then 4000 bootstrap resamples.
step "Chinchilla loss law: 4500-start Huber fit and 4000 bootstrap resamples"
chin=(data/chinchilla-epoch/svg_extracted_data.csv --law chinchilla --n "Model Size"
      --c "Training FLOP" --y loss --loss huber:1e-3 --drop-top 5)
"$sc" fit "${chin[@]}" --bootstrap 4000 --seed 1 --out "$out/chinchilla.txt" \
      --plot "$out/chinchilla.svg"
"$sc" fit "${chin[@]}" --json --out "$out/chinchilla.json" --plot "$out/chinchilla.png"

report=("$out/report.html" --title "scalecast demo on the shipped data"
        --heading "Chinchilla loss law (Hoffmann et al. 2022, Approach 3)"
        --text "Epoch AI's extraction of 245 training runs; the 5 highest losses dropped; Huber(1e-3) on log loss from the 4500-start grid; 80% intervals from 4000 bootstrap resamples."
        --pre "$out/chinchilla.txt"
        --figure "$out/chinchilla.svg" --caption "Loss against compute C = 6ND, with fitted iso-N curves.")

step "writing the report"
"$sc" report "${report[@]}"
step "done: results in $out/ (open $out/report.html)"
echo "$out"
