import JSON
import Testing
@testable import Tokenizer

/// `"continuing_subword_prefix": ""` and `"end_of_word_suffix": ""` (SmolLM2's tokenizer.json
/// has both) decorate nothing in HF: ids equal those of the same model with null, and the
/// model keeps the byte-level fast path.
@Suite struct EmptyDecorationTests {
    @Test(arguments: ["gpt2", "spm-bpe"])
    func emptyDecorationIsNone(_ name: String) throws {
        var json = try Fixtures.json("\(name).tokenizer.json")
        let plain = try Tokenizer(json: json)
        guard case .object(var root) = json, case .object(var model)? = root["model"] else {
            Issue.record("no model object"); return
        }
        model["continuing_subword_prefix"] = .string("")
        model["end_of_word_suffix"] = .string("")
        root["model"] = .object(model)
        json = .object(root)
        let decorated = try Tokenizer(json: json)
        for line in try Fixtures.sampleLines() {
            #expect(decorated.encode(line) == plain.encode(line), "\(line.debugDescription)")
        }
        guard case .bpe(let bpe) = decorated.model else { Issue.record("not BPE"); return }
        #expect(bpe.continuingSubwordPrefix == nil && bpe.endOfWordSuffix == nil)
    }
}
