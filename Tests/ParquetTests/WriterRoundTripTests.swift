import Foundation
import Testing
@testable import Parquet

/// What the writer writes, the reader reads back identically: every type with nulls, nested
/// message lists, maps and lists of lists, in every page version, codec and encoding.
@Suite struct WriterRoundTripTests {
    static let layouts: [(ParquetWriterOptions.DataPageVersion, CompressionCodec, Bool)] = [
        (.v1, .snappy, true), (.v1, .zstd, false), (.v1, .uncompressed, true),
        (.v2, .snappy, false), (.v2, .zstd, true), (.v2, .uncompressed, false),
    ]

    static func options(_ layout: (ParquetWriterOptions.DataPageVersion, CompressionCodec, Bool)) -> ParquetWriterOptions {
        var options = ParquetWriterOptions(compression: layout.1, dataPageVersion: layout.0, useDictionary: layout.2)
        options.dataPageSize = 2048  // several pages per chunk
        return options
    }

    @Test(arguments: layouts.indices)
    func everyTypeWithNulls(_ layout: Int) throws {
        let rows = WriterSamples.scalarRows(700)
        let (read, file) = try WriterSamples.roundTrip(WriterSamples.scalarColumns, rows, options: Self.options(Self.layouts[layout]))
        #expect(file.numRows == 700)
        #expect(read.count == rows.count)
        for (i, (got, want)) in zip(read, rows).enumerated() where got != want {
            Issue.record("row \(i):\n got  \(ParquetJSON.line(got))\n want \(ParquetJSON.line(want))")
            break
        }
    }

    @Test(arguments: layouts.indices)
    func nestedMessagesMapsAndListsOfLists(_ layout: Int) throws {
        let rows = WriterSamples.nestedRows(500)
        let (read, _) = try WriterSamples.roundTrip(WriterSamples.nestedColumns, rows, options: Self.options(Self.layouts[layout]))
        #expect(read.count == rows.count)
        for (i, (got, want)) in zip(read, rows).enumerated() where got != want {
            Issue.record("row \(i):\n got  \(ParquetJSON.line(got))\n want \(ParquetJSON.line(want))")
            break
        }
    }

    @Test func nestedSchemaIsPyarrowsThreeLevelShape() throws {
        let schema = try ParquetWriterSchema(WriterSamples.nestedColumns)
        let text = schema.tree.description
        #expect(text.contains("optional group chosen (LIST) {\n    repeated group list {\n      optional group element {\n        optional BYTE_ARRAY content (STRING);"))
        #expect(text.contains("optional group ratings (MAP) {\n    repeated group key_value {\n      required BYTE_ARRAY key (STRING);\n      optional INT32 value;"))
    }

    @Test func rowGroupsByRowCount() throws {
        var options = ParquetWriterOptions(rowGroupRows: 128)
        options.dataPageSize = 512
        let rows = WriterSamples.nestedRows(1000)
        let (read, file) = try WriterSamples.roundTrip(WriterSamples.nestedColumns, rows, options: options, batch: 300)
        #expect(file.rowGroupCount == 8)
        #expect((0..<8).map { file.rowCount(ofRowGroup: $0) } == [128, 128, 128, 128, 128, 128, 128, 104])
        #expect(read == rows)
    }

    @Test func rowGroupsByBytes() throws {
        var options = ParquetWriterOptions()
        options.rowGroupBytes = 64 << 10
        let rows = WriterSamples.nestedRows(3000)
        let (read, file) = try WriterSamples.roundTrip(WriterSamples.nestedColumns, rows, options: options, batch: 5000)
        #expect(file.rowGroupCount > 3)
        #expect(read == rows)
    }

    @Test func dictionaryShrinksRepetitiveColumnsAndFallsBackWhenFull() throws {
        let repetitive = (0..<5000).map { i in ParquetRecord([ParquetField(name: "s", value: .string("value-\(i % 10)-padding-padding"))]) }
        let unique = (0..<5000).map { i in ParquetRecord([ParquetField(name: "s", value: .string("value-\(i)-" + String(repeating: "x", count: i % 7)))]) }
        let columns = [ParquetColumn("s", .string)]
        func size(_ rows: [ParquetRecord], dictionary: Bool, limit: Int = 1 << 20) throws -> Int64 {
            var options = ParquetWriterOptions(compression: .uncompressed, useDictionary: dictionary)
            options.dictionaryPageSizeLimit = limit
            options.dataPageSize = 1024
            let (read, file) = try WriterSamples.roundTrip(columns, rows, options: options)
            #expect(read == rows)
            return file.fileSize
        }
        #expect(try size(repetitive, dictionary: true) * 10 < size(repetitive, dictionary: false))
        // A 2 KiB dictionary fills within the first pages; the rest of the chunk is PLAIN.
        let fallback = try size(unique, dictionary: true, limit: 2048)
        let plain = try size(unique, dictionary: false)
        #expect(fallback < plain + 4096 && fallback > plain / 2)
    }

