import Core
import GRDB
import Testing
import Tokenize
import Tokenizer
import Foundation
import Pairs
import Parquet
@testable import Store

/// A throwaway workspace built the way the pipeline builds one: hand-made records ingested,
/// then `pref split` and `pref pairs` through their library entry points.
final class ExportFixture {
    let root: URL
    let catalog: Catalog
    private var sources = 0

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("export-tests-\(UUID().uuidString)")
        catalog = try Catalog(workspace: root)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// A folder under the fixture's root for an export (not created).
    func output(_ name: String = "out") -> URL { root.appendingPathComponent("exports/\(name)") }

    func ingest(_ records: [CanonicalRecord], sourceSplit: String? = nil) throws {
        sources += 1
        let name = "source-\(sources).jsonl"
        let file = SourceFile(path: name, sha256: SHA256.hex(of: "\(name)#\(UUID())"), format: "test", sizeBytes: 0, sourceSplit: sourceSplit)
        _ = try catalog.ingestTransaction(file) { writer in
            for (i, r) in records.enumerated() { _ = try writer.add(r, position: i, sourceSplit: sourceSplit) }
            try writer.finish(recordsRead: records.count)
            return 0
        }
    }

    /// 40 scored preference records (3 completions each, distinct gaps) and 12 conversations,
    /// split 25% test, best-vs-rest pairs in a 3-stage curriculum.
    static func pipeline(test: Double = 0.25) throws -> ExportFixture {
        let fixture = try ExportFixture()
        var records: [CanonicalRecord] = (0..<40).map { i in
            let prompt: [Message] = i % 5 == 0 ? [.system("Be brief."), .user("question \(i)")] : [.user("question \(i) ✓")]
            let middle: Double = 8.5 - Double(i % 7) * 0.5
            let worst: Double = 1 + Double(i % 3)
            let completions = [
                Completion(text: "best answer \(i)", score: 9),
                Completion(text: "middle answer \(i)\r\n😀", score: middle),
                Completion(text: "worst answer \(i)", score: worst),
            ]
            return CanonicalRecord(kind: .preference, prompt: prompt, completions: completions, promptId: i % 2 == 0 ? "dataset-id-\(i)" : nil)
        }
        records += (0..<12).map { i in
            CanonicalRecord(kind: .conversation, prompt: [.user("chat \(i)"), .assistant("reply \(i)"), .user("follow-up \(i)")],
                            completions: [Completion(text: "final \(i)")])
        }
        try fixture.ingest(records)
        _ = try Splitter.run(fixture.catalog, settings: try SplitSettings(testFraction: test))
        _ = try PairBuilder.run(fixture.catalog, settings: try PairSettings(strategy: .bestVsRest, curriculum: .stages(3)))
        return fixture
    }
}

/// Reads an export back with pref's own Parquet reader.
enum ExportedFiles {
    static func dataFiles(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("data").path).sorted()
    }

    /// Every row of the split's files, in file order.
    static func rows(_ folder: URL, split: String) throws -> [ParquetRecord] {
        var rows: [ParquetRecord] = []
        for name in try dataFiles(folder) where name.hasPrefix("\(split)-") {
            let file = try ParquetFile(path: folder.appendingPathComponent("data/\(name)").path)
            try file.forEachRowGroup { _, group in rows += group }
        }
        return rows
    }

    static func messages(_ value: ParquetValue?) -> [Message]? {
        value?.listValue?.map { Message(role: $0["role"]?.stringValue ?? "?", content: $0["content"]?.stringValue ?? "?") }
    }

    static func ints(_ value: ParquetValue?) -> [Int]? { value?.listValue?.compactMap { $0.int64Value.map(Int.init) } }
}

/// The catalog's pairs read with the test's own SQL, in curriculum order: what an export must hold.
struct ExpectedPair: Equatable {
    var id: Int64
    var prompt: [Message]
    var promptId: String?
    var chosen: String
    var rejected: String
    var scoreChosen: Double?
    var scoreRejected: Double?
    var gap: Double?
    var strategy: String
    var stage: Int
}

extension ExportFixture {
    func expectedPairs(split: String) throws -> [ExpectedPair] {
        try catalog.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.id, r.prompt_json, r.prompt_id, c.text, x.text, c.score, x.score, p.score_gap, p.strategy, p.stage
                FROM pairs p JOIN records r ON r.id = p.record_id
                JOIN completions c ON c.id = p.chosen_id JOIN completions x ON x.id = p.rejected_id
                WHERE p.split = ? ORDER BY p.curriculum_rank
                """, arguments: [split]).map { row in
                ExpectedPair(id: row[0], prompt: try CanonicalRecord.messages(fromJSON: row[1]), promptId: row[2], chosen: row[3],
                             rejected: row[4], scoreChosen: row[5], scoreRejected: row[6], gap: row[7], strategy: row[8], stage: row[9])
            }
        }
    }

    /// Conversation records of a split in id order: (stored prompt id, prompt turns, final answer).
    func expectedConversations(split: String) throws -> [(promptId: String?, prompt: [Message], answer: String)] {
        try catalog.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.prompt_id, r.prompt_json, c.text FROM records r JOIN splits s ON s.record_id = r.id
                JOIN completions c ON c.record_id = r.id WHERE r.kind = 'conversation' AND s.split = ? ORDER BY r.id
                """, arguments: [split]).map { (promptId: $0[0], prompt: try CanonicalRecord.messages(fromJSON: $0[1]), answer: $0[2]) }
        }
    }

    /// Tokenizes the workspace with the llama3 fixture tokenizer and template (SFT packed
    /// into 64-token sequences, so rows hold several documents).
    func tokenize() throws {
        let tokenizer = try Tokenizer(contentsOf: ExportFixture.packageRoot.appendingPathComponent("fixtures/tokenizer/llama3.tokenizer.json"))
        let settings = TokenizeSettings(template: ChatTemplate(family: .llama3), limits: try PreferenceLimits(maxLength: 64), pack: true)
        _ = try TokenizeJob(catalog: catalog, tokenizer: tokenizer, tokenizerSHA256: "fixture", settings: settings, threads: 1).run()
    }

    /// Stores made-up reference log-probs derived from each pair's id, for every tokenized pair
    /// but the first of the train split (left null, as a pair the reference never scored).
    @discardableResult
    func storeReferenceLogps() throws -> Int64 {
        let reader = ShardReader(catalog: catalog)
        var values: [(exampleId: Int64, chosen: Double, rejected: Double)] = []
        var skipped: Int64 = -1
        for split in ["train", "test"] {
            for id in try reader.exampleIds(kind: .preference, split: split) {
                let pair = try #require(try reader.info(id).pairId)
                if split == "train", skipped < 0 { skipped = pair; continue }
                values.append((id, Self.refChosen(pair), Self.refRejected(pair)))
            }
        }
        // As `pref train` stores it: the reference checkpoint's sha256, bare (not a JSON document).
        try catalog.setSetting(.reference, text: Self.referenceIdentity)
        try catalog.setReferenceLogps(values)
        return skipped
    }

    static let referenceIdentity = SHA256.hex(of: "fixture reference model")

    static func refChosen(_ pair: Int64) -> Double { -Double(pair) - 0.25 }
    static func refRejected(_ pair: Int64) -> Double { -2 * Double(pair) - 0.5 }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
