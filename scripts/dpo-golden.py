#!/usr/bin/env python3
"""Golden outputs for the DPO-Shift loss, its metrics and its gradients, from PyTorch.

Install: pip install torch transformers safetensors   (tested: torch 2.15, transformers 5.23)
Run:     python scripts/dpo-golden.py      # writes fixtures/dpo/pairs.json + pairs.safetensors

A tiny Llama (the reference model of scripts/model-golden.py, itself checked against
transformers there) scores three preference pairs of different prompt and response lengths.
Chosen and rejected go through ONE forward pass (TRL's concatenated_forward: chosen rows
first), log-probs are summed over response tokens only, and the loss follows the DPO-Shift
reference implementation (Meaquadddd/DPO-Shift dposhift_trainer.py, TRL v0.9.6 sigmoid loss):

    pi_logratios  = policy_chosen - lambda * policy_rejected
    ref_logratios = ref_chosen    - lambda * ref_rejected
    logits = pi_logratios - ref_logratios
    losses = -logsigmoid(beta*logits)*(1-ls) - logsigmoid(-beta*logits)*ls
    (+ rpo_alpha * nll over chosen response tokens, TRL >= 0.10)

lambda per optimizer step t of T: increase l_min + (l_max-l_min)*t/T, decrease
l_max - (l_max-l_min)*t/T. Metrics use TRL's names; rewards are beta*(logp - ref_logp)
without lambda. Each case stores lambda, loss, metrics, and for some every parameter gradient.
"""
import importlib.util
import json
import os

import torch
import torch.nn.functional as F
from safetensors.torch import save_file

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "fixtures", "dpo")

spec = importlib.util.spec_from_file_location("model_golden", os.path.join(ROOT, "scripts", "model-golden.py"))
mg = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mg)

CONFIG = dict(mg.BASE, model_type="llama", num_attention_heads=4, num_key_value_heads=2, head_dim=8,
              tie_word_embeddings=True, rope_theta=10000.0)
BETA = 0.1
TOTAL_STEPS = 10
# name: (strategy, lambda or (min, max), t, label_smoothing, rpo_alpha, store gradients)
CASES = {
    "dpo": ("fixed", 1.0, 0, 0.0, None, True),
    "fixed_0.75": ("fixed", 0.75, 0, 0.0, None, True),
    "fixed_0.95": ("fixed", 0.95, 0, 0.0, None, False),
    "cdpo_0.75": ("fixed", 0.75, 0, 0.2, None, True),
    "rpo_dpo": ("fixed", 1.0, 0, 0.0, 0.5, True),
    "increase_t0": ("increase_linear", (0.75, 1.0), 0, 0.0, None, False),
    "increase_t4": ("increase_linear", (0.75, 1.0), 4, 0.0, None, True),
    "increase_t9": ("increase_linear", (0.75, 1.0), 9, 0.0, None, False),
    "decrease_t0": ("decrease_linear", (0.75, 1.0), 0, 0.0, None, False),
    "decrease_t5": ("decrease_linear", (0.75, 1.0), 5, 0.0, None, True),
    "decrease_t9": ("decrease_linear", (0.75, 1.0), 9, 0.0, None, False),
    "decrease_0.5_0.9_t3": ("decrease_linear", (0.5, 0.9), 3, 0.0, None, False),
}


def make_pairs(seed):
    """Three pairs: (prompt, chosen, rejected) token lists of varied lengths."""
    g = torch.Generator().manual_seed(seed)
    V = CONFIG["vocab_size"]
    lengths = [(4, 5, 3), (2, 7, 6), (6, 2, 4)]
    pairs = []
    for p, c, r in lengths:
        prompt = torch.randint(0, V, (p,), generator=g).tolist()
        chosen = torch.randint(0, V, (c,), generator=g).tolist()
        rejected = torch.randint(0, V, (r,), generator=g).tolist()
        pairs.append((prompt, chosen, rejected))
    return pairs


def rows_for(pairs, which):
    """inputs/targets/weights per row: predict every token after the prompt."""
    rows = []
    for prompt, chosen, rejected in pairs:
        seq = prompt + (chosen if which == "chosen" else rejected)
        inputs, targets = seq[:-1], seq[1:]
        weights = [1.0 if j + 1 >= len(prompt) else 0.0 for j in range(len(targets))]
        rows.append((inputs, targets, weights))
    return rows


def pad(rows, length):
    out = []
    for inputs, targets, weights in rows:
        extra = length - len(inputs)
        docs = [0] * len(inputs) + [1] * extra
        out.append((inputs + [0] * extra, targets + [-100] * extra, weights + [0.0] * extra, docs))
    return out


def sequence_logps(P, rows):
    inputs = torch.tensor([r[0] for r in rows])
    targets = torch.tensor([r[1] for r in rows])
    weights = torch.tensor([r[2] for r in rows])
    docs = torch.tensor([r[3] for r in rows])
    logits = mg.forward(P, CONFIG, inputs, docs)
    return (mg.token_logps(logits, targets, weights) * weights).sum(-1)


