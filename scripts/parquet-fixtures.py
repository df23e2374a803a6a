#!/usr/bin/env python3
"""Golden Parquet files and their pyarrow reference rows for the Parquet tests.

Install:  pip install pyarrow==26.0.1   (any pyarrow >= 19 writes the same shapes)
Run:      python scripts/parquet-fixtures.py            # writes fixtures/parquet/*.parquet + *.jsonl
          python scripts/parquet-fixtures.py --real     # digests of ../shared/data Parquet files
          python scripts/parquet-fixtures.py --bench-file OUT.parquet [--rows 60000]
          python scripts/parquet-fixtures.py --jsonl FILE.parquet   # reference JSON lines to stdout
          python scripts/parquet-fixtures.py --legacy   # only the hand-built (Thrift by hand) fixtures

Every fixture is written by pyarrow and read back by pyarrow; the reference line for each
row is pyarrow's value (`Scalar.as_py()`, what `to_pylist()` returns) printed with the
convention documented on `ParquetJSON` in Sources/Parquet/JSON/ParquetJSON.swift:
compact JSON, ensure_ascii=False; NaN/Infinity/-Infinity as strings; bytes as text when
valid UTF-8, else base64; decimals as fixed-point strings; dates, times and timestamps as
ISO 8601 with 3/6/9 fraction digits by unit and a trailing Z when adjusted to UTC; maps as
[[key, value], ...]. Nanosecond values come from `.value` (as_py cannot hold them).
"""
import argparse
import base64
import datetime
import decimal
import hashlib
import json
import math
import os
import random
import sys
import uuid
import zlib

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "fixtures", "parquet")
UNIT_DIGITS = {"ms": 3, "us": 6, "ns": 9}
UNIT_PER_SECOND = {"s": 1, "ms": 1000, "us": 1000000, "ns": 1000000000}


# ---------------------------------------------------------------- the JSON convention

def convert(scalar):
    """One pyarrow scalar to the JSON-ready value of the convention."""
    if not scalar.is_valid:
        return None
    t = scalar.type
    if isinstance(t, pa.ExtensionType):
        if str(t) == "extension<arrow.uuid>":
            return str(scalar.as_py())
        return convert(scalar.value)
    if pa.types.is_struct(t):
        return {t.field(i).name: convert(scalar[i]) for i in range(t.num_fields)}
    if pa.types.is_map(t):
        return [[convert(entry[0]), convert(entry[1])] for entry in scalar.values]
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t) or pa.types.is_list_view(t):
        return [convert(item) for item in scalar.values]
    if pa.types.is_timestamp(t):
        ticks = scalar.value
        per = UNIT_PER_SECOND[t.unit]
        seconds, fraction = divmod(ticks, per)
        moment = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=seconds)
        digits = UNIT_DIGITS.get(t.unit, 0)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{fraction:0{digits}d}" if digits else "")
        if t.unit != "ns":  # cross-check the arithmetic against pyarrow's own conversion
            native = scalar.as_py()
            assert native.replace(tzinfo=None) == moment + datetime.timedelta(microseconds=fraction * 1000000 // per), (native, text)
        return text + ("Z" if t.tz is not None else "")
    if pa.types.is_time(t):
        ticks = scalar.value
        per = UNIT_PER_SECOND[t.unit]
        seconds, fraction = divmod(ticks, per)
        digits = UNIT_DIGITS[t.unit]
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{fraction:0{digits}d}"
    value = scalar.as_py()
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, (bytes, bytearray)):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def json_line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def reference_lines(path):
    table = pq.read_table(path)
    lines = []
    for batch in table.to_batches():
        for i in range(batch.num_rows):
            row = {name: convert(batch.column(j)[i]) for j, name in enumerate(batch.schema.names)}
            lines.append(json_line(row))
    return lines


# ---------------------------------------------------------------- fixture tables

