"""Reads pref's token shards from Python, for the benchmarks' checks (bench/tokenize,
bench/same_logps.py): the catalog's `examples` rows point into zstd frames of little-endian
UInt32 values (Sources/Store: ShardExample, ShardFile). Needs `zstandard`."""
import array, sqlite3
import zstandard

def preference_examples(workspace, split=None):
    """Yields (pair_id, truncated, prompt, chosen, rejected) for every preference example,
    in index order, optionally of one split; the ids are lists of ints."""
    con = sqlite3.connect(f"file:{workspace}/pref.sqlite?mode=ro", uri=True)
    names = dict(con.execute("SELECT id, name FROM shards"))
    dctx, frame_key, values = zstandard.ZstdDecompressor(), None, None
    where = "kind = 'preference'" + (" AND split = ?" if split else "")
    for sid, offset, length, count, start, a, b, c, pair, truncated in con.execute(
            "SELECT shard_id, frame_offset, frame_length, frame_values, value_offset, len_a, len_b, len_c, pair_id, truncated "
            f"FROM examples WHERE {where} ORDER BY id", (split,) if split else ()):
        if frame_key != (sid, offset):
            with open(f"{workspace}/shards/{names[sid]}", "rb") as f:
                f.seek(offset)
                values = array.array("I")
                values.frombytes(dctx.decompress(f.read(length), max_output_size=4 * count))
            frame_key = (sid, offset)
        v = values[start:start + a + b + c].tolist()
        yield pair, bool(truncated), v[:a], v[a:a + b], v[a + b:]
