import Foundation
import GRDB
import Testing
@testable import Store

/// A catalog written by the first schema version (fixtures/store/v1-catalog.sql, v1's CREATE
/// statements verbatim plus a few rows), opened by today's Catalog: the later migrations run,
/// the rows survive unchanged, and the new tables work.
@Suite struct MigrationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    final class Folder {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-migration-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: root) }
        var catalogPath: String { WorkspaceLayout(root: root).catalog.path }

        /// pref.sqlite as v1 left it.
        func writeV1Catalog() throws {
            let sql = try String(contentsOf: MigrationTests.packageRoot.appendingPathComponent("fixtures/store/v1-catalog.sql"), encoding: .utf8)
            let queue = try DatabaseQueue(path: catalogPath)
            try queue.write { try $0.execute(sql: sql) }
        }
    }

    /// Tables and indexes with their CREATE text, whitespace collapsed (bookkeeping excluded).
    static func schema(_ db: Database) throws -> [String: String] {
        let rows = try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%'")
        return Dictionary(uniqueKeysWithValues: rows.map { row in
            let sql: String = row["sql"]
            return (row["name"] as String, sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))
        })
    }

    /// Every row of the v1 tables, in a fixed order, as text.
    static func v1Rows(_ db: Database) throws -> [String] {
        var out: [String] = []
        for table in ["sources", "records", "completions", "quarantine", "splits", "settings", "pairs"] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid") { out.append("\(table) \(row.description)") }
        }
        return out
    }

    /// A past migration must never change: today's v1 creates exactly the frozen v1 schema.
    @Test func todaysFirstMigrationStillCreatesTheFrozenSchema() throws {
        let frozen = try Folder(), fresh = try Folder()
        try frozen.writeV1Catalog()
        let queue = try DatabaseQueue(path: fresh.catalogPath)
        try Schema.migrator().migrate(queue, upTo: "v1-catalog")
        let expected = try DatabaseQueue(path: frozen.catalogPath).read(Self.schema)
        #expect(expected.keys.sorted() == ["completions", "pairs", "pairs_by_split_rank", "quarantine", "quarantine_by_source", "records",
                                            "records_by_prompt", "records_by_source", "settings", "sources", "splits"])
        #expect(try queue.read(Self.schema) == expected)
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations") } == ["v1-catalog"])
    }

    @Test func openingAV1CatalogAppliesTheLaterMigrationsAndKeepsEveryRow() throws {
        let folder = try Folder()
        try folder.writeV1Catalog()
        let before = try DatabaseQueue(path: folder.catalogPath).read(Self.v1Rows)
        #expect(before.count == 11)
        let catalog = try Catalog(workspace: folder.root)
        let applied = try catalog.db.read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(applied == ["v1-catalog", "v2-shards"])
        #expect(try catalog.db.read(Self.v1Rows) == before)
        #expect(try catalog.integrityProblems().isEmpty)
        // The v1 tables are as v1 made them; v2's tables exist with their columns.
        let v1Schema = try DatabaseQueue(path: folder.catalogPath).read(Self.schema)
        let fresh = try Folder()
        let freshCatalog = try Catalog(workspace: fresh.root)
        #expect(v1Schema == (try freshCatalog.db.read(Self.schema)), "a migrated catalog has the schema of a new one")
        let columns = try catalog.db.read { db in try db.columns(in: "examples").map(\.name) }
        #expect(columns == ["id", "shard_id", "kind", "split", "frame_offset", "frame_length", "frame_values", "value_offset", "len_a", "len_b",
                            "len_c", "record_id", "pair_id", "source_id", "stage", "curriculum_rank", "truncated", "ref_chosen_logp", "ref_rejected_logp"])
        #expect(try catalog.db.read { try $0.tableExists("shards") })
        // The old rows read through today's APIs, and the new tables take a shard for them.
        let stats = try catalog.stats()
        #expect(stats.sources.map(\.path) == ["data/train_prefs.jsonl"])
        #expect(stats.sources.map { [$0.read, $0.kept, $0.duplicates, $0.quarantined] } == [[3, 2, 0, 1]])
        let pair = ShardExample(kind: .preference, split: "train", segments: [[1, 2], [3], [4, 5]], recordId: 1, pairId: 1, sourceId: 1)
        try catalog.writeShard(name: "pref-train-00000.zst", kind: .preference, split: "train", examples: [pair])
        let reader = ShardReader(catalog: catalog)
        let ids = try reader.exampleIds(kind: .preference, split: "train")
        #expect(ids.count == 1)
        #expect(try reader.example(ids[0]) == .preference(prompt: [1, 2], chosen: [3], rejected: [4, 5]))
        #expect(try catalog.verifyShards().isClean)
        #expect(try catalog.integrityProblems().isEmpty)
    }

    @Test func aCatalogFromANewerPrefIsRefused() throws {
        let folder = try Folder()
        try folder.writeV1Catalog()
        try DatabaseQueue(path: folder.catalogPath).write { try $0.execute(sql: "INSERT INTO grdb_migrations VALUES ('v9-from-the-future')") }
        #expect { try Catalog(workspace: folder.root) } throws: { "\($0)".contains("written by a newer pref") }
    }
}
