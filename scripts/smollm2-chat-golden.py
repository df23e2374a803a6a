#!/usr/bin/env python3
"""Goldens for `pref tokenize --tokenizer ../shared/data/smollm2-135m-instruct`: for every
ultrafeedback_binarized row in ../shared/data, the ids transformers' apply_chat_template gives
for the whole chosen conversation and for its prompt with add_generation_prompt=True.

Stored as (key, count, sha256) per row so the fixture stays small; the key is sha256 of the
conversation (roles and contents joined by \\x1f and \\x1e), which the Swift test recomputes.

    python scripts/smollm2-chat-golden.py   # needs transformers
"""
import hashlib
import json
import os

from transformers import AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SHARED = os.path.join(ROOT, "..", "shared", "data")
OUT = os.path.join(ROOT, "fixtures", "chat", "smollm2-ultrafeedback.golden.jsonl")


def key(messages):
    text = "".join(m["role"] + "\x1f" + m["content"] + "\x1e" for m in messages)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def digest(ids):
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


def ids_of(result):
    return list(result["input_ids"] if isinstance(result, dict) or hasattr(result, "keys") else result)


def main():
    tok = AutoTokenizer.from_pretrained(os.path.join(SHARED, "smollm2-135m-instruct"))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    seen = set()
    with open(OUT, "w") as out:
        for name in ["train_prefs.jsonl", "test_prefs.jsonl"]:
            for line in open(os.path.join(SHARED, "ultrafeedback_binarized", name), encoding="utf-8"):
                row = json.loads(line)
                chosen = [{"role": m["role"], "content": m["content"]} for m in row["chosen"]]
                k = key(chosen)
                if k in seen:
                    continue
                seen.add(k)
                full = ids_of(tok.apply_chat_template(chosen, tokenize=True))
                prompt = ids_of(tok.apply_chat_template(chosen[:-1], tokenize=True, add_generation_prompt=True))
                out.write(json.dumps({"key": k, "full": [len(full), digest(full)], "prompt": [len(prompt), digest(prompt)]}) + "\n")
    print(f"{len(seen)} conversations -> {OUT}")


if __name__ == "__main__":
    main()
