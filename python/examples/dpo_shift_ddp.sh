#!/usr/bin/env bash
# pref's first DPO-Shift step against pref_data.dpo_shift on two gloo ranks, on the demo data:
# builds a workspace with the pref binary (ingest, split, pairs, tokenize, a short SFT), runs
# `pref train --stage dpo --shift fixed:0.75 --max-steps 1`, then the same step under
# torchrun, and prints both metrics lines. Needs a Python with torch, transformers and
# pref_data (pip install ./python, or PYTHONPATH=python/src).
# Usage: python/examples/dpo_shift_ddp.sh [WORKSPACE]   (env: PREF, PYTHON)
set -euo pipefail
cd "$(dirname "$0")/../.."
PREF="${PREF:-$(pwd)/.build/release/pref}"
PYTHON="${PYTHON:-python3}"
WS="${1:-$(mktemp -d)/workspace}"
export PYTHONPATH="$(pwd)/python/src${PYTHONPATH:+:$PYTHONPATH}"
q=(--workspace "$WS" --quiet)
if [ ! -d "$WS/runs/sft" ]; then
    "$PREF" ingest "${q[@]}" demo/data
    "$PREF" split "${q[@]}" --test 0.05
    "$PREF" pairs "${q[@]}" --strategy binarized --curriculum stages:3
    "$PREF" tokenize "${q[@]}" --train-bpe 2048 --template chatml --max-length 256
    "$PREF" train "${q[@]}" --stage sft --model tiny --run sft --max-steps 6 --batch-tokens 2048 --eval-every 100 --threads 2
fi
flags=(--shift fixed:0.75 --beta 0.1 --pairs-per-batch 4 --grad-accum 2 --max-steps 1)
rm -rf "$WS/runs/dpo-first-step"
"$PREF" train "${q[@]}" --stage dpo --from sft --run dpo-first-step "${flags[@]}" --eval-every 100 --threads 2
"$PYTHON" -m torch.distributed.run --standalone --nproc_per_node 2 -m pref_data.dpo_shift \
    --workspace "$WS" --model "$WS/runs/sft" "${flags[@]}" --out "$WS/ddp-first-step" >/dev/null
"$PYTHON" - "$WS" <<'PY'
import json, sys
ws = sys.argv[1]
pref = json.loads(open(f"{ws}/runs/dpo-first-step/metrics.jsonl").readline())
ours = json.loads(open(f"{ws}/ddp-first-step/metrics.jsonl").readline())
for name in ("loss", "rewards/chosen", "rewards/rejected", "logps/chosen", "logps/rejected", "logits/chosen", "logits/rejected", "grad_norm"):
    print(f"{name:18} pref {pref[name]: .9f}   torch x{ours['world_size']} {ours[name]: .9f}   diff {ours[name] - pref[name]: .2e}")
PY
