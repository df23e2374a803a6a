#!/usr/bin/env python3
"""Golden files for SentencePiece-style BPE in `Sources/Tokenizer`, produced by the peer:
Hugging Face `tokenizers` (Metaspace, Prepend/Replace normalizers, byte_fallback, fuse_unk and
the Replace/ByteFallback/Fuse/Strip/Metaspace decoders), plus the real SmolLM2 tokenizer.

Install what it needs (any machine with Python 3.10+):
    python -m pip install "tokenizers==0.23.3"

Run from the package root (after scripts/tokenizer-golden.py, whose sample.txt and edge-case
corpus it reuses):
    python scripts/spm-tokenizer-golden.py

What it writes under fixtures/tokenizer/:
  spm-<name>.tokenizer.json    SentencePieceBPETokenizer trained on sample.txt, with Llama's
                               <0xNN> byte tokens and byte_fallback, in several layouts:
      bpe       as SentencePieceBPETokenizer makes it: NFKC, Metaspace (always, split), Metaspace decoder
      llama2    Llama 2: Prepend("▁") + Replace(" ", "▁"), no pre-tokenizer, Replace/ByteFallback/Fuse/Strip, <s> $A
      mistral   Mistral / Llama 2 legacy=False: Metaspace (first, no split), same decoders, [INST] tokens
      gemma     Gemma: Replace(" ", "▁") only, decoders without Strip, <bos> $A
      unk       no byte fallback: fuse_unk, Metaspace (never, split) in the legacy add_prefix_space form
      first     Metaspace (first, split), Metaspace decoder (first), normalized added tokens
  and SentencePieceUnigramTokenizer's Unigram model:
      unigram   NFKC + Replace(Regex " {2,}", " ") (its Nmt normalizer left out), Metaspace, unk, no byte fallback
      unigram-bf  with <0xNN> pieces and byte_fallback, in Mistral's layout
    (HF's Unigram trainer orders and scores equally frequent characters in hash order, so these
    two differ slightly from run to run; each run's goldens are made from that run's files.)
  spm-<name>.golden.jsonl      HF ids and decodes: the byte-level edge-case corpus, SentencePiece
                               edge cases, unseen generated lines, documents, random id runs
  spm-real-text.golden.jsonl   id counts and FNV-1a hashes of HF ids (and of HF's decode) for
                               real texts in ../shared/data/ultrafeedback_binarized/test_prefs.jsonl
  smollm2.golden.jsonl         the same for ../shared/data/smollm2-135m-instruct/tokenizer.json
                               (edge cases and real texts), which the repository does not copy
"""

import importlib.util
import json
import os
import random
import unicodedata

from tokenizers import SentencePieceBPETokenizer, SentencePieceUnigramTokenizer, Tokenizer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "fixtures", "tokenizer")
SHARED = os.path.join(ROOT, "..", "shared", "data")
TEST_PREFS = os.path.join(SHARED, "ultrafeedback_binarized", "test_prefs.jsonl")
SMOLLM2 = os.path.join(SHARED, "smollm2-135m-instruct", "tokenizer.json")

_spec = importlib.util.spec_from_file_location("tokenizer_golden", os.path.join(ROOT, "scripts", "tokenizer-golden.py"))
base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(base)

BYTE_TOKENS = [f"<0x{b:02X}>" for b in range(256)]

# Cases that matter to SentencePiece layouts: the meta symbol itself in the text, spaces around
# added tokens (prepend_scheme "first" only prepends to the first section), literal byte-token
# text, characters no vocabulary holds, and control tokens.
SPM_CASES = [
    "▁", "▁▁", "▁x", "x▁", "a▁b", " ▁ ", "▁ ▁", "_underscore_", "<0x41>", "<0x41><0x42>", "<0xZZ>",
    "<s>", "</s>", "<unk>", "<s> hello", "<s>hello", " <s>hello", "hello<s>", "hello </s> world",
    "</s></s>", "<s> </s>", "a <s> b", "a<s>b", "<s>\n", "\n<s>", "[INST] Hi there [/INST]",
    "[INST]Hi[/INST] Answer.</s>", " [INST] x", "x[INST]", "<bos>text", "text <bos>", "<start_of_turn>user\nHi<end_of_turn>",
    "\x00", "\x7f", "\u0080", "\u00ad", "\U0001f600", "\U0001f600\U0001f600 \U0001f600", "𝔘𝔫𝔦", "\u2581\u2581\u2581",
    "一二三四五六七八九十", "龘", "鬱", "ᚠᛇᚻ", "ꙮ", "\U0001fae0", "日本 語", "  日本", "語  ", "Ω≈ç√∫",
    "      ", "\t\t", "\n\n\n", " \t\n ", "a\u3000b", "trailing   ", "   leading", "mid    dle",
    "hello world", "Hello World", "custom token", "mycustom token", "ends with custom", "tokencustom",
]


