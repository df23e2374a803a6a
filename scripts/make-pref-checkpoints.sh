#!/usr/bin/env bash
# Makes fixtures/model/pref-checkpoints: two tiny checkpoints written by `pref train` (llama,
# qwen2), the logits transformers computes from them, and the greedy-generation golden.
#
#   scripts/make-pref-checkpoints.sh [OUT]          # OUT defaults to fixtures/model/pref-checkpoints
#   PREF=/path/to/old/pref scripts/make-pref-checkpoints.sh OUT   # reuse a built pref of $COMMIT
#   PYTHON=/path/to/venv/bin/python ...             # torch + transformers + safetensors
#
# How the committed files were made (commit 06eca93, "checkpoints written by pref load in
# transformers"): `pref train --model <name>-config.json --text-jsonl FILE --seed 42` on the
# byte-level developer data path (vocabulary 258: bytes, BOS, EOS), which only that era of pref
# has (the shard pipeline replaced it), then `python scripts/model-golden.py --pref-checkpoint
# DIR` for the logits. The JSONL it trained on was never committed: the embedding rows the
# training moved show exactly 62 distinct byte values, and no JSONL in the repository or in
# ../shared/data has that byte set. So this script trains on a committed corpus instead
# (demo/data/sft_chat.jsonl), with every setting pinned: config.json comes out byte-identical
# to the committed one, model.safetensors does not (other data, other weights), and two runs of
# this script give identical checkpoint bytes. The *-hf-logits.safetensors tensors are identical
# from run to run, but their header bytes may not be: the safetensors writer emits the
# metadata keys ("format", "class") in hash-map order. Running it with OUT = the fixture folder
# replaces the checkpoints, so the logits and generation goldens are regenerated with them.
# Checked (2026-12-02): OUT=/tmp/a and OUT=/tmp/b gave the same model.safetensors and logits
# values; both config.json files equal the committed ones byte for byte.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
COMMIT=06eca93
OUT=${1:-$ROOT/fixtures/model/pref-checkpoints}
CORPUS=${CORPUS:-$ROOT/demo/data/sft_chat.jsonl}
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

if [[ -z "${PREF:-}" ]]; then
    # That commit's pref, built from its tree. Its Package.swift names test folders the commit
    # does not hold; empty ones satisfy SwiftPM. Dependencies resolve as this checkout's do.
    mkdir -p "$WORK/src"
    git -C "$ROOT" archive "$COMMIT" | tar -x -C "$WORK/src"
    for d in StoreTests IngestTests; do mkdir -p "$WORK/src/Tests/$d" && echo "// placeholder" > "$WORK/src/Tests/$d/Placeholder.swift"; done
    cp "$ROOT/Package.resolved" "$WORK/src/"
    if [[ -d "$ROOT/.build/checkouts" ]]; then
        mkdir -p "$WORK/src/.build" && cp -r "$ROOT/.build/checkouts" "$ROOT/.build/repositories" "$WORK/src/.build/"
    fi
    (cd "$WORK/src" && swift build --product pref >&2)
    PREF="$WORK/src/.build/debug/pref"
fi

mkdir -p "$OUT"
if [[ "$OUT" != "$ROOT/fixtures/model/pref-checkpoints" ]]; then
    cp "$ROOT"/fixtures/model/pref-checkpoints/{batch.json,llama-config.json,qwen2-config.json} "$OUT/"
fi
for name in llama qwen2; do
    # One thread: the sums then run in one order, so the weights are the same on any machine.
    "$PREF" train --model "$OUT/$name-config.json" --text-jsonl "$CORPUS" --workspace "$WORK/ws" --run "$name" \
        --seed 42 --max-steps 40 --seq-len 64 --batch-tokens 1024 --lr 3e-3 --warmup-ratio 0.1 --eval-every 1000 \
        --save-every 1000 --threads 1 --quiet >&2
    mkdir -p "$OUT/$name"
    cp "$WORK/ws/runs/$name/config.json" "$WORK/ws/runs/$name/model.safetensors" "$OUT/$name/"
    "$PYTHON" "$ROOT/scripts/model-golden.py" --pref-checkpoint "$OUT/$name"
done
if [[ "$OUT" == "$ROOT/fixtures/model/pref-checkpoints" ]]; then
    "$PYTHON" "$ROOT/scripts/generate-golden.py"
fi
echo "checkpoints in $OUT" >&2
