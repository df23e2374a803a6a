import Foundation
import JSON
import Testing
import Tokenizer
@testable import Train

private let testPrefs = Fixtures.url("../shared/data/ultrafeedback_binarized/test_prefs.jsonl")
private let canScore = GGUFSmolLM2.available && FileManager.default.fileExists(atPath: testPrefs.path)

/// `pref score` on the imported SmolLM2-135M-Instruct against transformers' own load of the
/// GGUF (scripts/score-golden.py): Σ log p of the last assistant message of real
/// ultrafeedback_binarized conversations, with SmolLM2's template. The shortest of the 24
/// golden conversations run here (a debug build's attention is slow); `pref score` over all
/// 24 is in the closing notes.
@Suite(.enabled(if: canScore, "needs the SmolLM2 GGUF in the model cache (scripts/fetch-test-models.sh) and ../shared/data"), .serialized)
struct ScoringTests {
    @Test func logProbsAgreeWithTransformersWithin1e3Relative() throws {
        let folder = try GGUFSmolLM2.imported()
        let scorer = Scorer(model: try Checkpoint.loadModel(from: folder, threads: 2),
                            tokenizer: try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json")),
                            template: try ChatTemplate(modelFolder: folder))
        let rows = try String(contentsOf: testPrefs, encoding: .utf8).split(separator: "\n").prefix(24).map { try JSONParser.parse(String($0)) }
        let golden = try String(contentsOf: Fixtures.url("fixtures/gguf/score.golden.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(golden.count == 24)
        let shortest = golden.sorted { ($0["tokens"]?.intValue ?? 0) < ($1["tokens"]?.intValue ?? 0) }.prefix(6)
        for expected in shortest {
            let row = try #require(expected["row"]?.intValue)
            let messages = (rows[row]["chosen"]?.arrayValue ?? []).map {
                ChatMessage(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "")
            }
            let score = try scorer.score(messages)
            let logp = try #require(expected["logp"]?.doubleValue)
            #expect(score.tokens == expected["tokens"]?.intValue, "row \(row) tokens")
            #expect(abs(score.logp - logp) <= 1e-3 * max(1, abs(logp)), "row \(row): pref \(score.logp), transformers \(logp)")
        }
        // The last message must be the assistant's: that is what is scored.
        #expect(throws: TrainError.self) { try scorer.score([.user("hi")]) }
    }
}
