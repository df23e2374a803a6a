# Sourced by bench/tokenizer: encode with tokenizers whose pre-tokenizer is a Sequence of Split
# regexes that no hand-written scanner covers (bench/general_pretokenizers.py makes them from
# the trained 32k model), pref against HF, one thread each. Runs alternate pref, HF, pref, ...
# so that load from other processes falls on both; the figures are medians. Ids must be
# identical; target (issue 13): at least 1.5x HF.
#
#   bench_general_pretokenizers CORPUS BASE.json
bench_general_pretokenizers() {
    local corpus=$1 base=$2 name p h pref_times hf_times same
    "$PY" "$BENCH_DIR/general_pretokenizers.py" make "$OUT" "$base"
    for name in multisplit o200k; do
        echo "== encode every line, one thread, $name pre-tokenizer (compiled regexes)"
        pref_times=() hf_times=()
        for i in $(seq "$RUNS"); do
            pref_times+=("$("$PREF" tokenizer encode --tokenizer "$OUT/$name.json" --stats --json --threads 1 "$corpus" \
                | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["seconds"])')")
            hf_times+=("$(RAYON_NUM_THREADS=1 TOKENIZERS_PARALLELISM=false "$PY" "$BENCH_DIR/general_pretokenizers.py" \
                encode "$OUT/$name.json" "$corpus" $([ "$i" = 1 ] && echo "$OUT/hf-$name-ids.txt"))")
        done
        "$PREF" tokenizer encode --tokenizer "$OUT/$name.json" "$corpus" > "$OUT/pref-$name-ids.txt"
        same=$(cmp -s "$OUT/pref-$name-ids.txt" "$OUT/hf-$name-ids.txt" && echo yes || echo no)
        p=$(printf '%s\n' "${pref_times[@]}" | median)
        h=$(printf '%s\n' "${hf_times[@]}" | median)
        echo "pref: ${pref_times[*]} s; HF: ${hf_times[*]} s (medians $p / $h)"
        bench_same "tokenizer: encode ids, $name pre-tokenizer" "$(wc -l < "$OUT/hf-$name-ids.txt") lines" \
            "$(wc -l < "$OUT/hf-$name-ids.txt") lines" "$same"
        bench_check "tokenizer: encode, 1 thread, $name pre-tokenizer" "${p}s" "${h}s" "$(ratio "$h" "$p")" 1.5
    done
}
