#!/usr/bin/env python3
"""The answer check of bench/train and bench/dpo: pref and PyTorch give the same sequence
log-probs for the model configuration the bench times.

PyTorch builds transformers' model for CONFIG's model_type (LlamaForCausalLM, Qwen2ForCausalLM) twice (seeds 1 and 2, weights drawn
with std 0.2 so that the outputs are far from uniform and a wrong operation shows) and saves
both as HF folders. `pref eval` scores the test pairs of a small workspace (the first 24 demo
pairs, split half and half, chatml, a 2,048-token BPE trained by pref) with the first as the
model and the second as the reference; PyTorch scores the same token ids, read from pref's
shards. Each model is freed once saved and loaded again to be scored, so at most one is in memory
alongside pref's two. The summed response log-probs of chosen and rejected under both models must agree
within a relative 1e-4 (Float32 on both sides, different summation orders).
Prints one line; exits 0 when they agree, 1 when not.
ROWS demo pairs (default 24) make the workspace: fewer for large models, whose PyTorch forward
passes take seconds each.
Usage: same_logps.py PREF CONFIG.json OUT_DIR THREADS [ROWS]
"""
import json, os, subprocess, sys
import torch
import transformers
from transformers import AutoConfig
from transformers.utils import logging

logging.disable_progress_bar()

pref, config_path, out, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from shards import preference_examples

TOLERANCE = 1e-4
ROWS = int(sys.argv[5]) if len(sys.argv) > 5 else 24
torch.set_num_threads(threads)
ws = os.path.join(out, f"logps-workspace-{ROWS}")
done = os.path.join(ws, f"tokenized-{ROWS}")
if not os.path.exists(done):
    subprocess.run(["rm", "-rf", ws], check=True)
    os.makedirs(ws)
    data = os.path.join(ws, "pairs.jsonl")
    with open(os.path.join(here, "..", "demo", "data", "prefs_binarized.jsonl"), encoding="utf-8") as f, open(data, "w", encoding="utf-8") as o:
        o.writelines(line for _, line in zip(range(ROWS), f))
    for args in (["ingest", data], ["split", "--test", "0.5"], ["pairs", "--strategy", "binarized"],
                 ["tokenize", "--train-bpe", "2048", "--template", "chatml", "--max-length", "256"]):
        subprocess.run([pref, args[0], "--quiet", "--workspace", ws, *args[1:]], check=True, stdout=subprocess.DEVNULL)
    open(done, "w").close()

config = AutoConfig.for_model(**json.load(open(config_path)), initializer_range=0.2)
model_class = transformers.MODEL_FOR_CAUSAL_LM_MAPPING[type(config)]
name = os.path.splitext(os.path.basename(config_path))[0]
folders = []
for seed in (1, 2):
    torch.manual_seed(seed)
    folder = os.path.join(out, f"logps-{name}-seed{seed}")
    model_class(config).float().save_pretrained(folder, safe_serialization=True)
    folders.append(folder)

run = subprocess.run([pref, "eval", "--quiet", "--workspace", ws, "--run", folders[0], "--ref", folders[1], "--beta", "0.1",
                      "--threads", str(threads)], check=True, stdout=subprocess.DEVNULL)
pairs = json.load(open(os.path.join(folders[0], "eval", "eval.json")))["pairs"]
ours = {k: sorted(p[k] for p in pairs) for k in ("logp_chosen", "logp_rejected", "ref_logp_chosen", "ref_logp_rejected")}

@torch.no_grad()
def logp(model, prompt, response):
    seq = torch.tensor([prompt + response])
    logits = model(input_ids=seq[:, :-1]).logits.float()
    token_logps = torch.gather(logits.log_softmax(-1), 2, seq[:, 1:, None])[0, :, 0]
    return token_logps[len(prompt) - 1:].sum().item()

theirs = {k: [] for k in ours}
examples = list(preference_examples(ws, "test"))
for folder, prefix in zip(folders, ("", "ref_")):
    model = model_class.from_pretrained(folder, dtype=torch.float32).eval()
    for _, _, p, c, r in examples:
        theirs[prefix + "logp_chosen"].append(logp(model, p, c))
        theirs[prefix + "logp_rejected"].append(logp(model, p, r))
    del model
theirs = {k: sorted(v) for k, v in theirs.items()}
n = len(pairs)
same = all(len(theirs[k]) == n for k in ours)
worst = 0.0
if same:
    for k in ours:
        for a, b in zip(ours[k], theirs[k]):
            worst = max(worst, abs(a - b) / max(1.0, abs(b)))
    same = worst <= TOLERANCE
print(f"{name}: summed response log-probs of {n} test pairs (chosen, rejected; model, reference), pref vs PyTorch: "
      f"max relative difference {worst:.1e} (tolerance {TOLERANCE:.0e})")
open(os.path.join(out, f"logps-{name}.env"), "w").write(f"LOGP_PAIRS={n} LOGP_SAME={'yes' if same else 'no'}\n")
sys.exit(0 if same else 1)
