import Foundation
import JSON
import Testing
@testable import Train

/// Greedy generation from the committed pref checkpoints against transformers' `generate`
/// (scripts/generate-golden.py): the same tokens, and the same stop after a chosen stop id.
/// The script keeps only prompts whose best and second-best logits differ by more than 1e-3 at
/// every step, so Float32 rounding cannot flip a token.
@Suite struct GenerationGoldenTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var model: String
        var prompt: [Int32]
        var greedy: [Int32]
        var stopId: Int32
        var greedyUntilStop: [Int32]
        var testDescription: String { "\(model) \(prompt.count)-token prompt" }
    }

    static func cases() throws -> [Case] {
        let golden = try Fixtures.json("fixtures/model/pref-checkpoints/generate.golden.json")
        return try #require(golden["cases"]?.arrayValue).map { c in
            Case(model: try #require(c["model"]?.stringValue), prompt: c["prompt"]!.int32s, greedy: c["greedy"]!.int32s,
                 stopId: Int32(try #require(c["stop_id"]?.intValue)), greedyUntilStop: c["greedy_until_stop"]!.int32s)
        }
    }

    @Test func goldenHasBothModelsAndVariedOutput() throws {
        let cases = try Self.cases()
        #expect(cases.map(\.model) == ["llama", "llama", "llama", "qwen2", "qwen2", "qwen2"])
        #expect(cases.allSatisfy { $0.greedy.count == 12 && !$0.prompt.isEmpty })
        #expect(Set(cases.flatMap(\.greedy)).count >= 5, "a golden of one repeated token would prove little")
    }

    @Test(arguments: try cases())
    func greedyTokensMatchTransformers(_ c: Case) throws {
        let model = try Checkpoint.loadModel(from: Fixtures.url("fixtures/model/pref-checkpoints/\(c.model)"), threads: 1)
        var options = GenerationOptions()
        options.maxNewTokens = c.greedy.count
        #expect(try Generator.generate(model: model, prompt: c.prompt, options: options) == c.greedy)
        options.stopIds = [c.stopId]
        #expect(try Generator.generate(model: model, prompt: c.prompt, options: options) == c.greedyUntilStop)
    }
}
