#!/usr/bin/env bash
# The real experiment of issue 14: SmolLM2-135M-Instruct, DPO against DPO-Shift, on real
# UltraFeedback pairs, on this CPU.
#
#   1. import the GGUF (scripts/fetch-test-models.sh downloads it) into an HF folder;
#   2. ingest ../shared/data/ultrafeedback_binarized (1,000 train_prefs + 200 test_prefs rows,
#      their own splits kept), build the binarized pairs, tokenize with SmolLM2's tokenizer
#      and its own chat template;
#   3. eval the model as released: perplexity on the chosen responses of the test split;
#   4. DPO (λ = 1), DPO-Shift fixed λ = 0.75 and DPO-Shift linear-decrease 1 → 0.75, each from
#      the model, on the train pairs in the same order, for the same number of optimizer steps:
#      as many as fit in MINUTES (default 10) by a one-step timing probe. Reference
#      log-probs are computed on demand (each batch once, stored, reused by the later runs);
#   5. eval each run on the test split (reference log-probs of the test pairs computed once
#      with the released model and stored) and print the compare table.
#
# Everything lands in $WS (default .cache/real-dpo-shift); the table in $WS/compare.txt. A
# stage whose output is already there is skipped, so an interrupted run continues (FRESH=1
# starts over). Training evaluates nothing (--eval-every 0): `pref eval` does it afterwards.
# CHECK=1 then checks every eval against transformers with scripts/eval-golden.py on the first
# CHECK_PAIRS (16) test pairs, and pref's aggregation over all of them (PYTHON
# with torch, transformers, gguf).
#
#   bash scripts/real-dpo-shift.sh                     # about 50 minutes on 2 cores
#   MINUTES=2 bash scripts/real-dpo-shift.sh           # a quick look
#   LR=1e-5 BETA=0.1 PAIRS=4 ACCUM=2 MAX_LENGTH=512 bash scripts/real-dpo-shift.sh
set -euo pipefail
cd "$(dirname "$0")/.."

MINUTES="${MINUTES:-10}"
LR="${LR:-1e-5}"
BETA="${BETA:-0.1}"
PAIRS="${PAIRS:-4}"          # pairs per micro-batch
ACCUM="${ACCUM:-2}"          # micro-batches per optimizer step
MAX_LENGTH="${MAX_LENGTH:-512}"
MAX_PROMPT="${MAX_PROMPT:-256}"
SHIFT_LAMBDA="${SHIFT_LAMBDA:-0.75}"
WS="${WS:-.cache/real-dpo-shift}"
DATA="${DATA:-../shared/data/ultrafeedback_binarized}"
GGUF="${GGUF:-.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
THREADS="${THREADS:-$(nproc)}"

if [ -z "${PREF:-}" ]; then
    swift build -c release --product pref 2>&1 | tail -1
    PREF="$(pwd)/.build/release/pref"
fi
[ -f "$GGUF" ] || bash scripts/fetch-test-models.sh
[ -d "$DATA" ] || { echo "real-dpo-shift: $DATA is absent (the shared real-data samples)" >&2; exit 1; }

say() { echo "== $(date -u +%H:%M:%S) $*"; }
run() { local verb="$1"; shift; "$PREF" "$verb" --workspace "$WS" "$@"; }

[ "${FRESH:-0}" = 1 ] && rm -rf "$WS"
mkdir -p "$WS"
MODEL="$WS/SmolLM2-135M-Instruct"
if [ ! -f "$WS/tokenize.json" ]; then
    say "import $GGUF"
    "$PREF" model import "$GGUF" --to "$MODEL" --quiet
    say "ingest, split (the sources' own train/test), pairs, tokenize (max length $MAX_LENGTH, prompt $MAX_PROMPT)"
    run ingest "$DATA/train_prefs.jsonl" "$DATA/test_prefs.jsonl" --quiet
    run split --test 0.05 --quiet
    run pairs --strategy binarized --quiet   # ties (score_chosen == score_rejected) never make a pair
    run tokenize --tokenizer "$MODEL" --max-length "$MAX_LENGTH" --max-prompt-length "$MAX_PROMPT" --quiet --json > "$WS/tokenize.json.part"
    mv "$WS/tokenize.json.part" "$WS/tokenize.json"
