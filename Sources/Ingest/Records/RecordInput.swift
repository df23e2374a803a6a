import Foundation
import JSON
import Parquet

/// An input file opened for ingest: its format (given or detected) and its raw records in
/// batches. JSONL/JSON go through the streaming reader; Parquet through the native reader,
/// one row group at a time, reading only the columns the format's adapter uses.
final class RecordInput {
    static let detectionSampleSize = 50

    let format: DatasetFormat

    private enum Source {
        case json(RecordReader, first: RecordBatch?)
        case parquet(ParquetRowGroupIterator, nextRow: Int)
    }

    private init(format: DatasetFormat, source: Source) {
        self.format = format
        self.state = source
    }

    private var state: Source

    /// Bytes of the file consumed so far (for progress).
    var bytesRead: Int64 {
        switch state {
        case .json(let reader, _): return reader.compressedBytesRead
        case .parquet(let groups, _):
            let file = groups.file
            return file.rowGroupCount == 0 ? file.fileSize : file.fileSize * Int64(groups.index) / Int64(file.rowGroupCount)
        }
    }

    static func open(path: String, format: DatasetFormat?, maxRecordBytes: Int) throws -> RecordInput {
        let name = Compression.strippedName(path).lowercased()
        if name.hasSuffix(".parquet") {
            if Compression(path: path) != .none {
                throw IngestError(path: path, message: "compressed Parquet files are not supported; Parquet compresses its pages itself")
            }
            return try openParquet(path: path, format: format)
        }
        let mode: RecordReader.Mode
        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") {
            mode = .lines
        } else if name.hasSuffix(".json") {
            mode = .jsonDocument
        } else {
            throw IngestError(path: path, message: "unsupported file type (expected .jsonl, .json or .parquet, optionally .gz or .zst)")
        }
        let reader = RecordReader(stream: try openDecompressedStream(path: path), mode: mode, maxRecordBytes: maxRecordBytes)
        let first = try reader.nextBatch()
        return RecordInput(format: try format ?? detect(first, path: path), source: .json(reader, first: first))
    }

    private static func openParquet(path: String, format: DatasetFormat?) throws -> RecordInput {
        do {
            let file = try ParquetFile(path: path)
            let names = file.schema.fieldNames
            let detected = format ?? DatasetFormat.detect(JSONObject(names.map { ($0, JSONValue.null) }))
            guard let detected else {
                throw IngestError(path: path, message: "cannot detect the dataset format from the columns (\(names.prefix(12).joined(separator: ", "))); pass --format")
            }
            let wanted = ParquetRows.columns(for: detected).filter(names.contains)
            // Row groups decode on another thread, one ahead of the adapters.
            return RecordInput(format: detected, source: .parquet(try file.rowGroups(columns: wanted), nextRow: 0))
        } catch let error as ParquetError {
            throw IngestError(path: path, offset: error.byteOffset.map(Int.init), message: error.description)
        }
    }

    /// The next batch of raw records, or nil at the end.
    func next() throws -> (any RawRecords)? {
        switch state {
        case .json(let reader, let first):
            if let first {
                state = .json(reader, first: nil)
                return first
            }
            return try reader.nextBatch()
        case .parquet(var groups, let row):
            do {
                guard let rows = try groups.next() else { return nil }
                state = .parquet(groups, nextRow: row + rows.count)
                return ParquetRowBatch(rows: rows, firstRow: row)
            } catch {
                throw IngestError(path: groups.file.path, offset: error.byteOffset.map(Int.init), message: error.description)
            }
        }
    }

    static func detect(_ batch: RecordBatch?, path: String) throws -> DatasetFormat {
        guard let batch else {
            throw IngestError(path: path, message: "the file holds no records, so its format cannot be detected; pass --format")
        }
        var samples: [JSONValue] = []
        for span in batch.spans.prefix(detectionSampleSize) where span.oversized == nil {
            if let v = try? batch.parse(span) { samples.append(v) }
        }
        if let format = DatasetFormat.detect(samples) { return format }
        let keys = samples.lazy.compactMap(\.objectValue).first?.keys.prefix(12).joined(separator: ", ") ?? "none parsable"
        throw IngestError(path: path, offset: Int(batch.spans.first?.byteOffset ?? 0),
                          message: "cannot detect the dataset format from the first records (keys: \(keys)); pass --format with one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
    }
}
