#!/usr/bin/env python3
"""Checks that two ingest catalogs hold the same answers: pref's workspace catalog and the
Python reference's database (bench/ingest_reference.py), for bench/ingest-jsonl and
bench/parquet. Compared row by row, in input order: every record (position, kind, prompt
messages, prompt hash, prompt_id), every completion (index, text, score, label) and every
quarantined position with its reason. Also prints the SQLite settings stored in each file.
Prints one line and exits 0 when they agree, 1 (naming the first difference) when not.
Usage: same_catalog.py PREF_DB REFERENCE_DB
"""
import itertools, json, sqlite3, sys

QUERIES = {
    "records": "SELECT position, kind, prompt_json, prompt_hash, prompt_id FROM records ORDER BY position",
    "completions": "SELECT r.position, c.idx, c.text, c.score, c.label FROM completions c JOIN records r ON r.id = c.record_id "
                   "ORDER BY r.position, c.idx",
    "quarantine": "SELECT position, reason FROM quarantine ORDER BY position",
}

def rows(db, table):
    for row in db.execute(QUERIES[table]):
        # prompt_json is compared as JSON (the messages), not as one spelling of it.
        yield (row[0], row[1], json.loads(row[2]), *row[3:]) if table == "records" else row

def main():
    pref, ref = (sqlite3.connect(f"file:{p}?mode=ro", uri=True) for p in sys.argv[1:3])
    counts, first = {}, None
    for table in QUERIES:
        n = [0, 0]
        for a, b in itertools.zip_longest(rows(pref, table), rows(ref, table)):
            n[0] += a is not None
            n[1] += b is not None
            if a != b and first is None:
                first = f"{table}: pref {str(a)[:300]} vs reference {str(b)[:300]}"
        counts[table] = n
    pragmas = {k: [db.execute(f"PRAGMA {k}").fetchone()[0] for db in (pref, ref)] for k in ("page_size", "journal_mode")}
    print("stored SQLite settings (pref / reference): " + ", ".join(f"{k} {a} / {b}" for k, (a, b) in pragmas.items()))
    summary = ", ".join(f"{n[0]}/{n[1]} {t}" for t, n in counts.items())
    if first:
        print(f"catalogs differ (pref/reference: {summary}); first difference: {first}")
        sys.exit(1)
    print(f"catalogs identical: {summary} (pref/reference)")

main()
