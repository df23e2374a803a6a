import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Ids and decodes against HF `tokenizers` on the edge-case corpus, unseen generated lines and
/// multi-paragraph documents, for every configuration the golden script builds.
@Suite struct GoldenEncodeTests {
    static let configurations = ["gpt2", "llama3", "qwen2", "options", "splits", "o200k", "truncpad-left", "truncpad-right"]

    @Test(arguments: configurations)
    func idsMatchHF(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let records = try Fixtures.jsonLines("\(name).golden.jsonl").filter { $0["text"] != nil }
        #expect(records.count > (name.hasPrefix("truncpad") ? 200 : 400))
        var mismatches = 0
        for record in records {
            let text = record["text"]!.stringValue!
            let expected = Fixtures.ids(record["ids"])
            let expectedPlain = Fixtures.ids(record["ids_plain"])
            let got = tokenizer.encode(text, addSpecialTokens: true)
            let gotPlain = tokenizer.encode(text, addSpecialTokens: false)
            if got != expected || gotPlain != expectedPlain {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name): \(text.debugDescription)\n  HF:   \(expected)\n  pref: \(got)\n  HF plain: \(expectedPlain)\n  pref plain: \(gotPlain)")
                }
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(records.count) texts differ")
    }

    /// Every word through the heap merge (normally only words over 64 symbols): the same ids.
    @Test(arguments: ["gpt2", "llama3", "qwen2"])
    func heapMergeMatchesHF(_ name: String) throws {
        let tokenizer = try Tokenizer(json: Fixtures.json("\(name).tokenizer.json"), tokenizerConfig: nil, linearMergeLimit: 1)
        // Records without "text" are decode-only goldens.
        let records = try Fixtures.jsonLines("\(name).golden.jsonl").filter { $0["text"] != nil }
        #expect(records.count > 400)
        for record in records {
            let text = try #require(record["text"]?.stringValue)
            #expect(tokenizer.encode(text) == Fixtures.ids(record["ids"]), "\(text.debugDescription)")
        }
    }

    @Test(arguments: configurations)
    func decodeMatchesHF(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var mismatches = 0
        for record in try Fixtures.jsonLines("\(name).golden.jsonl") {
            let ids = Fixtures.ids(record["ids"] ?? record["decode_ids"])
            let decoded = tokenizer.decode(ids, skipSpecialTokens: false)
            let skipped = tokenizer.decode(ids, skipSpecialTokens: true)
            if decoded != record["decoded"]?.stringValue || skipped != record["decoded_skip"]?.stringValue {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name) \(ids): HF \(record["decoded"]!.stringValue!.debugDescription) / \(record["decoded_skip"]!.stringValue!.debugDescription), pref \(decoded.debugDescription) / \(skipped.debugDescription)")
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// Where nothing rewrites the text (no normalizer, no prefix space), decode(encode(x)) == x.
    @Test(arguments: ["gpt2", "llama3", "splits", "o200k"])
    func decodeOfEncodeIsIdentity(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let texts = try Fixtures.jsonLines("\(name).golden.jsonl").compactMap { $0["text"]?.stringValue }
        for text in texts where name != "splits" || !text.contains(where: \.isWhitespace) {
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(tokenizer.decode(ids) == text, "\(text.debugDescription)")
        }
    }
}
