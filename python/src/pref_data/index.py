"""The shard index in `pref.sqlite` (Sources/Store/Schema.swift, tables `shards` and
`examples`), read-only. Each example row says where its values lie: shard file, frame
offset and length in bytes, values in the frame, first value, and the lengths of its three
segments."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from typing import Optional

from .errors import ShardError

KINDS = ("sft", "preference")
SPLITS = ("train", "test")


@dataclass(frozen=True)
class ExampleRow:
    id: int
    shard: str
    frame_offset: int
    frame_length: int
    frame_values: int
    value_offset: int
    len_a: int
    len_b: int
    len_c: int
    stage: int
    curriculum_rank: int
    truncated: bool
    record_id: Optional[int]
    pair_id: Optional[int]
    ref_chosen_logp: Optional[float]
    ref_rejected_logp: Optional[float]

    @property
    def value_count(self) -> int:
        return self.len_a + self.len_b + self.len_c


def connect(workspace: str) -> sqlite3.Connection:
    path = os.path.join(workspace, "pref.sqlite")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{path}: no catalog (is {workspace} a pref workspace? run pref tokenize first)")
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def load_examples(workspace: str, kind: str, split: str) -> list[ExampleRow]:
    """The examples of one kind and split in curriculum order: stage, rank within the
    stage, id (the order Sources/Store/ShardReader.swift gives the trainer)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    db = connect(workspace)
    try:
        check_shard_counts(db, workspace, kind, split)
        rows = db.execute(
            """
            SELECT e.id, s.name, e.frame_offset, e.frame_length, e.frame_values, e.value_offset, e.len_a, e.len_b, e.len_c,
                   e.stage, e.curriculum_rank, e.truncated, e.record_id, e.pair_id, e.ref_chosen_logp, e.ref_rejected_logp
            FROM examples e JOIN shards s ON s.id = e.shard_id
            WHERE e.kind = ? AND e.split = ? ORDER BY e.stage, e.curriculum_rank, e.id
            """,
            (kind, split),
        ).fetchall()
    finally:
        db.close()
    return [ExampleRow(*r[:11], bool(r[11]), *r[12:]) for r in rows]


def check_shard_counts(db: sqlite3.Connection, workspace: str, kind: str, split: str) -> None:
    """Compares each shard's file size, example count and token count with its shard row,
    so a file replaced or cut after indexing fails at open rather than mid-epoch."""
    shards = db.execute(
        """
        SELECT s.name, s.bytes, s.examples, s.tokens, COUNT(e.id),
               COALESCE(SUM(CASE WHEN e.kind = 'sft' THEN e.len_a ELSE e.len_a + e.len_b + e.len_c END), 0)
        FROM shards s LEFT JOIN examples e ON e.shard_id = s.id
        WHERE s.kind = ? AND s.split = ? GROUP BY s.id ORDER BY s.name
        """,
        (kind, split),
    ).fetchall()
    for name, size, examples, tokens, indexed, indexed_tokens in shards:
        path = os.path.join(workspace, "shards", name)
        try:
            actual = os.path.getsize(path)
        except OSError:
            raise ShardError(f"{path}: shard file is missing (the index lists it)") from None
        if actual != size:
            raise ShardError(f"{path}: file has {actual} bytes, the index says {size}")
        if indexed != examples:
            raise ShardError(f"{path}: {indexed} indexed examples, the shard row says {examples}")
        if indexed_tokens != tokens:
            raise ShardError(f"{path}: indexed examples hold {indexed_tokens} tokens, the shard row says {tokens}")
