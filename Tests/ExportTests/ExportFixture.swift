import Core
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
            CanonicalRecord(kind: .preference, prompt: i % 5 == 0 ? [.system("Be brief."), .user("question \(i)")] : [.user("question \(i) ✓")],
                            completions: [
                                Completion(text: "best answer \(i)", score: 9),
                                Completion(text: "middle answer \(i)\r\n😀", score: 9 - Double(i % 7) * 0.5 - 0.5),
                                Completion(text: "worst answer \(i)", score: 1 + Double(i % 3)),
                            ],
                            promptId: i % 2 == 0 ? "dataset-id-\(i)" : nil)
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
