#!/usr/bin/env python3
"""Checks `pref eval` against the same quantities computed with transformers.

For every pair of a split of a tokenized pref workspace (read with python/'s pref_data, so
the ids are exactly the shards'), it runs the model with transformers, sums the log-probs
of the chosen and the rejected response tokens given the prompt (float32 forward, float64
sums, as pref), and, with a reference, the reference's; then the eval figures pref prints:
perplexity on chosen responses token-weighted and mean-per-response, reward accuracy and
margins β·((logπ_w − logπ_ref,w) − (logπ_l − logπ_ref,l)). It compares them with the
eval.json `pref eval` wrote and exits non-zero when any differs by more than the tolerance
(per-pair log-probs 1e-3 relative, as pref score; summary figures 1e-4 relative).

    python scripts/eval-golden.py --workspace WS --eval-json WS/runs/dpo/eval/eval.json \
        --model WS/runs/dpo [--ref WS/SmolLM2-135M-Instruct] [--gguf FILE.gguf] [--limit N]

Two checks. (1) The summary pref printed equals these formulas applied to pref's own per-pair
values over every pair (the aggregation: both perplexities, accuracy, margins). (2) The first
`--limit` pairs (default: all) computed with transformers equal pref's per-pair values, and so
do the figures over those pairs. PyTorch's CPU matmuls are slow on some machines (about 14
GFLOP/s at 2 threads here), hence --limit for a quick run.

`--gguf` loads the model (or, with --ref-gguf, the reference) from the GGUF with
transformers' own dequantization instead of pref's imported folder, so nothing of pref's
import is trusted. scripts/real-dpo-shift.sh runs it after its evals when CHECK=1.

Install: pip install torch transformers gguf accelerate ./python   (tested: torch 2.13.0+cpu, transformers 5.24.0)
"""
import argparse
import json
import math
import os
import sys

import torch
from transformers import AutoModelForCausalLM

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python", "src"))
from pref_data import PreferenceDataset  # noqa: E402


def load(folder, gguf):
    if gguf:
        model = AutoModelForCausalLM.from_pretrained(os.path.dirname(gguf), gguf_file=os.path.basename(gguf), dtype=torch.float32)
    else:
        model = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32)
    return model.eval()


@torch.no_grad()
def response_logp(model, prompt, response):
    ids = torch.tensor([prompt + response])
    logits = model(ids).logits[0].float()
    logprobs = torch.log_softmax(logits[len(prompt) - 1:-1], dim=-1)
    picked = logprobs.gather(1, torch.tensor(response).unsqueeze(1)).squeeze(1)
    return float(picked.double().sum())


