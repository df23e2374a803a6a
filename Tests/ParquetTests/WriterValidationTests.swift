import Foundation
import Testing
@testable import Parquet

/// The writer refuses rows that do not fit the schema, naming the row and the column, and
/// never leaves a partial file behind.
@Suite struct WriterValidationTests {
    static func failure(_ columns: [ParquetColumn], _ rows: [ParquetRecord]) throws -> (error: ParquetError, folder: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pref-writer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try ParquetWriter(path: folder.appendingPathComponent("out.parquet").path, schema: try ParquetWriterSchema(columns))
        let error = try #require(throws: ParquetError.self) {
            try writer.write(rows: rows)
            try writer.close()
        }
        // A failed writer stays failed.
        #expect(throws: ParquetError.self) { try writer.close() }
        return (error, try FileManager.default.contentsOfDirectory(atPath: folder.path))
    }

    static func messages(_ roles: [ParquetValue]) -> ParquetRecord {
        ParquetRecord([ParquetField(name: "messages", value: .list(roles.map { role in
            .record(ParquetRecord([ParquetField(name: "content", value: .string("hi")), ParquetField(name: "role", value: role)]))
        }))])
    }

    @Test func wrongTypeNamesRowAndNestedColumn() throws {
        let rows = [Self.messages([.string("user")]), Self.messages([.string("user"), .int(5)])]
        let (error, left) = try Self.failure([ParquetColumn("messages", .list(WriterSamples.message))], rows)
        #expect(error.description == "row 1: expected a string, got int(5) in column messages[1].role")
        #expect(left.isEmpty)
    }

    @Test func nullInRequiredColumn() throws {
        let rows = [ParquetRecord([ParquetField(name: "id", value: .int(1))]), ParquetRecord([ParquetField(name: "id", value: .null)])]
        let (error, left) = try Self.failure([ParquetColumn("id", .int64, nullable: false)], rows)
        #expect(error.description == "row 1: null in a required field in column id")
        #expect(left.isEmpty)
    }

    @Test func missingRequiredAndUnknownFields() throws {
        let missing = try Self.failure([ParquetColumn("id", .int64, nullable: false)], [ParquetRecord()])
        #expect(missing.error.description == "row 0: null in a required field in column id")
        let unknown = try Self.failure([ParquetColumn("id", .int64)], [ParquetRecord([ParquetField(name: "idd", value: .int(1))])])
        #expect(unknown.error.description == #"row 0 has a field "idd" that the schema lacks"#)
    }

    @Test func outOfRangeIntegersAndWrongWidths() throws {
        let byte = try Self.failure([ParquetColumn("b", .int8)], [ParquetRecord([ParquetField(name: "b", value: .int(200))])])
        #expect(byte.error.description == "row 0: expected an integer in -128...127, got int(200) in column b")
        let fixed = try Self.failure([ParquetColumn("f", .fixedBinary(length: 2))], [ParquetRecord([ParquetField(name: "f", value: .bytes([1]))])])
        #expect(fixed.error.message.contains("exactly 2 bytes"))
        let decimal = try Self.failure([ParquetColumn("d", .decimal(precision: 4, scale: 1))],
                                       [ParquetRecord([ParquetField(name: "d", value: .decimal(ParquetDecimal(unscaled: 1 << 40, scale: 1, precision: 4)))])])
        #expect(decimal.error.message.contains("a decimal that fits in 2 bytes"))
    }

    @Test func badSchemasAndOptions() {
        #expect(throws: ParquetError.self) { try ParquetWriterSchema([ParquetColumn("a", .int32), ParquetColumn("a", .int64)]) }
        #expect(throws: ParquetError.self) { try ParquetWriterSchema([ParquetColumn("s", .structure([]))]) }
        #expect(throws: ParquetError.self) { try ParquetWriterSchema([ParquetColumn("d", .decimal(precision: 0, scale: 0))]) }
        #expect(throws: ParquetError.self) {
            try ParquetWriter(path: Fixtures.temporaryPath("bad"), schema: try ParquetWriterSchema([ParquetColumn("a", .int32)]),
                              options: ParquetWriterOptions(compression: .lzo))
        }
    }

    @Test func fileAppearsOnlyOnClose() throws {
        let path = Fixtures.temporaryPath("atomic")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        let schema = try ParquetWriterSchema([ParquetColumn("x", .int32)])
        let aborted = try ParquetWriter(path: path, schema: schema)
        try aborted.write(rows: [ParquetRecord([ParquetField(name: "x", value: .int(1))])])
        aborted.abort()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))
        let writer = try ParquetWriter(path: path, schema: schema)
        try writer.write(rows: [ParquetRecord([ParquetField(name: "x", value: .int(1))])])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data("old".utf8))
        let summary = try writer.close()
        #expect(summary.rows == 1)
        #expect(try ParquetFile(path: path).readRowGroup(0) == [ParquetRecord([ParquetField(name: "x", value: .int(1))])])
        let folder = (path as NSString).deletingLastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".tmp-") && $0.contains("atomic") }.isEmpty)
    }
}

extension WriterValidationTests {
    @Test func wrongNestingNamesTheShapeExpected() throws {
        let notAList = try Self.failure([ParquetColumn("m", .list(WriterSamples.message))], [ParquetRecord([ParquetField(name: "m", value: .string("hi"))])])
        #expect(notAList.error.description == "row 0: expected a list, got string(\"hi\") in column m")
        let requiredMap = try Self.failure([ParquetColumn("m", .map(key: .string, value: .int32), nullable: false)],
                                           [ParquetRecord([ParquetField(name: "m", value: .null)])])
        #expect(requiredMap.error.description == "row 0: null in a required map in column m")
        let notAStruct = try Self.failure([ParquetColumn("m", .list(WriterSamples.message))],
                                          [ParquetRecord([ParquetField(name: "m", value: .list([.int(1)]))])])
        #expect(notAStruct.error.description == "row 0: expected a struct, got int(1) in column m[0]")
    }
}
