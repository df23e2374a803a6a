import CZlib
import CZstd
import Foundation
import Testing
@testable import Parquet

/// Corrupt and hostile files must end in a `ParquetError` that says what and where: never
/// a trap, a hang or an allocation sized by the attacker.
@Suite struct HostileFileTests {
    func expectError(_ bytes: [UInt8], limits: ParquetReadLimits = .default, containing fragments: [String],
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = try Fixtures.temporaryFile(bytes, name: "hostile")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try Fixtures.readAll(path, limits: limits)
            Issue.record("expected an error containing \(fragments)", sourceLocation: sourceLocation)
        } catch {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
            }
        }
    }

    static func validFile(values: [Int32] = [1, 2, 3]) -> HandBuiltFile {
        HandBuiltFile(numRows: Int64(values.count), pages: [.init(numValues: Int32(values.count), body: HandBuiltFile.plainInt32(values))])
    }

    @Test func handBuiltFileReads() throws {
        let path = try Fixtures.temporaryFile(Self.validFile(values: [7, -8, 9]).bytes())
        let rows = try ParquetFile(path: path).readRowGroup(0)
        #expect(rows.map { $0["x"] } == [.int(7), .int(-8), .int(9)])
    }

    // MARK: - Footer

    @Test func truncatedFiles() throws {
        let bytes = try Fixtures.bytes("nested_v1_element.parquet")
        for cut in [1, 4, 8, 100, bytes.count / 2, bytes.count - 12] {
            try expectError(Array(bytes.prefix(bytes.count - cut)), containing: ["byte offset"])
        }
        try expectError(Array(bytes.prefix(7)), containing: ["too small"])
        try expectError(Array("just some text, not parquet at all".utf8), containing: ["not a Parquet file"])
    }

    @Test func footerLengthPastTheFile() throws {
        var bytes = try Fixtures.bytes("codec_none.parquet")
        let n = bytes.count
        bytes.replaceSubrange((n - 8)..<(n - 4), with: [0xFF, 0xFF, 0xFF, 0x7F])
        try expectError(bytes, containing: ["footer length 2147483647 runs past", "byte offset \(n - 8)"])
    }

    @Test func bogusThriftFieldTypes() throws {
        var bytes = Self.validFile().bytes()
        let footerStart = bytes.count - 8 - Int(UInt32(bytes[bytes.count - 8]) | UInt32(bytes[bytes.count - 7]) << 8)
        #expect(bytes[footerStart] == 0x15)  // field 1, type i32
        bytes[footerStart] = 0x1D  // type 13 does not exist
        try expectError(bytes, containing: ["unknown field type 13", "byte offset \(footerStart)"])
        bytes[footerStart] = 0x16  // an i64 where an i32 belongs
        try expectError(bytes, containing: ["FileMetaData.version has Thrift type i64"])
    }

    @Test func hugeThriftListAndNesting() throws {
        var w = ThriftCompactWriter()
        w.structBody { s in
            s.i32(1, 1)
            s.fieldHeader(2, type: 9)
            s.bytes.append(0xFC)  // list of structs, count follows
            s.varint(1 << 40)
        }
        try expectError(Self.withFooter(w.bytes), containing: ["cannot fit"])
        var deep = ThriftCompactWriter()
        deep.structBody { s in
            func nest(_ w: inout ThriftCompactWriter, _ depth: Int) { if depth > 0 { w.structField(20) { nest(&$0, depth - 1) } } }
            nest(&s, 200)
        }
        try expectError(Self.withFooter(deep.bytes), containing: ["nested deeper than 64"])
    }

    static func withFooter(_ footer: [UInt8]) -> [UInt8] {
        let n = UInt32(footer.count)
        return Array("PAR1".utf8) + footer + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + Array("PAR1".utf8)
    }

    // MARK: - Pages

    @Test func negativeAndHugePageSizes() throws {
        var file = Self.validFile()
        file.pages[0].compressedSize = -5
        try expectError(file.bytes(), containing: ["negative", "column x", "row group 0"])
        file.pages[0].compressedSize = Int32.max
        try expectError(file.bytes(), containing: ["runs past the end of the column chunk", "page 0"])
        file.pages[0].compressedSize = nil
        file.pages[0].uncompressedSize = Int32.max
        try expectError(file.bytes(), containing: ["declares 2147483647 uncompressed bytes, over the limit"])
        file.codec = 1  // SNAPPY: at most ~32x expansion
        file.pages[0].uncompressedSize = 100_000
        try expectError(file.bytes(), containing: ["more than the codec can produce"])
    }

    @Test func decompressionBombsStopAtTheDeclaredSize() throws {
        let zeros = [UInt8](repeating: 0, count: 16 << 20)
        var zstdFrame = [UInt8](repeating: 0, count: ZSTD_compressBound(zeros.count))
        let zstdSize = ZSTD_compress(&zstdFrame, zstdFrame.count, zeros, zeros.count, 3)
        #expect(ZSTD_isError(zstdSize) == 0 && zstdSize < 4096)
        var file = Self.validFile()
        file.codec = 6
        file.pages[0].body = Array(zstdFrame.prefix(zstdSize))
        file.pages[0].uncompressedSize = 12
        try expectError(file.bytes(), containing: ["ZSTD data expands past the declared page size of 12 bytes"])

        var deflated = [UInt8](repeating: 0, count: Int(compressBound(uLong(zeros.count))))
        var deflatedSize = uLongf(deflated.count)
        #expect(compress2(&deflated, &deflatedSize, zeros, uLong(zeros.count), 9) == Z_OK)
        file.codec = 2
        file.pages[0].body = Array(deflated.prefix(Int(deflatedSize)))
        try expectError(file.bytes(), containing: ["GZIP data expands past the declared page size"])
    }

    @Test func unsupportedCodecAndEncoding() throws {
        var file = Self.validFile()
        file.columnName = "content"
        file.codec = 3
        try expectError(file.bytes(), containing: ["unsupported codec LZO in column content"])
        file.codec = 0
        file.pages[0].encoding = 42
        try expectError(file.bytes(), containing: ["unsupported encoding encoding #42 for INT32 values in column content"])
    }

    @Test func dictionaryIndexOutOfRange() throws {
        var file = HandBuiltFile(numRows: 3, pages: [
            .init(type: 2, numValues: 2, body: HandBuiltFile.plainInt32([10, 20])),
            // Bit width 3, then an RLE run of 3 copies of index 5.
            .init(numValues: 3, encoding: 8, body: [3, 3 << 1, 5]),
        ])
        try expectError(file.bytes(), containing: ["dictionary index 5 out of range (the dictionary has 2 entries)", "page 1"])
        file.pages[1].body = [3, 3 << 1, 1]
        let path = try Fixtures.temporaryFile(file.bytes())
        #expect(try ParquetFile(path: path).readRowGroup(0).map { $0["x"] } == [.int(20), .int(20), .int(20)])
    }

    @Test func levelAndValueCountsThatDisagree() throws {
        var file = Self.validFile(values: [1, 2, 3])
        file.numRows = 5
        file.columnNumValues = 3
        try expectError(file.bytes(), containing: ["levels end before the row group's rows do"])
        file = Self.validFile(values: [1, 2, 3])
        file.numRows = 2
        file.columnNumValues = 3
        try expectError(file.bytes(), containing: ["levels disagree"])
        file = Self.validFile(values: [1, 2])
        file.pages[0].numValues = 4
        file.numRows = 4
        try expectError(file.bytes(), containing: ["runs past the end of the page data"])
        file = Self.validFile(values: [1, 2])
        file.columnNumValues = 9
        try expectError(file.bytes(), containing: ["column chunk ended after 2 of 9 values"])
        file = Self.validFile(values: [1, 2])
        file.columnNumValues = 1
        try expectError(file.bytes(), containing: ["page holds 2 values but only 1"])
    }

    @Test func hostileLevelAndDeltaHeaders() throws {
        // An optional column whose RLE definition levels claim a run of 2^31 and whose
        // DELTA_BINARY_PACKED header claims 2^40 values: the run is used only as far as the
        // page needs, and the value count is checked before anything is allocated.
        let levels: [UInt8] = [6, 0, 0, 0, 0x80, 0x80, 0x80, 0x80, 0x10, 0x01]
        var file = HandBuiltFile(repetition: 1, numRows: 2, pages: [
            .init(numValues: 2, encoding: 5, body: levels + [0x80, 1, 4, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0]),
        ])
        try expectError(file.bytes(), containing: ["DELTA_BINARY_PACKED value count 1099511627776 exceeds the limit 2", "page 0"])
        file.pages[0].body = [3, 0, 0, 0, 0x80, 0x80, 0x80]
        try expectError(file.bytes(), containing: ["unexpected end of page data"])
        file.pages[0].body = levels + [0x80, 1, 4, 2, 2, 2, 0, 0, 0, 0]  // block 128 / 4, two values: 1, then min delta 1
        let path = try Fixtures.temporaryFile(file.bytes())
        #expect(try ParquetFile(path: path).readRowGroup(0).map { $0["x"] } == [.int(1), .int(2)])
    }

    @Test func hostileDecimals() throws {
        var file = HandBuiltFile(physicalType: 6, convertedType: 5, scale: 2, numRows: 2, pages: [
            .init(numValues: 2, body: HandBuiltFile.plainByteArrays([[0xFF, 0x85], [0x30, 0x39]])),
        ])
        let path = try Fixtures.temporaryFile(file.bytes())
        #expect(try ParquetFile(path: path).readRowGroup(0).map { ParquetJSON.line($0) } == [#"{"x":"-1.23"}"#, #"{"x":"123.45"}"#])
        file.scale = Int32.max  // would print two billion zeros
        try expectError(file.bytes(), containing: ["DECIMAL scale 2147483647 is out of range"])
        file.scale = 2
        file.pages[0].body = HandBuiltFile.plainByteArrays([[1], [UInt8](repeating: 7, count: 100_000)])
        try expectError(file.bytes(), containing: ["DECIMAL value of 100000 bytes exceeds 64"])
    }

    @Test func valueLimitsAreConfigurable() throws {
        let limits = ParquetReadLimits(maxPageBytes: 64)
        try expectError(try Fixtures.bytes("codec_none.parquet"), limits: limits, containing: ["over the limit of 64"])
    }
}
