import Core
import Foundation
import GRDB
import JSON
import Testing
@testable import Ingest
import Store

/// The real public samples in ../shared/data (1,000 + 200 ultrafeedback_binarized rows).
@Suite(.enabled(if: Paths.hasSharedData, "../shared/data is absent: the real-sample tests need it"))
struct RealDataTests {
    static let files = ["train_prefs.jsonl", "test_prefs.jsonl"]

    @Test(arguments: files)
    func everyBinarizedRowIngestsWithItsPromptAndPromptId(_ name: String) throws {
        let path = Paths.sharedData.appendingPathComponent("ultrafeedback_binarized/\(name)").path
        let ws = try TempWorkspace()
        let report = try ws.ingest(path)
        #expect(report.format == "ultrafeedback-binarized")
        #expect(report.sourceSplit == name.replacingOccurrences(of: ".jsonl", with: ""))
        #expect(report.quarantined == 0)
        #expect(report.read == report.kept + report.duplicates)

        // Compare with the raw rows, read independently line by line.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true)
        #expect(report.read == lines.count)
        var expected: [Int: (prompt: String, id: String, chosen: String, scores: [Double])] = [:]
        for (i, line) in lines.enumerated() {
            let row = try JSONParser.parse(String(line))
            let chosen = try #require(row["chosen"]?.arrayValue?.last?["content"]?.stringValue)
            expected[i + 1] = (try #require(row["prompt"]?.stringValue), try #require(row["prompt_id"]?.stringValue), chosen,
                               [try #require(row["score_chosen"]?.doubleValue), try #require(row["score_rejected"]?.doubleValue)])
        }
        let stored = try ws.rows("""
            SELECT r.position, r.prompt_json, r.prompt_id, c.text, c.score, c.idx FROM records r
            JOIN completions c ON c.record_id = r.id ORDER BY r.position, c.idx
            """)
        var checked = 0
        for row in stored where row["idx"] as Int == 0 {
            let want = try #require(expected[row["position"]])
            let prompt = try JSONParser.parse(row["prompt_json"] as String)
            #expect(prompt.arrayValue?.count == 1)
            #expect(prompt.arrayValue?.first?["content"]?.stringValue == want.prompt)
            #expect(row["prompt_id"] as String == want.id)
            #expect(row["prompt_id"] as String == SHA256.hex(of: want.prompt))
            #expect(row["text"] as String == want.chosen)
            #expect(row["score"] as Double == want.scores[0])
            checked += 1
        }
        #expect(checked == report.kept)
    }
}
