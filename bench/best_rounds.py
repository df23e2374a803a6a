#!/usr/bin/env python3
"""bench/train and bench/dpo: reads the ROUNDS JSON results of each side (OUT/NAME-pref-R.json
from `pref train --benchmark`, OUT/NAME-peer-R.json from the PyTorch peer), keeps each side's
best round (other processes on shared cores only ever slow a round down), prints both, and
writes OUT/NAME.env for the verdicts (bench_training in bench/lib.sh).
Usage: best_rounds.py OUT NAME ROUNDS
"""
import json, sys

out, name, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
runs = {side: [json.load(open(f"{out}/{name}-{side}-{r}.json")) for r in range(1, rounds + 1)] for side in ("pref", "peer")}
pref, peer = (max(runs[s], key=lambda r: r["tokens_per_second"]) for s in ("pref", "peer"))
flops_per_token = pref["flops_per_second"] / pref["tokens_per_second"]
rounds_text = {s: ", ".join(f"{r['tokens_per_second']:.0f}" for r in runs[s]) for s in runs}
print(f"  pref     {pref['tokens_per_second']:9.1f} tokens/s  step {pref['median_step_seconds']:7.3f} s  peak RSS {pref['peak_rss_bytes'] / 2**20:7.0f} MiB"
      f"  {pref['flops_per_second'] / 1e9:6.1f} GFLOP/s = {100 * pref['flops_per_second'] / pref['sgemm_peak_flops_per_second']:.0f}% of sgemm peak"
      f" ({pref['sgemm_peak_flops_per_second'] / 1e9:.1f} GFLOP/s)   rounds: {rounds_text['pref']} tokens/s")
print(f"  pytorch  {peer['tokens_per_second']:9.1f} tokens/s  step {peer['median_step_seconds']:7.3f} s  peak RSS {peer['peak_rss_bytes'] / 2**20:7.0f} MiB"
      f"  {peer['tokens_per_second'] * flops_per_token / 1e9:6.1f} GFLOP/s  (torch {peer['torch']})   rounds: {rounds_text['peer']} tokens/s")
same = all(pref[k] == peer[k] for k in ("parameters", "tokens_per_step"))
work = {s: f"{r['parameters']} parameters, {r['tokens_per_step']} tokens/step" for s, r in (("pref", pref), ("peer", peer))}
with open(f"{out}/{name}.env", "w") as f:
    f.write(f"PREF_TPS={pref['tokens_per_second']:.1f} PEER_TPS={peer['tokens_per_second']:.1f} "
            f"PREF_MIB={pref['peak_rss_bytes'] / 2**20:.0f} PEER_MIB={peer['peak_rss_bytes'] / 2**20:.0f} "
            f"PREF_WORK='{work['pref']}' PEER_WORK='{work['peer']}' SAME_WORK={'yes' if same else 'no'}\n")
