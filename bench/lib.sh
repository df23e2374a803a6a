# Shared by the benchmarks: a virtualenv with the peers, a release build of pref, medians.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"
mkdir -p "$OUT_DIR"

# bench_venv PKG...: makes bench/.venv once and installs what is missing.
bench_venv() {
    if [ ! -x "$BENCH_DIR/.venv/bin/python" ]; then python3 -m venv "$BENCH_DIR/.venv"; fi
    "$BENCH_DIR/.venv/bin/pip" install -q --disable-pip-version-check "$@" >&2
    PY="$BENCH_DIR/.venv/bin/python"
}

# bench_torch_venv: bench/.venv with PyTorch and transformers. PyTorch is the CPU build: a
# local wheel from PIP_FIND_LINKS when there is one, else PyTorch's CPU index (plain `pip
# install torch` would fetch the multi-GB CUDA build).
bench_torch_venv() {
    if "$BENCH_DIR/.venv/bin/python" -c "import torch, transformers" 2>/dev/null; then return; fi
    [ -x "$BENCH_DIR/.venv/bin/python" ] || python3 -m venv "$BENCH_DIR/.venv"
    local pip=("$BENCH_DIR/.venv/bin/pip" install -q --disable-pip-version-check) wheel
    wheel=$(ls "${PIP_FIND_LINKS:-/nonexistent}"/torch-*+cpu*.whl 2>/dev/null | tail -1 || true)
    if [ -n "$wheel" ]; then "${pip[@]}" "$wheel" >&2; else "${pip[@]}" torch --index-url https://download.pytorch.org/whl/cpu >&2; fi
    "${pip[@]}" transformers >&2
}

# Builds pref in release mode and sets PREF.
bench_build() {
    (cd "$ROOT" && swift build -c release --product pref >&2)
    PREF="$ROOT/.build/release/pref"
}

# median_seconds N CMD...: runs CMD N times, prints the median wall time in seconds.
# Each run starts after `sync`, so the previous run's disk writeback is not billed to it.
median_seconds() {
    local n=$1; shift
    local times=()
    for _ in $(seq "$n"); do
        local t0 t1
        sync
        t0=$(date +%s.%N); "$@" >/dev/null 2>&1 || { echo "command failed: $*" >&2; return 1; }; t1=$(date +%s.%N)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

ratio() { echo "scale=2; $1 / $2" | bc -l; }
