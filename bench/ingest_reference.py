#!/usr/bin/env python3
"""The Python peer for bench/ingest-jsonl and bench/parquet: the same work as `pref ingest`
for ultrafeedback_binarized rows, done the way a careful Python user would (orjson or
pyarrow to read, hashlib, one sqlite3 transaction with executemany), into the same
tables: sha256 of the file, prompt/prompt_id checks, prompt and content hashes for
grouping and de-duplication, records, completions and quarantine rows.

SQLite runs with pref's settings (Sources/Store: the catalog's connection and its bulk
transaction): 64 KiB pages, WAL, synchronous NORMAL, a 128 MiB page cache, 1 GiB of mmap,
foreign-key checks off (the reference declares no foreign keys; pref turns their checks off
inside the bulk transaction). pref's schema has one index more (records by source) and
declares foreign keys, so if anything the schema favours the reference.
Usage: ingest_reference.py DB FILE (.jsonl or .parquet)
"""
import hashlib, sqlite3, sys, time
import orjson

db_path, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
h = hashlib.sha256()
with open(path, "rb") as f:
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
size = 0

def rows():
    if path.endswith(".parquet"):
        import pyarrow.parquet as pq
        pf = pq.ParquetFile(path)
        for i in range(pf.num_row_groups):
            for row in pf.read_row_group(i, columns=["prompt", "prompt_id", "chosen", "rejected", "score_chosen", "score_rejected"]).to_pylist():
                yield row, None
    else:
        with open(path, "rb") as f:
            for line in f:
                if line.strip():
                    try:
                        yield orjson.loads(line), None
                    except orjson.JSONDecodeError as e:
                        yield None, str(e)

con = sqlite3.connect(db_path)
con.executescript("""
PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
PRAGMA cache_size = -131072; PRAGMA mmap_size = 1073741824; PRAGMA foreign_keys = OFF;
CREATE TABLE IF NOT EXISTS sources (id INTEGER PRIMARY KEY, path TEXT, sha256 TEXT UNIQUE, format TEXT, size_bytes INTEGER);
CREATE TABLE IF NOT EXISTS records (id INTEGER PRIMARY KEY, source_id INTEGER, position INTEGER, kind TEXT, prompt_json TEXT,
  prompt_hash TEXT, prompt_id TEXT, source_split TEXT, origin TEXT, content_hash TEXT UNIQUE);
CREATE INDEX IF NOT EXISTS records_by_prompt ON records(prompt_hash);
CREATE TABLE IF NOT EXISTS completions (id INTEGER PRIMARY KEY, record_id INTEGER, idx INTEGER, text TEXT, model TEXT, score REAL,
  ratings_json TEXT, label TEXT, UNIQUE(record_id, idx));
CREATE TABLE IF NOT EXISTS quarantine (id INTEGER PRIMARY KEY, source_id INTEGER, position INTEGER, reason TEXT, detail TEXT);
""")
with con:
    cur = con.execute("INSERT INTO sources (path, sha256, format, size_bytes) VALUES (?, ?, 'ultrafeedback-binarized', 0)", (path, h.hexdigest()))
    source_id = cur.lastrowid
    kept = dup = quarantined = 0
    for position, (row, error) in enumerate(rows(), start=1):
        if error is not None or not isinstance(row, dict):
            con.execute("INSERT INTO quarantine (source_id, position, reason, detail) VALUES (?, ?, 'malformed_json', ?)", (source_id, position, error))
            quarantined += 1
            continue
        chosen, rejected = row["chosen"], row["rejected"]
        prompt_msgs = chosen[:-1]
        problem = None
        if prompt_msgs != rejected[:-1]:
            problem = "prefix_mismatch"
        elif row.get("prompt") is not None and row["prompt"] != prompt_msgs[0]["content"]:
            problem = "prompt_mismatch"
        pid = hashlib.sha256(prompt_msgs[0]["content"].encode()).hexdigest()
        if problem is None and row.get("prompt_id") and row["prompt_id"] != pid:
            problem = "prompt_id_mismatch"
        if problem:
            con.execute("INSERT INTO quarantine (source_id, position, reason, detail) VALUES (?, ?, ?, '')", (source_id, position, problem))
            quarantined += 1
            continue
        prompt_json = orjson.dumps([{"role": m["role"], "content": m["content"]} for m in prompt_msgs]).decode()
        # pref's prompt hash collapses runs of ASCII whitespace (bytes.split), not Unicode spaces (str.split).
        ph = hashlib.sha256(b"".join(m["role"].encode() + b"\x1f" + b" ".join(m["content"].encode().split()) + b"\x1e" for m in prompt_msgs)).hexdigest()
        ch = hashlib.sha256(("preference\x1d" + prompt_json + "\x1d" + chosen[-1]["content"] + "\x1f" + str(row["score_chosen"]) +
                             "\x1d" + rejected[-1]["content"] + "\x1f" + str(row["score_rejected"])).encode()).hexdigest()
        cur = con.execute("INSERT OR IGNORE INTO records (source_id, position, kind, prompt_json, prompt_hash, prompt_id, content_hash) "
                          "VALUES (?, ?, 'preference', ?, ?, ?, ?)", (source_id, position, prompt_json, ph, pid, ch))
        if cur.rowcount == 0:
            dup += 1
            continue
        rid = cur.lastrowid
        con.executemany("INSERT INTO completions (record_id, idx, text, score, label) VALUES (?, ?, ?, ?, ?)",
                        [(rid, 0, chosen[-1]["content"], row["score_chosen"], "chosen"),
                         (rid, 1, rejected[-1]["content"], row["score_rejected"], "rejected")])
        kept += 1
print(f"python reference: kept {kept}, duplicates {dup}, quarantined {quarantined} in {time.perf_counter() - start:.2f}s")
