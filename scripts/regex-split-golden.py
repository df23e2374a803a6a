#!/usr/bin/env python3
"""Golden files for pref's compiled pre-tokenizer regexes (Sources/Tokenizer/PreTokenizers/Regex),
produced by the peer: Hugging Face `tokenizers` (Oniguruma).

    python scripts/regex-split-golden.py      # from the package root; needs tokenizers==0.23.3

Writes:
  fixtures/tokenizer/multisplit.tokenizer.json   BPE trained by HF on sample.txt with a pre-tokenizer of
                                                 Sequence[Split(digits), Split(CJK ranges),
                                                 Split(general pattern with lookahead), ByteLevel(use_regex=false)]
                                                 (the layout DeepSeek-V3's tokenizer.json has)
  fixtures/tokenizer/multisplit.golden.jsonl     HF ids and decodes for the edge-case corpus and unseen text
  fixtures/tokenizer/regex-splits.jsonl          HF Split(isolated) pieces of fuzz strings for patterns
                                                 that exercise every piece of syntax the compiler accepts
"""

import importlib.util
import os
import random

from tokenizers import Regex, Tokenizer, decoders, pre_tokenizers
from tokenizers.models import BPE

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("golden", os.path.join(ROOT, "scripts", "tokenizer-golden.py"))
golden = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden)

DIGITS = r"\p{N}{1,3}"
CJK = r"[一-龥぀-ゟ゠-ヿ]+"
GENERAL = (r"[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+"
           r"| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")

# name -> pattern: each piece of syntax RegexParser accepts, against Oniguruma.
PATTERNS = {
    "general": GENERAL,
    "cjk": CJK,
    "digits": DIGITS,
    "lazy": r"\p{Lu}\p{Ll}+?\p{Ll}|\p{L}+?|\s+?\S|.",
    "possessive": r"[a-z]++[a-z]?|\s*+\n|\s++|\p{N}?+\p{N}",
    "atomic": r"(?>\p{L}+|\p{L}\p{N})\p{N}?|(?>\s|\s\s)\s",
    "lookahead": r"\p{L}+(?=\p{N})|\p{N}+(?!\p{L})|(?=\s)\s+(?!\S)|\s|(?!x)\p{L}",
    "intervals": r"(?:ab|a)(?:bc)?c{2,}|x{,2}y|\p{N}{2}|[ab]{1,2}?b|(?:'s|\s){2,3}",
    "insensitive": r"(?i:'s|'t|'re|'ve|'m|'ll|'d|k)\p{N}?|(?i:e\s|x)",
    "categories": r"[^\p{P}\p{S}\s]+|[\p{Pd}\p{Ps}\p{Pe}]|\P{L}|.",
    "escapes": r"\x41+|\x{1F600}|[\x{4E00}-\x{4E0F}\x{3042}]+|\t\r?\n|\.\-\+|[\]\-\\]",
    "groups": r"(\p{L}\p{M}*)+?\p{N}|(?:\p{L}|\p{M})+|(?:\s*[\r\n])+|[^\s]|\s",
    "o200k": golden.O200K_PATTERN,
}

POOL = golden.FUZZ_POOL + ["A", "b", "c", "x", "y", "k", "\u212a", "丁", "丂", "あ", "ア", "ー", "(", ")", "+",
                           "\\", "]", "#", "@", "𝟙", "Ǆ", "ǅ", "\u20dd", "\u00ad"]


def fuzz(seed, count):
    rng = random.Random(seed)
    return ["".join(rng.choice(POOL) for _ in range(rng.randrange(0, 28))) for _ in range(count)]


def regex_splits():
    """One {"pattern", "regex"} record per pattern, then its {"pattern", "text", "pieces"} records."""
    texts = fuzz(11, 300) + golden.EDGE_CASES
    out = []
    for name, pattern in PATTERNS.items():
        out.append({"pattern": name, "regex": pattern})
        split = pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False)
        for text in texts:
            pieces = [p for p, _ in split.pre_tokenize_str(text)]
            out.append({"pattern": name, "text": text, "pieces": pieces})
    return out


def build_multisplit(sample):
    tok = Tokenizer(BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(DIGITS), behavior="isolated", invert=False),
        pre_tokenizers.Split(Regex(CJK), behavior="isolated", invert=False),
        pre_tokenizers.Split(Regex(GENERAL), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
    ])
    tok.decoder = decoders.ByteLevel()
    tok.train([sample], golden.byte_level_trainer(1500, ["<|endoftext|>"]))
    return tok


def main():
    fix = golden.FIX
    sample = os.path.join(fix, "sample.txt")  # written by scripts/tokenizer-golden.py
    tok = build_multisplit(sample)
    with open(os.path.join(fix, "multisplit.tokenizer.json"), "w", encoding="utf-8") as f:
        f.write(tok.to_str())
    texts = golden.EDGE_CASES + golden.sample_lines(99, 250) + golden.documents(500, 3, 3000)
    golden.write_jsonl(os.path.join(fix, "multisplit.golden.jsonl"), golden.golden_records(tok, texts, random.Random(1)))
    golden.write_jsonl(os.path.join(fix, "regex-splits.jsonl"), regex_splits())
    print("wrote", fix)


if __name__ == "__main__":
    main()
