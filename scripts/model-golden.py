#!/usr/bin/env python3
"""Golden outputs for the Train module's Llama/Qwen2 model, from PyTorch.

Install: pip install torch transformers safetensors   (tested: torch 2.15, transformers 5.23)
Run:     python scripts/model-golden.py            # writes fixtures/model/*.safetensors + *.json
         python scripts/model-golden.py --pref-checkpoint DIR
             # loads a checkpoint folder written by `pref` into transformers and writes the
             # logits it computes on DIR/../batch.json to DIR/../<name>-hf-logits.safetensors

For each variant the script builds a tiny model from a seed in plain PyTorch (explicit
RMSNorm, RoPE, grouped-query attention with per-document masks, SwiGLU), checks its logits
against transformers' LlamaForCausalLM / Qwen2ForCausalLM loaded with the same weights, and
dumps: weights, the batch, logits, per-token and per-sequence log-probs, the masked
cross-entropy loss, every parameter gradient (torch autograd), and the parameters after
three AdamW steps with gradient clipping and HF's warmup+cosine schedule (lr is 0 on the
first step, as in the HF Trainer).
"""
import argparse
import json
import math
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file, load_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "model")

VARIANTS = {
    # name: (config overrides, document layout)
    "llama_gqa_tied": (dict(model_type="llama", num_attention_heads=4, num_key_value_heads=2, head_dim=8,
                            tie_word_embeddings=True, rope_theta=10000.0), False),
    "llama_untied_mha": (dict(model_type="llama", num_attention_heads=4, num_key_value_heads=4, head_dim=4,
                              tie_word_embeddings=False, rope_theta=500000.0), False),
    "qwen2_bias": (dict(model_type="qwen2", num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                        tie_word_embeddings=False, rope_theta=1000000.0), False),
    "llama_packed": (dict(model_type="llama", num_attention_heads=4, num_key_value_heads=2, head_dim=8,
                          tie_word_embeddings=True, rope_theta=10000.0), True),
    "llama_attention_bias": (dict(model_type="llama", num_attention_heads=2, num_key_value_heads=1, head_dim=8,
                                  tie_word_embeddings=True, rope_theta=10000.0, attention_bias=True), False),
    # Longer than the 64-row attention block, with document boundaries inside blocks.
    "llama_long_packed": (dict(model_type="llama", num_attention_heads=4, num_key_value_heads=1, head_dim=4,
                               tie_word_embeddings=True, rope_theta=10000.0), "long"),
    # Mistral: Llama's layers without biases; a sliding window longer than the sequences attends fully.
    "mistral_window": (dict(model_type="mistral", num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                            tie_word_embeddings=False, rope_theta=1000000.0, sliding_window=64), False),
}
BASE = dict(vocab_size=40, hidden_size=16, intermediate_size=24, num_hidden_layers=2, rms_norm_eps=1e-6,
            max_position_embeddings=256)
ROWS, LENGTH = 2, 12
LONG_ROWS, LONG_LENGTH = 1, 150
OPTIM = dict(lr=0.01, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1, warmup_steps=2, total_steps=10, steps=3,
             schedule="cosine")


