# Shared by the benchmarks: a virtualenv with the peers, a release build of pref, medians, and
# the verdicts that go into bench/out/summary.md.
#
# Verdicts. A bench calls `bench_begin NAME` first and `bench_end` last. In between, every
# answer pref gives is compared with the peer's through `bench_same` (ids, rows, catalog
# contents, losses: whatever the bench produces) and every speed or memory figure is judged
# against its target through `bench_check`. Both print one line with PASS or FAIL and add a row
# to bench/out/rows/NAME.tsv; `bench/all` (`make bench`) gathers the rows of every bench into
# bench/out/summary.md with `bench_summary`. `bench_end` exits 1 when pref's output differed from
# the peer's, 3 when the outputs agreed but a target was missed, and 0 when everything passed.
BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$BENCH_DIR/.." && pwd)"
OUT_DIR="$BENCH_DIR/out"
mkdir -p "$OUT_DIR"

# bench_venv [PKG...]: makes bench/.venv once and installs what is missing. With
# BENCH_PYTHON set (an interpreter that already has the peers, e.g. a shared venv with torch),
# the benches use it as it is and install nothing into it.
bench_venv() {
    if [ -n "${BENCH_PYTHON:-}" ]; then PY=$BENCH_PYTHON; return; fi
    if [ ! -x "$BENCH_DIR/.venv/bin/python" ]; then python3 -m venv "$BENCH_DIR/.venv"; fi
    if [ $# -gt 0 ]; then "$BENCH_DIR/.venv/bin/pip" install -q --disable-pip-version-check "$@" >&2; fi
    PY="$BENCH_DIR/.venv/bin/python"
}

# bench_torch_venv: bench/.venv with PyTorch and transformers. PyTorch is the CPU build when
# one is at hand: a local wheel from PIP_FIND_LINKS (plain `pip install torch` from PyPI is the
# multi-GB CUDA build on Linux). Without a local wheel it falls back to PyPI's torch, which
# runs on the CPU all the same.
bench_torch_venv() {
    bench_venv
    if "$PY" -c "import torch, transformers" 2>/dev/null; then return; fi
    if [ -n "${BENCH_PYTHON:-}" ]; then echo "BENCH_PYTHON=$BENCH_PYTHON cannot import torch and transformers" >&2; return 1; fi
    local pip=("$BENCH_DIR/.venv/bin/pip" install -q --disable-pip-version-check) wheel
    wheel=$(ls "${PIP_FIND_LINKS:-/nonexistent}"/torch-*+cpu*.whl 2>/dev/null | tail -1 || true)
    if [ -n "$wheel" ]; then
        "${pip[@]}" "$wheel" >&2
    else
        echo "no local CPU wheel of torch in PIP_FIND_LINKS (${PIP_FIND_LINKS:-unset}): installing PyPI's torch" >&2
        "${pip[@]}" torch >&2
    fi
    "${pip[@]}" transformers >&2
}

# Builds pref in release mode and sets PREF.
bench_build() {
    (cd "$ROOT" && swift build -c release --product pref >&2)
    PREF="$ROOT/.build/release/pref"
}

# median_seconds N CMD...: runs CMD (a command or a shell function) N times and prints two
# medians: wall seconds, and CPU seconds (user + system, over all its threads and processes).
# On a shared machine the CPU time is the steadier figure, and wall time far above it means
# the run waited (for the disk, or for a core). Each run starts after `sync`, so the previous
# run's disk writeback is not billed to it. A failed run is never timed: the function says
# which command failed and returns 1 (call it as `M=$(median_seconds ...)` so that stops a
# `set -e` script).
median_seconds() {
    local n=$1; shift
    local walls=() cpus=() t wall user sys TIMEFORMAT='%R %U %S'
    for _ in $(seq "$n"); do
        sync
        t=$( { time "$@" >/dev/null 2>&1; } 2>&1 ) || { echo "command failed: $*" >&2; return 1; }
        read -r wall user sys <<< "$t"
        walls+=("$wall"); cpus+=("$(echo "$user + $sys" | bc -l)")
    done
    echo "$(printf '%s\n' "${walls[@]}" | median) $(printf '%s\n' "${cpus[@]}" | median)"
}

# median: the median of the numbers on stdin, one a line.
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

ratio() { echo "scale=2; $1 / $2" | bc -l; }

# --- verdicts ------------------------------------------------------------------------------

# bench_begin NAME: starts this bench's rows (bench/out/rows/NAME.tsv) afresh.
bench_begin() {
    BENCH_NAME=$1 BENCH_DIFFERED=0 BENCH_MISSED=0
    mkdir -p "$OUT_DIR/rows"
    : > "$OUT_DIR/rows/$BENCH_NAME.tsv"
}

bench_row() { (IFS=$'\t'; echo "$*") >> "$OUT_DIR/rows/$BENCH_NAME.tsv"; }

# bench_check AREA PREF_FIGURE PEER_FIGURE RATIO TARGET: RATIO is how many times better pref
# is than the peer (higher is better: peer seconds / pref seconds, pref tokens/s / peer
# tokens/s, peer bytes / pref bytes); it passes when it is at least TARGET. TARGET "-" prints
# the figure without judging it (a figure the issues set no target for).
bench_check() {
    local area=$1 pref=$2 peer=$3 r=$4 target=$5 verdict
    r=$(printf '%.2f' "$r")
    if [ "$target" = - ]; then
        verdict=info
        printf '%s: ratio pref/peer: %sx  (no target)\n' "$area" "$r"
        bench_row "$area" "$pref" "$peer" "${r}x" "-" "$verdict"
        return
    fi
    if awk -v r="$r" -v t="$target" 'BEGIN { exit !(r >= t) }'; then verdict=PASS; else verdict=FAIL; BENCH_MISSED=1; fi
    printf '%s: ratio pref/peer: %sx  target ≥%sx  %s\n' "$area" "$r" "$target" "$verdict"
    bench_row "$area" "$pref" "$peer" "${r}x" "≥${target}x" "$verdict"
}

# bench_same AREA PREF_ANSWER PEER_ANSWER SAME: SAME is yes when pref's output equals the
# peer's (the two answers describe what was compared, e.g. "60000 records").
bench_same() {
    local area=$1 pref=$2 peer=$3 same=$4 verdict
    if [ "$same" = yes ]; then verdict=PASS; else verdict=FAIL; BENCH_DIFFERED=1; fi
    printf '%s: pref %s, peer %s: %s  %s\n' "$area" "$pref" "$peer" "$([ "$same" = yes ] && echo identical || echo DIFFERENT)" "$verdict"
    bench_row "$area" "$pref" "$peer" "-" "identical" "$verdict"
}

# bench_end: the exit status described at the top of this file.
bench_end() {
    if [ "$BENCH_DIFFERED" = 1 ]; then echo "$BENCH_NAME: FAIL: pref's output differs from the peer's" >&2; exit 1; fi
    if [ "$BENCH_MISSED" = 1 ]; then echo "$BENCH_NAME: FAIL: a target was missed" >&2; exit 3; fi
    echo "$BENCH_NAME: PASS"
}

# bench_training AREA NAME CONFIG MEMORY_TARGET [MEMORY_BASIS [LOGP_ROWS]] (bench/train,
# bench/dpo): runs the caller's `run_pref R` and `run_peer R` (each writes
# OUT/NAME-SIDE-R.json) alternately for ROUNDS rounds, keeps each side's best round
# (bench/best_rounds.py: tokens/s, peak RSS, FLOP/s and the fraction of the sgemm peak in
# OUT/sgemm-peak.json when the caller measured one), checks that both trained a model of the
# same size on the same tokens per step and that pref's log-probs equal PyTorch's on the same
# weights (bench/same_logps.py, on LOGP_ROWS demo pairs), then judges speed (≥1.0x) and peak
# memory. MEMORY_BASIS "full" compares whole-process peaks; "net" subtracts the peer's own
# interpreter and library baseline (its RSS after importing torch and transformers, before
# building the model) from the peer's peak, and counts pref's peak in full.
bench_training() {
    local area=$1 name=$2 config=$3 memory_target=$4 basis=${5:-full} logp_rows=${6:-24} same=yes round LOGP_PAIRS=?
    for round in $(seq 1 "$ROUNDS"); do
        if [ $((round % 2)) = 1 ]; then run_pref "$round"; run_peer "$round"; else run_peer "$round"; run_pref "$round"; fi
    done
    "$PY" "$BENCH_DIR/best_rounds.py" "$OUT" "$name" "$ROUNDS" "$config"
    source "$OUT/$name.env"
    bench_same "$area: model size and tokens per step" "$PREF_WORK" "$PEER_WORK" "$SAME_WORK"
    "$PY" "$BENCH_DIR/same_logps.py" "$PREF" "$config" "$OUT" "$THREADS" "$logp_rows" || same=no
    source "$OUT/logps-$(basename "$config" .json).env" 2>/dev/null || true
    bench_same "$area: log-probs vs PyTorch, same weights" "$LOGP_PAIRS test pairs" "$LOGP_PAIRS test pairs" "$same"
    bench_check "$area: speed, $THREADS threads each" "$PREF_TPS tokens/s" "$PEER_TPS tokens/s" "$(ratio "$PREF_TPS" "$PEER_TPS")" 1.0
    if [ "$basis" = net ]; then
        bench_check "$area: peak memory (peer MiB − its $PEER_BASE_MIB MiB baseline / pref MiB)" "$PREF_MIB MiB" \
            "$PEER_NET_MIB MiB ($PEER_MIB − $PEER_BASE_MIB)" "$(ratio "$PEER_NET_MIB" "$PREF_MIB")" "$memory_target"
    else
        bench_check "$area: peak memory (peer MiB / pref MiB)" "$PREF_MIB MiB" "$PEER_MIB MiB" "$(ratio "$PEER_MIB" "$PREF_MIB")" "$memory_target"
    fi
}

# bench_summary FILE NAME...: writes the rows of the named benches as one Markdown table, in
# that order, each bench's latest run (bench/all writes bench/out/rows/NAME.status, "STATUS
# WHEN", after each run). A bench that exited non-zero without a FAIL row (it broke), or that
# wrote no rows at all (it does not call bench_check), gets a row of its own: its exit status
# and the `ratio pref/peer:` figures its log (bench/out/logs/NAME.log) printed.
bench_summary() {
    local file=$1 name status when rows ratios; shift
    {
        echo "# pref benchmarks"
        echo
        echo "Written $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores," \
             "load average $(cut -d' ' -f1-3 /proc/loadavg): other processes on these cores skew the timings." \
             "Each bench's rows are from its latest run (bench/out/logs/NAME.log), at the time given."
        echo
        echo "| area | pref | peer | ratio pref/peer | target | result |"
        echo "|---|---|---|---|---|---|"
        for name in "$@"; do
            rows="$OUT_DIR/rows/$name.tsv"
            read -r status when < "$OUT_DIR/rows/$name.status" 2>/dev/null || { status="not run"; when=""; }
            echo "| **$name**${when:+ ($when)} | | | | | |"
            if [ "$status" = "not run" ]; then echo "| $name | not run | | | | |"; continue; fi
            ratios=$(grep -o 'ratio pref/peer: [0-9.]*x' "$OUT_DIR/logs/$name.log" 2>/dev/null | cut -d' ' -f3 | paste -sd' ' || true)
            if [ -s "$rows" ]; then awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$rows"; fi
            if [ "$status" != 0 ] && ! grep -q 'FAIL$' "$rows" 2>/dev/null; then
                echo "| $name | exit status $status, see bench/out/logs/$name.log | | ${ratios:--} | | FAIL |"
            elif [ ! -s "$rows" ]; then
                echo "| $name | exit status 0; prints no PASS/FAIL verdicts | | ${ratios:--} | not judged | PASS |"
            fi
        done
    } > "$file"
}
