import Foundation
import GRDB
@testable import Store

/// Runs the built `pref` executable, as a user would.
enum Pref {
    /// `pref`, built by `swift build` / `swift test` next to the test bundle.
    static let binary: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pref")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs pref with `arguments`; with `killWhen`, polls it and sends SIGKILL once it holds.
    @discardableResult
    static func run(_ arguments: [String], killWhen: (() -> Bool)? = nil) throws -> (status: Int32, killed: Bool) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var killed = false
        if let killWhen {
            while process.isRunning {
                if killWhen() {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                usleep(1_000)
            }
        }
        process.waitUntilExit()
        return (process.terminationStatus, killed)
    }

    static func fileSize(_ url: URL) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
    }
}

/// A temporary workspace folder, removed at the end.
final class PipelineWorkspace {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-pipeline-\(UUID().uuidString)")
    deinit { try? FileManager.default.removeItem(at: root) }

    var shards: URL { root.appendingPathComponent("shards") }

    /// Everything the catalog holds except ids and timestamps.
    func catalogDump() throws -> [String] {
        let catalog = try Catalog(workspace: root)
        return try catalog.db.read { db in
            let sources = try String.fetchAll(db, sql: "SELECT path || '|' || sha256 || '|' || format || '|' || records_read || '|' || records_kept || '|' || duplicates || '|' || quarantined FROM sources ORDER BY sha256")
            let records = try String.fetchAll(db, sql: "SELECT s.sha256 || '|' || position || '|' || kind || '|' || prompt_json || '|' || content_hash FROM records r JOIN sources s ON s.id = r.source_id ORDER BY s.sha256, position")
            let completions = try String.fetchAll(db, sql: "SELECT r.content_hash || '|' || idx || '|' || text || '|' || ifnull(score, 'null') FROM completions c JOIN records r ON r.id = c.record_id ORDER BY r.content_hash, idx")
            let quarantine = try String.fetchAll(db, sql: "SELECT s.sha256 || '|' || ifnull(position, '') || '|' || reason || '|' || detail FROM quarantine q JOIN sources s ON s.id = q.source_id ORDER BY s.sha256, q.position")
            return sources + records + completions + quarantine
        }
    }

    /// Shard file name → bytes.
    func shardFiles() throws -> [String: Data] {
        var out: [String: Data] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: shards.path)) ?? [] {
            out[name] = try Data(contentsOf: shards.appendingPathComponent(name))
        }
        return out
    }
}
