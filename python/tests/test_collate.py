"""Collators against their peers (transformers' DataCollatorWithFlattening, TRL's
DataCollatorForPreference) and against the Swift trainer's row rules."""

from __future__ import annotations

import pytest
import torch

from pref_data import IGNORE_INDEX, DPOCollator, PreferenceDataset, SFTCollator, SFTDataset

PAD = 3


def small_sft():
    return [
        {"input_ids": [5, 6, 7, 8, 9], "loss_mask": [0, 1, 1, 0, 1], "document_lengths": [3, 2]},
        {"input_ids": [10, 11], "loss_mask": [1, 1], "document_lengths": [2]},
    ]


def swift_predictions(example):
    """(position, target) pairs the Swift trainer trains on (ShardRows.sftRow): inside each
    document token j predicts token j+1, counted when j+1 carries the loss mask."""
    out, start = set(), 0
    for n in example["document_lengths"]:
        for j in range(start, start + n - 1):
            if example["loss_mask"][j + 1]:
                out.add((j, example["input_ids"][j + 1]))
        start += n
    return out


def hf_predictions(labels_row):
    """The same under Hugging Face's shift: logits at t - 1 are scored against labels[t]."""
    return {(t - 1, int(v)) for t, v in enumerate(labels_row.tolist()) if v != IGNORE_INDEX and t > 0}


def test_padded_sft_batch():
    batch = SFTCollator(pad_token_id=PAD)(small_sft())
    assert batch["input_ids"].tolist() == [[5, 6, 7, 8, 9], [10, 11, PAD, PAD, PAD]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]]
    assert batch["labels"].tolist() == [[-100, 6, 7, -100, 9], [-100, 11, -100, -100, -100]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1], [0, 1, 0, 0, 0]]


def test_flattened_sft_batch():
    batch = SFTCollator(flatten=True)(small_sft())
    assert batch["input_ids"].tolist() == [[5, 6, 7, 8, 9, 10, 11]]
    assert batch["labels"].tolist() == [[-100, 6, 7, -100, 9, -100, 11]]
    assert batch["position_ids"].tolist() == [[0, 1, 2, 0, 1, 0, 1]]
    assert batch["cu_seqlens"].tolist() == [0, 3, 5, 7] and batch["max_seqlen"] == 3
    assert "attention_mask" not in batch and "cu_seq_lens_q" not in batch


def test_pad_to_multiple_of():
    batch = SFTCollator(pad_token_id=PAD, pad_to_multiple_of=4)(small_sft())
    assert batch["input_ids"].shape == (2, 8)


def test_labels_train_what_the_swift_trainer_trains(workspace):
    rows = SFTDataset(workspace, "train")
    examples = [rows[i] for i in range(min(len(rows), 16))]
    batch = SFTCollator()(examples)
    for row, example in zip(batch["labels"], examples):
        assert hf_predictions(row) == swift_predictions(example)
        assert swift_predictions(example), "a demo row without trained tokens proves nothing"


def test_flattened_sft_batch_matches_transformers(workspace):
    transformers = pytest.importorskip("transformers")
    rows = SFTDataset(workspace, "train")
    examples = [rows[i] for i in range(min(len(rows), 4))]
    ours = SFTCollator(flatten=True, hf_flash_kwargs=True)(examples)
    # transformers flattens whole sequences; give it our documents one by one.
    documents = []
    for e in examples:
        start = 0
        for n in e["document_lengths"]:
            ids = e["input_ids"][start : start + n]
            mask = e["loss_mask"][start : start + n]
            documents.append({"input_ids": ids, "labels": [t if m else IGNORE_INDEX for t, m in zip(ids, mask)]})
            start += n
    peer = transformers.DataCollatorWithFlattening(return_flash_attn_kwargs=True)(documents, return_tensors="pt")
    for key in ("input_ids", "labels", "position_ids"):
        assert torch.equal(ours[key], peer[key]), key
    assert ours["cu_seqlens"].tolist() == peer["cu_seq_lens_q"].tolist()
    assert ours["cu_seq_lens_k"].tolist() == peer["cu_seq_lens_k"].tolist()
    assert ours["max_seqlen"] == ours["max_length_q"] == int(peer["max_length_q"])
    assert ours["cu_seqlens"].dtype == torch.int32


def small_pairs(with_reference=True):
    pairs = [
        {"prompt_ids": [1, 2, 3], "chosen_ids": [4, 5], "rejected_ids": [6]},
        {"prompt_ids": [7], "chosen_ids": [9], "rejected_ids": [10, 11, 12]},
    ]
    if with_reference:
        for p, (c, r) in zip(pairs, [(-1.5, -2.5), (-3.25, -0.5)]):
            p.update(ref_chosen_logps=c, ref_rejected_logps=r)
    return pairs


def test_split_layout_pads_prompts_left_and_responses_right():
    batch = DPOCollator(pad_token_id=PAD)(small_pairs())
    assert batch["prompt_input_ids"].tolist() == [[1, 2, 3], [PAD, PAD, 7]]
    assert batch["prompt_attention_mask"].tolist() == [[1, 1, 1], [0, 0, 1]]
    assert batch["chosen_input_ids"].tolist() == [[4, 5], [9, PAD]]
    assert batch["chosen_attention_mask"].tolist() == [[1, 1], [1, 0]]
    assert batch["rejected_input_ids"].tolist() == [[6, PAD, PAD], [10, 11, 12]]
    assert batch["rejected_attention_mask"].tolist() == [[1, 0, 0], [1, 1, 1]]
    assert batch["ref_chosen_logps"].tolist() == [-1.5, -3.25]
    assert batch["ref_rejected_logps"].dtype == torch.float32


def test_reference_log_probs_only_when_every_pair_has_them():
    pairs = small_pairs()
    del pairs[1]["ref_rejected_logps"]
    assert "ref_chosen_logps" not in DPOCollator()(pairs)
    assert "ref_chosen_logps" not in DPOCollator(layout="concatenated")(small_pairs(with_reference=False))


def test_concatenated_layout_matches_trl(workspace):
    trl = pytest.importorskip("trl.trainer.dpo_trainer", reason="TRL is not installed (pip install trl)")
    pairs = PreferenceDataset(workspace, "train")
    examples = [pairs[i] for i in range(min(len(pairs), 8))]
    ours = DPOCollator(pad_token_id=PAD, layout="concatenated")(examples)
    # TRL reads prompt_ids / chosen_ids / rejected_ids and ref_*_logps: our dataset's keys.
    theirs = trl.DataCollatorForPreference(pad_token_id=PAD)(examples)
    assert set(ours) == set(theirs) >= {"input_ids", "attention_mask", "completion_mask", "ref_chosen_logps"}
    for key in ours:
        assert torch.equal(ours[key], theirs[key]), key


def test_split_layout_round_trips_real_pairs(workspace):
    pairs = PreferenceDataset(workspace, "test")
    examples = [pairs[i] for i in range(len(pairs))]
    batch = DPOCollator(pad_token_id=PAD)(examples)
    for i, e in enumerate(examples):
        for part in ("prompt", "chosen", "rejected"):
            mask = batch[f"{part}_attention_mask"][i].bool()
            assert batch[f"{part}_input_ids"][i][mask].tolist() == e[f"{part}_ids"]
