"""The Python reader gives exactly what `pref inspect --json` (the Swift ShardReader, the
trainer's reader) gives, for every example of every kind and split."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import inspect
from pref_data import ExampleStore, IterablePreferenceDataset, PreferenceDataset, SFTDataset

SFT_FIELDS = ("input_ids", "loss_mask", "document_lengths", "record_id", "truncated")
PAIR_FIELDS = ("prompt_ids", "chosen_ids", "rejected_ids", "stage", "curriculum_rank", "pair_id", "record_id", "truncated")


@pytest.mark.parametrize("kind", ["sft", "preference"])
@pytest.mark.parametrize("split", ["train", "test"])
def test_every_example_equals_pref_inspect(pref, workspace, kind, split):
    store = ExampleStore(workspace, kind, split)
    assert len(store) > 0, f"the demo workspace has no {kind} examples in {split}"
    chunks = [store.ids[i : i + 500] for i in range(0, len(store), 500)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        swift = [e for chunk in pool.map(lambda ids: inspect(pref, workspace, ids), chunks) for e in chunk]
    assert len(swift) == len(store)
    for i, expected in enumerate(swift):
        got = store[i]
        assert (expected["kind"], expected["split"]) == (kind, split)
        assert got["id"] == expected["id"]
        for field in SFT_FIELDS if kind == "sft" else PAIR_FIELDS:
            assert got[field] == expected[field], f"example {got['id']}: {field} differs"
        if kind == "preference":
            assert got.get("ref_chosen_logps") == expected["ref_chosen_logp"]
            assert got.get("ref_rejected_logps") == expected["ref_rejected_logp"]


def test_splits_and_kinds_cover_the_index_once(workspace):
    with sqlite3.connect(workspace / "pref.sqlite") as db:
        indexed = sorted(r[0] for r in db.execute("SELECT id FROM examples"))
    read = sorted(i for kind in ("sft", "preference") for split in ("train", "test") for i in ExampleStore(workspace, kind, split).ids)
    assert read == indexed


def test_curriculum_order_is_stage_then_rank(workspace):
    rows = ExampleStore(workspace, "preference", "train").rows
    keys = [(r.stage, r.curriculum_rank, r.id) for r in rows]
    assert keys == sorted(keys)
    assert len({r.stage for r in rows}) == 3, "pairs --curriculum stages:3 makes three stages"


def test_stored_reference_log_probs_come_with_every_pair(workspace):
    pairs = PreferenceDataset(workspace, "train")
    assert all("ref_chosen_logps" in pairs[i] and pairs[i]["ref_chosen_logps"] < 0 for i in range(len(pairs)))


def test_sft_rows_are_packed_to_the_tokenize_length(workspace):
    rows = SFTDataset(workspace, "train")
    lengths = [len(rows[i]["input_ids"]) for i in range(len(rows))]
    assert max(lengths) == 256 and lengths.count(256) >= len(rows) - 1
    assert any(len(rows[i]["document_lengths"]) > 1 for i in range(len(rows)))


def test_iterable_dataset_yields_the_map_datasets_examples(workspace):
    pairs = PreferenceDataset(workspace, "test")
    streamed = list(IterablePreferenceDataset(workspace, "test", order="curriculum"))
    assert streamed == [pairs[i] for i in range(len(pairs))]
