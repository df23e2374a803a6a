#!/usr/bin/env python3
"""Checks pref's Parquet writer against pyarrow and Hugging Face `datasets`.

Install:  pip install pyarrow datasets
Run:      python scripts/parquet-writer-check.py [--dir DIR] [--no-build]

Runs `swift test --filter WriterExportTests` with PREF_PARQUET_WRITE_DIR=DIR, which writes
sample files (every type with nulls, nested message lists, maps, v1/v2 pages, snappy/zstd/none,
dictionary and its fallback, several row groups), each with a JSON-lines sidecar of the rows
the test wrote. Then, for every file:
  - pyarrow reads it, and each row (printed with the reference-row convention of
    scripts/parquet-fixtures.py) equals the sidecar's row;
  - the key-value metadata the test set is in the footer;
  - every flat column's statistics (null count, min, max) equal what pyarrow computes from
    the row group's values, and dictionary files use RLE_DICTIONARY;
and `datasets.load_dataset("parquet", data_files=...)` loads the ultrafeedback-shaped
message-list file with the same rows. Exits non-zero on the first kind of mismatch found.
"""
import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import pyarrow.compute as pc
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location("parquet_fixtures", os.path.join(ROOT, "scripts", "parquet-fixtures.py"))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


def check_rows(path, sidecar):
    with open(sidecar, encoding="utf-8") as f:
        want = [json.loads(line) for line in f]
    got = [json.loads(line) for line in fixtures.reference_lines(path)]
    if len(got) != len(want):
        return f"{len(got)} rows, the test wrote {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            keys = [k for k in w if g.get(k) != w[k]]
            return f"row {i} differs in {keys}: pyarrow {json.dumps({k: g.get(k) for k in keys})[:300]} / written {json.dumps({k: w[k] for k in keys})[:300]}"
    return None


def check_metadata(path, name):
    meta = pq.ParquetFile(path).metadata
    problems = []
    kv = meta.metadata or {}
    if json.loads(kv.get(b"pref.settings", b"null")) != {"writer": "test", "seed": 1}:
        problems.append(f"key-value metadata lacks pref.settings: {kv}")
    checked = 0
    for g in range(meta.num_row_groups):
        group = pq.ParquetFile(path).read_row_group(g)
        for c in range(meta.num_columns):
            column = meta.row_group(g).column(c)
            if "_dict" in name and column.physical_type == "BYTE_ARRAY" and "RLE_DICTIONARY" not in column.encodings:
                problems.append(f"row group {g} column {column.path_in_schema}: no dictionary ({column.encodings})")
            if name == "dictionary_fallback" and not {"RLE_DICTIONARY", "PLAIN"} <= set(column.encodings):
                problems.append(f"dictionary_fallback encodings {column.encodings}")
            if "." in column.path_in_schema or column.physical_type == "INT96":
                continue
            values = group.column(column.path_in_schema)
            stats = column.statistics
            if stats is None or stats.null_count != values.null_count:
                problems.append(f"row group {g} column {column.path_in_schema}: null count {stats and stats.null_count} vs {values.null_count}")
                continue
            if values.null_count == len(values):
                continue
            try:
                expected = pc.min_max(values)
            except Exception:  # min_max does not cover every type (fixed-size binary)
                continue
            low, high = expected["min"].as_py(), expected["max"].as_py()
            if any(isinstance(v, (str, bytes)) and len(v.encode() if isinstance(v, str) else v) > 4096 for v in (low, high)):
                if stats.has_min_max:  # the writer leaves out min/max over 4 KiB, as Arrow does
                    problems.append(f"row group {g} column {column.path_in_schema}: min/max over 4 KiB written")
            elif not stats.has_min_max or stats.min != low or stats.max != high:
                problems.append(f"row group {g} column {column.path_in_schema}: min/max {stats.has_min_max and (stats.min, stats.max)} vs {(low, high)}")
            checked += 1
    return problems, checked


def check_datasets(path, sidecar):
    """Returns (problem or None, the features datasets inferred)."""
    import datasets
    with tempfile.TemporaryDirectory() as cache:
        ds = datasets.load_dataset("parquet", data_files=path, split="train", cache_dir=cache)
        with open(sidecar, encoding="utf-8") as f:
            want = [json.loads(line) for line in f]
        if ds.num_rows != len(want):
            return f"datasets loaded {ds.num_rows} rows, the test wrote {len(want)}", ds.features
        for i in range(ds.num_rows):
            row = ds[i]
            if row != want[i]:
                keys = [k for k in want[i] if row.get(k) != want[i][k]]
                return f"datasets row {i} differs in {keys}", ds.features
        return None, ds.features


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "pref-parquet-writer-check"))
    parser.add_argument("--no-build", action="store_true", help="check the files already in --dir")
    args = parser.parse_args()
    if not args.no_build:
        for old in os.listdir(args.dir) if os.path.isdir(args.dir) else []:
            os.remove(os.path.join(args.dir, old))
        env = dict(os.environ, PREF_PARQUET_WRITE_DIR=args.dir)
        subprocess.run(["swift", "test", "--filter", "WriterExportTests"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    files = sorted(f for f in os.listdir(args.dir) if f.endswith(".parquet"))
    if not files:
        sys.exit(f"no files in {args.dir}: did the Swift test run?")
    failures = 0
    for name in files:
        path = os.path.join(args.dir, name)
        stem = name[:-len(".parquet")]
        sidecar = os.path.join(args.dir, stem + ".jsonl")
        meta = pq.ParquetFile(path).metadata
        problem = check_rows(path, sidecar)
        problems, checked = check_metadata(path, stem)
        if problem:
            problems.insert(0, problem)
        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {name}: {meta.num_rows} rows, {meta.num_row_groups} row groups, "
              f"{meta.row_group(0).column(0).compression if meta.num_row_groups else '-'}, "
              f"{'rows differ' if problem else 'rows equal the written rows'}, min/max checked on {checked} column chunks")
        for p in problems:
            print("     " + p)
        failures += bool(problems)
    problem, features = check_datasets(os.path.join(args.dir, "ultrafeedback_v1_snappy.parquet"),
                                       os.path.join(args.dir, "ultrafeedback_v1_snappy.jsonl"))
    if problem:
        print("FAIL datasets.load_dataset: " + problem)
        failures += 1
    else:
        print(f"ok   datasets.load_dataset('parquet') on ultrafeedback_v1_snappy.parquet: same rows; features {features}")
    print(f"{failures} failure(s)" if failures else f"all {len(files)} files match pyarrow, and datasets loads the message-list file")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
