import Dispatch
import Foundation
import JSON
import Store

/// Ingests files into a workspace catalog. Each file is one transaction: it is written
/// completely or not at all, and the same bytes are never ingested twice.
public final class Ingestor {
    public struct Options: Sendable {
        /// nil: detect from the first records.
        public var format: DatasetFormat?
        /// Overrides the split name inferred from the file name.
        public var sourceSplit: String?
        public var maxRecordBytes = RecordReader.defaultMaxRecordBytes
        public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

        public init(format: DatasetFormat? = nil, sourceSplit: String? = nil) {
            self.format = format
            self.sourceSplit = sourceSplit
        }
    }

    static let detectionSampleSize = 50
    static let excerptBytes = 240

    private let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Ingests one JSONL / JSON file (optionally .gz or .zst). Bad records are quarantined;
    /// a file that cannot be read as a whole throws `IngestError` and writes nothing.
    public func ingest(path: String, options: Options = Options(), progress: ((IngestProgress) -> Void)? = nil) throws -> FileIngestReport {
        let started = Date()
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let (sha, size) = try Self.fileIdentity(path: absolute)
        let split = options.sourceSplit ?? SourceSplitName.infer(path: absolute)
        var report = FileIngestReport(path: absolute, format: options.format?.rawValue ?? "unknown", sourceSplit: split)
        report.bytes = size
        if let existing = try catalog.existingSource(sha256: sha) {
            report.format = existing.format
            report.alreadyIngestedAs = existing.path
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        let reader = RecordReader(stream: try openDecompressedStream(path: absolute), mode: try Self.mode(path: absolute),
                                  maxRecordBytes: options.maxRecordBytes)
        var pending = try reader.nextBatch()
        let format = try options.format ?? Self.detect(pending, path: absolute)
        report.format = format.rawValue
        let adapter = format.makeAdapter()
        let source = SourceFile(path: absolute, sha256: sha, format: format.rawValue, sizeBytes: size, sourceSplit: split)

        try catalog.ingestTransaction(source) { writer in
            var read = 0
            // Workers parse the next batch while this thread writes the current one.
            var inflight = pending.map { ParsedBatch($0, adapter: adapter, threads: options.threads) }
            while let current = inflight {
                let outcomes = current.wait()
                inflight = try reader.nextBatch().map { ParsedBatch($0, adapter: adapter, threads: options.threads) }
                for (span, outcome) in zip(current.batch.spans, outcomes) {
                    switch outcome {
                    case .record(let prepared): try writer.add(prepared, position: span.position, sourceSplit: split)
                    case .problem(let entry): try writer.quarantine(entry)
                    }
                }
                read += current.batch.spans.count
                progress?(IngestProgress(path: absolute, bytesDone: reader.compressedBytesRead, bytesTotal: size, records: read))
            }
            try writer.finish(recordsRead: read)
            report.read = read
            report.kept = writer.kept
            report.duplicates = writer.duplicates
            report.quarantined = writer.quarantined
            report.quarantinedByReason = writer.quarantinedByReason
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - Steps

    /// sha256 and size of the raw file bytes.
    static func fileIdentity(path: String) throws -> (String, Int64) {
        let file = try FileByteStream(path: path)
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            let n = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            total += Int64(n)
        }
        return (hasher.finalizeHex(), total)
    }

    static func mode(path: String) throws -> RecordReader.Mode {
        let name = Compression.strippedName(path).lowercased()
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return .lines }
        if name.hasSuffix(".json") { return .jsonDocument }
        throw IngestError(path: path, message: "unsupported file type (expected .jsonl, .json or .parquet, optionally .gz or .zst)")
    }

    static func detect(_ batch: RecordBatch?, path: String) throws -> DatasetFormat {
        guard let batch else {
            throw IngestError(path: path, message: "the file holds no records, so its format cannot be detected; pass --format")
        }
        var samples: [JSONValue] = []
        for span in batch.spans.prefix(detectionSampleSize) where span.oversized == nil {
            if let v = try? parse(batch, span) { samples.append(v) }
        }
        if let format = DatasetFormat.detect(samples) { return format }
        let keys = samples.lazy.compactMap(\.objectValue).first?.keys.prefix(12).joined(separator: ", ") ?? "none parsable"
        throw IngestError(path: path, offset: Int(batch.spans.first?.byteOffset ?? 0),
                          message: "cannot detect the dataset format from the first records (keys: \(keys)); pass --format with one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }

    /// A batch being parsed on background threads.
    final class ParsedBatch: @unchecked Sendable {
        let batch: RecordBatch
        private let done = DispatchGroup()
        // Written once by the background task before `done` is left; read after `wait`.
        private var outcomes: [Outcome] = []

        init(_ batch: RecordBatch, adapter: RecordAdapter, threads: Int) {
            self.batch = batch
            DispatchQueue.global().async(group: done) {
                self.outcomes = Ingestor.process(batch, adapter: adapter, threads: threads)
            }
        }

        func wait() -> [Outcome] {
            done.wait()
            return outcomes
        }
    }

    enum Outcome: Sendable {
        case record(PreparedRecord)
        case problem(QuarantineEntry)
    }

    /// Parses and converts a batch's records on `threads` threads, keeping their order.
    static func process(_ batch: RecordBatch, adapter: RecordAdapter, threads: Int) -> [Outcome] {
        let count = batch.spans.count
        let workers = min(threads, max(1, count / 64))
        if workers <= 1 { return batch.spans.map { outcome(batch, $0, adapter) } }
        // Each worker initialises a disjoint range of slots.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Outcome>.allocate(capacity: count)
        defer { results.deallocate() }
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let range = (count * w / workers)..<(count * (w + 1) / workers)
            for i in range { (results.baseAddress! + i).initialize(to: outcome(batch, batch.spans[i], adapter)) }
        }
        let out = Array(results)
        _ = results.deinitialize()
        return out
    }

    static func outcome(_ batch: RecordBatch, _ span: RecordSpan, _ adapter: RecordAdapter) -> Outcome {
        let problem: RecordProblem
        var offset = span.byteOffset
        if let big = span.oversized {
            return .problem(QuarantineEntry(position: span.position, byteOffset: Int(span.byteOffset), field: nil,
                                            reason: RecordProblem.Reason.recordTooLarge.rawValue,
                                            detail: "record of \(big.length) bytes exceeds the limit of \(RecordReader.defaultMaxRecordBytes) bytes",
                                            excerpt: big.excerpt))
        }
        do {
            let value = try parse(batch, span)
            guard case .object(let object) = value else {
                throw RecordProblem(.notAnObject, nil, "record is a JSON \(value.typeName), expected an object")
            }
            return .record(PreparedRecord(try adapter.convert(object)))
        } catch let error as JSONError {
            offset += Int64(error.offset)
            let reason: RecordProblem.Reason = error.message.hasPrefix("invalid UTF-8") ? .invalidUTF8 : .malformedJSON
            problem = RecordProblem(reason, nil, error.message)
        } catch let error as RecordProblem {
            problem = error
        } catch {
            problem = RecordProblem(.malformedJSON, nil, "\(error)")
        }
        let excerptEnd = span.start + min(span.count, excerptBytes)
        return .problem(QuarantineEntry(position: span.position, byteOffset: Int(offset), field: problem.field,
                                        reason: problem.reason.rawValue, detail: problem.detail,
                                        excerpt: String(decoding: batch.bytes[span.start..<excerptEnd], as: UTF8.self)))
    }

    static func parse(_ batch: RecordBatch, _ span: RecordSpan) throws(JSONError) -> JSONValue {
        let result = batch.bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) in try JSONParser.parse(UnsafeRawBufferPointer(rebasing: raw[span.start..<(span.start + span.count)])) }
        }
        return try result.get()
    }
}