def alphabet(sample, size):
    """The `size` most frequent characters of the normalized sample, ties by code point. Given as
    the initial alphabet with the same limit, it is exactly what the trainer keeps (its own cut
    breaks frequency ties in hash order, which would change the fixtures from run to run)."""
    counts = {}
    with open(sample, encoding="utf-8", newline="") as f:
        for ch in unicodedata.normalize("NFKC", f.read()).replace(" ", "▁"):
            counts[ch] = counts.get(ch, 0) + 1
    return sorted(counts, key=lambda ch: (-counts[ch], ord(ch)))[:size]


def train_base(sample):
    tok = SentencePieceBPETokenizer(unk_token="<unk>")
    # Special tokens come first in the vocabulary, as in Llama: <unk>=0, <s>=1, </s>=2, <0x00>=3, ...
    # A small alphabet keeps rare characters (most CJK, emoji) out, so byte fallback triggers.
    tok.train([sample], vocab_size=1800, min_frequency=2, limit_alphabet=120, initial_alphabet=alphabet(sample, 120),
              special_tokens=["<unk>", "<s>", "</s>"] + BYTE_TOKENS, show_progress=False)
    data = json.loads(tok.to_str())
    # Llama's byte tokens are plain vocabulary, not added tokens (text "<0x41>" is not matched).
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] not in BYTE_TOKENS]
    data["model"]["byte_fallback"] = True
    return data


def added(content, token_id, normalized=False, special=True, rstrip=False):
    return {"id": token_id, "content": content, "single_word": False, "lstrip": False, "rstrip": rstrip,
            "normalized": normalized, "special": special}


def bos_template(bos, bos_id):
    return {"type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": bos, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": bos, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {bos: {"id": bos, "ids": [bos_id], "tokens": [bos]}}}


def replace(pattern, content):
    return {"type": "Replace", "pattern": {"String": pattern}, "content": content}


def metaspace(prepend_scheme, split):
    return {"type": "Metaspace", "replacement": "▁", "prepend_scheme": prepend_scheme, "split": split}


SPM_DECODERS = [replace("▁", " "), {"type": "ByteFallback"}, {"type": "Fuse"},
                {"type": "Strip", "content": " ", "start": 1, "stop": 0}]


def layouts(data):
    vocab = data["model"]["vocab"]
    end = max(vocab.values()) + 1
    out = {"bpe": data}

    llama2 = json.loads(json.dumps(data))
    llama2["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"}, replace(" ", "▁")]}
    llama2["pre_tokenizer"] = None
    llama2["decoder"] = {"type": "Sequence", "decoders": SPM_DECODERS}
    llama2["post_processor"] = bos_template("<s>", vocab["<s>"])
    out["llama2"] = llama2

    mistral = json.loads(json.dumps(llama2))
    # A normalized added token under Prepend/Replace matches (and decodes) as "▁custom▁token".
    llama2["added_tokens"] = llama2["added_tokens"] + [added("custom token", end, normalized=True, special=False)]
    mistral["normalizer"] = None
    mistral["pre_tokenizer"] = metaspace("first", False)
    mistral["added_tokens"] += [added("[INST]", end), added("[/INST]", end + 1)]
    out["mistral"] = mistral

    gemma = json.loads(json.dumps(data))
    gemma["normalizer"] = replace(" ", "▁")
    gemma["pre_tokenizer"] = None
    gemma["decoder"] = {"type": "Sequence", "decoders": SPM_DECODERS[:3]}
    gemma["added_tokens"] += [added("<bos>", end), added("<start_of_turn>", end + 1), added("<end_of_turn>", end + 2)]
    gemma["post_processor"] = bos_template("<bos>", end)
    out["gemma"] = gemma

    unk = json.loads(json.dumps(data))
    unk["model"]["byte_fallback"] = False
    unk["model"]["fuse_unk"] = True
    legacy = {"type": "Metaspace", "replacement": "▁", "add_prefix_space": True, "prepend_scheme": "never"}
    unk["pre_tokenizer"] = legacy
    unk["decoder"] = legacy
    out["unk"] = unk

    first = json.loads(json.dumps(data))
    first["pre_tokenizer"] = metaspace("first", True)
    first["decoder"] = metaspace("first", True)
    first["added_tokens"] += [added("custom token", end, normalized=True, special=False),
                              added("[INST]", end + 1, rstrip=True)]
    out["first"] = first
    return out


