/// Raw records cut from an input file: one contiguous byte buffer and the spans in it.
/// Batching keeps allocation per chunk, not per record, and lets workers parse in parallel.
struct RecordBatch: Sendable {
    var bytes: [UInt8]
    var spans: [RecordSpan]
}

struct RecordSpan: Sendable {
    /// Range of the record's bytes in `RecordBatch.bytes`.
    var start: Int
    var count: Int
    /// 1-based line number (JSONL) or 0-based element index (JSON array) or row (Parquet).
    var position: Int
    /// Byte offset of the record in the (decompressed) input.
    var byteOffset: Int64
    /// Set when the record exceeded the size limit: its length and an excerpt; its bytes
    /// were not kept.
    var oversized: Oversized?

    struct Oversized: Sendable {
        var length: Int64
        var excerpt: String
    }
}
