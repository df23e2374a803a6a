#!/usr/bin/env python3
"""Writes Parquet twins of the ingest fixtures with pyarrow (pip install pyarrow), the way
`datasets` writes Hub files (snappy, dictionary pages, data page v1, small row groups), into
fixtures/ingest/parquet/ in the Hub's refs/convert layout (default/<split>/0000.parquet).
Only the rows pyarrow can hold (valid JSON of one shape per column) are converted; the tests
check that each Parquet twin ingests to exactly the records of its JSONL original.
Run: python scripts/ingest-parquet-fixtures.py (after scripts/ingest-fixtures.py)
"""
import json, os
import pyarrow as pa
import pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "fixtures", "ingest")
OUT = os.path.join(SRC, "parquet")


def rows(name, keep):
    out = []
    with open(os.path.join(SRC, name), "rb") as f:
        for line in f:
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and keep(row):
                out.append(row)
    return out


def write(rel, table_rows, schema=None, compliant=True):
    path = os.path.join(OUT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    table = pa.Table.from_pylist(table_rows, schema=schema)
    pq.write_table(table, path, row_group_size=2, compression="snappy", use_dictionary=True,
                   data_page_version="1.0", use_compliant_nested_type=compliant)


msg = pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))
num = lambda v: isinstance(v, (int, float)) and v == v  # finite number, not NaN

# ultrafeedback_binarized rows with a consistent shape; `item` child names (pyarrow < 13 style).
binarized = rows("ultrafeedback_binarized.jsonl",
                 lambda r: {"prompt", "prompt_id", "chosen", "rejected", "messages", "score_chosen", "score_rejected"} <= r.keys()
                 and num(r["score_chosen"]) and num(r["score_rejected"]))
for r in binarized:
    for conv in ("chosen", "rejected", "messages"):
        r[conv] = [{"content": m["content"], "role": m["role"]} for m in r[conv]]
schema = pa.schema([("prompt", pa.string()), ("prompt_id", pa.string()), ("chosen", msg), ("rejected", msg),
                    ("messages", msg), ("score_chosen", pa.float64()), ("score_rejected", pa.float64())])
write("ultrafeedback_binarized/default/train_prefs/0000.parquet", binarized, schema, compliant=False)

# Capybara-Preferences: int64 ratings, snake_case names only.
capy = rows("capybara_preferences.jsonl", lambda r: "chosen_rating" in r and isinstance(r["chosen_rating"], int))
schema = pa.schema([("source", pa.string()), ("chosen", msg), ("chosen_rating", pa.int64()), ("chosen_model", pa.string()),
                    ("rejected", msg), ("rejected_rating", pa.int64()), ("rejected_model", pa.string())])
write("capybara_preferences/data/train-00000-of-00001.parquet", capy, schema)

# Raw UltraFeedback: completions as list<struct> with struct annotations (the newer vintage).
uf = rows("ultrafeedback.jsonl", lambda r: isinstance(r.get("completions"), list) and r["completions"]
          and all(isinstance(c.get("overall_score"), (int, float)) and not isinstance(c["annotations"]["helpfulness"], list)
                  for c in r["completions"]))
for r in uf:
    for c in r["completions"]:
        c.setdefault("fine-grained_score", None)
write("ultrafeedback/default/train/0000.parquet", uf)

# Raw UltraChat and ShareGPT conversations.
write("ultrachat/default/train/0000.parquet", rows("ultrachat.jsonl", lambda r: all(isinstance(t, str) for t in r.get("data", [1]))
                                                   and isinstance(r.get("id"), str)))
write("sharegpt/default/train/0000.parquet", rows("sharegpt.jsonl", lambda r: "chosen" not in r))
print("wrote", sorted(os.path.relpath(os.path.join(d, f), OUT) for d, _, fs in os.walk(OUT) for f in fs))
