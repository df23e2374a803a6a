import Core
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


    private let catalog: Catalog

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// Ingests one JSONL / JSON file (optionally .gz or .zst). Bad records are quarantined;
    /// a file that cannot be read as a whole throws `IngestError` and writes nothing.
    public func ingest(path: String, options: Options = Options(), progress: ProgressHandler? = nil) throws -> FileIngestReport {
        let started = Date()
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let size = try Self.fileSize(path: absolute)
        let split = options.sourceSplit ?? SourceSplitName.infer(path: absolute)
        var report = FileIngestReport(path: absolute, format: options.format?.rawValue ?? "unknown", sourceSplit: split)
        report.bytes = size
        // Only a file the size of an ingested source can repeat one: hash such a file first
        // and stop if it does; hash any other while its records are read.
        var knownDigest: String?
        if try catalog.hasSource(sizeBytes: size) {
            let sha = try SHA256.hex(ofFileAt: absolute)
            if let existing = try catalog.existingSource(sha256: sha) {
                report.format = existing.format
                report.alreadyIngestedAs = existing.path
                report.seconds = Date().timeIntervalSince(started)
                return report
            }
            knownDigest = sha
        }
        let input = try RecordInput.open(path: absolute, format: options.format, maxRecordBytes: options.maxRecordBytes)
        report.format = input.format.rawValue
        let adapter = input.format.makeAdapter()
        let digest = knownDigest == nil ? FileDigest.start(path: absolute) : nil
        let source = SourceFile(path: absolute, sha256: knownDigest, format: input.format.rawValue, sizeBytes: size, sourceSplit: split)

        try catalog.ingestTransaction(source) { writer in
            var read = 0
            // Workers convert the next batch while this thread writes the current one.
            var inflight = try input.next().map { ParsedBatch($0, adapter: adapter, threads: options.threads) }
            while let current = inflight {
                let outcomes = current.wait()
                inflight = try input.next().map { ParsedBatch($0, adapter: adapter, threads: options.threads) }
                for (i, outcome) in outcomes.enumerated() {
                    switch outcome {
                    case .record(let prepared): try writer.add(prepared, position: current.batch.position(i), sourceSplit: split)
                    case .problem(let entry): try writer.quarantine(entry)
                    }
                }
                read += outcomes.count
                progress?(ProgressEvent(phase: (absolute as NSString).lastPathComponent, done: Int(input.bytesRead), total: Int(size), unit: .bytes,
                                        figures: [.init("records", Double(read))]))
            }
            try writer.finish(recordsRead: read, sha256: try digest?.wait())
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

    /// Size of the raw file in bytes.
    static func fileSize(path: String) throws -> Int64 {
        var info = stat()
        guard stat(path, &info) == 0 else { throw IngestError(path: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFREG else { throw IngestError(path: path, message: "not a regular file") }
        return Int64(info.st_size)
    }

    /// A batch being parsed on background threads.
    final class ParsedBatch: @unchecked Sendable {
        let batch: any RawRecords
        private let done = DispatchGroup()
        // Written once by the background task before `done` is left; read after `wait`.
        private var outcomes: [Outcome] = []

        init(_ batch: any RawRecords, adapter: RecordAdapter, threads: Int) {
            self.batch = batch
            DispatchQueue.global().async(group: done) {
                self.outcomes = batch.convertAll(adapter: adapter, threads: threads)
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
}
