import Core
import Foundation
import JSON
import Store
import Testing
@testable import Pairs

/// Where the real rows live (outside the suite: a suite trait cannot refer to its own type).
enum UltraFeedbackSample {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/ultrafeedback_binarized").standardizedFileURL
    static var isPresent: Bool { FileManager.default.fileExists(atPath: directory.path) }
}

/// The real ultrafeedback_binarized rows in ../shared/data, built into records directly
/// (chosen[:-1] is the prompt, the last turns are the completions). Skipped, with the reason,
/// when ../shared/data is absent; a missing file inside it fails.
@Suite(.enabled(if: UltraFeedbackSample.isPresent, "../shared/data/ultrafeedback_binarized is absent: the real-sample tests need it"))
struct UltraFeedbackSampleTests {
    static let dataDir = UltraFeedbackSample.directory

    struct Row {
        var record: CanonicalRecord
        var chosen: String, rejected: String
        var scoreChosen: Double, scoreRejected: Double
    }

    static func rows(_ file: String) throws -> [Row] {
        let url = dataDir.appendingPathComponent(file)
        let data = try Data(contentsOf: url)
        return try data.split(separator: UInt8(ascii: "\n")).map { line in
            let v = try JSONParser.parse(Array(line))
            let chosen = try #require(v["chosen"]?.arrayValue), rejected = try #require(v["rejected"]?.arrayValue)
            let messages = try chosen.map { Message(role: try #require($0["role"]?.stringValue), content: try #require($0["content"]?.stringValue)) }
            let c = try #require(chosen.last?["content"]?.stringValue), r = try #require(rejected.last?["content"]?.stringValue)
            let sc = try #require(v["score_chosen"]?.doubleValue), sr = try #require(v["score_rejected"]?.doubleValue)
            let record = CanonicalRecord(kind: .preference, prompt: Array(messages.dropLast()), completions: [
                Completion(text: c, score: sc, label: .chosen), Completion(text: r, score: sr, label: .rejected),
            ], promptId: v["prompt_id"]?.stringValue)
            return Row(record: record, chosen: c, rejected: r, scoreChosen: sc, scoreRejected: sr)
        }
    }

    static func normalized(_ s: String) -> String { s.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    @Test func binarizedPairsAreRowsMinusCountedSkips() throws {
        let train = try Self.rows("train_prefs.jsonl"), test = try Self.rows("test_prefs.jsonl")
        #expect(train.count == 1000 && test.count == 200)
        let f = try CatalogFixture()
        let keptTrain = try f.ingest(train.map(\.record), path: "train_prefs.jsonl", sourceSplit: "train_prefs")
        let keptTest = try f.ingest(test.map(\.record), path: "test_prefs.jsonl", sourceSplit: "test_prefs")
        #expect(keptTrain == 1000 && keptTest == 200)

        let split = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.05))
        #expect(split.train == 1000 && split.test == 200 && split.keptSourceSplit == 1200)

        let report = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .binarized))
        // Expected skips straight from the rows, in the documented precedence: empty, identical, tie.
        var empty = 0, identical = 0, ties = 0
        for row in train + test {
            if Self.normalized(row.chosen).isEmpty || Self.normalized(row.rejected).isEmpty { empty += 1 }
            else if Self.normalized(row.chosen) == Self.normalized(row.rejected) { identical += 1 }
            else if row.scoreChosen == row.scoreRejected { ties += 1 }
        }
        #expect(ties > 100 && identical > 0 && empty > 0)
        #expect(report.recordsWithoutPairs[.tie] == ties)
        #expect(report.recordsWithoutPairs[.identicalText] == identical)
        #expect(report.recordsWithoutPairs[.emptyResponse] == empty)
        #expect(report.pairs == 1200 - ties - identical - empty)
        #expect(report.recordsWithoutPairs.total == ties + identical + empty)
        #expect(report.preferenceRecords == 1200 && report.recordsWithPairs + report.recordsWithoutPairs.total == 1200)
        #expect(report.candidates == 1200)
        let testRows = test.filter { r in
            !(Self.normalized(r.chosen).isEmpty || Self.normalized(r.rejected).isEmpty
              || Self.normalized(r.chosen) == Self.normalized(r.rejected) || r.scoreChosen == r.scoreRejected)
        }
        #expect(report.test == testRows.count)

        // Ranking by score picks the same pairs here, since no row's labels contradict its scores.
        let worst = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .bestVsWorst))
        #expect(worst.pairs == report.pairs)
        #expect(worst.droppedCompletions[.emptyResponse] == empty)
        #expect(worst.preferenceRecords == worst.recordsWithPairs + worst.recordsWithoutPairs.total)
    }
}
