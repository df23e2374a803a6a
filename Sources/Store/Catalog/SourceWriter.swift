import Foundation
import GRDB

/// Writes one ingested file into the catalog. Create it inside a write transaction
/// (`Catalog.ingestTransaction`), so a killed ingest leaves nothing behind.
public final class SourceWriter {
    public let sourceId: Int64
    private let db: Database
    /// Whether the source row still waits for its sha256 (see `SourceFile.sha256`).
    private let digestPending: Bool
    private let insertRecord: RowInserter
    private let insertCompletion: RowInserter
    private let insertQuarantine: RowInserter

    public private(set) var kept = 0
    public private(set) var duplicates = 0
    public private(set) var quarantined = 0
    public private(set) var quarantinedByReason: [String: Int] = [:]

    init(db: Database, sourceId: Int64, digestPending: Bool) throws {
        self.db = db
        self.sourceId = sourceId
        self.digestPending = digestPending
        insertRecord = try RowInserter(db, sql: """
            INSERT OR IGNORE INTO records (source_id, position, kind, prompt_json, prompt_hash, prompt_id, source_split, origin, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertCompletion = try RowInserter(db, sql: """
            INSERT INTO completions (record_id, idx, text, model, score, ratings_json, label) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertQuarantine = try RowInserter(db, sql: """
            INSERT INTO quarantine (source_id, position, byte_offset, field, reason, detail, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertRecord.bind(1, sourceId)
        insertQuarantine.bind(1, sourceId)
    }

    /// Adds a record unless an identical one is already in the catalog (then it is counted
    /// as a duplicate). Returns whether it was new.
    @discardableResult
    public func add(_ record: CanonicalRecord, position: Int, sourceSplit: String?) throws -> Bool {
        try add(PreparedRecord(record), position: position, sourceSplit: sourceSplit)
    }

    /// Adds a record whose JSON and hashes were computed beforehand (on worker threads).
    @discardableResult
    public func add(_ prepared: PreparedRecord, position: Int, sourceSplit: String?) throws -> Bool {
        let record = prepared.record
        insertRecord.bind(2, position)
        insertRecord.bind(3, record.kind.rawValue)
        insertRecord.bind(4, prepared.promptJSON)
        insertRecord.bind(5, prepared.promptHash)
        insertRecord.bind(6, record.promptId)
        insertRecord.bind(7, sourceSplit)
        insertRecord.bind(8, record.origin)
        insertRecord.bind(9, prepared.contentHash)
        try insertRecord.insert()
        guard db.changesCount > 0 else {
            duplicates += 1
            return false
        }
        let recordId = db.lastInsertedRowID
        insertCompletion.bind(1, recordId)
        for (i, c) in record.completions.enumerated() {
            insertCompletion.bind(2, i)
            insertCompletion.bind(3, c.text)
            insertCompletion.bind(4, c.model)
            insertCompletion.bind(5, c.score)
            insertCompletion.bind(6, c.ratingsJSON)
            insertCompletion.bind(7, c.label?.rawValue)
            try insertCompletion.insert()
        }
        kept += 1
        return true
    }

    public func quarantine(_ entry: QuarantineEntry) throws {
        insertQuarantine.bind(2, entry.position)
        insertQuarantine.bind(3, entry.byteOffset)
        insertQuarantine.bind(4, entry.field)
        insertQuarantine.bind(5, entry.reason)
        insertQuarantine.bind(6, entry.detail)
        insertQuarantine.bind(7, entry.excerpt)
        try insertQuarantine.insert()
        quarantined += 1
        quarantinedByReason[entry.reason, default: 0] += 1
    }

    /// Fills in the source row's counters, and its sha256 when that was not known at the
    /// start; call last, before the transaction commits.
    public func finish(recordsRead: Int, sha256: String? = nil) throws {
        if digestPending, sha256 == nil { throw StoreError("internal: source \(sourceId) finished without its sha256") }
        try db.execute(
            sql: "UPDATE sources SET records_read = ?, records_kept = ?, duplicates = ?, quarantined = ?, sha256 = coalesce(?, sha256) WHERE id = ?",
            arguments: [recordsRead, kept, duplicates, quarantined, sha256, sourceId])
    }
}

/// A record with its serialised prompt and hashes, computed off the writer thread.
public struct PreparedRecord: Sendable {
    public let record: CanonicalRecord
    public let promptJSON: String
    public let promptHash: String
    public let contentHash: String

    public init(_ record: CanonicalRecord) {
        self.record = record
        promptJSON = record.promptJSON
        promptHash = record.promptHash
        contentHash = record.contentHash
    }
}

/// A record that could not be used, with where and why.
public struct QuarantineEntry: Sendable, Equatable {
    public var position: Int?
    public var byteOffset: Int?
    public var field: String?
    /// A short stable code (`malformed_json`, `missing_field`, `nan_score`, ...), for counting.
    public var reason: String
    /// The full human-readable explanation.
    public var detail: String
    /// The first bytes of the raw record, for a person to look at.
    public var excerpt: String?

    public init(position: Int?, byteOffset: Int?, field: String?, reason: String, detail: String, excerpt: String?) {
        self.position = position
        self.byteOffset = byteOffset
        self.field = field
        self.reason = reason
        self.detail = detail
        self.excerpt = excerpt
    }
}

/// Identity of a file to ingest.
public struct SourceFile: Sendable {
    public var path: String
    /// nil while it is still being computed; `SourceWriter.finish` then receives it.
    public var sha256: String?
    public var format: String
    public var sizeBytes: Int64
    public var sourceSplit: String?
    public init(path: String, sha256: String?, format: String, sizeBytes: Int64, sourceSplit: String?) {
        self.path = path
        self.sha256 = sha256
        self.format = format
        self.sizeBytes = sizeBytes
        self.sourceSplit = sourceSplit
    }
}

extension Catalog {
    /// The source already ingested with these exact bytes, if any.
    public func existingSource(sha256: String) throws -> (id: Int64, path: String, format: String)? {
        try db.read { db in
            try Row.fetchOne(db, sql: "SELECT id, path, format FROM sources WHERE sha256 = ?", arguments: [sha256])
                .map { ($0["id"], $0["path"], $0["format"]) }
        }
    }

    /// Whether any ingested source has exactly this many bytes (if none does, a file of that
    /// size cannot have been ingested before).
    public func hasSource(sizeBytes: Int64) throws -> Bool {
        try db.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sources WHERE size_bytes = ?)", arguments: [sizeBytes]) ?? false
        }
    }

    /// Runs `body` in one write transaction that first creates the source row. Everything
    /// `body` writes commits together, or not at all if it throws (or the process dies).
    public func ingestTransaction<T>(_ source: SourceFile, _ body: (SourceWriter) throws -> T) throws -> T {
        try bulkWrite { tx in
            let db = tx.db
            try db.execute(sql: """
                INSERT INTO sources (path, sha256, format, size_bytes, source_split, records_read, records_kept, duplicates, quarantined, ingested_at)
                VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?)
                """, arguments: [source.path, source.sha256 ?? Self.pendingDigest, source.format, source.sizeBytes, source.sourceSplit, Self.timestamp()])
            return try body(try SourceWriter(db: db, sourceId: db.lastInsertedRowID, digestPending: source.sha256 == nil))
        }
    }

    /// Stands in for a sha256 still being computed. Only an open transaction can hold it: it
    /// is replaced before the commit, and a rollback removes the row.
    static let pendingDigest = "pending"

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
