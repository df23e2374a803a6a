"""A pref workspace opened for reading: the examples of one kind and split, decoded as
the Swift trainer decodes them (Sources/Store/ShardExample.swift)."""

from __future__ import annotations

import os

from .errors import ShardError
from .index import ExampleRow, load_examples
from .shards import FrameReader

LOSS_MASK_BIT = 1 << 31


class ExampleStore:
    """The examples of `kind` ('sft' or 'preference') in `split` ('train' or 'test'), in
    curriculum order (stage, rank, id). `store[i]` decodes the i-th one.

    SFT examples: `input_ids`, `loss_mask` (1 = the loss counts this token as a target) and
    `document_lengths` (the documents packed into the sequence; one when not packed).
    Preference examples: `prompt_ids`, `chosen_ids`, `rejected_ids`, plus
    `ref_chosen_logps` / `ref_rejected_logps` (summed response log-probs of the reference
    model) once `pref train --stage dpo` has stored them."""

    def __init__(self, workspace: str, kind: str, split: str = "train"):
        self.workspace = os.fspath(workspace)
        self.kind = kind
        self.split = split
        self.rows: list[ExampleRow] = load_examples(self.workspace, kind, split)
        self._frames = FrameReader(os.path.join(self.workspace, "shards"))

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def stages(self) -> list[int]:
        return [r.stage for r in self.rows]

    @property
    def ids(self) -> list[int]:
        return [r.id for r in self.rows]

    def __getitem__(self, i: int) -> dict:
        return self.decode(self.rows[i])

    def decode(self, row: ExampleRow) -> dict:
        frame = self._frames.frame(row.shard, row.frame_offset, row.frame_length, row.frame_values)
        start, end = row.value_offset, row.value_offset + row.value_count
        if start < 0 or end > len(frame):
            raise ShardError(
                f"{os.path.join(self._frames.shards_dir, row.shard)}: frame at byte {row.frame_offset}: example {row.id} "
                f"spans values {start}..{end}, outside the frame's {len(frame)}"
            )
        a = frame[start : start + row.len_a]
        b = frame[start + row.len_a : start + row.len_a + row.len_b]
        c = frame[start + row.len_a + row.len_b : end]
        return self._sft(row, a, b) if self.kind == "sft" else self._preference(row, a, b, c)

    def _sft(self, row: ExampleRow, values, lengths) -> dict:
        documents = lengths.tolist()
        if sum(documents) != len(values):
            raise ShardError(
                f"{os.path.join(self._frames.shards_dir, row.shard)}: frame at byte {row.frame_offset}: example {row.id} "
                f"has document lengths summing to {sum(documents)} for {len(values)} tokens"
            )
        return {
            "id": row.id,
            "input_ids": [v & ~LOSS_MASK_BIT for v in values],
            "loss_mask": [1 if v & LOSS_MASK_BIT else 0 for v in values],
            "document_lengths": documents,
            "record_id": row.record_id,
            "truncated": row.truncated,
        }

    def _preference(self, row: ExampleRow, prompt, chosen, rejected) -> dict:
        out = {
            "id": row.id,
            "prompt_ids": prompt.tolist(),
            "chosen_ids": chosen.tolist(),
            "rejected_ids": rejected.tolist(),
            "stage": row.stage,
            "curriculum_rank": row.curriculum_rank,
            "pair_id": row.pair_id,
            "record_id": row.record_id,
            "truncated": row.truncated,
        }
        # The trainer uses stored reference log-probs only when both are present.
        if row.ref_chosen_logp is not None and row.ref_rejected_logp is not None:
            out["ref_chosen_logps"] = row.ref_chosen_logp
            out["ref_rejected_logps"] = row.ref_rejected_logp
        return out

    def close(self) -> None:
        self._frames.close()
