#!/usr/bin/env python3
"""Greedy generation goldens from transformers, for Tests/TrainTests/GenerationGoldenTests.swift.

Install: python -m pip install torch transformers safetensors   (tested: torch 2.13.0+cpu, transformers 5.24.0)
Run from the package root:
    python scripts/generate-golden.py      # writes fixtures/model/pref-checkpoints/generate.golden.json

The models are the committed checkpoints written by `pref` (fixtures/model/pref-checkpoints/
llama and qwen2), loaded with AutoModelForCausalLM. For each prompt (a prefix of the rows in
batch.json) it records `generate(do_sample=False)` with no stop token, and again with
`eos_token_id` set to a token greedy decoding first produces at step 3 or later, which must
stop there and include it. It also records, per step, the gap between the best and second-best logit: greedy
tokens are only a fair golden where that gap is well above Float32 rounding, and the script
refuses prompts where it is not.
"""
import json
import os

import torch
from greedy_golden import greedy
from transformers import AutoModelForCausalLM

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "fixtures", "model", "pref-checkpoints")
NEW_TOKENS = 12
MIN_GAP = 1e-3


def main():
    torch.set_num_threads(1)
    with open(os.path.join(DIR, "batch.json")) as f:
        batch = json.load(f)
    rows = [batch["inputs"][r * batch["length"]:(r + 1) * batch["length"]] for r in range(batch["rows"])]
    # Prompts chosen where greedy decoding has no near-ties (the little-trained llama checkpoint
    # settles on spaces; the qwen2 one says more).
    prompts = {"llama": [rows[0][:10], rows[1][:14], rows[0][:6]], "qwen2": [rows[0][:3], rows[0][:7], rows[1][:14]]}
    golden = {"new_tokens": NEW_TOKENS, "cases": []}
    for name in ["llama", "qwen2"]:
        model = AutoModelForCausalLM.from_pretrained(os.path.join(DIR, name), dtype=torch.float32).eval()
        for prompt in prompts[name]:
            with torch.no_grad():
                tokens, gaps = greedy(model, prompt, NEW_TOKENS, 0, eos_token_id=None)
                assert min(gaps) > MIN_GAP, f"{name} {prompt}: near-tie in greedy decoding ({min(gaps)})"
                # The stop token: the first one from step 3 on that was not generated before.
                stop = next((t for i, t in enumerate(tokens) if i >= 3 and t not in tokens[:i]), tokens[4])
                stopped, _ = greedy(model, prompt, NEW_TOKENS, 0, eos_token_id=stop)
            assert stopped == tokens[:tokens.index(stop) + 1], (stopped, tokens)
            golden["cases"].append({"model": name, "prompt": prompt, "greedy": tokens, "min_logit_gap": min(gaps),
                                    "stop_id": stop, "greedy_until_stop": stopped})
    path = os.path.join(DIR, "generate.golden.json")
    with open(path, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {path}: {len(golden['cases'])} cases; smallest logit gap "
          f"{min(c['min_logit_gap'] for c in golden['cases']):.4g}")


if __name__ == "__main__":
    main()
