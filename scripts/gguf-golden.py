#!/usr/bin/env python3
"""Golden values for the GGUF importer, from transformers' own GGUF loader.

Install: pip install torch transformers gguf numpy accelerate  (tested: torch 2.13 CPU, transformers 5.24, gguf 0.19)
Run:     bash scripts/fetch-test-models.sh && python scripts/gguf-golden.py
         # writes fixtures/gguf/smollm2-135m-q4_1.json

transformers dequantizes the GGUF itself and undoes llama.cpp's q/k row permutation, so its
tensors are an independent check of ours. fixtures/gguf/blocks.json holds random blocks of
every supported type with gguf-py's dequantization (checked equal to transformers' torch
kernels for the quantized types), so the exact arithmetic is tested without the model. For a handful of weight rows the exact float32 bit
patterns are stored; for three real prompts (the first rows of ultrafeedback_binarized
test_prefs, rendered with the SmolLM2 chat template) the token ids and, at a few positions,
the top logits, logits at fixed ids and their sum. Everything stays small.
"""
import argparse
import json
import os

import numpy as np
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CACHE = os.environ.get("PREF_MODEL_CACHE", os.path.join(ROOT, ".cache", "models"))
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
DATA = os.path.join(ROOT, "..", "shared", "data", "ultrafeedback_binarized", "test_prefs.jsonl")
OUT = os.path.join(ROOT, "fixtures", "gguf", "smollm2-135m-q4_1.json")
BLOCKS_OUT = os.path.join(ROOT, "fixtures", "gguf", "blocks.json")

# ggml type id → (name, elements per block, bytes per block, byte offsets of f16 scales).
BLOCK_TYPES = {
    0: ("F32", 1, 4, []), 1: ("F16", 1, 2, [0]), 30: ("BF16", 1, 2, []), 8: ("Q8_0", 32, 34, [0]),
    2: ("Q4_0", 32, 18, [0]), 3: ("Q4_1", 32, 20, [0, 2]), 12: ("Q4_K", 256, 144, [0, 2]), 14: ("Q6_K", 256, 210, [208]),
}

# (HF tensor name, rows); a 1-d tensor is stored whole.
ROWS = [
    ("model.embed_tokens.weight", [0, 1, 2, 1000, 49151]),
    ("model.layers.0.input_layernorm.weight", None),
    ("model.layers.0.self_attn.q_proj.weight", [0, 1, 31, 32, 33, 64, 575]),
    ("model.layers.0.self_attn.k_proj.weight", [0, 1, 32, 63, 64, 191]),
    ("model.layers.0.self_attn.v_proj.weight", [0, 191]),
    ("model.layers.0.self_attn.o_proj.weight", [0]),
    ("model.layers.0.mlp.gate_proj.weight", [0, 1535]),
    ("model.layers.0.mlp.up_proj.weight", [7]),
    ("model.layers.0.mlp.down_proj.weight", [0]),
    ("model.layers.0.post_attention_layernorm.weight", None),
    ("model.layers.29.self_attn.q_proj.weight", [100]),
    ("model.layers.29.self_attn.k_proj.weight", [100]),
    ("model.layers.29.mlp.down_proj.weight", [575]),
    ("model.norm.weight", None),
]
PROMPTS = 3
TOP_K = 10
FIXED_IDS = list(range(0, 49152, 1024))


def hex_bits(values):
    """Float32 values as 8-hex-digit bit patterns, so they round-trip exactly."""
    return "".join(f"{v:08x}" for v in np.asarray(values, dtype=np.float32).view(np.uint32).tolist())


