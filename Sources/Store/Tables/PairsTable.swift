import Foundation
import GRDB

/// A preference record with its side of the split. `contentHash` is the hex digest's bytes,
/// valid only inside the callback.
public struct PreferenceRecordRow {
    public let id: Int64
    public let contentHash: UnsafeRawBufferPointer
    public let split: String
}

/// One completion's facts for pairing. `text` is the UTF-8 bytes, valid only inside the callback.
public struct CompletionRow {
    public let recordId: Int64
    public let id: Int64
    public let score: Double?
    public let label: String?
    public let text: UnsafeRawBufferPointer
}

/// One row of the `pairs` table being rebuilt.
public struct PairRecord: Sendable {
    public var recordId: Int64
    public var chosenId: Int64
    public var rejectedId: Int64
    public var scoreGap: Double?
    public var stage: Int
    public var curriculumRank: Int
    public var split: String

    public init(recordId: Int64, chosenId: Int64, rejectedId: Int64, scoreGap: Double?, stage: Int, curriculumRank: Int, split: String) {
        self.recordId = recordId
        self.chosenId = chosenId
        self.rejectedId = rejectedId
        self.scoreGap = scoreGap
        self.stage = stage
        self.curriculumRank = curriculumRank
        self.split = split
    }
}

/// Writes the rows of a `pairs` table being rebuilt, all of one strategy.
public struct PairWriter {
    let inserter: RowInserter
    private var boundSplit: String?

    init(_ db: Database, strategy: String) throws {
        inserter = try RowInserter(db, sql: """
            INSERT INTO pairs (record_id, chosen_id, rejected_id, strategy, score_gap, stage, curriculum_rank, split)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        inserter.bind(4, strategy)
    }

    public mutating func add(_ pair: PairRecord) throws {
        if pair.split != boundSplit { inserter.bind(8, pair.split); boundSplit = pair.split }
        inserter.bind(1, pair.recordId)
        inserter.bind(2, pair.chosenId)
        inserter.bind(3, pair.rejectedId)
        inserter.bind(5, pair.scoreGap)
        inserter.bind(6, pair.stage)
        inserter.bind(7, pair.curriculumRank)
        try inserter.insert()
    }
}

/// Pairs per strategy, stage and split.
public struct PairGroupCount: Sendable, Equatable {
    public var strategy: String
    public var stage: Int
    public var split: String
    public var pairs: Int
}

extension CatalogTransaction {
    public func pairCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM pairs") ?? 0
    }

    public func conversationRecordCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE kind = 'conversation'") ?? 0
    }

    public func removeAllPairs() throws {
        try db.execute(sql: "DELETE FROM pairs")
    }

    /// Preference records with a split, in id order.
    public func forEachPreferenceRecord(_ body: (PreferenceRecordRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT r.id, r.content_hash, s.split FROM records r JOIN splits s ON s.record_id = r.id
            WHERE r.kind = 'preference' ORDER BY r.id
            """)
        while let row = try cursor.next() {
            let id: Int64 = row[0], split: String = row[2]
            try row.withUnsafeData(atIndex: 1) { data in
                try (data ?? Data()).withUnsafeBytes { try body(PreferenceRecordRow(id: id, contentHash: $0, split: split)) }
            }
        }
    }

    public func completionCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM completions") ?? 0
    }

    /// Every completion in (record, position) order; the UNIQUE (record_id, idx) index gives
    /// that order without a sort.
    public func forEachCompletion(_ body: (CompletionRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT record_id, id, score, label, text FROM completions ORDER BY record_id, idx")
        while let row = try cursor.next() {
            let recordId: Int64 = row[0], id: Int64 = row[1], score: Double? = row[2], label: String? = row[3]
            try row.withUnsafeData(atIndex: 4) { data in
                try (data ?? Data()).withUnsafeBytes {
                    try body(CompletionRow(recordId: recordId, id: id, score: score, label: label, text: $0))
                }
            }
        }
    }

    /// The texts of completions, in id order (NULs kept).
    public func completionTexts(_ ids: [Int64]) throws -> [String] {
        let list = ids.map(String.init).joined(separator: ",")
        return try Array(Row.fetchCursor(db, sql: "SELECT text FROM completions WHERE id IN (\(list)) ORDER BY id")
            .map { try $0.text(atIndex: 0) ?? "" })
    }

    /// Empties the `pairs` table and returns a writer for its new rows.
    public func replacePairs(strategy: String) throws -> PairWriter {
        try removeAllPairs()
        return try PairWriter(db, strategy: strategy)
    }

    public func pairGroups() throws -> [PairGroupCount] {
        try Row.fetchAll(db, sql: """
            SELECT strategy, stage, split, count(*) FROM pairs GROUP BY strategy, stage, split ORDER BY strategy, split DESC, stage
            """).map { PairGroupCount(strategy: $0[0], stage: $0[1], split: $0[2], pairs: $0[3]) }
    }

    /// The score gap (nil when unknown) and split of every pair.
    public func forEachPairGap(_ body: (Double?, String) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT score_gap, split FROM pairs")
        while let row = try cursor.next() { try body(row[0], row[1]) }
    }
}
