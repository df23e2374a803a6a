#!/usr/bin/env python3
"""Writes N ultrafeedback_binarized-shaped rows as JSONL (or Parquet with --parquet), with no
text repeated: every prompt, chosen and rejected response is unique in the file, so a cache
keyed on whole texts (or a run that meets the same text twice) cannot flatter either side.

Rows are resampled from the real sample in ../shared/data when it is there, synthesised
otherwise. The first copy of each seed row keeps its texts; later copies shuffle the words of
each text (same words, same lengths, a new text). A text that still collides (a one-word
answer) gets a numbered suffix; the script checks that no text repeats before it writes.
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

seen = set()
def unique(t, copy, i, field):
    """The text for row i: t itself in the first copy, its words shuffled in later ones."""
    if copy > 0:
        words = t.split(" ")
        random.Random(f"{i}/{field}").shuffle(words)
        t = " ".join(words)
    key = hashlib.sha1(t.encode()).digest()
    if key in seen:
        t = f"{t} ({field} {i})"
        key = hashlib.sha1(t.encode()).digest()
    assert key not in seen, f"row {i}: {field} text repeats"
    seen.add(key)
    return t

rows = []
for i in range(n):
    copy, (p, c, r, sc, sr) = i // len(seeds), seeds[i % len(seeds)]
    prompt, c, r = unique(p, copy, i, "prompt"), unique(c, copy, i, "chosen"), unique(r, copy, i, "rejected")
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
