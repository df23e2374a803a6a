import Dispatch
import JSON
import Parquet
import Store

/// Records as read from a file, not yet converted: JSON byte spans or Parquet rows.
protocol RawRecords: Sendable {
    var count: Int { get }
    /// Line (JSONL), element (JSON) or row (Parquet) of record `i`.
    func position(_ i: Int) -> Int
    func outcome(_ i: Int, adapter: RecordAdapter) -> Ingestor.Outcome
}

extension RawRecords {
    /// Converts every record on `threads` threads, keeping their order.
    func convertAll(adapter: RecordAdapter, threads: Int) -> [Ingestor.Outcome] {
        let workers = min(threads, max(1, count / 64))
        if workers <= 1 { return (0..<count).map { outcome($0, adapter: adapter) } }
        // Each worker initialises a disjoint range of slots.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Ingestor.Outcome>.allocate(capacity: count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in (count * w / workers)..<(count * (w + 1) / workers) {
                (results.baseAddress! + i).initialize(to: outcome(i, adapter: adapter))
            }
        }
        let out = Array(results)
        _ = results.deinitialize()
        return out
    }

    /// The outcome of running `adapter` on an object (or explaining why it is not one).
    static func convert(_ value: JSONValue, _ adapter: RecordAdapter) -> Result<PreparedRecord, RecordProblem> {
        guard case .object(let object) = value else {
            return .failure(RecordProblem(.notAnObject, nil, "record is a JSON \(value.typeName), expected an object"))
        }
        do { return .success(PreparedRecord(try adapter.convert(object))) } catch { return .failure(error) }
    }
}

extension RecordBatch: RawRecords {
    static let excerptBytes = 240

    var count: Int { spans.count }
    func position(_ i: Int) -> Int { spans[i].position }

    func outcome(_ i: Int, adapter: RecordAdapter) -> Ingestor.Outcome {
        let span = spans[i]
        if let big = span.oversized {
            return .problem(QuarantineEntry(position: span.position, byteOffset: Int(span.byteOffset), field: nil,
                                            reason: RecordProblem.Reason.recordTooLarge.rawValue,
                                            detail: "record of \(big.length) bytes exceeds the size limit",
                                            excerpt: big.excerpt))
        }
        var offset = span.byteOffset
        let problem: RecordProblem
        switch Result(catching: { () throws(JSONError) in try parse(span) }) {
        case .success(let value):
            switch Self.convert(value, adapter) {
            case .success(let prepared): return .record(prepared)
            case .failure(let p): problem = p
            }
        case .failure(let error):
            offset += Int64(error.offset)
            problem = RecordProblem(error.message.hasPrefix("invalid UTF-8") ? .invalidUTF8 : .malformedJSON, nil, error.message)
        }
        let excerptEnd = span.start + min(span.count, Self.excerptBytes)
        return .problem(QuarantineEntry(position: span.position, byteOffset: Int(offset), field: problem.field,
                                        reason: problem.reason.rawValue, detail: problem.detail,
                                        excerpt: String(decoding: bytes[span.start..<excerptEnd], as: UTF8.self)))
    }

    func parse(_ span: RecordSpan) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[span.start..<(span.start + span.count)])) }
        }
        return try result.get()
    }
}

/// The rows of one Parquet row group.
struct ParquetRowBatch: RawRecords {
    var rows: [ParquetRecord]
    /// File-wide index of the first row (0-based, as pyarrow counts).
    var firstRow: Int

    var count: Int { rows.count }
    func position(_ i: Int) -> Int { firstRow + i }

    func outcome(_ i: Int, adapter: RecordAdapter) -> Ingestor.Outcome {
        let problem: RecordProblem
        do {
            let object = try ParquetRows.json(rows[i])
            switch Self.convert(.object(object), adapter) {
            case .success(let prepared): return .record(prepared)
            case .failure(let p): problem = p
            }
        } catch {
            problem = RecordProblem(.invalidUTF8, error.field, "\(error.field) holds bytes that are not valid UTF-8")
        }
        return .problem(QuarantineEntry(position: position(i), byteOffset: nil, field: problem.field, reason: problem.reason.rawValue,
                                        detail: problem.detail, excerpt: String(ParquetJSON.line(rows[i]).prefix(240))))
    }
}
