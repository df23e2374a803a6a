import Foundation
import GRDB
@testable import Ingest
@testable import Store

/// A fresh workspace in a temporary folder, removed when the test ends.
final class TempWorkspace {
    let root: URL
    let catalog: Catalog

    private let owned: Bool

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-test-\(UUID().uuidString)")
        catalog = try Catalog(workspace: root)
        owned = true
    }

    /// Opens a workspace someone else owns (it is not removed afterwards).
    init(openingExisting root: URL) throws {
        self.root = root
        catalog = try Catalog(workspace: root)
        owned = false
    }

    deinit { if owned { try? FileManager.default.removeItem(at: root) } }

    func ingest(_ path: String, _ options: Ingestor.Options = .init()) throws -> FileIngestReport {
        try Ingestor(catalog: catalog).ingest(path: path, options: options)
    }

    func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try catalog.db.read { try Row.fetchAll($0, sql: sql, arguments: arguments) }
    }

    func count(_ sql: String) throws -> Int {
        try catalog.db.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    /// Everything the catalog holds except ids and timestamps, for comparing two catalogs.
    func contentDump() throws -> [String] {
        try catalog.db.read { db in
            let sources = try String.fetchAll(db, sql: "SELECT path || '|' || sha256 || '|' || format || '|' || records_read || '|' || records_kept || '|' || duplicates || '|' || quarantined FROM sources ORDER BY sha256")
            let records = try String.fetchAll(db, sql: "SELECT s.sha256 || '|' || position || '|' || kind || '|' || prompt_json || '|' || content_hash FROM records r JOIN sources s ON s.id = r.source_id ORDER BY s.sha256, position")
            let completions = try String.fetchAll(db, sql: "SELECT r.content_hash || '|' || idx || '|' || text || '|' || ifnull(score, 'null') FROM completions c JOIN records r ON r.id = c.record_id ORDER BY r.content_hash, idx")
            let quarantine = try String.fetchAll(db, sql: "SELECT s.sha256 || '|' || ifnull(position, '') || '|' || reason || '|' || detail FROM quarantine q JOIN sources s ON s.id = q.source_id ORDER BY s.sha256, q.position")
            return sources + records + completions + quarantine
        }
    }
}

enum Paths {
    /// The package root, found from this file's location.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String { packageRoot.appendingPathComponent("fixtures/ingest/\(name)").path }
    /// ../shared/data, where the real public samples live (absent outside the team's machines).
    static let sharedData = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    static var hasSharedData: Bool { FileManager.default.fileExists(atPath: sharedData.path) }
    static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pref-\(UUID().uuidString)-\(name)")
    }
}
