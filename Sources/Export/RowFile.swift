import Foundation
import Parquet

/// One data file being written: Parquet through pref's writer, or JSON lines in the
/// ParquetJSON convention (the spelling `pref cat` prints), so both formats carry the same rows.
protocol RowFile: AnyObject {
    func write(_ rows: [ParquetRecord]) throws
    func close() throws
}

/// `datasets` writes 1,000-row groups; readers that stream by row group see the same unit.
private let rowGroupRows = 1000

final class ParquetRowFile: RowFile {
    private let writer: ParquetWriter

    init(path: String, columns: [ParquetColumn], metadata: [KeyValue]) throws {
        var options = ParquetWriterOptions(compression: .snappy, rowGroupRows: rowGroupRows, keyValueMetadata: metadata)
        options.createdBy = "pref version \(PrefVersion.current)"
        writer = try ParquetWriter(path: path, schema: try ParquetWriterSchema(columns), options: options)
    }

    func write(_ rows: [ParquetRecord]) throws { try writer.write(rows: rows) }
    func close() throws { try writer.close() }
}

final class JSONLRowFile: RowFile {
    private let handle: FileHandle
    private let path: String

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ExportError("cannot create \(path)")
        }
        self.handle = handle
        self.path = path
    }

    func write(_ rows: [ParquetRecord]) throws {
        var bytes: [UInt8] = []
        for row in rows { ParquetJSON.appendLine(row, to: &bytes) }
        do { try handle.write(contentsOf: bytes) } catch { throw ExportError("cannot write \(path): \(error.localizedDescription)") }
    }

    func close() throws {
        do {
            try handle.synchronize()
            try handle.close()
        } catch { throw ExportError("cannot write \(path): \(error.localizedDescription)") }
    }
}
