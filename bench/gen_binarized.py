#!/usr/bin/env python3
"""Writes N ultrafeedback_binarized-shaped rows as JSONL (or Parquet with --parquet).

Rows are resampled from the real sample in ../shared/data when it is there (each copy made
unique by a numbered suffix, so nothing is a duplicate) and synthesised otherwise.
Usage: gen_binarized.py OUT N [--parquet]
"""
import hashlib, json, os, random, sys

out, n = sys.argv[1], int(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
real = os.path.join(here, "..", "..", "shared", "data", "ultrafeedback_binarized", "train_prefs.jsonl")
rng = random.Random(42)
if os.path.exists(real):
    with open(real, encoding="utf-8") as f:
        base = [json.loads(l) for l in f if l.strip()]
    seeds = [(r["prompt"], r["chosen"][-1]["content"], r["rejected"][-1]["content"], r["score_chosen"], r["score_rejected"]) for r in base]
else:
    words = "the of and to in is you that it he was for on are as with his they at be this have from or one had by word but not what all were we when your can said there use an each which she do how their if will up other about out many then them these so some her would make like him into time has look two more write go see number no way could people my than first water been call who oil its now find long down day did get come made may part".split()
    def text(k): return " ".join(rng.choice(words) for _ in range(k))
    seeds = [(text(rng.randint(10, 200)), text(rng.randint(50, 700)), text(rng.randint(30, 600)),
              rng.randint(2, 20) / 2, rng.randint(2, 20) / 2) for _ in range(1000)]

rows = []
for i in range(n):
    p, c, r, sc, sr = seeds[i % len(seeds)]
    prompt = f"{p} (variant {i})"
    rows.append({"prompt": prompt, "prompt_id": hashlib.sha256(prompt.encode()).hexdigest(),
                 "chosen": [{"content": prompt, "role": "user"}, {"content": c, "role": "assistant"}],
                 "rejected": [{"content": prompt, "role": "user"}, {"content": r, "role": "assistant"}],
                 "messages": [{"content": prompt, "role": "user"}, {"content": c, "role": "assistant"}],
                 "score_chosen": sc, "score_rejected": sr})
if "--parquet" in sys.argv:
    import pyarrow as pa, pyarrow.parquet as pq
    pq.write_table(pa.Table.from_pylist(rows), out, row_group_size=1000, compression="snappy")
else:
    with open(out, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