def relative(a, b):
    return abs(a - b) / max(1.0, abs(b))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", required=True)
    parser.add_argument("--eval-json", required=True)
    parser.add_argument("--model", help="HF folder of the evaluated model")
    parser.add_argument("--gguf", help="load the evaluated model from this GGUF instead")
    parser.add_argument("--ref", help="HF folder of the reference")
    parser.add_argument("--ref-gguf", help="load the reference from this GGUF instead")
    parser.add_argument("--split", default="test")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--limit", type=int, help="compute only the first N pairs with transformers")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    with open(args.eval_json) as f:
        pref = json.load(f)
    beta = pref["beta"]
    pairs = PreferenceDataset(args.workspace, split=args.split)
    model = load(args.model, args.gguf)
    reference = load(args.ref, args.ref_gguf) if (args.ref or args.ref_gguf) else None
    if len(pairs) != len(pref["pairs"]):
        sys.exit(f"eval-golden: {len(pairs)} {args.split} pairs in the shards, {len(pref['pairs'])} in {args.eval_json}")

    rows, worst = [], 0.0
    for i in range(min(len(pairs), args.limit or len(pairs))):
        p = pairs[i]
        row = {"logp_chosen": response_logp(model, p["prompt_ids"], p["chosen_ids"]),
               "logp_rejected": response_logp(model, p["prompt_ids"], p["rejected_ids"]),
               "tokens_chosen": len(p["chosen_ids"]), "tokens_rejected": len(p["rejected_ids"])}
        if reference is not None:
            row["ref_logp_chosen"] = response_logp(reference, p["prompt_ids"], p["chosen_ids"])
            row["ref_logp_rejected"] = response_logp(reference, p["prompt_ids"], p["rejected_ids"])
        theirs = pref["pairs"][i]
        if (row["tokens_chosen"], row["tokens_rejected"]) != (theirs["tokens_chosen"], theirs["tokens_rejected"]):
            sys.exit(f"eval-golden: pair {i}: token counts {row['tokens_chosen']}/{row['tokens_rejected']} vs pref's "
                     f"{theirs['tokens_chosen']}/{theirs['tokens_rejected']}")
        for key in ("logp_chosen", "logp_rejected", "ref_logp_chosen", "ref_logp_rejected"):
            if key in row:
                if key not in theirs:
                    sys.exit(f"eval-golden: pair {i}: pref's eval.json has no {key}")
                worst = max(worst, relative(theirs[key], row[key]))
        rows.append(row)

    def figures_of(rows, margin_of):
        n = len(rows)
        out = {
            "perplexity_chosen_token_weighted": math.exp(-sum(r["logp_chosen"] for r in rows) / max(1, sum(r["tokens_chosen"] for r in rows))),
            "perplexity_chosen_mean_per_response": sum(math.exp(-r["logp_chosen"] / max(1, r["tokens_chosen"])) for r in rows) / n,
            "logps/chosen_mean": sum(r["logp_chosen"] for r in rows) / n,
            "logps/rejected_mean": sum(r["logp_rejected"] for r in rows) / n,
        }
        if "ref_logp_chosen" in rows[0]:
            margins = [margin_of(r) for r in rows]
            out["rewards/accuracies"] = sum(m > 0 for m in margins) / n
            out["rewards/margins_mean"] = sum(margins) / n
            out["logps/chosen_change_vs_reference_mean"] = sum(r["logp_chosen"] - r["ref_logp_chosen"] for r in rows) / n
        return out

    def margin(r):
        return beta * ((r["logp_chosen"] - r["ref_logp_chosen"]) - (r["logp_rejected"] - r["ref_logp_rejected"]))

    failed = False
    # (1) pref's aggregation of its own per-pair values.
    print(f"(1) pref's summary against the formulas over pref's own {len(pref['pairs'])} per-pair values")
    for key, value in figures_of(pref["pairs"], margin).items():
        diff = relative(pref["summary"][key], value)
        failed |= diff > 1e-9
        print(f"    {key:42} {pref['summary'][key]:14.6f} {value:14.6f} {diff:10.2e}")

    # (2) transformers against pref on the pairs computed here.
    n = len(rows)
    mine = pref["pairs"][:n]
    figures = figures_of(rows, margin)
    theirs_figures = figures_of(mine, margin)
    flips = []
    if reference is not None:
        # A margin within float noise of 0 may take the other sign in pref; any other flip is an error.
        flips = [i for i, r in enumerate(rows) if (mine[i]["margin"] > 0) != (margin(r) > 0)]
        if any(abs(margin(rows[i])) > 1e-4 for i in flips):
            sys.exit(f"eval-golden: reward signs differ on pairs {flips}")

    failed |= worst > 1e-3
    print(f"(2) {n} of {len(pref['pairs'])} {args.split} pairs with transformers; per-pair log-probs: largest relative difference "
          f"{worst:.2e} (tolerance 1e-3)")
    print(f"    {'figure over those pairs':42} {'pref':>14} {'transformers':>14} {'rel diff':>10}")
    for key, value in figures.items():
        theirs = theirs_figures[key]
        tolerance = (len(flips) + 0.5) / n if key == "rewards/accuracies" else 1e-4
        diff = relative(theirs, value)
        failed |= diff > tolerance
        print(f"    {key:42} {theirs:14.6f} {value:14.6f} {diff:10.2e}")
    if failed:
        sys.exit("eval-golden: pref's eval differs from transformers'")
    print("eval-golden: pref's eval equals transformers' computation")


if __name__ == "__main__":
    main()
