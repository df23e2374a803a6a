"""Collators that turn decoded examples into the tensors trainers consume.

Labels follow Hugging Face's convention: the model shifts them, so `labels[t]` is the target
of the prediction made at t - 1, and -100 means no loss. That reproduces the Swift
trainer's rows (Sources/Train/Data/ShardBatches.swift): the prediction of token t counts
when t carries the loss mask, and the first token of a document is never a target, so the
last token of one packed document predicts nothing and documents never see each other."""

from __future__ import annotations

from typing import Optional, Sequence

import torch

IGNORE_INDEX = -100
LAYOUTS = ("split", "concatenated")


def pad(rows: Sequence[Sequence[int]], value: int, left: bool = False, multiple_of: Optional[int] = None,
        dtype: torch.dtype = torch.long) -> torch.Tensor:
    """Rows padded with `value` to the longest (rounded up to `multiple_of`), on the right
    unless `left`."""
    length = max((len(r) for r in rows), default=0)
    if multiple_of:
        length = -(-length // multiple_of) * multiple_of
    out = torch.full((len(rows), length), value, dtype=dtype)
    for i, r in enumerate(rows):
        if len(r):
            values = torch.as_tensor(list(r), dtype=dtype)
            if left:
                out[i, length - len(r) :] = values
            else:
                out[i, : len(r)] = values
    return out


def document_spans(example: dict) -> list[tuple[int, int]]:
    spans, start = [], 0
    for n in example["document_lengths"]:
        spans.append((start, start + n))
        start += n
    return spans


def sft_labels(example: dict) -> list[int]:
    """Token ids where the loss mask is set, -100 elsewhere and at every document's first token."""
    labels = [t if m else IGNORE_INDEX for t, m in zip(example["input_ids"], example["loss_mask"])]
    for start, _ in document_spans(example):
        labels[start] = IGNORE_INDEX
    return labels


def sft_positions(example: dict) -> list[int]:
    """Rotary positions: each document starts again at 0."""
    return [p for start, end in document_spans(example) for p in range(end - start)]


class SFTCollator:
    """SFT rows (`input_ids`, `loss_mask`, `document_lengths`) as a batch.

    Padded (default): `input_ids` (right-padded with `pad_token_id`), `attention_mask`,
    `labels`, and `position_ids` restarting at every packed document (0 on padding). A 2-D
    attention mask cannot keep packed documents apart; use `flatten=True` for that.

    Flattened (`flatten=True`): every document of every row laid end to end in one row of
    shape [1, T], as transformers' DataCollatorWithFlattening does: `input_ids`, `labels`,
    `position_ids`, plus `cu_seqlens` (int32 document boundaries for varlen attention, e.g.
    flash_attn_varlen_func) and `max_seqlen`. `hf_flash_kwargs=True` adds the names HF
    models take for the same thing (`cu_seq_lens_q/k`, `max_length_q/k`)."""

    def __init__(self, pad_token_id: int = 0, flatten: bool = False, pad_to_multiple_of: Optional[int] = None,
                 hf_flash_kwargs: bool = False):
        self.pad_token_id = pad_token_id
        self.flatten = flatten
        self.pad_to_multiple_of = pad_to_multiple_of
        self.hf_flash_kwargs = hf_flash_kwargs

    def __call__(self, examples: Sequence[dict]) -> dict:
        return self._flattened(examples) if self.flatten else self._padded(examples)

    def _padded(self, examples: Sequence[dict]) -> dict:
        ids = [e["input_ids"] for e in examples]
        m = self.pad_to_multiple_of
        return {
            "input_ids": pad(ids, self.pad_token_id, multiple_of=m),
            "attention_mask": pad([[1] * len(r) for r in ids], 0, multiple_of=m),
            "labels": pad([sft_labels(e) for e in examples], IGNORE_INDEX, multiple_of=m),
            "position_ids": pad([sft_positions(e) for e in examples], 0, multiple_of=m),
        }

    def _flattened(self, examples: Sequence[dict]) -> dict:
        ids, labels, positions, bounds = [], [], [], [0]
        for e in examples:
            ids += e["input_ids"]
            labels += sft_labels(e)
            positions += sft_positions(e)
            for n in e["document_lengths"]:
                bounds.append(bounds[-1] + n)
        cu_seqlens = torch.tensor(bounds, dtype=torch.int32)
        longest = int(torch.diff(cu_seqlens).max()) if len(bounds) > 1 else 0
        out = {
            "input_ids": torch.tensor([ids], dtype=torch.long),
            "labels": torch.tensor([labels], dtype=torch.long),
            "position_ids": torch.tensor([positions], dtype=torch.long),
            "cu_seqlens": cu_seqlens,
            "max_seqlen": longest,
        }
        if self.hf_flash_kwargs:
            out.update(cu_seq_lens_q=cu_seqlens, cu_seq_lens_k=cu_seqlens, max_length_q=longest, max_length_k=longest)
        return out


class DPOCollator:
    """Preference pairs (`prompt_ids`, `chosen_ids`, `rejected_ids`) as a DPO batch.

    `layout="split"`: TRL's DPOTrainer inputs up to TRL 0.2x: `prompt_input_ids` and
    `prompt_attention_mask` left-padded, `chosen_input_ids` / `chosen_attention_mask` and
    `rejected_input_ids` / `rejected_attention_mask` right-padded (responses only; the
    trainer concatenates prompt and response).

    `layout="concatenated"`: what TRL ≥ 1.0's DataCollatorForPreference gives: `input_ids`
    with the B prompt+chosen rows followed by the B prompt+rejected rows, right-padded,
    `attention_mask`, and `completion_mask` (1 on response tokens).

    Both add `ref_chosen_logps` / `ref_rejected_logps` ([B], float32 unless `ref_dtype`
    says otherwise; the index stores them as doubles) when every pair in the batch has them
    stored; the Swift trainer uses them under the same condition."""

    def __init__(self, pad_token_id: int = 0, layout: str = "split", pad_to_multiple_of: Optional[int] = None,
                 ref_dtype: torch.dtype = torch.float32):
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")
        self.pad_token_id = pad_token_id
        self.layout = layout
        self.pad_to_multiple_of = pad_to_multiple_of
        self.ref_dtype = ref_dtype

    def __call__(self, examples: Sequence[dict]) -> dict:
        out = self._split(examples) if self.layout == "split" else self._concatenated(examples)
        if all("ref_chosen_logps" in e and "ref_rejected_logps" in e for e in examples):
            out["ref_chosen_logps"] = torch.tensor([e["ref_chosen_logps"] for e in examples], dtype=self.ref_dtype)
            out["ref_rejected_logps"] = torch.tensor([e["ref_rejected_logps"] for e in examples], dtype=self.ref_dtype)
        return out

    def _split(self, examples: Sequence[dict]) -> dict:
        m = self.pad_to_multiple_of
        out = {}
        for part, left in (("prompt", True), ("chosen", False), ("rejected", False)):
            rows = [e[f"{part}_ids"] for e in examples]
            out[f"{part}_input_ids"] = pad(rows, self.pad_token_id, left=left, multiple_of=m)
            out[f"{part}_attention_mask"] = pad([[1] * len(r) for r in rows], 0, left=left, multiple_of=m)
        return out

    def _concatenated(self, examples: Sequence[dict]) -> dict:
        rows, completion = [], []
        for part in ("chosen", "rejected"):
            for e in examples:
                rows.append(e["prompt_ids"] + e[f"{part}_ids"])
                completion.append([0] * len(e["prompt_ids"]) + [1] * len(e[f"{part}_ids"]))
        m = self.pad_to_multiple_of
        return {
            "input_ids": pad(rows, self.pad_token_id, multiple_of=m),
            "attention_mask": pad([[1] * len(r) for r in rows], 0, multiple_of=m),
            "completion_mask": pad(completion, 0, multiple_of=m),
        }
