import Core
import Foundation
import GRDB
@testable import Store
@testable import Pairs

/// A throwaway workspace with helpers to add hand-made records.
final class CatalogFixture {
    let root: URL
    let catalog: Catalog
    private var sources = 0

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("pairs-tests-\(UUID().uuidString)")
        catalog = try Catalog(workspace: root)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Adds one source file holding `records`; returns how many were new.
    @discardableResult
    func ingest(_ records: [CanonicalRecord], path: String? = nil, sourceSplit: String? = nil) throws -> Int {
        sources += 1
        let name = path ?? "source-\(sources).jsonl"
        let file = SourceFile(path: name, sha256: SHA256.hex(of: "\(name)#\(sources)#\(UUID())"), format: "test",
                              sizeBytes: 0, sourceSplit: sourceSplit)
        return try catalog.ingestTransaction(file) { writer in
            var kept = 0
            for (i, r) in records.enumerated() where try writer.add(r, position: i, sourceSplit: sourceSplit) { kept += 1 }
            try writer.finish(recordsRead: records.count)
            return kept
        }
    }

    /// prompt_hash -> split, for comparing catalogs built in different orders.
    func splitByPrompt() throws -> [String: String] {
        try catalog.db.read { db in
            var out: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT r.prompt_hash, s.split FROM records r JOIN splits s ON s.record_id = r.id") {
                let hash: String = row[0], split: String = row[1]
                if let seen = out[hash], seen != split { out[hash] = "both" } else { out[hash] = split }
            }
            return out
        }
    }

    /// Every pair as (prompt, chosen text, rejected text, gap, stage, rank, split): independent of row ids.
    func pairRows() throws -> [String] {
        try catalog.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.prompt_json, c.text, x.text, p.score_gap, p.stage, p.curriculum_rank, p.split, p.strategy
                FROM pairs p JOIN records r ON r.id = p.record_id
                JOIN completions c ON c.id = p.chosen_id JOIN completions x ON x.id = p.rejected_id
                ORDER BY p.split, p.curriculum_rank
                """).map { row in
                "\(row[0] as String)|\(row[1] as String)|\(row[2] as String)|\((row[3] as Double?).map { "\($0)" } ?? "nil")|\(row[4] as Int)|\(row[5] as Int)|\(row[6] as String)|\(row[7] as String)"
            }
        }
    }
}

/// A preference record with scored completions and a prompt made from `prompt`.
func scoredRecord(_ prompt: String, _ scores: [Double?], texts: [String]? = nil) -> CanonicalRecord {
    CanonicalRecord(kind: .preference, prompt: [.user(prompt)], completions: scores.enumerated().map { i, s in
        Completion(text: texts?[i] ?? "answer \(i) to \(prompt)", score: s)
    })
}

/// A chosen/rejected record as ultrafeedback_binarized has it.
func labelledRecord(_ prompt: String, chosen: String, rejected: String, scores: (Double?, Double?)) -> CanonicalRecord {
    CanonicalRecord(kind: .preference, prompt: [.user(prompt)], completions: [
        Completion(text: chosen, score: scores.0, label: .chosen),
        Completion(text: rejected, score: scores.1, label: .rejected),
    ])
}

func facts(_ scores: [Double?], texts: [String]? = nil, labels: [Completion.Label?]? = nil) -> [CompletionFacts] {
    scores.enumerated().map { i, s in
        CompletionFacts(score: s, label: labels?[i], text: TextFingerprint(texts?[i] ?? "distinct text \(i)"))
    }
}
