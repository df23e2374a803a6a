import Foundation
import Testing
import Parquet

/// The usage shown in ParquetWriter's documentation, through the public API only.
@Suite struct WriterUsageTests {
    @Test func messagesScoresAndSettings() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pref-usage-\(UUID().uuidString).parquet").path
        defer { try? FileManager.default.removeItem(atPath: path) }

        let message = ParquetDataType.structure([ParquetColumn("content", .string), ParquetColumn("role", .string)])
        let schema = try ParquetWriterSchema([
            ParquetColumn("prompt", .string),
            ParquetColumn("messages", .list(message)),
            ParquetColumn("score", .float),
        ])
        var options = ParquetWriterOptions(compression: .zstd, keyValueMetadata: [KeyValue("pref.settings", #"{"test_fraction":0.05}"#)])
        options.rowGroupRows = 50_000
        let writer = try ParquetWriter(path: path, schema: schema, options: options)
        let row = ParquetRecord([
            ParquetField(name: "prompt", value: .string("Hi?")),
            ParquetField(name: "messages", value: .list([
                .record(ParquetRecord([ParquetField(name: "content", value: .string("Hi?")), ParquetField(name: "role", value: .string("user"))])),
                .record(ParquetRecord([ParquetField(name: "content", value: .string("Hello!")), ParquetField(name: "role", value: .string("assistant"))])),
            ])),
            ParquetField(name: "score", value: .float(8.5)),
        ])
        try writer.write(rows: [row, row])
        let summary = try writer.close()

        #expect(summary.rows == 2 && summary.rowGroups == 1)
        let file = try ParquetFile(path: path)
        #expect(file.metadataValue(forKey: "pref.settings") == #"{"test_fraction":0.05}"#)
        #expect(try file.readRowGroup(0) == [row, row])
    }
}
