#!/usr/bin/env python3
"""Greedy generation goldens for `pref generate` on SmolLM2-135M-Instruct, for
Tests/TrainTests/SmolLM2GenerationTests.swift.

transformers loads the GGUF itself (`from_pretrained(dir, gguf_file=…)`, which dequantizes
independently of pref); the prompt is SmolLM2's own chat template
(apply_chat_template(messages, add_generation_prompt=True)) over the prompt messages of real
ultrafeedback_binarized rows (test_prefs.jsonl, chosen side minus the answer). Each case records
`generate(do_sample=False, max_new_tokens=32)` with the model's own EOS (<|im_end|>), which
stops there and includes it, and the gap between the best and second-best logit at every step:
a greedy token is a fair golden only where that gap is well above Float32 rounding, so rows with
a gap below MIN_GAP anywhere are skipped. Rows are taken in file order among short prompts, and
at least one kept case must end at the end-of-turn token.

    PREF_MODEL_CACHE=/path/to/models python scripts/smollm2-generate-golden.py   # needs torch, transformers, gguf
"""
import json
import os

import torch
from greedy_golden import greedy
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CACHE = os.environ.get("PREF_MODEL_CACHE", os.path.join(ROOT, ".cache", "models"))
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHARED = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fixtures", "gguf", "generate.golden.json")
NEW_TOKENS = 32
MIN_GAP = 1e-3
MAX_PROMPT_TOKENS = 64
CASES = 4
SEARCH_ROWS = 400


def main():
    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(os.path.join(SHARED, "smollm2-135m-instruct"))
    model = AutoModelForCausalLM.from_pretrained(CACHE, gguf_file=GGUF, dtype=torch.float32).eval()
    eos = tok.convert_tokens_to_ids(tok.eos_token)
    rows = [json.loads(line) for line in open(os.path.join(SHARED, "ultrafeedback_binarized", "test_prefs.jsonl"), encoding="utf-8")]
    cases, stopped_case = [], None
    with torch.no_grad():
        for index, row in enumerate(rows[:SEARCH_ROWS]):
            messages = [{"role": m["role"], "content": m["content"]} for m in row["chosen"][:-1]]
            text = tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
            prompt = tok(text, add_special_tokens=False)["input_ids"]
            if len(prompt) > MAX_PROMPT_TOKENS:
                continue
            tokens, gaps = greedy(model, prompt, NEW_TOKENS, eos, eos_token_id=eos)
            if min(gaps) <= MIN_GAP:
                print(f"row {index}: near-tie ({min(gaps):.3g}), skipped")
                continue
            case = {"row": index, "messages": messages, "prompt": prompt, "greedy": tokens, "min_logit_gap": min(gaps),
                    "stopped": tokens[-1] == eos, "answer": tok.decode(tokens[:-1] if tokens[-1] == eos else tokens)}
            print(f"row {index}: {len(prompt)} prompt tokens, {len(tokens)} new, gap {min(gaps):.3g}, stopped {case['stopped']}")
            if case["stopped"] and stopped_case is None:
                stopped_case = case
            elif len(cases) < CASES - 1:
                cases.append(case)
            if stopped_case is not None and len(cases) >= CASES - 1:
                break
    assert stopped_case is not None, "no short prompt whose answer ends within the token budget"
    cases = sorted(cases + [stopped_case], key=lambda c: c["row"])
    golden = {"model": GGUF, "new_tokens": NEW_TOKENS, "eos_token_id": eos, "cases": cases}
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {OUT}: {len(cases)} cases; smallest logit gap {min(c['min_logit_gap'] for c in cases):.4g}")


if __name__ == "__main__":
    main()
