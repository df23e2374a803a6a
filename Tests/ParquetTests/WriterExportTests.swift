import Foundation
import Testing
@testable import Parquet

/// Writes sample files, each with a JSON-lines sidecar of the rows written (the ParquetJSON
/// convention), into `PREF_PARQUET_WRITE_DIR`, for scripts/parquet-writer-check.py to read
/// with pyarrow and `datasets`. Without the variable there is nothing to do.
@Suite struct WriterExportTests {
    static let folder = ProcessInfo.processInfo.environment["PREF_PARQUET_WRITE_DIR"]

    static func options(_ compression: CompressionCodec, _ version: ParquetWriterOptions.DataPageVersion,
                        dictionary: Bool = true, rowGroupRows: Int = 1 << 20) -> ParquetWriterOptions {
        var options = ParquetWriterOptions(compression: compression, dataPageVersion: version, useDictionary: dictionary,
                                           rowGroupRows: rowGroupRows,
                                           keyValueMetadata: [KeyValue("pref.settings", #"{"writer":"test","seed":1}"#)])
        options.dataPageSize = 4096
        return options
    }

    @Test(.enabled(if: folder != nil, "set PREF_PARQUET_WRITE_DIR to write files for scripts/parquet-writer-check.py"))
    func writeSamplesForPyarrow() throws {
        let folder = try #require(Self.folder)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let scalars = WriterSamples.scalarRows(1500)
        let nested = WriterSamples.nestedRows(1200)
        let unique = (0..<4000).map { i in ParquetRecord([ParquetField(name: "s", value: .string("value-\(i)-" + String(repeating: "é", count: i % 9)))]) }
        var fallback = Self.options(.snappy, .v1)
        fallback.dictionaryPageSizeLimit = 4096
        let files: [(String, [ParquetColumn], [ParquetRecord], ParquetWriterOptions)] = [
            ("types_v1_snappy_dict", WriterSamples.scalarColumns, scalars, Self.options(.snappy, .v1, rowGroupRows: 400)),
            ("types_v2_zstd_plain", WriterSamples.scalarColumns, scalars, Self.options(.zstd, .v2, dictionary: false)),
            ("types_v1_uncompressed_plain", WriterSamples.scalarColumns, scalars, Self.options(.uncompressed, .v1, dictionary: false)),
            ("types_v2_snappy_dict", WriterSamples.scalarColumns, scalars, Self.options(.snappy, .v2)),
            ("messages_v1_snappy", WriterSamples.nestedColumns, nested, Self.options(.snappy, .v1, rowGroupRows: 300)),
            ("messages_v2_zstd", WriterSamples.nestedColumns, nested, Self.options(.zstd, .v2, dictionary: false)),
            ("messages_v2_uncompressed_dict", WriterSamples.nestedColumns, nested, Self.options(.uncompressed, .v2)),
            ("dictionary_fallback", [ParquetColumn("s", .string)], unique, fallback),
            // ultrafeedback_binarized's columns only, for `datasets.load_dataset("parquet")`.
            ("ultrafeedback_v1_snappy", Array(WriterSamples.nestedColumns.prefix(7)), nested.map { ParquetRecord(Array($0.fields.prefix(7))) },
             Self.options(.snappy, .v1)),
        ]
        for (name, columns, rows, options) in files {
            let base = (folder as NSString).appendingPathComponent(name)
            try WriterSamples.write(columns, rows, to: base + ".parquet", options: options, batch: 250)
            var lines: [UInt8] = []
            for row in rows { ParquetJSON.appendLine(row, to: &lines) }
            try Data(lines).write(to: URL(fileURLWithPath: base + ".jsonl"))
        }
    }
}
