"""bench/tokenizer's general pre-tokenizer part: tokenizers whose Split regexes no hand-written
scanner covers, so pref compiles them at load time.

    python bench/general_pretokenizers.py make OUT BASE.json   # OUT/multisplit.json, OUT/o200k.json
    python bench/general_pretokenizers.py encode TOK CORPUS [IDS]  # HF, one thread: prints seconds

`make` keeps BASE's BPE model (vocab and merges) and swaps the pre-tokenizer for
  multisplit: Sequence[Split(\\p{N}{1,3}), Split(CJK ranges), Split(general pattern with a
             lookahead), ByteLevel(use_regex=false)], the layout of DeepSeek-V3's tokenizer.json
  o200k:     Sequence[Split(GPT-4o's pattern), ByteLevel(use_regex=false)]
with the patterns of scripts/regex-split-golden.py (the goldens' own), through HF's API.
"""
import importlib.util
import os
import sys
import time

from tokenizers import Regex, Tokenizer, pre_tokenizers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def golden_patterns():
    spec = importlib.util.spec_from_file_location("regex_golden", os.path.join(ROOT, "scripts", "regex-split-golden.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make(out, base):
    g = golden_patterns()
    split = lambda pattern: pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
    byte_level = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)
    layouts = {
        "multisplit": [split(g.DIGITS), split(g.CJK), split(g.GENERAL), byte_level],
        "o200k": [split(g.PATTERNS["o200k"]), byte_level],
    }
    for name, steps in layouts.items():
        tok = Tokenizer.from_file(base)
        tok.pre_tokenizer = pre_tokenizers.Sequence(steps)
        tok.save(os.path.join(out, f"{name}.json"))


def encode(tokenizer, corpus, ids_out=None):
    tok = Tokenizer.from_file(tokenizer)
    lines = open(corpus, encoding="utf-8", newline="").read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    start = time.perf_counter()
    enc = tok.encode_batch_fast(lines, add_special_tokens=True)
    seconds = time.perf_counter() - start
    if ids_out:
        with open(ids_out, "w") as f:
            for e in enc:
                f.write(" ".join(map(str, e.ids)) + "\n")
    print(f"{seconds:.4f}")


if __name__ == "__main__":
    {"make": make, "encode": encode}[sys.argv[1]](*sys.argv[2:])
