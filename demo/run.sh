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
echo
echo "demo workspace: $WS"
