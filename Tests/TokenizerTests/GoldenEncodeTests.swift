import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Ids and decodes against HF `tokenizers` on the edge-case corpus, unseen generated lines and
/// multi-paragraph documents, for every configuration the golden script builds.
@Suite struct GoldenEncodeTests {
    /// SentencePiece-style layouts (scripts/spm-tokenizer-golden.py): Metaspace, Prepend/Replace,
    /// byte fallback, fuse_unk, the Replace/ByteFallback/Fuse/Strip/Metaspace decoders, and the
    /// Unigram model.
    static let sentencePiece = ["spm-bpe", "spm-llama2", "spm-mistral", "spm-gemma", "spm-unk", "spm-first",
                                "spm-unigram", "spm-unigram-bf"]
    static let configurations = ["gpt2", "llama3", "qwen2", "options", "splits", "o200k", "multisplit", "truncpad-left",
                                 "truncpad-right"]
        + sentencePiece

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
    @Test(arguments: ["gpt2", "llama3", "qwen2", "spm-llama2", "spm-unk"])
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
            // As bytes, not Swift's canonical equivalence.
            if !decoded.utf8.elementsEqual((record["decoded"]?.stringValue ?? "").utf8)
                || !skipped.utf8.elementsEqual((record["decoded_skip"]?.stringValue ?? "").utf8) {
                mismatches += 1
                if mismatches <= 5 {
                    Issue.record("\(name) \(ids): HF \(record["decoded"]!.stringValue!.debugDescription) / \(record["decoded_skip"]!.stringValue!.debugDescription), pref \(decoded.debugDescription) / \(skipped.debugDescription)")
                }
            }
        }
        #expect(mismatches == 0)
    }

    /// Where nothing rewrites the text (no normalizer, no prefix space), decode(encode(x)) == x.
    @Test(arguments: ["gpt2", "llama3", "splits", "o200k", "multisplit"])
    func decodeOfEncodeIsIdentity(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let texts = try Fixtures.jsonLines("\(name).golden.jsonl").compactMap { $0["text"]?.stringValue }
        for text in texts where name != "splits" || !text.contains(where: \.isWhitespace) {
            let ids = tokenizer.encode(text, addSpecialTokens: false)
            #expect(tokenizer.decode(ids) == text, "\(text.debugDescription)")
        }
    }

    /// SentencePiece layouts do not always give the text back, in HF either: Strip removes a
    /// leading space the text had, a ▁ is prepended after added tokens, unknown characters
    /// become <unk>. decode(encode(x)) == x exactly where HF's does.
    @Test(arguments: sentencePiece)
    func roundTripsWhereHFDoes(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        var roundTrips = 0
        for record in try Fixtures.jsonLines("\(name).golden.jsonl") {
            guard let text = record["text"]?.stringValue, let hf = record["roundtrips"]?.boolValue else { continue }
            // Compared as bytes: Swift's == would equate NFKC's composed é with the text's e + U+0301.
            let ours = tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)).utf8.elementsEqual(text.utf8)
            #expect(ours == hf, "\(text.debugDescription): HF round-trips: \(hf)")
            if ours { roundTrips += 1 }
        }
        #expect(roundTrips > 200)
    }
}