def blocks():
    """Random blocks of every supported type, dequantized by gguf-py (what transformers' loader
    calls) and by transformers' own torch kernels; both must agree to the bit."""
    from gguf import quants
    from transformers.integrations.gguf.dequant import dequantize as torch_dequantize

    rng = np.random.default_rng(14)
    cases = []
    for type_id, (name, elements, size, scales) in BLOCK_TYPES.items():
        count = 3 if elements > 1 else 64
        raw = rng.integers(0, 256, size=(count, size), dtype=np.uint8)
        if name == "F32":
            raw = rng.normal(0, 3, size=count).astype(np.float32).view(np.uint8).reshape(count, size)
        if name == "BF16":
            raw = (rng.normal(0, 3, size=count).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).view(np.uint8).reshape(count, size)
        for offset in scales:  # finite scales, some negative, some subnormal
            values = rng.normal(0, 0.05, size=count).astype(np.float16)
            values[0] = np.float16(6e-8) if count > 2 else values[0]
            raw[:, offset:offset + 2] = values.view(np.uint8).reshape(count, 2)
        flat = raw.reshape(-1)
        ours = quants.dequantize(flat, type_id).astype(np.float32).reshape(-1)
        if elements > 1:  # transformers' kernels cover the quantized types only
            theirs = torch_dequantize(torch.from_numpy(flat.copy()), type_id).numpy().reshape(-1)
            assert ours.view(np.uint32).tolist() == theirs.view(np.uint32).tolist(), f"{name}: gguf-py and transformers differ"
        cases.append({"type": type_id, "name": name, "elements": int(ours.size), "bytes": flat.tobytes().hex(), "bits": hex_bits(ours)})
    with open(BLOCKS_OUT, "w") as f:
        json.dump({"cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {BLOCKS_OUT} ({os.path.getsize(BLOCKS_OUT)} bytes)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cache", default=CACHE)
    parser.add_argument("--data", default=DATA)
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--blocks-only", action="store_true", help="only write fixtures/gguf/blocks.json")
    args = parser.parse_args()
    blocks()
    if args.blocks_only:
        return

    tokenizer = AutoTokenizer.from_pretrained(args.cache, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(args.cache, gguf_file=GGUF, dtype=torch.float32)
    model.eval()
    state = model.state_dict()

    tensors = []
    for name, rows in ROWS:
        t = state[name].float().numpy()
        picked = t if rows is None else t[rows]
        tensors.append({"name": name, "shape": list(t.shape), "rows": rows, "bits": hex_bits(picked.reshape(-1))})

    cfg = model.config
    config = {
        "vocab_size": cfg.vocab_size, "hidden_size": cfg.hidden_size, "intermediate_size": cfg.intermediate_size,
        "num_hidden_layers": cfg.num_hidden_layers, "num_attention_heads": cfg.num_attention_heads,
        "num_key_value_heads": cfg.num_key_value_heads, "max_position_embeddings": cfg.max_position_embeddings,
        "rms_norm_eps": cfg.rms_norm_eps, "rope_theta": cfg.rope_parameters["rope_theta"],
        "tie_word_embeddings": cfg.tie_word_embeddings, "bos_token_id": cfg.bos_token_id, "eos_token_id": cfg.eos_token_id,
    }

    prompts = []
    with open(args.data) as f:
        for line in f:
            if len(prompts) == PROMPTS:
                break
            row = json.loads(line)
            text = tokenizer.apply_chat_template([{"role": "user", "content": row["prompt"]}], tokenize=False,
                                                 add_generation_prompt=True)
            ids = tokenizer(text).input_ids
            with torch.no_grad():
                logits = model(torch.tensor([ids])).logits[0].double().numpy()
            positions = sorted({0, len(ids) // 2, len(ids) - 1})
            at = []
            for p in positions:
                row_logits = logits[p]
                top = np.argsort(-row_logits, kind="stable")[:TOP_K]
                at.append({
                    "position": p,
                    "top_ids": top.tolist(),
                    "top_values": hex_bits(row_logits[top]),
                    "fixed_values": hex_bits(row_logits[FIXED_IDS]),
                    "sum": float(row_logits.sum()),
                })
            prompts.append({"prompt_id": row["prompt_id"], "text": text, "ids": ids, "logits": at})

    golden = {
        "gguf": GGUF, "config": config, "fixed_ids": FIXED_IDS, "tensors": tensors, "prompts": prompts,
        "chat_template": tokenizer.chat_template,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes)")


if __name__ == "__main__":
    main()