def scalar_table(n=300, seed=1):
    rng = random.Random(seed)

    def maybe(v, p=0.15):
        return None if rng.random() < p else v

    strings = ["", "a", "héllo wörld", "日本語 🎉", "tab\there\nnewline \"quoted\" \\ back", "\u2028\u0001ctrl", "x" * 300]
    binaries = [b"", b"\x00\xff\xfe binary", "text as bytes".encode(), bytes(range(256))[:40]]
    floats = [0.0, -0.0, 1.5, -2.25, 1e-7, 1e22, 3.141592653589793, float("nan"), float("inf"), float("-inf")]
    epoch_s = 1_600_000_000
    cols = {
        "b": pa.array([maybe(rng.random() < 0.5) for _ in range(n)], pa.bool_()),
        "i8": pa.array([maybe(rng.randint(-128, 127)) for _ in range(n)], pa.int8()),
        "i16": pa.array([maybe(rng.randint(-32768, 32767)) for _ in range(n)], pa.int16()),
        "i32": pa.array([maybe(rng.randint(-2**31, 2**31 - 1)) for _ in range(n)], pa.int32()),
        "i64": pa.array([maybe(rng.randint(-2**63, 2**63 - 1)) for _ in range(n)], pa.int64()),
        "u8": pa.array([maybe(rng.randint(0, 255)) for _ in range(n)], pa.uint8()),
        "u16": pa.array([maybe(rng.randint(0, 65535)) for _ in range(n)], pa.uint16()),
        "u32": pa.array([maybe(rng.randint(0, 2**32 - 1)) for _ in range(n)], pa.uint32()),
        "u64": pa.array([maybe(rng.randint(0, 2**64 - 1)) for _ in range(n)], pa.uint64()),
        "f16": pa.array([maybe(rng.choice([0.5, -2.0, 65504.0, 6.1e-5, 1.0 / 3])) for _ in range(n)], pa.float16()),
        "f32": pa.array([maybe(rng.choice(floats + [rng.uniform(-1e6, 1e6)])) for _ in range(n)], pa.float32()),
        "f64": pa.array([maybe(rng.choice(floats + [rng.uniform(-1e6, 1e6)])) for _ in range(n)], pa.float64()),
        "s": pa.array([maybe(rng.choice(strings) + str(rng.randint(0, 20))) for _ in range(n)], pa.string()),
        "ls": pa.array([maybe(rng.choice(strings)) for _ in range(n)], pa.large_string()),
        "bin": pa.array([maybe(rng.choice(binaries)) for _ in range(n)], pa.binary()),
        "fsb": pa.array([maybe(bytes(rng.randrange(256) for _ in range(5))) for _ in range(n)], pa.binary(5)),
        "dec9": pa.array([maybe(decimal.Decimal(rng.randint(-10**9 + 1, 10**9 - 1)).scaleb(-2)) for _ in range(n)], pa.decimal128(9, 2)),
        "dec18": pa.array([maybe(decimal.Decimal(rng.randint(-10**18 + 1, 10**18 - 1)).scaleb(-6)) for _ in range(n)], pa.decimal128(18, 6)),
        "dec38": pa.array([maybe(decimal.Decimal(rng.randint(-10**38 + 1, 10**38 - 1)).scaleb(-10)) for _ in range(n)], pa.decimal128(38, 10)),
        "dec0": pa.array([maybe(decimal.Decimal(rng.randint(-999, 999))) for _ in range(n)], pa.decimal128(5, 0)),
        "dec60": pa.array([maybe(decimal.Decimal(rng.randint(-10**60 + 1, 10**60 - 1)).scaleb(-20)) for _ in range(n)], pa.decimal256(60, 20)),
        "date": pa.array([maybe(datetime.date(1, 1, 1) + datetime.timedelta(days=rng.randint(0, 3_652_058))) for _ in range(n)], pa.date32()),
        "ts_ms": pa.array([maybe(rng.randint(-epoch_s, epoch_s) * 1000 + rng.randint(0, 999)) for _ in range(n)], pa.timestamp("ms")),
        "ts_us_utc": pa.array([maybe(rng.randint(-epoch_s, epoch_s) * 10**6 + rng.randint(0, 10**6 - 1)) for _ in range(n)], pa.timestamp("us", tz="UTC")),
        "ts_ns": pa.array([maybe(rng.randint(-epoch_s, epoch_s) * 10**9 + rng.randint(0, 10**9 - 1)) for _ in range(n)], pa.timestamp("ns")),
        "ts_ns_utc": pa.array([maybe(rng.randint(0, epoch_s) * 10**9 + rng.randint(0, 10**9 - 1)) for _ in range(n)], pa.timestamp("ns", tz="UTC")),
        "t_ms": pa.array([maybe(rng.randint(0, 86_399_999)) for _ in range(n)], pa.time32("ms")),
        "t_us": pa.array([maybe(rng.randint(0, 86_399_999_999)) for _ in range(n)], pa.time64("us")),
        "t_ns": pa.array([maybe(rng.randint(0, 86_399_999_999_999)) for _ in range(n)], pa.time64("ns")),
        "uuid": pa.array([maybe(bytes(rng.randrange(256) for _ in range(16))) for _ in range(n)], pa.uuid()),
        "nothing": pa.nulls(n),
        "req_i32": pa.array([rng.randint(-1000, 1000) for _ in range(n)], pa.int32()),
        "req_s": pa.array([rng.choice(strings) for _ in range(n)], pa.string()),
    }
    fields = [pa.field(k, v.type, nullable=not k.startswith("req_")) for k, v in cols.items()]
    return pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields))


