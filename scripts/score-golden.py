#!/usr/bin/env python3
"""Goldens for `pref score` on SmolLM2-135M-Instruct: Σ log p of the last (assistant) message
of 24 real ultrafeedback_binarized conversations (the first rows of test_prefs.jsonl, chosen
side), under transformers' own load of the GGUF (`from_pretrained(gguf_file=…)`, which
dequantizes independently of pref) and SmolLM2's own chat template.

The prompt is apply_chat_template(messages[:-1], add_generation_prompt=True); the scored
tokens are the whole conversation's ids after the prefix they share with the prompt's ids
(TRL's and lm-eval's join rule).

    python scripts/score-golden.py   # needs torch, transformers, gguf, accelerate; the GGUF in .cache/models
"""
import json
import os

import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CACHE = os.environ.get("PREF_MODEL_CACHE", os.path.join(ROOT, ".cache", "models"))
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHARED = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fixtures", "gguf", "score.golden.jsonl")
ROWS = 24


def main():
    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(os.path.join(SHARED, "smollm2-135m-instruct"))
    model = AutoModelForCausalLM.from_pretrained(CACHE, gguf_file=GGUF, dtype=torch.float32).eval()
    rows = [json.loads(line) for line in open(os.path.join(SHARED, "ultrafeedback_binarized", "test_prefs.jsonl"), encoding="utf-8")][:ROWS]
    with open(OUT, "w") as out, torch.no_grad():
        for index, row in enumerate(rows):
            messages = [{"role": m["role"], "content": m["content"]} for m in row["chosen"]]
            prompt = tok(tok.apply_chat_template(messages[:-1], tokenize=False, add_generation_prompt=True), add_special_tokens=False)["input_ids"]
            full = tok(tok.apply_chat_template(messages, tokenize=False), add_special_tokens=False)["input_ids"]
            shared = 0
            while shared < min(len(prompt), len(full)) and prompt[shared] == full[shared]:
                shared += 1
            logits = model(torch.tensor([full])).logits[0].double()
            logps = torch.log_softmax(logits, dim=-1)
            targets = torch.tensor(full[shared:])
            logp = logps[shared - 1:len(full) - 1].gather(1, targets[:, None]).sum().item()
            out.write(json.dumps({"row": index, "tokens": len(full) - shared, "logp": logp}) + "\n")
            print(index, len(full) - shared, logp)


if __name__ == "__main__":
    main()