fi
cat "$WS/tokenize.json"; echo

if [ ! -f "$MODEL/eval/eval.json" ]; then
    say "eval of the released model (no reference: perplexity and log-probs)"
    run eval --model "$MODEL" --threads "$THREADS" --quiet > "$WS/eval-base.txt"
fi
cat "$WS/eval-base.txt"

common=(--stage dpo --from "$MODEL" --lr "$LR" --beta "$BETA" --pairs-per-batch "$PAIRS" --grad-accum "$ACCUM"
        --lr-schedule linear --warmup-ratio 0.1 --reference-logps on-demand --eval-every 0 --save-every 0
        --threads "$THREADS" --seed 42)

if [ ! -f "$WS/steps" ]; then
    # One step's wall time, model loading and its batch's reference log-probs included (the
    # first run computes every batch's; the later ones find them stored and run faster).
    say "timing probe: one optimizer step"
    rm -rf "$WS/runs/probe"
    start=$(date +%s.%N)
    run train "${common[@]}" --run probe --max-steps 1 --quiet > /dev/null
    step=$(echo "$(date +%s.%N) - $start" | bc -l)
    rm -rf "$WS/runs/probe"
    echo "$(echo "s = ($MINUTES * 60) / $step; if (s < 1) 1 else s / 1" | bc)" > "$WS/steps"
    echo "one step took ${step}s"
fi
STEPS=$(cat "$WS/steps")
echo "$STEPS steps of $((PAIRS * ACCUM)) pairs per run"

for spec in "dpo none" "shift-fixed-$SHIFT_LAMBDA fixed:$SHIFT_LAMBDA" "shift-linear-decrease-$SHIFT_LAMBDA linear-decrease:$SHIFT_LAMBDA"; do
    set -- $spec
    if [ ! -f "$WS/runs/$1/run.json" ]; then
        say "train $1 (--shift $2, $STEPS steps)"
        rm -rf "$WS/runs/$1"
        start=$(date +%s)
        run train "${common[@]}" --run "$1" --shift "$2" --max-steps "$STEPS" --quiet
        echo "$1: $(( $(date +%s) - start )) s"
    fi
    tail -n 1 "$WS/runs/$1/metrics.jsonl"
done

for name in dpo "shift-fixed-$SHIFT_LAMBDA" "shift-linear-decrease-$SHIFT_LAMBDA"; do
    if [ ! -f "$WS/runs/$name/eval/eval.json" ]; then
        say "eval $name"
        run eval --run "$name" --threads "$THREADS" --quiet > "$WS/eval-$name.txt"
    fi
    cat "$WS/eval-$name.txt"
done

say "compare"
run compare "$MODEL" dpo "shift-fixed-$SHIFT_LAMBDA" "shift-linear-decrease-$SHIFT_LAMBDA" --quiet | tee "$WS/compare.txt"

if [ "${CHECK:-0}" = 1 ]; then
    PYTHON="${PYTHON:-python3}"
    say "transformers check of the released model's eval (loaded from the GGUF by transformers)"
    "$PYTHON" scripts/eval-golden.py --workspace "$WS" --eval-json "$MODEL/eval/eval.json" --gguf "$GGUF" --threads "$THREADS" --limit "${CHECK_PAIRS:-16}"
    for name in dpo "shift-fixed-$SHIFT_LAMBDA" "shift-linear-decrease-$SHIFT_LAMBDA"; do
        say "transformers check of $name's eval (reference: the released model from the GGUF)"
        "$PYTHON" scripts/eval-golden.py --workspace "$WS" --eval-json "$WS/runs/$name/eval/eval.json" --model "$WS/runs/$name" \
            --ref-gguf "$GGUF" --threads "$THREADS" --limit "${CHECK_PAIRS:-16}"
    done
fi
