import Core
import Foundation
import JSON
import GRDB

/// `pref verify`: re-reads every shard and checks it against the index.
public struct ShardVerification: Sendable {
    public var shards = 0
    public var frames = 0
    public var examples = 0
    public var problems: [String] = []
    public var isClean: Bool { problems.isEmpty }
}

/// What `pref verify` found: the shards and the catalog's own integrity.
public struct VerificationReport: Sendable {
    public var shards: ShardVerification
    public var catalogProblems: [String]

    public var problems: [String] { catalogProblems.map { "catalog: \($0)" } + shards.problems }
    public var isClean: Bool { problems.isEmpty }

    public var text: String {
        var lines = ["verified \(shards.shards) shards, \(shards.frames) frames, \(shards.examples) examples; catalog integrity \(catalogProblems.isEmpty ? "ok" : "FAILED")"]
        lines += problems.map { "problem: \($0)" }
        if isClean { lines.append("ok") }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("shards", .int(Int64(shards.shards))), ("frames", .int(Int64(shards.frames))),
            ("examples", .int(Int64(shards.examples))), ("problems", .array(problems.map(JSONValue.string))),
            ("ok", .bool(isClean)),
        ]))
    }
}

extension Catalog {
    /// Re-reads every shard and checks the catalog (`pref verify`).
    public func verify() throws -> VerificationReport {
        VerificationReport(shards: try verifyShards(), catalogProblems: try integrityProblems())
    }
}

extension Catalog {
    public func verifyShards() throws -> ShardVerification {
        var result = ShardVerification()
        let shards = try db.read { try Row.fetchAll($0, sql: "SELECT * FROM shards ORDER BY name") }
        let known = Set(shards.map { $0["name"] as String })
        let onDisk = (try? FileManager.default.contentsOfDirectory(atPath: layout.shards.path)) ?? []
        for name in onDisk.sorted() where !known.contains(name) {
            result.problems.append("\(name): file in shards/ that the index does not know (an interrupted run; re-run pref tokenize)")
        }
        for shard in shards {
            result.shards += 1
            verify(shard, into: &result)
        }
        return result
    }

    private func verify(_ shard: Row, into result: inout ShardVerification) {
        let name: String = shard["name"]
        let url = layout.shards.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            result.problems.append("\(name): file is missing")
            return
        }
        if Int64(data.count) != shard["bytes"] as Int64 {
            result.problems.append("\(name): file has \(data.count) bytes, the index says \(shard["bytes"] as Int64)")
        }
        var hasher = SHA256()
        data.withUnsafeBytes { hasher.update($0) }
        if hasher.finalizeHex() != shard["sha256"] as String {
            result.problems.append("\(name): sha256 differs from the index (the file was modified or corrupted)")
        }
        let rows: [Row]
        do {
            rows = try db.read {
                try Row.fetchAll($0, sql: "SELECT id, frame_offset, frame_length, frame_values, value_offset, len_a, len_b, len_c FROM examples WHERE shard_id = ? ORDER BY frame_offset, value_offset", arguments: [shard["id"] as Int64])
            }
        } catch {
            result.problems.append("\(name): cannot read its index rows: \(error)")
            return
        }
        if rows.count != shard["examples"] as Int {
            result.problems.append("\(name): \(rows.count) indexed examples, the shard row says \(shard["examples"] as Int)")
        }
        var frameStart: Int64 = 0
        var i = 0
        while i < rows.count {
            let offset: Int64 = rows[i]["frame_offset"], length: Int = rows[i]["frame_length"], values: Int = rows[i]["frame_values"]
            var j = i
            var expectedOffset = 0
            while j < rows.count, rows[j]["frame_offset"] as Int64 == offset {
                let start: Int = rows[j]["value_offset"]
                if start != expectedOffset {
                    result.problems.append("\(name): example \(rows[j]["id"] as Int64) starts at value \(start) of its frame, expected \(expectedOffset)")
                }
                expectedOffset = start + (rows[j]["len_a"] as Int) + (rows[j]["len_b"] as Int) + (rows[j]["len_c"] as Int)
                j += 1
            }
            if offset != frameStart {
                result.problems.append("\(name): frame at byte \(offset) does not follow the previous frame (expected byte \(frameStart))")
            }
            if expectedOffset != values {
                result.problems.append("\(name): frame at byte \(offset) indexes \(expectedOffset) values but holds \(values)")
            }
            if offset < 0 || length <= 0 || offset + Int64(length) > Int64(data.count) {
                result.problems.append("\(name): frame at byte \(offset) (\(length) bytes) lies outside the file")
            } else {
                let frameBytes = data[Int(offset)..<(Int(offset) + length)]
                do {
                    _ = try frameBytes.withUnsafeBytes { try ShardFile.decompressFrame($0, expectedValues: values) }
                } catch {
                    result.problems.append("\(name): frame at byte \(offset): \(error)")
                }
            }
            result.frames += 1
            result.examples += j - i
            frameStart = offset + Int64(length)
            i = j
        }
        if frameStart != Int64(data.count), !rows.isEmpty {
            result.problems.append("\(name): \(Int64(data.count) - frameStart) bytes after the last indexed frame")
        }
    }
}
