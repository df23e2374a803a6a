import Foundation
import GRDB

/// The columns of one record that the split needs. `promptHash` is the hex digest's bytes,
/// valid only inside the callback (read straight from SQLite's buffer, no String made).
public struct RecordPromptRow {
    public let id: Int64
    public let sourceId: Int64
    public let promptHash: UnsafeRawBufferPointer
    public let sourceSplit: String?
}

/// An ingested source file as the split reports it.
public struct SourceSummary: Sendable, Equatable {
    public var id: Int64
    public var path: String
    public var sourceSplit: String?
}

/// Writes the rows of a `splits` table being rebuilt.
public struct SplitWriter {
    let inserter: RowInserter
    private var boundSplit: String?

    init(_ db: Database) throws {
        inserter = try RowInserter(db, sql: "INSERT INTO splits (record_id, split) VALUES (?, ?)")
    }

    public mutating func add(recordId: Int64, split: String) throws {
        // Records come in runs of one side, so the split text is rebound only when it changes.
        if split != boundSplit { inserter.bind(2, split); boundSplit = split }
        inserter.bind(1, recordId)
        try inserter.insert()
    }
}

extension CatalogTransaction {
    public func recordCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM records") ?? 0
    }

    /// Every record in id order.
    public func forEachRecordPrompt(_ body: (RecordPromptRow) throws -> Void) throws {
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, source_id, prompt_hash, source_split FROM records ORDER BY id")
        while let row = try cursor.next() {
            let id: Int64 = row[0], sourceId: Int64 = row[1], sourceSplit: String? = row[3]
            try row.withUnsafeData(atIndex: 2) { data in
                try (data ?? Data()).withUnsafeBytes { hash in
                    try body(RecordPromptRow(id: id, sourceId: sourceId, promptHash: hash, sourceSplit: sourceSplit))
                }
            }
        }
    }

    public func sources() throws -> [SourceSummary] {
        try Row.fetchAll(db, sql: "SELECT id, path, source_split FROM sources ORDER BY id").map {
            SourceSummary(id: $0[0], path: $0[1], sourceSplit: $0[2])
        }
    }

    /// The current split of every assigned record.
    public func splitAssignments() throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT record_id, split FROM splits")
        while let row = try cursor.next() { out[row[0]] = row[1] }
        return out
    }

    /// Empties the `splits` table and returns a writer for its new rows.
    public func replaceSplits() throws -> SplitWriter {
        try db.execute(sql: "DELETE FROM splits")
        return try SplitWriter(db)
    }

    /// The one check every stage after `pref split` makes: every record has a side.
    public func requireSplit() throws {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM splits") ?? 0 > 0 else {
            throw StoreError("the workspace has no train/test split yet: run `pref split --test 0.05` first")
        }
        let unsplit = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE id NOT IN (SELECT record_id FROM splits)") ?? 0
        guard unsplit == 0 else {
            throw StoreError("\(unsplit) records have no split (ingested after the last `pref split`): run `pref split` again")
        }
    }
}

extension Catalog {
    public func requireSplit() throws { try read { try $0.requireSplit() } }
}
