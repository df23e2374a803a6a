#!/usr/bin/env bash
# The end-to-end demo on the bundled data (demo/data, made by scripts/make-demo-data.py):
# ingest → split → pairs → tokenize → SFT → DPO-Shift → eval, in ./demo-workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product pref 2>&1 | tail -1
PREF="$(pwd)/.build/release/pref"
WS="${WS:-$(pwd)/demo-workspace}"
rm -rf "$WS"
step() { echo; echo "== $*"; }

step "pref ingest"
"$PREF" ingest --workspace "$WS" demo/data/
step "pref split --test 0.05"
"$PREF" split --workspace "$WS" --test 0.05
step "pref pairs --strategy binarized --curriculum stages:3"
"$PREF" pairs --workspace "$WS" --strategy binarized --curriculum stages:3
step "pref tokenize --train-bpe 2048 --template chatml"
"$PREF" tokenize --workspace "$WS" --train-bpe 2048 --template chatml --max-length 256
"$PREF" verify --workspace "$WS"
step "pref stats"
"$PREF" stats --workspace "$WS"

step "pref train --stage sft --model tiny"
"$PREF" train --workspace "$WS" --stage sft --model tiny --run sft --epochs 2 --batch-tokens 4096 --eval-every 20

# DPO and DPO-Shift from the same SFT model: λ = 1 (DPO), fixed 0.75 and 0.95, linear decrease from 1 to 0.75.
for shift in none fixed:0.75 fixed:0.95 linear-decrease:0.75; do
    run="dpo-${shift//:/-}"
    step "pref train --stage dpo --shift $shift"
    "$PREF" train --workspace "$WS" --stage dpo --from sft --run "$run" --shift "$shift" --beta 0.1 --lr 5e-5 --pairs-per-batch 8 --eval-every 100
    "$PREF" eval --workspace "$WS" --run "$run" --ref sft --quiet
done
"$PREF" eval --workspace "$WS" --run sft --ref sft --beta 0.1 --quiet

step "pref compare"
"$PREF" compare --workspace "$WS" sft dpo-none dpo-fixed-0.75 dpo-fixed-0.95 dpo-linear-decrease-0.75

step "pref generate"
"$PREF" generate --workspace "$WS" --run dpo-fixed-0.95 --prompt "What is 12 + 30?"
echo
echo "demo workspace: $WS"
echo "figures: $WS/compare/*.svg and $WS/runs/*/eval/*.svg"
