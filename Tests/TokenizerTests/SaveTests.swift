import Foundation
import JSON
import Testing
@testable import Tokenizer

/// `save` writes what HF itself writes (so HF loads it into the same tokenizer), and what pref
/// loads back gives the same ids.
@Suite struct SaveTests {
    /// Legacy "a b" merges are written in the pair form HF uses since 0.20.
    static func pairForm(_ json: JSONValue) -> JSONValue {
        guard case .object(var root) = json, case .object(var model) = root["model"]!,
              let merges = model["merges"]?.arrayValue else { return json }
        model["merges"] = .array(merges.map { merge in
            guard let line = merge.stringValue else { return merge }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false).map { JSONValue.string(String($0)) }
            return .array(parts)
        })
        root["model"] = .object(model)
        return .object(root)
    }

    /// spm-unk is left out: its Metaspace is in the legacy add_prefix_space form, which pref
    /// keeps as loaded and HF rewrites.
    @Test(arguments: ["gpt2", "llama3", "qwen2", "options", "splits", "o200k", "minfreq", "truncpad-left", "truncpad-right",
                      "spm-bpe", "spm-llama2", "spm-mistral", "spm-gemma", "spm-first", "spm-unigram", "spm-unigram-bf"])
    func savedJSONEqualsHFs(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let saved = try JSONParser.parse(tokenizer.serialized())
        let hf = Self.pairForm(try Fixtures.json("\(name).tokenizer.json"))
        #expect(saved == hf)
        if saved != hf, let s = saved.objectValue, let h = hf.objectValue {
            for key in h.keys where s[key] != h[key] { Issue.record("section \(key) differs") }
        }
    }

    @Test(arguments: ["options"] + GoldenEncodeTests.sentencePiece)
    func savedTokenizerReloadsWithSameIds(_ name: String) throws {
        let original = try Fixtures.tokenizer(name)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-save-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.save(to: url)
        let reloaded = try Tokenizer(contentsOf: url)
        // Records without "text" are decode-only goldens.
        let records = try Fixtures.jsonLines("\(name).golden.jsonl").filter { $0["text"] != nil }
        #expect(records.count > 100)
        for record in records {
            let text = try #require(record["text"]?.stringValue)
            #expect(reloaded.encode(text) == Fixtures.ids(record["ids"]))
        }
    }

    @Test func trainedTokenizerSavesAndReloads() throws {
        let trainer = try BPETrainer(options: BPETrainingOptions(vocabSize: 700, specialTokens: ["<s>", "</s>"],
                                                                 preTokenizer: .qwen2, nfc: true))
        trainer.feed(Array(try Fixtures.sampleLines().prefix(300)))
        let trained = try trainer.train()
        let reloaded = try Tokenizer(json: JSONParser.parse(trained.serialized()))
        #expect(try JSONParser.parse(reloaded.serialized()) == JSONParser.parse(trained.serialized()))
        let text = "Qu'est-ce que c'est ? 123 <s>x</s>"
        #expect(reloaded.encode(text) == trained.encode(text))
    }
}