def nested_table(n=300, seed=2):
    rng = random.Random(seed)

    def maybe(v, p=0.15):
        return None if rng.random() < p else v

    def ints(maxlen=4):
        return [maybe(rng.randint(-50, 50), 0.2) for _ in range(rng.randint(0, maxlen))]

    def message():
        return maybe({"content": maybe(rng.choice(["hi", "", "¿qué?", "long " * 20, "😀"])), "role": maybe(rng.choice(["user", "assistant"]))}, 0.1)

    msg_type = pa.struct([("content", pa.string()), ("role", pa.string())])
    cols = {
        "list_int": pa.array([maybe(ints()) for _ in range(n)], pa.list_(pa.int32())),
        "list_req": pa.array([maybe([rng.randint(0, 9) for _ in range(rng.randint(0, 3))]) for _ in range(n)],
                             pa.list_(pa.field("element", pa.int64(), nullable=False))),
        "list_list_str": pa.array([maybe([maybe([maybe(rng.choice(["a", "bb", ""]), 0.2) for _ in range(rng.randint(0, 3))], 0.2)
                                          for _ in range(rng.randint(0, 3))]) for _ in range(n)], pa.list_(pa.list_(pa.string()))),
        "messages": pa.array([maybe([message() for _ in range(rng.randint(0, 4))]) for _ in range(n)], pa.list_(msg_type)),
        "struct": pa.array([maybe({"x": maybe(rng.randint(0, 100)), "tags": maybe(ints(3)), "inner": maybe({"y": maybe(rng.random()), "z": maybe("z")})})
                            for _ in range(n)],
                           pa.struct([("x", pa.int16()), ("tags", pa.list_(pa.int32())), ("inner", pa.struct([("y", pa.float64()), ("z", pa.string())]))])),
        "map_si": pa.array([maybe([(f"k{j}", maybe(rng.randint(0, 9))) for j in range(rng.randint(0, 3))]) for _ in range(n)],
                           pa.map_(pa.string(), pa.int32())),
        "map_struct": pa.array([maybe([(rng.randint(0, 99), maybe({"a": maybe([1.5, None]), "b": maybe(True)})) for _ in range(rng.randint(0, 2))])
                                for _ in range(n)],
                               pa.map_(pa.int64(), pa.struct([("a", pa.list_(pa.float64())), ("b", pa.bool_())]))),
        "large_list": pa.array([maybe(ints(2)) for _ in range(n)], pa.large_list(pa.int16())),
        "fixed_list": pa.array([maybe([rng.random(), maybe(rng.random())]) for _ in range(n)], pa.list_(pa.float32(), 2)),
        "deep": pa.array([maybe([maybe([maybe([maybe({"v": maybe(ints(2))})]) for _ in range(rng.randint(0, 2))])])
                          for _ in range(n)], pa.list_(pa.list_(pa.list_(pa.struct([("v", pa.list_(pa.int8()))]))))),
        "req_struct": pa.array([{"id": i, "name": maybe(f"n{i}")} for i in range(n)],
                               pa.struct([pa.field("id", pa.int32(), nullable=False), ("name", pa.string())])),
    }
    fields = [pa.field(k, v.type, nullable=not k.startswith("req_")) for k, v in cols.items()]
    return pa.Table.from_arrays(list(cols.values()), schema=pa.schema(fields))


