import Foundation
import GRDB

/// Metadata of one indexed example.
public struct ExampleInfo: Sendable, Equatable {
    public var id: Int64
    public var kind: ShardExample.Kind
    public var split: String
    public var recordId: Int64?
    public var pairId: Int64?
    public var stage: Int
    public var curriculumRank: Int
    public var truncated: Bool
    public var tokens: Int
    public var refChosenLogp: Double?
    public var refRejectedLogp: Double?
}

extension Catalog {
    /// Writes a shard file and indexes its examples: the shard row and the example rows
    /// commit together, after the file is complete on disk.
    @discardableResult
    public func writeShard(name: String, kind: ShardExample.Kind, split: String, examples: [ShardExample]) throws -> ShardFile.Written {
        try FileManager.default.createDirectory(at: layout.shards, withIntermediateDirectories: true)
        let written = try ShardFile.write(examples, to: layout.shards.appendingPathComponent(name))
        try indexShard(name: name, kind: kind, split: split, written: written, examples: examples)
        return written
    }

    /// Records a shard whose file `ShardFile.write` completed, with its examples, in one transaction.
    public func indexShard(name: String, kind: ShardExample.Kind, split: String, written: ShardFile.Written, examples: [ShardExample]) throws {
        let tokens = examples.reduce(0) { $0 + $1.tokenCount }
        try db.write { db in
            try db.execute(sql: "DELETE FROM examples WHERE shard_id IN (SELECT id FROM shards WHERE name = ?)", arguments: [name])
            try db.execute(sql: "DELETE FROM shards WHERE name = ?", arguments: [name])
            try db.execute(sql: """
                INSERT INTO shards (name, kind, split, bytes, frames, examples, tokens, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [name, kind.rawValue, split, written.bytes, written.frames, examples.count, tokens, written.sha256, Self.timestamp()])
            let shardId = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO examples (shard_id, kind, split, frame_offset, frame_length, frame_values, value_offset, len_a, len_b, len_c,
                    record_id, pair_id, source_id, stage, curriculum_rank, truncated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (e, loc) in zip(examples, written.locations) {
                try insert.execute(arguments: [
                    shardId, e.kind.rawValue, e.split, loc.frameOffset, loc.frameLength, loc.frameValues, loc.valueOffset,
                    e.segments[0].count, e.segments[1].count, e.segments[2].count,
                    e.recordId, e.pairId, e.sourceId, e.stage, e.curriculumRank, e.truncated,
                ])
            }
        }
    }

    /// Removes every shard (files and index rows), e.g. before tokenizing with new settings.
    public func removeAllShards() throws {
        let names = try db.write { db -> [String] in
            let names = try String.fetchAll(db, sql: "SELECT name FROM shards")
            try db.execute(sql: "DELETE FROM examples; DELETE FROM shards")
            return names
        }
        for name in names { try? FileManager.default.removeItem(at: layout.shards.appendingPathComponent(name)) }
    }

    /// Names of the shards already complete (file written and indexed).
    public func completeShardNames() throws -> Set<String> {
        try db.read { Set(try String.fetchAll($0, sql: "SELECT name FROM shards")) }
    }

    /// The compressed size of a complete shard, nil when it is not indexed.
    public func shardBytes(name: String) throws -> Int64? {
        try db.read { try Int64.fetchOne($0, sql: "SELECT bytes FROM shards WHERE name = ?", arguments: [name]) }
    }

    /// Forgets every stored reference log-prob (another reference model is about to fill them).
    public func clearReferenceLogps() throws {
        try db.write { try $0.execute(sql: "UPDATE examples SET ref_chosen_logp = NULL, ref_rejected_logp = NULL") }
    }

    /// Stores the reference model's summed log-probs of a preference example.
    public func setReferenceLogps(_ values: [(exampleId: Int64, chosen: Double, rejected: Double)]) throws {
        try db.write { db in
            let update = try db.makeStatement(sql: "UPDATE examples SET ref_chosen_logp = ?, ref_rejected_logp = ? WHERE id = ?")
            for v in values { try update.execute(arguments: [v.chosen, v.rejected, v.exampleId]) }
        }
    }
}
