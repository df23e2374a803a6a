"""A shard that does not match its index fails with an error naming the file and the
frame's byte offset, never with wrong tokens."""

from __future__ import annotations

import shutil

import pytest

from pref_data import ExampleStore, PreferenceDataset, ShardError


@pytest.fixture
def copy(workspace, tmp_path):
    target = tmp_path / "ws"
    shutil.copytree(workspace, target, ignore=shutil.ignore_patterns("runs"))
    return target


def flip(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def frame_of(store, position=0):
    row = store.rows[position]
    return row, store.workspace + "/shards/" + row.shard


@pytest.mark.parametrize("where", ["middle", "checksum"])
@pytest.mark.parametrize("kind", ["sft", "preference"])
def test_a_flipped_byte_names_the_file_and_frame(copy, kind, where):
    store = ExampleStore(copy, kind, "train")
    row, path = frame_of(store, len(store) // 2)
    # The middle of the compressed blocks, or the last byte: the frame's content checksum.
    offset = row.frame_offset + (row.frame_length // 2 if where == "middle" else row.frame_length - 1)
    flip(copy / "shards" / row.shard, offset)
    fresh = ExampleStore(copy, kind, "train")
    with pytest.raises(ShardError) as error:
        fresh.decode(row)
    message = str(error.value)
    assert path in message and f"frame at byte {row.frame_offset}" in message
    if where == "checksum":
        assert "checksum" in message


def test_other_shards_still_read(copy):
    broken = ExampleStore(copy, "preference", "train").rows[0]
    flip(copy / "shards" / broken.shard, broken.frame_offset + broken.frame_length // 2)
    intact = PreferenceDataset(copy, "test")
    assert all(intact[i]["chosen_ids"] for i in range(len(intact)))


def test_a_truncated_shard_fails_at_open(copy):
    row = ExampleStore(copy, "preference", "train").rows[0]
    path = copy / "shards" / row.shard
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ShardError, match=f"{path}: file has .* bytes, the index says"):
        PreferenceDataset(copy, "train")


def test_a_missing_shard_fails_at_open(copy):
    row = ExampleStore(copy, "sft", "test").rows[0]
    (copy / "shards" / row.shard).unlink()
    with pytest.raises(ShardError, match="shard file is missing"):
        ExampleStore(copy, "sft", "test")
