import Core
import Foundation
import GRDB

/// Reads examples back from the shards for the trainer: by id (one seek, one frame
/// decompression, the last frame cached), in curriculum order, shuffled with a seed, and in
/// batches by token budget. Not thread-safe: use one reader per thread.
public final class ShardReader {
    public enum Order: Sendable, Equatable {
        /// Curriculum stage, then rank within the stage (as `pref pairs` ordered them), then id.
        case curriculum
        /// A seeded permutation: the same seed gives the same order on every machine.
        case shuffled(seed: UInt64)
    }

    private let catalog: Catalog
    private var files: [String: FileHandle] = [:]
    private var cachedFrame: (shard: String, offset: Int64, values: [UInt32])?

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    deinit { for handle in files.values { try? handle.close() } }

    /// The ids of the examples of one kind and split, in the requested order.
    public func exampleIds(kind: ShardExample.Kind, split: String, order: Order = .curriculum) throws -> [Int64] {
        let ids = try catalog.db.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM examples WHERE kind = ? AND split = ? ORDER BY stage, curriculum_rank, id",
                               arguments: [kind.rawValue, split])
        }
        switch order {
        case .curriculum: return ids
        case .shuffled(let seed): return Self.shuffled(ids, seed: seed)
        }
    }

    /// Deterministic Fisher–Yates with SplitMix64 (the standard library's shuffle makes no
    /// cross-version promise).
    public static func shuffled<T>(_ items: [T], seed: UInt64) -> [T] {
        var out = items
        var random = SplitMix64(seed: seed)
        if out.count > 1 {
            for i in stride(from: out.count - 1, to: 0, by: -1) {
                out.swapAt(i, Int(random.next() % UInt64(i + 1)))
            }
        }
        return out
    }

    /// Groups ids, in order, into batches whose token total stays within `tokenBudget`
    /// (an example larger than the budget forms a batch of its own).
    public func batches(_ ids: [Int64], tokenBudget: Int) throws -> [[Int64]] {
        let tokens = try tokenCounts(ids)
        var out: [[Int64]] = []
        var current: [Int64] = []
        var used = 0
        for id in ids {
            let t = tokens[id] ?? 0
            if !current.isEmpty, used + t > tokenBudget {
                out.append(current)
                current = []
                used = 0
            }
            current.append(id)
            used += t
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    private func tokenCounts(_ ids: [Int64]) throws -> [Int64: Int] {
        try catalog.db.read { db in
            var out: [Int64: Int] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT id, kind, len_a, len_b, len_c FROM examples")
            while let row = try rows.next() {
                let kind: String = row["kind"]
                let a: Int = row["len_a"], b: Int = row["len_b"], c: Int = row["len_c"]
                out[row["id"]] = kind == "sft" ? a : a + b + c
            }
            return out
        }
    }

    public func info(_ id: Int64) throws -> ExampleInfo {
        try catalog.db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM examples WHERE id = ?", arguments: [id]) else {
                throw StoreError("no example with id \(id)")
            }
            return Self.info(row)
        }
    }

    static func info(_ row: Row) -> ExampleInfo {
        let kind = ShardExample.Kind(rawValue: row["kind"]) ?? .sft
        let a: Int = row["len_a"], b: Int = row["len_b"], c: Int = row["len_c"]
        return ExampleInfo(id: row["id"], kind: kind, split: row["split"], recordId: row["record_id"], pairId: row["pair_id"],
                           stage: row["stage"], curriculumRank: row["curriculum_rank"], truncated: row["truncated"],
                           tokens: kind == .sft ? a : a + b + c, refChosenLogp: row["ref_chosen_logp"], refRejectedLogp: row["ref_rejected_logp"])
    }

    /// The example's token data.
    public func example(_ id: Int64) throws -> DecodedExample {
        let row = try catalog.db.read { db in
            try Row.fetchOne(db, sql: """
                SELECT e.*, s.name FROM examples e JOIN shards s ON s.id = e.shard_id WHERE e.id = ?
                """, arguments: [id])
        }
        guard let row else { throw StoreError("no example with id \(id)") }
        let shard: String = row["name"]
        let lengths = (row["len_a"] as Int, row["len_b"] as Int, row["len_c"] as Int)
        let values = try frame(shard: shard, offset: row["frame_offset"], length: row["frame_length"], values: row["frame_values"])
        let start: Int = row["value_offset"]
        let end = start + lengths.0 + lengths.1 + lengths.2
        guard start >= 0, end <= values.count else {
            throw StoreError("example \(id): values \(start)..<\(end) lie outside its frame of \(values.count) in shard \(shard)")
        }
        let kind = ShardExample.Kind(rawValue: row["kind"]) ?? .sft
        return DecodedExample(kind: kind, values: values[start..<end], lengths: lengths)
    }

    func frame(shard: String, offset: Int64, length: Int, values: Int) throws -> [UInt32] {
        if let c = cachedFrame, c.shard == shard, c.offset == offset { return c.values }
        let handle = try fileHandle(shard)
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: length) ?? Data()
        guard data.count == length else {
            throw StoreError("shard \(shard): frame at byte \(offset) is cut short (\(data.count) of \(length) bytes)")
        }
        let decoded: [UInt32]
        do {
            decoded = try data.withUnsafeBytes { try ShardFile.decompressFrame($0, expectedValues: values) }
        } catch {
            throw StoreError("shard \(shard): frame at byte \(offset): \(error)")
        }
        cachedFrame = (shard, offset, decoded)
        return decoded
    }

    private func fileHandle(_ shard: String) throws -> FileHandle {
        if let h = files[shard] { return h }
        let path = catalog.layout.shards.appendingPathComponent(shard).path
        guard let h = FileHandle(forReadingAtPath: path) else { throw StoreError("shard file \(path) is missing") }
        files[shard] = h
        return h
    }
}