def encoding_table(n=1200, seed=3):
    rng = random.Random(seed)

    def maybe(v, p=0.1):
        return None if rng.random() < p else v

    base = rng.randint(-10**6, 10**6)
    words = ["prefix_shared_alpha", "prefix_shared_beta", "prefix_other", "zeta", "", "ünïcödé"]
    cols = {
        "i32_sorted": pa.array([maybe(base + i * 3 + rng.randint(0, 2)) for i in range(n)], pa.int32()),
        "i32_wild": pa.array([maybe(rng.randint(-2**31, 2**31 - 1)) for _ in range(n)], pa.int32()),
        "i64_wild": pa.array([maybe(rng.randint(-2**63, 2**63 - 1)) for _ in range(n)], pa.int64()),
        "i64_small": pa.array([maybe(rng.randint(0, 5)) for _ in range(n)], pa.int64()),
        "str_prefix": pa.array([maybe(rng.choice(words) + str(i // 7)) for i in range(n)], pa.string()),
        "bin": pa.array([maybe(bytes(rng.randrange(256) for _ in range(rng.randint(0, 12)))) for _ in range(n)], pa.binary()),
        "f32": pa.array([maybe(rng.uniform(-100, 100)) for _ in range(n)], pa.float32()),
        "f64": pa.array([maybe(rng.choice([rng.gauss(0, 1e3), float("nan")])) for _ in range(n)], pa.float64()),
        "f16": pa.array([maybe(rng.choice([0.5, 1.25, -3.0])) for _ in range(n)], pa.float16()),
        "fsb": pa.array([maybe(bytes([65 + i % 26] * 3 + [rng.randrange(256)])) for i in range(n)], pa.binary(4)),
        "flag": pa.array([maybe(rng.random() < 0.3) for _ in range(n)], pa.bool_()),
    }
    return pa.table(cols)


ENCODING_VARIANTS = {
    # name: (columns, column_encoding)
    "delta_binary_packed": (["i32_sorted", "i32_wild", "i64_wild", "i64_small"], "DELTA_BINARY_PACKED"),
    "delta_length_byte_array": (["str_prefix", "bin"], "DELTA_LENGTH_BYTE_ARRAY"),
    "delta_byte_array": (["str_prefix", "bin", "fsb"], "DELTA_BYTE_ARRAY"),
    "byte_stream_split": (["f32", "f64", "f16", "fsb", "i32_wild", "i64_wild"], "BYTE_STREAM_SPLIT"),
    "plain": (["i32_wild", "i64_wild", "str_prefix", "bin", "f32", "f64", "f16", "fsb", "flag"], "PLAIN"),
    "rle_boolean": (["flag"], "RLE"),
}


MANIFEST = {}


def write(table, name, **kwargs):
    """Writes NAME.parquet and its reference rows; files with identical rows share one
    reference file, named by its content hash, listed in manifest.json."""
    path = os.path.join(OUT, name + ".parquet")
    pq.write_table(table, path, **kwargs)
    text = "".join(line + "\n" for line in reference_lines(path))
    reference = "rows-" + hashlib.sha256(text.encode()).hexdigest()[:16] + ".jsonl"
    with open(os.path.join(OUT, reference), "w", encoding="utf-8") as f:
        f.write(text)
    MANIFEST[name + ".parquet"] = reference
    meta = pq.ParquetFile(path).metadata
    encodings = sorted({e for g in range(meta.num_row_groups) for c in range(meta.num_columns)
                        for e in meta.row_group(g).column(c).encodings})
    codecs = sorted({meta.row_group(g).column(c).compression for g in range(meta.num_row_groups) for c in range(meta.num_columns)})
    print(f"{name}: {meta.num_rows} rows, {meta.num_row_groups} row groups, {os.path.getsize(path)} bytes, {codecs}, {encodings}")


def make_fixtures():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        if old.endswith((".parquet", ".jsonl")) or old == "manifest.json":
            os.remove(os.path.join(OUT, old))
    scalars = scalar_table()
    nested = nested_table()
    # Every type, both page versions, plain and dictionary, several pages and row groups.
    write(scalars, "types_plain_v1", use_dictionary=False, compression="none", data_page_version="1.0",
          row_group_size=128, data_page_size=1024, store_schema=False)
    write(scalars, "types_dict_v2", use_dictionary=True, compression="snappy", data_page_version="2.0",
          row_group_size=1000, data_page_size=2048, store_schema=False)
    write(scalars, "types_int96_decimal_ints", use_deprecated_int96_timestamps=True, store_decimal_as_integer=True,
          compression="zstd", store_schema=False)
    # Nesting, with both list child names.
    write(nested, "nested_v1_element", compression="snappy", data_page_version="1.0", row_group_size=100,
          data_page_size=512, use_compliant_nested_type=True)
    write(nested, "nested_v2_item", compression="gzip", data_page_version="2.0", use_dictionary=False,
          data_page_size=700, use_compliant_nested_type=False)
    # Every codec over nested text.
    for codec in ["none", "snappy", "gzip", "brotli", "lz4", "zstd"]:
        write(nested, f"codec_{codec}", compression=codec, row_group_size=150, data_page_size=4096)
    # Every value encoding, both page versions.
    table = encoding_table()
    for name, (columns, encoding) in ENCODING_VARIANTS.items():
        for version in ["1.0", "2.0"]:
            write(table.select(columns), f"encoding_{name}_v{version[0]}", use_dictionary=False,
                  column_encoding={c: encoding for c in columns}, data_page_version=version,
                  compression="snappy" if version == "2.0" else "none", data_page_size=1500, row_group_size=500)
    write(table, "encoding_dictionary_v1", use_dictionary=True, compression="zstd", data_page_size=1000, row_group_size=500)
    # Edge shapes: no rows; a chunk whose dictionary overflowed into plain pages.
    write(scalars.slice(0, 0), "empty", compression="snappy")
    many = pa.table({"s": pa.array([f"value-{i}-" + "x" * (i % 7) for i in range(3000)])})
    write(many, "dictionary_fallback", dictionary_pagesize_limit=2048, data_page_size=1024, compression="snappy")
    make_legacy_fixtures()
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)
        f.write("\n")


def make_legacy_only():
    """Rewrites only the hand-built fixtures (no pyarrow writer involved), keeping the rest
    of the manifest; reference files no fixture uses any more are removed."""
    path = os.path.join(OUT, "manifest.json")
    with open(path) as f:
        MANIFEST.update(json.load(f))
    make_legacy_fixtures()
    with open(path, "w") as f:
        json.dump(MANIFEST, f, indent=1, sort_keys=True)
        f.write("\n")
    used = set(MANIFEST.values())
    for old in os.listdir(OUT):
        if old.startswith("rows-") and old.endswith(".jsonl") and old not in used:
            os.remove(os.path.join(OUT, old))


# ---------------------------------------------------------------- legacy shapes pyarrow cannot write

class Thrift:
    """Just enough of the Thrift compact protocol to write a footer and page headers."""

    def __init__(self):
        self.out = bytearray()
        self.last = [0]

    def varint(self, v):
        while v >= 0x80:
            self.out.append(v & 0x7F | 0x80)
            v >>= 7
        self.out.append(v)

    def zigzag(self, v):
        self.varint((v << 1) ^ (v >> 63))

    def field(self, fid, ftype):
        delta = fid - self.last[-1]
        if 0 < delta <= 15:
            self.out.append(delta << 4 | ftype)
        else:
            self.out.append(ftype)
            self.zigzag(fid)
        self.last[-1] = fid

    def i32(self, fid, v):
        self.field(fid, 5)
        self.zigzag(v)

    def boolean(self, fid, v):
        self.field(fid, 1 if v else 2)

    def i64(self, fid, v):
        self.field(fid, 6)
        self.zigzag(v)

    def binary(self, fid, b):
        self.field(fid, 8)
        self.varint(len(b))
        self.out += b

    def struct(self, fid, body):
        self.field(fid, 12)
        self.struct_body(body)

    def struct_body(self, body):
        self.last.append(0)
        body(self)
        self.out.append(0)
        self.last.pop()

    def list(self, fid, etype, items, write_item):
        self.field(fid, 9)
        self.out.append(len(items) << 4 | etype if len(items) < 15 else 0xF0 | etype)
        if len(items) >= 15:
            self.varint(len(items))
        for item in items:
            write_item(self, item)


def rle_levels(levels, bit_width):
    """One RLE run per level: valid, if not compact."""
    out = bytearray()
    for level in levels:
        out.append(1 << 1)
        out += level.to_bytes((bit_width + 7) // 8, "little")
    return bytes(out)


def plain_values(ptype, values):
    import struct as st
    if ptype == 1:
        return b"".join(st.pack("<i", v) for v in values)
    if ptype == 5:
        return b"".join(st.pack("<d", v) for v in values)
    if ptype == 6:
        return b"".join(st.pack("<I", len(v)) + v for v in values)
    raise ValueError(ptype)


def legacy_page(col, page, codec):
    """One data page (v1, or v2 when page["v2"]) of hand-shredded levels and PLAIN values.
    A v2 page whose values are empty gets an empty compressed section, as some writers
    produce (compressing nothing with snappy would give one byte)."""
    max_def, max_rep = col["max_def"], col["max_rep"]
    values = plain_values(col["type"], page["values"])
    sections = [rle_levels(levels, max_level.bit_length()) if max_level else b""
                for levels, max_level in ((page["rep"], max_rep), (page["def"], max_def))]
    header = Thrift()
    if page.get("v2"):
        packed = pa.compress(values, codec=codec, asbytes=True) if values and codec != "uncompressed" else values
        body = sections[0] + sections[1] + packed
        header.struct_body(lambda t: (t.i32(1, 3), t.i32(2, len(sections[0]) + len(sections[1]) + len(values)), t.i32(3, len(body)),
                                      t.struct(8, lambda d: (d.i32(1, len(page["def"])), d.i32(2, sum(1 for x in page["def"] if x < max_def)),
                                                             d.i32(3, sum(1 for x in (page["rep"] or page["def"]) if not page["rep"] or x == 0)),
                                                             d.i32(4, 0), d.i32(5, len(sections[1])), d.i32(6, len(sections[0])),
                                                             d.boolean(7, True)))))
        return header.out + body
    raw = b"".join(len(section).to_bytes(4, "little") + section for section, level in zip(sections, (max_rep, max_def)) if level) + values
    body = pa.compress(raw, codec=codec, asbytes=True) if codec != "uncompressed" else raw
    level_encoding = 3  # RLE (pyarrow reads the deprecated BIT_PACKED least-significant bit first, against the spec)
    header.struct_body(lambda t: (t.i32(1, 0), t.i32(2, len(raw)), t.i32(3, len(body)),
                                  t.struct(5, lambda d: (d.i32(1, len(page["def"])), d.i32(2, 0), d.i32(3, level_encoding),
                                                         d.i32(4, level_encoding)))))
    return header.out + body


CODEC_IDS = {"uncompressed": 0, "snappy": 1, "zstd": 6}


def write_legacy(name, schema, columns, num_rows, codec="uncompressed"):
    """A file with hand-shredded columns: `schema` is a list of SchemaElement dicts in
    depth-first order, each column gives its levels and non-null values explicitly, as one
    page or as a list of `pages`."""
    path = os.path.join(OUT, name + ".parquet")
    body = bytearray(b"PAR1")
    chunks = []
    for col in columns:
        pages = col.get("pages") or [{"rep": col["rep"], "def": col["def"], "values": col["values"]}]
        col["def"] = [level for page in pages for level in page["def"]]
        data = b"".join(legacy_page(col, page, codec) for page in pages)
        offset = len(body)
        body += data
        chunks.append((col, offset, len(data)))

    def schema_element(t, e):
        def fields(s):
            if "type" in e:
                s.i32(1, e["type"])
            if "repetition" in e:
                s.i32(3, e["repetition"])
            s.binary(4, e["name"].encode())
            if "children" in e:
                s.i32(5, e["children"])
            if "converted" in e:
                s.i32(6, e["converted"])
        t.struct_body(fields)

    def column_chunk(t, chunk):
        col, offset, size = chunk

        def meta(m):
            m.i32(1, col["type"])
            m.list(2, 5, [0, 3], lambda w, e: w.zigzag(e))
            m.list(3, 8, col["path"], lambda w, p: (w.varint(len(p.encode())), w.out.extend(p.encode())))
            m.i32(4, CODEC_IDS[codec])
            m.i64(5, len(col["def"]))
            m.i64(6, size)
            m.i64(7, size)
            m.i64(9, offset)
        t.struct_body(lambda c: (c.i64(2, offset), c.struct(3, meta)))

    footer = Thrift()
    footer.struct_body(lambda f: (
        f.i32(1, 1),
        f.list(2, 12, schema, schema_element),
        f.i64(3, num_rows),
        f.list(4, 12, [0], lambda w, _: w.struct_body(lambda g: (
            g.list(1, 12, chunks, column_chunk), g.i64(2, sum(c[2] for c in chunks)), g.i64(3, num_rows)))),
        f.binary(6, b"pref scripts/parquet-fixtures.py legacy writer"),
    ))
    body += footer.out + len(footer.out).to_bytes(4, "little") + b"PAR1"
    with open(path, "wb") as fh:
        fh.write(body)
    text = "".join(line + "\n" for line in reference_lines(path))
    reference = "rows-" + hashlib.sha256(text.encode()).hexdigest()[:16] + ".jsonl"
    with open(os.path.join(OUT, reference), "w", encoding="utf-8") as fh:
        fh.write(text)
    MANIFEST[name + ".parquet"] = reference


REQ, OPT, REP = 0, 1, 2
INT32, DOUBLE, BYTE_ARRAY = 1, 5, 6
UTF8, MAP, MAP_KEY_VALUE, LIST = 0, 1, 2, 3


def make_legacy_fixtures():
    # Rows: [1, 2], null, [], [3]  (two-level list of a repeated primitive named "array"),
    # and a bare repeated field at the top level.
    write_legacy("legacy_two_level_primitive", [
        {"name": "schema", "children": 2},
        {"name": "tags", "repetition": OPT, "converted": LIST, "children": 1},
        {"name": "array", "repetition": REP, "type": INT32},
        {"name": "nums", "repetition": REP, "type": INT32},
    ], [
        {"path": ["tags", "array"], "type": INT32, "max_def": 2, "max_rep": 1,
         "rep": [0, 1, 0, 0, 0], "def": [2, 2, 0, 1, 2], "values": [1, 2, 3]},
        {"path": ["nums"], "type": INT32, "max_def": 1, "max_rep": 1,
         "rep": [0, 0, 1, 1, 0, 0], "def": [0, 1, 1, 1, 0, 1], "values": [7, 8, 9, 10]},
    ], num_rows=4)
    # A repeated group with two fields is the element itself; so is `<name>_tuple`.
    write_legacy("legacy_two_level_groups", [
        {"name": "schema", "children": 3},
        {"name": "pairs", "repetition": OPT, "converted": LIST, "children": 1},
        {"name": "array", "repetition": REP, "children": 2},
        {"name": "a", "repetition": REQ, "type": INT32},
        {"name": "b", "repetition": OPT, "type": BYTE_ARRAY, "converted": UTF8},
        {"name": "things", "repetition": REQ, "converted": LIST, "children": 1},
        {"name": "things_tuple", "repetition": REP, "children": 1},
        {"name": "v", "repetition": REQ, "type": DOUBLE},
        {"name": "points", "repetition": REP, "children": 2},
        {"name": "x", "repetition": REQ, "type": DOUBLE},
        {"name": "y", "repetition": OPT, "type": DOUBLE},
    ], [
        # pairs: [{a:1,b:"x"},{a:2,b:null}], null, [{a:3,b:"é"}]
        {"path": ["pairs", "array", "a"], "type": INT32, "max_def": 2, "max_rep": 1,
         "rep": [0, 1, 0, 0], "def": [2, 2, 0, 2], "values": [1, 2, 3]},
        {"path": ["pairs", "array", "b"], "type": BYTE_ARRAY, "max_def": 3, "max_rep": 1,
         "rep": [0, 1, 0, 0], "def": [3, 2, 0, 3], "values": [b"x", "é".encode()]},
        # things: [{v:0.5}], [], [{v:1.5},{v:-2.0}]
        {"path": ["things", "things_tuple", "v"], "type": DOUBLE, "max_def": 1, "max_rep": 1,
         "rep": [0, 0, 0, 1], "def": [1, 0, 1, 1], "values": [0.5, 1.5, -2.0]},
        # points: [], [{x:1,y:null}], [{x:2,y:3},{x:4,y:5}]
        {"path": ["points", "x"], "type": DOUBLE, "max_def": 1, "max_rep": 1,
         "rep": [0, 0, 0, 1], "def": [0, 1, 1, 1], "values": [1.0, 2.0, 4.0]},
        {"path": ["points", "y"], "type": DOUBLE, "max_def": 2, "max_rep": 1,
         "rep": [0, 0, 0, 1], "def": [0, 1, 2, 2], "values": [3.0, 5.0]},
    ], num_rows=3)
    # A MAP_KEY_VALUE-annotated map as old writers produced: {"a": 1, "b": null}, null, {}
    write_legacy("legacy_map_key_value", [
        {"name": "schema", "children": 1},
        {"name": "m", "repetition": OPT, "converted": MAP, "children": 1},
        {"name": "map", "repetition": REP, "converted": MAP_KEY_VALUE, "children": 2},
        {"name": "key", "repetition": REQ, "type": BYTE_ARRAY, "converted": UTF8},
        {"name": "value", "repetition": OPT, "type": INT32},
    ], [
        {"path": ["m", "map", "key"], "type": BYTE_ARRAY, "max_def": 2, "max_rep": 1,
         "rep": [0, 1, 0, 0], "def": [2, 2, 0, 1], "values": [b"a", b"b"]},
        {"path": ["m", "map", "value"], "type": INT32, "max_def": 3, "max_rep": 1,
         "rep": [0, 1, 0, 0], "def": [3, 2, 0, 1], "values": [1]},
    ], num_rows=3)


    # A two-level list whose repeated group is itself LIST-annotated: a list of lists.
    # Rows: [[1, 2], [3]], null, [], [[]], [[4], [], [5, 6]]; the second column names its
    # groups `list` / `element` instead of `array`.
    nested_levels = {"rep": [0, 2, 1, 0, 0, 0, 0, 1, 1, 2], "def": [3, 3, 3, 0, 1, 2, 3, 2, 3, 3], "values": [1, 2, 3, 4, 5, 6]}
    write_legacy("legacy_two_level_list_of_lists", [
        {"name": "schema", "children": 2},
        {"name": "grid", "repetition": OPT, "converted": LIST, "children": 1},
        {"name": "array", "repetition": REP, "converted": LIST, "children": 1},
        {"name": "array", "repetition": REP, "type": INT32},
        {"name": "rows", "repetition": OPT, "converted": LIST, "children": 1},
        {"name": "list", "repetition": REP, "converted": LIST, "children": 1},
        {"name": "element", "repetition": REP, "type": INT32},
    ], [
        {"path": ["grid", "array", "array"], "type": INT32, "max_def": 3, "max_rep": 2, **nested_levels},
        {"path": ["rows", "list", "element"], "type": INT32, "max_def": 3, "max_rep": 2, **nested_levels},
    ], num_rows=5)
    # Data pages v2 whose compressed values section is empty: all nulls, and no values at all.
    write_legacy("v2_empty_compressed_values", [
        {"name": "schema", "children": 2},
        {"name": "x", "repetition": OPT, "type": INT32},
        {"name": "s", "repetition": REQ, "type": BYTE_ARRAY, "converted": UTF8},
    ], [
        {"path": ["x"], "type": INT32, "max_def": 1, "max_rep": 0, "pages": [
            {"v2": True, "rep": [], "def": [1, 0, 1], "values": [1, 2]},
            {"v2": True, "rep": [], "def": [0, 0], "values": []},
            {"v2": True, "rep": [], "def": [], "values": []},
            {"v2": True, "rep": [], "def": [1], "values": [7]}]},
        {"path": ["s"], "type": BYTE_ARRAY, "max_def": 0, "max_rep": 0, "pages": [
            {"v2": True, "rep": [], "def": [0, 0], "values": [b"a", b"b"]},
            {"v2": True, "rep": [], "def": [], "values": []},
            {"v2": True, "rep": [], "def": [0, 0, 0, 0], "values": [b"c", b"d", b"e", b"f"]}]},
    ], num_rows=6, codec="snappy")
    # A MAP whose key_value group has a key and no value: {"a", "b"}, null, {}, {"c"}
    write_legacy("map_without_value", [
        {"name": "schema", "children": 1},
        {"name": "m", "repetition": OPT, "converted": MAP, "children": 1},
        {"name": "key_value", "repetition": REP, "children": 1},
        {"name": "key", "repetition": REQ, "type": BYTE_ARRAY, "converted": UTF8},
    ], [
        {"path": ["m", "key_value", "key"], "type": BYTE_ARRAY, "max_def": 2, "max_rep": 1,
         "rep": [0, 1, 0, 0, 0], "def": [2, 2, 0, 1, 2], "values": [b"a", b"b", b"c"]},
    ], num_rows=4)


# ---------------------------------------------------------------- real files and the bench file

REAL_FILES = [
    "ultrafeedback_binarized/train_prefs-00000-of-00001.parquet",
    "ultrafeedback_binarized/test_prefs-00000-of-00001.parquet",
    "ultrachat/no_robots_test_sft.parquet",
]


def make_real_digests():
    data = os.path.join(os.path.dirname(ROOT), "shared", "data")
    digests = []
    for rel in REAL_FILES:
        lines = reference_lines(os.path.join(data, rel))
        first = json.loads(lines[0])
        spot = {key: first[key] for key in first if isinstance(first[key], (str, int, float)) and len(str(first[key])) < 120}
        digests.append({
            "file": rel,
            "rows": len(lines),
            "sha256": hashlib.sha256("".join(line + "\n" for line in lines).encode()).hexdigest(),
            "row_crc32": " ".join(format(zlib.crc32(line.encode()), "08x") for line in lines),
            "first_row_fields": spot,
        })
        print(f"{rel}: {len(lines)} rows")
    with open(os.path.join(OUT, "real-digests.json"), "w") as f:
        json.dump(digests, f, indent=1)
        f.write("\n")


def make_bench_file(path, rows):
    """An ultrafeedback_binarized-shaped file written like the Hub's: snappy, dictionary,
    data page v1, 1,000-row groups. Text is synthetic (no third-party data)."""
    rng = random.Random(7)
    vocab = [w for w in "the of and to in is that for it as with was on be by this are or from at an which have not can "
             "model answer question data python function return value example code list use first time result string "
             "number user assistant please explain step because however therefore résumé naïve 日本 😀".split()]

    def text(lo, hi):
        words = rng.choices(vocab, k=rng.randint(lo, hi))
        return " ".join(words).capitalize() + "."

    prompts, ids, chosen, rejected, messages, sc, sr = [], [], [], [], [], [], []
    for i in range(rows):
        p = text(10, 80)
        a, b = text(60, 400), text(60, 400)
        prompts.append(p)
        ids.append(hashlib.sha256(p.encode()).hexdigest())
        ch = [{"content": p, "role": "user"}, {"content": a, "role": "assistant"}]
        chosen.append(ch)
        rejected.append([{"content": p, "role": "user"}, {"content": b, "role": "assistant"}])
        messages.append(ch)
        s1 = rng.choice([1.0, 2.0, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 7.5, 8.0, 9.0, 10.0])
        sc.append(s1)
        sr.append(rng.choice([x for x in [1.0, 2.0, 3.0, 4.0, 5.0, 6.0] if x <= s1] or [s1]))
    msg = pa.list_(pa.struct([("content", pa.string()), ("role", pa.string())]))
    table = pa.table({"prompt": prompts, "prompt_id": ids, "chosen": pa.array(chosen, msg), "rejected": pa.array(rejected, msg),
                      "messages": pa.array(messages, msg), "score_chosen": sc, "score_rejected": sr})
    pq.write_table(table, path, row_group_size=1000, compression="snappy", use_dictionary=True, data_page_version="1.0")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--real", action="store_true")
    parser.add_argument("--bench-file")
    parser.add_argument("--rows", type=int, default=60000)
    parser.add_argument("--jsonl")
    parser.add_argument("--legacy", action="store_true")
    args = parser.parse_args()
    if args.legacy:
        make_legacy_only()
    elif args.jsonl:
        for line in reference_lines(args.jsonl):
            sys.stdout.write(line + "\n")
    elif args.bench_file:
        make_bench_file(args.bench_file, args.rows)
    elif args.real:
        make_real_digests()
    else:
        make_fixtures()


if __name__ == "__main__":
    main()
