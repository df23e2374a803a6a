"""Greedy generation with transformers for the generation goldens (scripts/generate-golden.py,
scripts/smollm2-generate-golden.py): the new tokens and, per step, the gap between the best
and second-best logit. A golden token is only fair where that gap is well above Float32
rounding, so the callers refuse steps where it is not."""
import torch


def greedy(model, prompt, new_tokens, pad_token_id, **kwargs):
    ids = torch.tensor([prompt])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False, max_new_tokens=new_tokens,
                         pad_token_id=pad_token_id, output_logits=True, return_dict_in_generate=True, **kwargs)
    tokens = out.sequences[0, len(prompt):].tolist()
    gaps = [float(torch.topk(step[0].float(), 2).values.diff().neg()) for step in out.logits]
    return tokens, gaps