    @Test func emptyFileAndKeyValueMetadata() throws {
        let path = Fixtures.temporaryPath("writer-empty")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = ParquetWriterOptions(keyValueMetadata: [KeyValue("pref.settings", #"{"split":0.05}"#), KeyValue("flag", nil)])
        try WriterSamples.write(WriterSamples.nestedColumns, [], to: path, options: options)
        let file = try ParquetFile(path: path)
        #expect(file.numRows == 0)
        #expect(file.rowGroupCount == 0)
        #expect(file.metadataValue(forKey: "pref.settings") == #"{"split":0.05}"#)
        #expect(file.keyValueMetadata.contains(KeyValue("flag", nil)))
        #expect(file.createdBy == "pref")
    }

    /// Every golden fixture (pyarrow's files and the hand-built legacy shapes), rewritten by
    /// the writer, still prints exactly pyarrow's reference rows.
    @Test(arguments: GoldenFixtureTests.cases.map(\.parquet))
    func rewrittenFixtureMatchesPyarrow(_ name: String) throws {
        let reference = try #require(GoldenFixtureTests.cases.first { $0.parquet == name }?.reference)
        let output = Fixtures.temporaryPath("rewrite")
        defer { try? FileManager.default.removeItem(atPath: output) }
        var options = ParquetWriterOptions(compression: .zstd, dataPageVersion: name.count % 2 == 0 ? .v1 : .v2, rowGroupRows: 100)
        options.dataPageSize = 700
        try ParquetRewrite.rewrite(input: Fixtures.path(name), output: output, options: options)
        #expect(try Fixtures.catLines(output) == Fixtures.bytes(reference))
    }
}

extension WriterRoundTripTests {
    @Test func rewriteSelectedColumnsKeepsMetadataAndAddsSettings() throws {
        let input = Fixtures.temporaryPath("rewrite-in"), output = Fixtures.temporaryPath("rewrite-out")
        defer { for path in [input, output] { try? FileManager.default.removeItem(atPath: path) } }
        let rows = WriterSamples.nestedRows(300)
        try WriterSamples.write(WriterSamples.nestedColumns, rows, to: input,
                                options: ParquetWriterOptions(keyValueMetadata: [KeyValue("a", "1"), KeyValue("b", "2")]))
        let options = ParquetWriterOptions(compression: .zstd, dataPageVersion: .v2, keyValueMetadata: [KeyValue("b", "3")])
        let summary = try ParquetRewrite.rewrite(input: input, output: output, columns: ["messages", "prompt"], options: options)
        #expect(summary.rows == 300)
        let file = try ParquetFile(path: output)
        #expect(file.schema.fieldNames == ["messages", "prompt"])
        #expect(file.keyValueMetadata == [KeyValue("a", "1"), KeyValue("b", "3")])
        #expect(try file.readRowGroup(0) == rows.map { ParquetRecord([ParquetField(name: "messages", value: $0["messages"]!),
                                                                      ParquetField(name: "prompt", value: $0["prompt"]!)]) })
        #expect(ParquetWriterOptions.codec(named: "ZSTD") == .zstd && ParquetWriterOptions.codec(named: "lz4") == nil)
        let head = try ParquetRewrite.rewrite(input: input, output: output, limit: 120, options: ParquetWriterOptions(rowGroupRows: 50))
        #expect(head.rows == 120 && head.rowGroups == 3)
        var read: [ParquetRecord] = []
        try ParquetFile(path: output).forEachRowGroup { _, rows in read += rows }
        #expect(read == Array(rows.prefix(120)))
    }
}

extension WriterRoundTripTests {
    @Test func statisticsAreExactByteOrderAndLeftOutWhenTooLong() throws {
        let schema = try ParquetWriterSchema([ParquetColumn("s", .string)])
        let leaf = schema.tree.leaves[0]
        func statistics(_ texts: [String?]) throws -> ColumnStatistics {
            var buffers = [LeafBuffer(leaf: leaf)]
            let rows = texts.map { ParquetRecord([ParquetField(name: "s", value: $0.map { .string($0) } ?? .null)]) }
            let shredder = try RowShredder(schema: schema.tree)
            try buffers.withUnsafeMutableBufferPointer { try shredder.shred(field: 0, of: rows[...], into: $0) }
            return try ColumnChunkWriter(leaf: leaf, options: ParquetWriterOptions()).encode(buffers[0]).statistics
        }
        // Bytes order: "Z" < "a" < "ab" < "é" (0xC3 0xA9).
        let ordered = try statistics(["ab", nil, "é", "Z", "a", nil])
        #expect(ordered.nullCount == 2 && ordered.min == Array("Z".utf8) && ordered.max == Array("é".utf8))
        let long = try statistics(["a", String(repeating: "z", count: 5000)])
        #expect(long.nullCount == 0 && long.min == nil && long.max == nil)
    }
}
