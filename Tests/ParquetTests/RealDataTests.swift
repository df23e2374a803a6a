import CZlib
import Foundation
import Testing
@testable import Parquet

/// The real Hub files in ../shared/data, checked against digests of pyarrow's rows
/// (fixtures/parquet/real-digests.json; the data itself is not in the repository).
/// Skipped, with the reason, when ../shared/data is absent; a missing file inside it fails.
@Suite(.enabled(if: Fixtures.hasSharedData, "../shared/data is absent: the real Hub Parquet tests need it"))
struct RealDataTests {
    struct Digest {
        var file: String
        var rows: Int
        var rowCRC32: [String]
        var firstRowFields: [String: Any]
    }

    static func digests() throws -> [Digest] {
        let data = try Data(contentsOf: Fixtures.parquetDirectory.appendingPathComponent("real-digests.json"))
        let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return list.map {
            Digest(file: $0["file"] as? String ?? "", rows: $0["rows"] as? Int ?? -1,
                   rowCRC32: ($0["row_crc32"] as? String ?? "").split(separator: " ").map(String.init),
                   firstRowFields: $0["first_row_fields"] as? [String: Any] ?? [:])
        }
    }

    /// The file's path; a file missing from a present ../shared/data is a failure, not a skip.
    static func realPath(_ relative: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let url = Fixtures.sharedData.appendingPathComponent(relative)
        try #require(FileManager.default.fileExists(atPath: url.path), "\(url.path) is missing", sourceLocation: sourceLocation)
        return url.path
    }

    @Test func everyRowMatchesPyarrow() throws {
        let digests = try Self.digests()
        #expect(digests.count == 3)
        for digest in digests {
            let path = try Self.realPath(digest.file)
            Self.expectRows(try Fixtures.catLines(path), match: digest)
        }
    }

    /// Records an issue unless `output` (pref cat's lines) has the digest's rows.
    static func expectRows(_ output: [UInt8], match digest: Digest) {
        let lines = output.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == digest.rows, "\(digest.file)")
        #expect(digest.rowCRC32.count == digest.rows)
        for (index, (line, expected)) in zip(lines, digest.rowCRC32).enumerated() {
            let crc = line.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            let hex = String(crc, radix: 16)
            if String(repeating: "0", count: 8 - hex.count) + hex != expected {
                Issue.record("\(digest.file) row \(index) differs from pyarrow: \(String(decoding: line.prefix(300), as: UTF8.self))")
                break
            }
        }
    }

    /// The writer keeps the real Hub files' rows: each, rewritten (data page v2, zstd, small
    /// row groups), still reads as pyarrow's rows of the original.
    @Test func rewrittenRealFilesKeepPyarrowsRows() throws {
        for digest in try Self.digests() {
            let output = Fixtures.temporaryPath("real-rewrite")
            defer { try? FileManager.default.removeItem(atPath: output) }
            let options = ParquetWriterOptions(compression: .zstd, dataPageVersion: .v2, rowGroupRows: 2000)
            try ParquetRewrite.rewrite(input: try Self.realPath(digest.file), output: output, options: options)
            Self.expectRows(try Fixtures.catLines(output), match: digest)
        }
    }

    @Test func spotChecksAndProjection() throws {
        for digest in try Self.digests() {
            let path = try Self.realPath(digest.file)
            let file = try ParquetFile(path: path)
            #expect(file.numRows == Int64(digest.rows))
            let first = try #require(try file.readRowGroup(0).first)
            for (key, value) in digest.firstRowFields {
                switch value {
                case let s as String: #expect(first[key]?.stringValue == s, "\(digest.file) \(key)")
                case let n as NSNumber: #expect(first[key]?.doubleValue == n.doubleValue, "\(digest.file) \(key)")
                default: Issue.record("unexpected spot value for \(key)")
                }
            }
            // Messages are structs with content and role whatever the list child is named.
            let messages = try #require(first["messages"]?.listValue)
            #expect(messages.allSatisfy { $0.recordValue?.names == ["content", "role"] })
            // Key-value metadata as pyarrow lists it: every file has ARROW:schema; only the
            // no_robots export carries the datasets library's "huggingface" key.
            #expect(file.metadataValue(forKey: "ARROW:schema") != nil)
            #expect((file.metadataValue(forKey: "huggingface") != nil) == digest.file.hasPrefix("ultrachat/"), "\(digest.file)")
        }
    }

    @Test func projectionReadsOnlyTheNamedColumns() throws {
        let path = try Self.realPath("ultrafeedback_binarized/train_prefs-00000-of-00001.parquet")
        let file = try ParquetFile(path: path)
        let full = try file.readRowGroup(0)
        let projected = try file.readRowGroup(0, columns: ["score_chosen", "prompt", "chosen"])
        #expect(projected.count == full.count)
        for (p, f) in zip(projected, full) {
            #expect(p.names == ["score_chosen", "prompt", "chosen"])
            #expect(p["prompt"] == f["prompt"] && p["chosen"] == f["chosen"] && p["score_chosen"] == f["score_chosen"])
        }
        #expect(try file.projection(["chosen"]).columnNames == ["chosen"])
    }

    @Test func itemAndElementListsReadTheSame() throws {
        let train = try Self.realPath("ultrafeedback_binarized/train_prefs-00000-of-00001.parquet")
        let test = try Self.realPath("ultrafeedback_binarized/test_prefs-00000-of-00001.parquet")
        for path in [train, test] {
            let rows = try ParquetFile(path: path).readRowGroup(0, columns: ["chosen"])
            let roles = rows.compactMap { $0["chosen"]?.listValue?.first?["role"]?.stringValue }
            #expect(roles.count == rows.count && roles.allSatisfy { $0 == "user" })
        }
    }
}