def param_shapes(cfg):
    d, q, kv, f = cfg["hidden_size"], cfg["num_attention_heads"] * cfg["head_dim"], \
        cfg["num_key_value_heads"] * cfg["head_dim"], cfg["intermediate_size"]
    qwen = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)  # q/k/v biases
    o_bias = cfg.get("attention_bias", False)  # Llama's attention_bias also biases o_proj
    shapes = {"model.embed_tokens.weight": (cfg["vocab_size"], d)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes[p + "input_layernorm.weight"] = (d,)
        shapes[p + "self_attn.q_proj.weight"] = (q, d)
        if qwen: shapes[p + "self_attn.q_proj.bias"] = (q,)
        shapes[p + "self_attn.k_proj.weight"] = (kv, d)
        if qwen: shapes[p + "self_attn.k_proj.bias"] = (kv,)
        shapes[p + "self_attn.v_proj.weight"] = (kv, d)
        if qwen: shapes[p + "self_attn.v_proj.bias"] = (kv,)
        shapes[p + "self_attn.o_proj.weight"] = (d, q)
        if o_bias: shapes[p + "self_attn.o_proj.bias"] = (d,)
        shapes[p + "post_attention_layernorm.weight"] = (d,)
        shapes[p + "mlp.gate_proj.weight"] = (f, d)
        shapes[p + "mlp.up_proj.weight"] = (f, d)
        shapes[p + "mlp.down_proj.weight"] = (d, f)
    shapes["model.norm.weight"] = (d,)
    if not cfg["tie_word_embeddings"]:
        shapes["lm_head.weight"] = (cfg["vocab_size"], d)
    return shapes


def init_params(cfg, seed):
    """Larger than HF's 0.02 init so logits are far from uniform and every path matters."""
    g = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in param_shapes(cfg).items():
        if name.endswith("norm.weight"):
            t = 1 + 0.1 * torch.randn(shape, generator=g)
        elif name.endswith(".bias"):
            t = 0.1 * torch.randn(shape, generator=g)
        else:
            t = 0.2 * torch.randn(shape, generator=g)
        params[name] = t.float().requires_grad_(True)
    return params


def positions_and_mask(doc_ids):
    B, T = doc_ids.shape
    pos = torch.zeros(B, T, dtype=torch.int64)
    for b in range(B):
        start = 0
        for t in range(T):
            if t > 0 and doc_ids[b, t] != doc_ids[b, t - 1]:
                start = t
            pos[b, t] = t - start
    same_doc = doc_ids[:, :, None] == doc_ids[:, None, :]
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    return pos, same_doc & causal[None]


def rms_norm(x, w, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(variance + eps))


def rope(x, pos, theta):
    D = x.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, D, 2, dtype=torch.int64).float() / D))
    angles = pos[..., None].float() * inv_freq
    emb = torch.cat([angles, angles], dim=-1)
    cos, sin = emb.cos()[:, :, None, :], emb.sin()[:, :, None, :]
    x1, x2 = x[..., : D // 2], x[..., D // 2:]
    return x * cos + torch.cat([-x2, x1], dim=-1) * sin


def forward(P, cfg, inputs, doc_ids):
    """Logits [B, T, V] of the reference model."""
    B, T = inputs.shape
    H, Hkv, D = cfg["num_attention_heads"], cfg["num_key_value_heads"], cfg["head_dim"]
    eps, theta = cfg["rms_norm_eps"], cfg["rope_theta"]
    pos, mask = positions_and_mask(doc_ids)
    h = P["model.embed_tokens.weight"][inputs]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        n = rms_norm(h, P[p + "input_layernorm.weight"], eps)
        q = F.linear(n, P[p + "self_attn.q_proj.weight"], P.get(p + "self_attn.q_proj.bias"))
        k = F.linear(n, P[p + "self_attn.k_proj.weight"], P.get(p + "self_attn.k_proj.bias"))
        v = F.linear(n, P[p + "self_attn.v_proj.weight"], P.get(p + "self_attn.v_proj.bias"))
        q = rope(q.view(B, T, H, D), pos, theta)
        k = rope(k.view(B, T, Hkv, D), pos, theta).repeat_interleave(H // Hkv, dim=2)
        v = v.view(B, T, Hkv, D).repeat_interleave(H // Hkv, dim=2)
        scores = torch.einsum("bthd,bshd->bhts", q, k) * D ** -0.5
        scores = scores.masked_fill(~mask[:, None], float("-inf"))
        att = torch.einsum("bhts,bshd->bthd", scores.softmax(-1), v).reshape(B, T, H * D)
        h = h + F.linear(att, P[p + "self_attn.o_proj.weight"], P.get(p + "self_attn.o_proj.bias"))
        n = rms_norm(h, P[p + "post_attention_layernorm.weight"], eps)
        mlp = F.silu(F.linear(n, P[p + "mlp.gate_proj.weight"])) * F.linear(n, P[p + "mlp.up_proj.weight"])
        h = h + F.linear(mlp, P[p + "mlp.down_proj.weight"])
    h = rms_norm(h, P["model.norm.weight"], eps)
    head = P["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else P["lm_head.weight"]
    return F.linear(h, head)


def token_logps(logits, targets, weights):
    logp = logits.log_softmax(-1)
    safe = torch.where(weights > 0, targets, torch.zeros_like(targets))
    picked = logp.gather(-1, safe[..., None])[..., 0]
    return torch.where(weights > 0, picked, torch.zeros_like(picked))


def masked_ce(logits, targets, weights):
    return -(token_logps(logits, targets, weights) * weights).sum() / weights.sum()


def hf_config(cfg):
    from transformers import LlamaConfig, MistralConfig, Qwen2Config
    common = dict(vocab_size=cfg["vocab_size"], hidden_size=cfg["hidden_size"], intermediate_size=cfg["intermediate_size"],
                  num_hidden_layers=cfg["num_hidden_layers"], num_attention_heads=cfg["num_attention_heads"],
                  num_key_value_heads=cfg["num_key_value_heads"], rms_norm_eps=cfg["rms_norm_eps"],
                  max_position_embeddings=cfg["max_position_embeddings"], tie_word_embeddings=cfg["tie_word_embeddings"],
                  rope_parameters={"rope_type": "default", "rope_theta": cfg["rope_theta"]})
    if cfg["model_type"] == "qwen2":
        return Qwen2Config(**common, head_dim=cfg["head_dim"])
    if cfg["model_type"] == "mistral":
        return MistralConfig(**common, head_dim=cfg["head_dim"], sliding_window=cfg["sliding_window"])
    return LlamaConfig(**common, head_dim=cfg["head_dim"], attention_bias=cfg.get("attention_bias", False))


def hf_model(cfg, state):
    from transformers import LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM
    cls = {"qwen2": Qwen2ForCausalLM, "mistral": MistralForCausalLM}.get(cfg["model_type"], LlamaForCausalLM)
    model = cls(hf_config(cfg)).float().eval()
    missing, unexpected = model.load_state_dict(state, strict=False)
    allowed_missing = {"lm_head.weight"} if cfg["tie_word_embeddings"] else set()
    assert set(missing) <= allowed_missing and not unexpected, (missing, unexpected)
    if cfg["tie_word_embeddings"]:
        assert model.lm_head.weight.data_ptr() == model.model.embed_tokens.weight.data_ptr()
    return model


def hf_crosscheck(cfg, P, inputs, doc_ids, logits):
    """Max |ref − transformers| over every document, each run alone through transformers."""
    state = {k: v.detach().clone() for k, v in P.items()}
    model = hf_model(cfg, state)
    worst = 0.0
    with torch.no_grad():
        for b in range(inputs.shape[0]):
            t = 0
            while t < inputs.shape[1]:
                end = t
                while end < inputs.shape[1] and doc_ids[b, end] == doc_ids[b, t]:
                    end += 1
                hf = model(input_ids=inputs[b:b + 1, t:end]).logits[0]
                worst = max(worst, (hf - logits[b, t:end]).abs().max().item())
                t = end
    return worst


def make_batch(packed, seed):
    g = torch.Generator().manual_seed(seed)
    V = BASE["vocab_size"]
    if packed == "long":
        inputs = torch.randint(0, V, (LONG_ROWS, LONG_LENGTH), generator=g)
        targets = torch.randint(0, V, (LONG_ROWS, LONG_LENGTH), generator=g)
        weights = torch.ones(LONG_ROWS, LONG_LENGTH)
        weights[0, :10] = 0
        doc_ids = torch.tensor([[0] * 70 + [1] * 50 + [2] * 30])
        return inputs, targets, weights, doc_ids
    inputs = torch.randint(0, V, (ROWS, LENGTH), generator=g)
    targets = torch.randint(0, V, (ROWS, LENGTH), generator=g)
    weights = torch.ones(ROWS, LENGTH)
    weights[0, :3] = 0          # a prompt whose tokens carry no loss
    weights[1, -2:] = 0         # right padding
    targets[1, -2:] = -100      # ignored targets may hold anything
    if packed:
        doc_ids = torch.tensor([[0] * 5 + [1] * 7, [0] * 4 + [1] * 5 + [2] * 3])
        weights[1, 9:] = 0      # the third "document" of row 1 is padding
    else:
        doc_ids = torch.zeros(ROWS, LENGTH, dtype=torch.int64)
    return inputs, targets, weights, doc_ids


def lr_lambda(step, warmup, total, schedule):
    # transformers.get_cosine_schedule_with_warmup / get_linear_schedule_with_warmup
    if step < warmup:
        return step / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    if schedule == "cosine":
        return max(0.0, 0.5 * (1.0 + math.cos(math.pi * 2.0 * 0.5 * progress)))
    return max(0.0, (total - step) / max(1, total - warmup))


def build_variant(name, overrides, packed, seed):
    cfg = dict(BASE, **overrides)
    P = init_params(cfg, seed)
    inputs, targets, weights, doc_ids = make_batch(packed, seed + 1)

    logits = forward(P, cfg, inputs, doc_ids)
    tok = token_logps(logits, targets, weights)
    seq = tok.sum(-1)
    loss = masked_ce(logits, targets, weights)
    loss.backward()
    grads = {k: v.grad.detach().clone() for k, v in P.items()}
    crosscheck = hf_crosscheck(cfg, P, inputs, doc_ids, logits.detach())
    assert crosscheck < 1e-4, f"{name}: reference vs transformers differ by {crosscheck}"

    # AdamW with HF's parameter groups (no decay on biases and norm gains), clipping, schedule.
    initial = {k: v.detach().clone() for k, v in P.items()}
    for v in P.values():
        v.grad = None
    decay = [v for k, v in P.items() if v.dim() >= 2]
    no_decay = [v for k, v in P.items() if v.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": OPTIM["weight_decay"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=OPTIM["lr"], betas=OPTIM["betas"], eps=OPTIM["eps"], foreach=False)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: lr_lambda(s, OPTIM["warmup_steps"], OPTIM["total_steps"], OPTIM["schedule"]))
    max_norm = round(0.5 * torch.sqrt(sum((g ** 2).sum() for g in grads.values())).item(), 4)
    steps = []
    for _ in range(OPTIM["steps"]):
        opt.zero_grad()
        step_loss = masked_ce(forward(P, cfg, inputs, doc_ids), targets, weights)
        step_loss.backward()
        lr = opt.param_groups[0]["lr"]
        norm = torch.nn.utils.clip_grad_norm_(list(P.values()), max_norm, foreach=False).item()
        opt.step()
        sched.step()
        steps.append(dict(loss=step_loss.item(), grad_norm=norm, lr=lr))

    tensors = {"logits": logits.detach().contiguous(), "token_logps": tok.detach().contiguous(),
               "seq_logps": seq.detach().contiguous()}
    for k in P:
        tensors["params." + k] = initial[k].contiguous()
        tensors["grads." + k] = grads[k].contiguous()
        tensors["after." + k] = P[k].detach().contiguous()
    save_file(tensors, os.path.join(OUT, name + ".safetensors"), metadata={"format": "pt"})

    hf_json = json.loads(hf_config(cfg).to_json_string())
    meta = dict(variant=name, config=hf_json, rows=inputs.shape[0], length=inputs.shape[1],
                inputs=inputs.flatten().tolist(), targets=targets.flatten().tolist(),
                weights=weights.flatten().tolist(), document_ids=doc_ids.flatten().tolist(),
                loss=loss.item(), optimizer=dict(OPTIM, max_grad_norm=max_norm, betas=list(OPTIM["betas"])),
                steps=steps, transformers_max_abs_logit_diff=crosscheck,
                torch_version=torch.__version__)
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1)
    print(f"{name}: loss {loss.item():.6f}, transformers cross-check max |Δlogit| {crosscheck:.2e}")


def write_dtypes_and_schedules():
    """A file with the same values stored as F32, F16 and BF16 (with F16 subnormals and
    infinities), and learning rates from transformers' own schedule functions."""
    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 3.14159, 65504.0, 1e-7, -6e-8, 1e5, float("inf"), 0.333333, -1e-3])
    save_file({"f32": values.float(), "f16": values.half(), "bf16": values.bfloat16(),
               "f16_as_f32": values.half().float(), "bf16_as_f32": values.bfloat16().float(),
               "matrix": torch.arange(6, dtype=torch.float32).view(2, 3)},
              os.path.join(OUT, "dtypes.safetensors"), metadata={"format": "pt"})
    from transformers import get_cosine_schedule_with_warmup, get_linear_schedule_with_warmup
    rates = {}
    for name, fn in [("cosine", get_cosine_schedule_with_warmup), ("linear", get_linear_schedule_with_warmup)]:
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=3e-4)
        sched = fn(opt, num_warmup_steps=3, num_training_steps=17)
        seq = []
        for _ in range(20):
            seq.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        rates[name] = seq
    with open(os.path.join(OUT, "schedules.json"), "w") as f:
        json.dump(dict(peak=3e-4, warmup_steps=3, total_steps=17, rates=rates), f, indent=1)


def check_pref_checkpoint(folder):
    """Loads a folder written by `pref` with transformers' Auto classes and writes the logits
    of the batch stored in folder/../batch.json, for the Swift test to compare against."""
    from transformers import AutoModelForCausalLM
    model, info = AutoModelForCausalLM.from_pretrained(folder, dtype=torch.float32, output_loading_info=True)
    model.eval()
    problems = {k: v for k, v in info.items() if v}
    assert not problems, f"transformers reported loading problems: {problems}"
    with open(os.path.join(folder, "..", "batch.json")) as f:
        batch = json.load(f)
    inputs = torch.tensor(batch["inputs"]).view(batch["rows"], batch["length"])
    with torch.no_grad():
        logits = model(input_ids=inputs).logits.contiguous()
    out = os.path.join(folder, "..", os.path.basename(os.path.normpath(folder)) + "-hf-logits.safetensors")
    save_file({"logits": logits}, out, metadata={"format": "pt", "class": type(model).__name__})
    print(f"{type(model).__name__} loaded {folder}; logits {tuple(logits.shape)} written to {out}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pref-checkpoint")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.pref_checkpoint:
        check_pref_checkpoint(args.pref_checkpoint)
        return
    os.makedirs(OUT, exist_ok=True)
    for i, (name, (overrides, packed)) in enumerate(VARIANTS.items()):
        build_variant(name, overrides, packed, seed=1000 + 10 * i)
    write_dtypes_and_schedules()


if __name__ == "__main__":
    main()
