import Foundation
import GRDB
import Testing
@testable import Ingest
import Store

/// Parquet goes through the same adapters: each Parquet twin (scripts/ingest-parquet-fixtures.py)
/// must yield exactly the records its JSONL original yields for the same rows.
@Suite struct ParquetIngestTests {
    static let twins: [(parquet: String, jsonl: String, format: DatasetFormat, split: String)] = [
        ("parquet/ultrafeedback_binarized/default/train_prefs/0000.parquet", "ultrafeedback_binarized.jsonl", .ultrafeedbackBinarized, "train_prefs"),
        ("parquet/capybara_preferences/data/train-00000-of-00001.parquet", "capybara_preferences.jsonl", .capybaraPreferences, "train"),
        ("parquet/ultrafeedback/default/train/0000.parquet", "ultrafeedback.jsonl", .ultrafeedback, "train"),
        ("parquet/ultrachat/default/train/0000.parquet", "ultrachat.jsonl", .ultrachat, "train"),
        ("parquet/sharegpt/default/train/0000.parquet", "sharegpt.jsonl", .sharegpt, "train"),
    ]

    @Test(arguments: 0..<twins.count)
    func parquetTwinGivesTheSameRecordsAsJSONL(_ index: Int) throws {
        let twin = Self.twins[index]
        let ws = try TempWorkspace()
        _ = try ws.ingest(Paths.fixture(twin.jsonl))
        let parquet = try ws.ingest(Paths.fixture(twin.parquet))
        #expect(parquet.format == twin.format.rawValue)
        #expect(parquet.sourceSplit == twin.split)
        #expect(parquet.read == parquet.kept + parquet.duplicates + parquet.quarantined)
        // Every good Parquet row is an exact duplicate of a record the JSONL gave.
        #expect(parquet.kept == 0, "a Parquet row was read differently from its JSONL original")
        #expect(parquet.duplicates > 0)
    }

    @Test func hubFolderIngestsEveryShardAndReportsColumnProjection() throws {
        let ws = try TempWorkspace()
        let files = try InputFiles.expand([Paths.fixture("parquet")])
        #expect(files.count == 5)
        #expect(files == files.sorted())
        for f in files { _ = try ws.ingest(f) }
        #expect(try ws.catalog.integrityProblems().isEmpty)
    }

    @Test func corruptParquetIsAFileLevelErrorThatWritesNothing() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Paths.fixture(Self.twins[0].parquet)))
        let ws = try TempWorkspace()
        for cut in [original.count - 3, original.count / 2, 10] {
            let url = Paths.temporaryFile("cut\(cut).parquet")
            try original.prefix(cut).write(to: url)
            defer { try? FileManager.default.removeItem(at: url) }
            #expect(throws: IngestError.self) { try ws.ingest(url.path) }
        }
        #expect(try ws.count("SELECT COUNT(*) FROM sources") == 0)
    }

    @Test(.enabled(if: Paths.hasSharedData, "../shared/data is absent: the real-sample tests need it"))
    func realHubParquetMatchesItsJSONL() throws {
        let dir = Paths.sharedData.appendingPathComponent("ultrafeedback_binarized")
        for (parquet, jsonl, rows) in [("train_prefs-00000-of-00001.parquet", "train_prefs.jsonl", 1000),
                                       ("test_prefs-00000-of-00001.parquet", "test_prefs.jsonl", 200)] {
            let ws = try TempWorkspace()
            let p = try ws.ingest(dir.appendingPathComponent(parquet).path)
            #expect((p.read, p.kept, p.quarantined) == (rows, rows, 0))
            let j = try ws.ingest(dir.appendingPathComponent(jsonl).path)
            #expect((j.read, j.duplicates) == (rows, rows), "the JSONL rows must be exact duplicates of the Parquet rows")
        }
        let ws = try TempWorkspace()
        let chat = try ws.ingest(Paths.sharedData.appendingPathComponent("ultrachat/no_robots_test_sft.parquet").path)
        #expect((chat.format, chat.read, chat.kept, chat.quarantined) == ("ultrachat-200k", 500, 500, 0))
        // System-first chats keep the system turn in the prompt: pyarrow counts 54 of the 500 rows
        // whose messages open with a system message.
        #expect(try ws.count("SELECT COUNT(*) FROM records WHERE prompt_json LIKE '[{\"role\":\"system\"%'") == 54)
    }
}