def lam(strategy, value, t):
    if strategy == "fixed":
        return value
    lo, hi = value
    if strategy == "increase_linear":
        return lo + (hi - lo) * t / TOTAL_STEPS
    return hi - (hi - lo) * t / TOTAL_STEPS


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    policy = mg.init_params(CONFIG, seed=2024)
    reference = mg.init_params(CONFIG, seed=2025)
    pairs = make_pairs(7)
    chosen_rows, rejected_rows = rows_for(pairs, "chosen"), rows_for(pairs, "rejected")
    length = max(len(r[0]) for r in chosen_rows + rejected_rows)
    chosen_rows, rejected_rows = pad(chosen_rows, length), pad(rejected_rows, length)
    n_pairs = len(pairs)
    with torch.no_grad():
        ref = sequence_logps(reference, chosen_rows + rejected_rows)
    ref_chosen, ref_rejected = ref[:n_pairs], ref[n_pairs:]
    chosen_tokens = sum(sum(r[2]) for r in chosen_rows)

    tensors = {"params." + k: v.detach().contiguous() for k, v in policy.items()}
    cases = {}
    for name, (strategy, value, t, smoothing, rpo_alpha, store) in CASES.items():
        for v in policy.values():
            v.grad = None
        logps = sequence_logps(policy, chosen_rows + rejected_rows)  # one concatenated forward
        pc, pr = logps[:n_pairs], logps[n_pairs:]
        lmb = lam(strategy, value, t)
        logits = (pc - lmb * pr) - (ref_chosen - lmb * ref_rejected)
        losses = -F.logsigmoid(BETA * logits) * (1 - smoothing) - F.logsigmoid(-BETA * logits) * smoothing
        nll = None
        if rpo_alpha is not None:
            nll = -pc.sum() / chosen_tokens
            losses = losses + rpo_alpha * nll
        loss = losses.mean()
        loss.backward()
        chosen_rewards = BETA * (pc - ref_chosen).detach()
        rejected_rewards = BETA * (pr - ref_rejected).detach()
        metrics = {
            "loss": loss.item(),
            "rewards/chosen": chosen_rewards.mean().item(),
            "rewards/rejected": rejected_rewards.mean().item(),
            "rewards/accuracies": (chosen_rewards > rejected_rewards).float().mean().item(),
            "rewards/margins": (chosen_rewards - rejected_rewards).mean().item(),
            "logps/chosen": pc.detach().mean().item(),
            "logps/rejected": pr.detach().mean().item(),
            "dpo_lambda": lmb,
        }
        if nll is not None:
            metrics["nll_loss"] = nll.item()
        if lmb == 1.0 and smoothing == 0 and rpo_alpha is None:
            # Standard DPO written independently: λ = 1 must be exactly this.
            standard = -F.logsigmoid(BETA * ((pc - ref_chosen) - (pr - ref_rejected))).mean()
            assert abs(standard.item() - loss.item()) < 1e-7
            metrics["standard_dpo_loss"] = standard.item()
        shift = {"fixed": f"fixed:{value}", "increase_linear": "linear-increase:%s:%s" % value if strategy != "fixed" else "",
                 "decrease_linear": "linear-decrease:%s:%s" % value if strategy != "fixed" else ""}[strategy]
        cases[name] = dict(shift=shift, step=t, total_steps=TOTAL_STEPS, label_smoothing=smoothing, rpo_alpha=rpo_alpha,
                           lambda_=lmb, metrics=metrics, policy_chosen=pc.tolist(), policy_rejected=pr.tolist(),
                           gradients=store)
        if store:
            for k, v in policy.items():
                tensors[f"grads.{name}.{k}"] = v.grad.detach().contiguous()
        print(f"{name}: lambda {lmb:.4f} loss {loss.item():.6f} acc {metrics['rewards/accuracies']:.3f}")

    save_file(tensors, os.path.join(OUT, "pairs.safetensors"), metadata={"format": "pt"})
    batch = dict(config=json.loads(mg.hf_config(CONFIG).to_json_string()), beta=BETA, pairs=n_pairs, length=length,
                 chosen=dict(inputs=sum((r[0] for r in chosen_rows), []), targets=sum((r[1] for r in chosen_rows), []),
                             weights=sum((r[2] for r in chosen_rows), []), document_ids=sum((r[3] for r in chosen_rows), [])),
                 rejected=dict(inputs=sum((r[0] for r in rejected_rows), []), targets=sum((r[1] for r in rejected_rows), []),
                               weights=sum((r[2] for r in rejected_rows), []), document_ids=sum((r[3] for r in rejected_rows), [])),
                 reference_chosen=ref_chosen.tolist(), reference_rejected=ref_rejected.tolist(), cases=cases,
                 torch_version=torch.__version__)
    with open(os.path.join(OUT, "pairs.json"), "w") as f:
        json.dump(batch, f, indent=1)


if __name__ == "__main__":
    main()
