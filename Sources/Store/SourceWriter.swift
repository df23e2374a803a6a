import Foundation
import GRDB

/// Writes one ingested file into the catalog. Create it inside a write transaction
/// (`Catalog.ingestTransaction`), so a killed ingest leaves nothing behind.
public final class SourceWriter {
    public let sourceId: Int64
    private let db: Database
    private let insertRecord: Statement
    private let insertCompletion: Statement
    private let insertQuarantine: Statement

    public private(set) var kept = 0
    public private(set) var duplicates = 0
    public private(set) var quarantined = 0
    public private(set) var quarantinedByReason: [String: Int] = [:]

    init(db: Database, sourceId: Int64) throws {
        self.db = db
        self.sourceId = sourceId
        insertRecord = try db.makeStatement(sql: """
            INSERT OR IGNORE INTO records (source_id, position, kind, prompt_json, prompt_hash, prompt_id, source_split, origin, content_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertCompletion = try db.makeStatement(sql: """
            INSERT INTO completions (record_id, idx, text, model, score, ratings_json, label) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insertQuarantine = try db.makeStatement(sql: """
            INSERT INTO quarantine (source_id, position, byte_offset, field, reason, detail, excerpt) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
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
        try insertRecord.execute(arguments: [
            sourceId, position, record.kind.rawValue, prepared.promptJSON, prepared.promptHash,
            record.promptId, sourceSplit, record.origin, prepared.contentHash,
        ])
        guard db.changesCount > 0 else {
            duplicates += 1
            return false
        }
        let recordId = db.lastInsertedRowID
        for (i, c) in record.completions.enumerated() {
            try insertCompletion.execute(arguments: [recordId, i, c.text, c.model, c.score, c.ratingsJSON, c.label?.rawValue])
        }
        kept += 1
        return true
    }

    public func quarantine(_ entry: QuarantineEntry) throws {
        try insertQuarantine.execute(arguments: [
            sourceId, entry.position, entry.byteOffset, entry.field, entry.reason, entry.detail, entry.excerpt,
        ])
        quarantined += 1
        quarantinedByReason[entry.reason, default: 0] += 1
    }

    /// Fills in the source row's counters; call last, before the transaction commits.
    public func finish(recordsRead: Int) throws {
        try db.execute(
            sql: "UPDATE sources SET records_read = ?, records_kept = ?, duplicates = ?, quarantined = ? WHERE id = ?",
            arguments: [recordsRead, kept, duplicates, quarantined, sourceId])
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
    public var sha256: String
    public var format: String
    public var sizeBytes: Int64
    public var sourceSplit: String?
    public init(path: String, sha256: String, format: String, sizeBytes: Int64, sourceSplit: String?) {
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

    /// Runs `body` in one write transaction that first creates the source row. Everything
    /// `body` writes commits together, or not at all if it throws (or the process dies).
    public func ingestTransaction<T>(_ source: SourceFile, _ body: (SourceWriter) throws -> T) throws -> T {
        try bulkTransaction { db in
            try db.execute(sql: """
                INSERT INTO sources (path, sha256, format, size_bytes, source_split, records_read, records_kept, duplicates, quarantined, ingested_at)
                VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, ?)
                """, arguments: [source.path, source.sha256, source.format, source.sizeBytes, source.sourceSplit, Self.timestamp()])
            return try body(try SourceWriter(db: db, sourceId: db.lastInsertedRowID))
        }
    }

    static func timestamp() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}
