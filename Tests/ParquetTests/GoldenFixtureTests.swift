import Foundation
import Testing
@testable import Parquet

/// Every committed fixture (written by pyarrow: all types, encodings, codecs, page versions
/// and nesting shapes) must print exactly pyarrow's reference rows.
@Suite struct GoldenFixtureTests {
    static let cases: [(parquet: String, reference: String)] = (try? Fixtures.manifest()) ?? []

    @Test func manifestListsEveryFixture() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.parquetDirectory.path).filter { $0.hasSuffix(".parquet") }
        #expect(Set(files) == Set(Self.cases.map(\.parquet)))
        #expect(Self.cases.count >= 25)
    }

    @Test(arguments: cases.map(\.parquet))
    func matchesPyarrow(_ name: String) throws {
        let reference = try #require(Self.cases.first { $0.parquet == name }?.reference)
        let expected = try Fixtures.bytes(reference)
        let actual = try Fixtures.catLines(Fixtures.path(name))
        if actual != expected {
            let want = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let got = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let row = zip(want, got).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(want.count, got.count)
            Issue.record("\(name): \(got.count - 1) rows vs \(want.count - 1) expected; first difference at row \(row):\n got  \(row < got.count ? got[row].prefix(400) : "")\n want \(row < want.count ? want[row].prefix(400) : "")")
        }
    }

    @Test func typesFileHasTheExpectedSchemaAndValues() throws {
        let file = try ParquetFile(path: Fixtures.path("types_plain_v1.parquet"))
        #expect(file.numRows == 300)
        #expect(file.rowGroupCount == 3)
        #expect(file.firstRowIndex(ofRowGroup: 2) == 256)
        #expect(file.schema.fieldNames.first == "b")
        let rows = try file.readRowGroup(0, columns: ["req_i32", "nothing", "dec9"])
        #expect(rows.count == 128)
        #expect(rows[0].names == ["req_i32", "nothing", "dec9"])
        #expect(rows.allSatisfy { $0["nothing"] == .null })
        #expect(rows.allSatisfy { if case .int = $0["req_i32"] { true } else { false } })
    }

    @Test func decimalsPrintInFixedPoint() {
        #expect(ParquetDecimal(unscaled: -1250, scale: 2, precision: 9).description == "-12.50")
        #expect(ParquetDecimal(unscaled: 5, scale: 3, precision: 9).description == "0.005")
        #expect(ParquetDecimal(unscaled: 0, scale: 2, precision: 9).description == "0.00")
        #expect(ParquetDecimal(unscaled: Int64.min, scale: 0, precision: 19).description == "-9223372036854775808")
        // 2^64 in 9 big-endian bytes.
        #expect(ParquetDecimal(unscaledBigEndian: [1, 0, 0, 0, 0, 0, 0, 0, 0], scale: 4, precision: 30).description == "1844674407370955.1616")
    }

    @Test func jsonConventionForSpecialValues() {
        let record = ParquetRecord([
            ParquetField(name: "nan", value: .double(.nan)),
            ParquetField(name: "inf", value: .float(-.infinity)),
            ParquetField(name: "raw", value: .bytes([0xFF, 0x00, 0x41])),
            ParquetField(name: "text", value: .bytes(Array("ok\n".utf8))),
            ParquetField(name: "u", value: .uint(UInt64.max)),
            ParquetField(name: "ts", value: .timestamp(-1, unit: .millis, utc: true)),
            ParquetField(name: "m", value: .map([ParquetMapEntry(key: .string("k"), value: .null)])),
        ])
        #expect(ParquetJSON.line(record) ==
            #"{"nan":"NaN","inf":"-Infinity","raw":"/wBB","text":"ok\n","u":18446744073709551615,"ts":"1969-12-31T23:59:59.999Z","m":[["k",null]]}"#)
    }
}
