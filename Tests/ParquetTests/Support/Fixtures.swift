import Foundation
@testable import Parquet

/// Paths of committed fixtures and of the shared real-data folder.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let parquetDirectory = packageRoot.appendingPathComponent("fixtures/parquet")
    static let sharedData = packageRoot.appendingPathComponent("../shared/data").standardizedFileURL
    static var hasSharedData: Bool { FileManager.default.fileExists(atPath: sharedData.path) }

    static func path(_ name: String) -> String { parquetDirectory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: parquetDirectory.appendingPathComponent(name))) }

    /// Fixture file name → reference JSON-lines file name (fixtures/parquet/manifest.json).
    static func manifest() throws -> [(parquet: String, reference: String)] {
        let data = try Data(contentsOf: parquetDirectory.appendingPathComponent("manifest.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: String] ?? [:]
        return object.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// Every row of the file as `pref cat` prints it.
    static func catLines(_ path: String, columns: [String]? = nil) throws -> [UInt8] {
        let file = try ParquetFile(path: path)
        let sink = CollectingStream()
        try ParquetCat.write(file, columns: columns, limit: nil, to: sink)
        return sink.bytes
    }

    /// Writes bytes to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], name: String = "test") throws -> String {
        let path = temporaryPath(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A fresh path in the temporary folder (nothing is created there).
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pref-parquet-\(name)-\(UUID().uuidString).parquet").path
    }

    /// Reads every row group of every column and prints each row as JSON (so hostile values
    /// reach the formatter too); returns the row count or throws `ParquetError`.
    @discardableResult
    static func readAll(_ path: String, limits: ParquetReadLimits = .default) throws(ParquetError) -> Int {
        let file = try ParquetFile(path: path, limits: limits)
        var rows = 0
        var json: [UInt8] = []
        let projection = try file.projection()
        for group in 0..<file.rowGroupCount {
            for row in try file.readRowGroup(group, projection) {
                json.removeAll(keepingCapacity: true)
                ParquetJSON.appendLine(row, to: &json)
                rows += 1
            }
        }
        return rows
    }
}

final class CollectingStream: ParquetOutputStream, @unchecked Sendable {
    var bytes: [UInt8] = []
    func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}

/// A small deterministic generator for the fuzz test (SplitMix64).
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
