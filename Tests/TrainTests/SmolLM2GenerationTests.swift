import Foundation
import JSON
import Testing
import Tokenizer
@testable import Train

/// `pref generate` on the imported SmolLM2-135M-Instruct against transformers' greedy
/// `generate(max_new_tokens=32)` on its own load of the GGUF (scripts/smollm2-generate-golden.py),
/// for real ultrafeedback_binarized prompts rendered with SmolLM2's chat template: the same prompt
/// ids, the same 32 new tokens through the KV cache, and, where the model ends its turn, the
/// same stop at <|im_end|> with the marker left out of the answer. The script keeps only prompts
/// whose best and second-best logits differ by more than 1e-3 at every step.
@Suite(.enabled(if: GGUFSmolLM2.available, GGUFSmolLM2.skipReason), .serialized)
struct SmolLM2GenerationTests {
    static let golden: JSONValue = (try? Fixtures.json("fixtures/gguf/generate.golden.json")) ?? .null

    static func generation(maxNewTokens: Int) throws -> ChatGeneration {
        let folder = try GGUFSmolLM2.imported()
        var options = GenerationOptions()
        options.maxNewTokens = maxNewTokens
        return ChatGeneration(model: try Checkpoint.loadModel(from: folder, threads: 2),
                              tokenizer: try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json")),
                              template: try ChatTemplate(modelFolder: folder), options: options, modelFolder: folder)
    }

    static func messages(_ c: JSONValue) -> [ChatMessage] {
        (c["messages"]?.arrayValue ?? []).map { ChatMessage(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "") }
    }

    @Test func greedyTokensMatchTransformers() throws {
        let cases = try #require(Self.golden["cases"]?.arrayValue)
        #expect(cases.count >= 3 && cases.contains { $0["stopped"]?.boolValue == true })
        let generation = try Self.generation(maxNewTokens: try #require(Self.golden["new_tokens"]?.intValue))
        #expect(generation.options.stopIds == [Int32(try #require(Self.golden["eos_token_id"]?.intValue))],
                "SmolLM2 stops at <|im_end|>: its EOS, generation_config's eos_token_id and the template's end of turn")
        for c in cases {
            let row = c["row"]?.intValue ?? -1
            let messages = Self.messages(c)
            #expect(try generation.promptIds(messages) == c["prompt"]!.int32s, "row \(row): prompt ids")
            let answer = try generation.answer(messages)
            let expected = c["greedy"]!.int32s
            #expect(answer.generation.tokens == expected, "row \(row): \(answer.generation.tokens) vs transformers \(expected)")
            #expect(answer.generation.stopped == c["stopped"]?.boolValue, "row \(row): stopped")
            #expect(answer.text == c["answer"]?.stringValue, "row \(row): answer text")
            print("SmolLM2 row \(row): \(answer.generation.tokens.count) tokens, \(String(format: "%.1f", answer.generation.tokensPerSecond)) tokens/s")
        }
    }

    /// The end-of-turn token ends the answer early and is not part of its text; without the
    /// stop ids the same prompt runs on through it.
    @Test func stopsAtTheEndOfTurnToken() throws {
        let c = try #require(Self.golden["cases"]?.arrayValue?.first { $0["stopped"]?.boolValue == true }, "a golden case that stops")
        let expected = c["greedy"]!.int32s
        let eos = Int32(try #require(Self.golden["eos_token_id"]?.intValue))
        #expect(expected.last == eos && expected.count <= (Self.golden["new_tokens"]?.intValue ?? 0))
        let generation = try Self.generation(maxNewTokens: expected.count + 4)
        let answer = try generation.answer(Self.messages(c))
        #expect(answer.generation.tokens == expected && answer.generation.stopped)
        #expect(!answer.text.contains("<|im_end|>") && answer.text == generation.tokenizer.decode(expected.dropLast().map { UInt32(bitPattern: $0) }))
        var unstopped = GenerationOptions()
        unstopped.maxNewTokens = expected.count + 2
        let runOn = try Generator.run(model: generation.model, prompt: try generation.promptIds(Self.messages(c)), options: unstopped)
        #expect(Array(runOn.tokens.prefix(expected.count)) == expected && runOn.tokens.count == expected.count + 2 && !runOn.stopped)
    }
}