def train_unigram(sample):
    tok = SentencePieceUnigramTokenizer()
    tok.train([sample], vocab_size=1500, show_progress=False, unk_token="<unk>",
              special_tokens=["<unk>", "<s>", "</s>"] + BYTE_TOKENS)
    data = json.loads(tok.to_str())
    data["normalizer"] = {"type": "Sequence", "normalizers": [
        {"type": "NFKC"}, {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "}]}
    data["added_tokens"] = [t for t in data["added_tokens"] if t["content"] not in BYTE_TOKENS]
    out = {"unigram": data}
    bf = json.loads(json.dumps(data))
    bf["model"]["byte_fallback"] = True
    bf["normalizer"] = None
    bf["pre_tokenizer"] = metaspace("first", False)
    bf["decoder"] = {"type": "Sequence", "decoders": SPM_DECODERS}
    bf["post_processor"] = bos_template("<s>", 1)
    out["unigram-bf"] = bf
    return out


def real_texts(limit=200):
    with open(TEST_PREFS, encoding="utf-8") as f:
        for row, line in enumerate(f):
            if row >= limit:
                break
            r = json.loads(line)
            for field, text in [("prompt", r["prompt"]), ("chosen", r["chosen"][-1]["content"]),
                                ("rejected", r["rejected"][-1]["content"])]:
                yield row, field, text


def hashed(tok, text):
    """[id count, FNV-1a of the ids (as scripts/tokenizer-golden.py hashes them), FNV-1a of the
    UTF-8 of HF's decode of the ids without special tokens]."""
    ids = tok.encode(text, add_special_tokens=True).ids
    decoded = tok.decode(tok.encode(text, add_special_tokens=False).ids, skip_special_tokens=False)
    return [len(ids), f"{base.fnv1a64(ids):016x}", f"{fnv1a64_bytes(decoded.encode('utf-8')):016x}"]


def fnv1a64_bytes(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def golden_records(tok, texts):
    """scripts/tokenizer-golden.py's records, plus whether HF's decode gives the text back
    (the Strip decoder and the prepended ▁ make it not, for some texts)."""
    records = base.golden_records(tok, texts, random.Random(1))
    for r in records:
        if "text" in r:
            r["roundtrips"] = tok.decode(r["ids_plain"], skip_special_tokens=False) == r["text"]
    return records


def main():
    sample = os.path.join(FIX, "sample.txt")
    # Written as assembled (not re-serialized by HF), so legacy forms such as Metaspace's
    # add_prefix_space stay in the file pref reads.
    assembled = {**layouts(train_base(sample)), **train_unigram(sample)}
    files = {name: json.dumps(data, ensure_ascii=False) for name, data in assembled.items()}
    built = {name: Tokenizer.from_str(text) for name, text in files.items()}
    texts = base.EDGE_CASES + SPM_CASES + base.sample_lines(99, 150) + base.documents(500, 2, 3000)
    for name, tok in built.items():
        with open(os.path.join(FIX, f"spm-{name}.tokenizer.json"), "w", encoding="utf-8") as f:
            f.write(files[name])
        base.write_jsonl(os.path.join(FIX, f"spm-{name}.golden.jsonl"), golden_records(tok, texts))
    if os.path.exists(TEST_PREFS):
        base.write_jsonl(os.path.join(FIX, "spm-real-text.golden.jsonl"),
                         [{"row": row, "field": field, **{name: hashed(tok, text) for name, tok in built.items()}}
                          for row, field, text in real_texts()])
    if os.path.exists(SMOLLM2) and os.path.exists(TEST_PREFS):
        smollm2 = Tokenizer.from_file(SMOLLM2)
        records = [{"text": text, "smollm2": hashed(smollm2, text)} for text in base.EDGE_CASES + SPM_CASES]
        records += [{"row": row, "field": field, "smollm2": hashed(smollm2, text)} for row, field, text in real_texts()]
        base.write_jsonl(os.path.join(FIX, "smollm2.golden.jsonl"), records)
    print("wrote", FIX)


if __name__ == "__main__":
    main()
