#!/usr/bin/env python3
"""bench/train and bench/dpo: reads the ROUNDS JSON results of each side (OUT/NAME-pref-R.json
from `pref train --benchmark`, OUT/NAME-peer-R.json from the PyTorch peer), keeps each side's
best round (other processes on shared cores only ever slow a round down), prints both, and
writes OUT/NAME.env for the verdicts (bench_training in bench/lib.sh).

Achieved FLOP/s = tokens/s × training FLOPs per token, the same figure for both sides:
    FLOPs/token = 6·N + 12·L·(H·D)·T
with N the weights in matrix products (per layer d·(2·H·D + 2·KV·D) + 3·d·ffn, plus the
vocab × d head; the embedding lookup is no product, a tied head counts once), L layers, H
query heads of width D, KV key/value heads, T the sequence length: 6·N is forward (2·N) plus
backward (4·N), 12·L·H·D·T the attention scores and weighted values over the full T × T square
(PaLM's convention; causal attention needs half of it). Biases and elementwise work are left
out. The fraction of peak divides by OUT/sgemm-peak.json (bench/sgemm_peak.c: OpenBLAS sgemm on
large square matrices, same threads) when the caller measured it, else by pref's own figure.
Usage: best_rounds.py OUT NAME ROUNDS [CONFIG.json]
"""
import json, os, sys

out, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
config = json.load(open(sys.argv[4])) if len(sys.argv) > 4 else None
runs = {side: [json.load(open(f"{out}/{name}-{side}-{r}.json")) for r in range(1, rounds + 1)] for side in ("pref", "peer")}
pref, peer = (max(runs[s], key=lambda r: r["tokens_per_second"]) for s in ("pref", "peer"))


def flops_per_token(c, length):
    heads, d, ffn = c["num_attention_heads"], c["hidden_size"], c["intermediate_size"]
    head_dim = c.get("head_dim") or d // heads
    kv = c.get("num_key_value_heads") or heads
    layers = c["num_hidden_layers"]
    n = layers * (d * (2 * heads * head_dim + 2 * kv * head_dim) + 3 * d * ffn) + c["vocab_size"] * d
    return 6 * n + 12 * layers * heads * head_dim * length


if config is not None and "length" in peer:
    per_token = flops_per_token(config, peer["length"])
    theirs = pref["flops_per_second"] / pref["tokens_per_second"]
    if abs(theirs - per_token) > 1e-3 * per_token:
        sys.exit(f"{name}: pref counts {theirs:.4e} FLOPs/token, the formula {per_token:.4e}")
else:
    per_token = pref["flops_per_second"] / pref["tokens_per_second"]
peak_file = f"{out}/sgemm-peak.json"
peak_run = json.load(open(peak_file)) if os.path.exists(peak_file) else None
peak = peak_run["sgemm_peak_flops_per_second"] if peak_run else pref["sgemm_peak_flops_per_second"]
peak_text = (f"OpenBLAS sgemm peak {peak / 1e9:.1f} GFLOP/s ({peak_run['threads']} threads, {peak_run['openblas_core']} kernels)"
             if peak_run else f"pref's sgemm peak {peak / 1e9:.1f} GFLOP/s")
print(f"  FLOPs/token {per_token / 1e9:.3f} G (6·N + 12·L·H·D·T); {peak_text}")
rounds_text = {s: ", ".join(f"{r['tokens_per_second']:.0f}" for r in runs[s]) for s in runs}
mib = lambda b: b / 2**20
base = peer.get("baseline_rss_bytes", 0)
for side, r in (("pref", pref), ("pytorch", peer)):
    flops = r["tokens_per_second"] * per_token
    extra = f"  (baseline {mib(base):.0f} MiB, net {mib(r['peak_rss_bytes'] - base):.0f} MiB; torch {r['torch']})" if side == "pytorch" else ""
    print(f"  {side:8} {r['tokens_per_second']:9.1f} tokens/s  step {r['median_step_seconds']:7.3f} s  peak RSS {mib(r['peak_rss_bytes']):7.0f} MiB"
          f"  {flops / 1e9:6.1f} GFLOP/s = {100 * flops / peak:.0f}% of sgemm peak   rounds: {rounds_text['pref' if side == 'pref' else 'peer']} tokens/s{extra}")
same = all(pref[k] == peer[k] for k in ("parameters", "tokens_per_step"))
work = {s: f"{r['parameters']} parameters, {r['tokens_per_step']} tokens/step" for s, r in (("pref", pref), ("peer", peer))}
with open(f"{out}/{name}.env", "w") as f:
    f.write(f"PREF_TPS={pref['tokens_per_second']:.1f} PEER_TPS={peer['tokens_per_second']:.1f} "
            f"PREF_MIB={mib(pref['peak_rss_bytes']):.0f} PEER_MIB={mib(peer['peak_rss_bytes']):.0f} "
            f"PEER_BASE_MIB={mib(base):.0f} PEER_NET_MIB={mib(peer['peak_rss_bytes'] - base):.0f} "
            f"PREF_FRACTION={pref['tokens_per_second'] * per_token / peak:.3f} PEER_FRACTION={peer['tokens_per_second'] * per_token / peak:.3f} "
            f"PREF_WORK='{work['pref']}' PEER_WORK='{work['peer']}' SAME_WORK={'yes' if same else 'no'}\n")
