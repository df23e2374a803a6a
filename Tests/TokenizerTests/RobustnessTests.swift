import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Bad tokenizer files are refused with an error naming the place; nothing traps.
@Suite struct RobustnessTests {
    static func load(_ text: String) throws -> Tokenizer {
        try Tokenizer(json: JSONParser.parse(text))
    }

    static let minimalModel = #""model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a","b"]]}"#

    /// Expected values checked with HF `tokenizers` 0.23.3 on the same JSON.
    @Test func minimalTokenizerWorks() throws {
        let tokenizer = try Self.load("{" + Self.minimalModel + "}")
        #expect(tokenizer.encode("abab") == [2, 2])
        #expect(tokenizer.encode("ba") == [1, 0])
        // No decoder: HF joins tokens with spaces.
        #expect(tokenizer.decode([2, 0]) == "ab a")
        // A character outside the vocabulary, with no unk token, is dropped before merging.
        #expect(tokenizer.encode("axb") == [2])
    }

    @Test(arguments: [
        (#"[]"#, "expected a JSON object"),
        (#"{}"#, "model: missing"),
        (#"{"model":{"type":"WordPiece","vocab":{}}}"#, "model \"WordPiece\" is not supported"),
        (#"{"model":{"type":"BPE","vocab":{"a":0},"merges":[["a","b"]]}}"#, "model.merges[0]: \"b\" is not in the vocabulary"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1},"merges":[["a","b"]]}}"#, "merged token \"ab\" is not in the vocabulary"),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":["a  b"]}}"#, "model.merges[0]: expected \"left right\""),
        (#"{"model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":[["a"]]}}"#, "model.merges[0]: expected"),
        (#"{"model":{"type":"BPE","vocab":{"a":-1},"merges":[]}}"#, "expected a token id"),
        (#"{"model":{"type":"BPE","vocab":{"a":"x"},"merges":[]}}"#, "expected a token id"),
        (#"{"model":{"type":"BPE","vocab":{"a":0}}}"#, "model.merges: expected an array"),
        (#"{"model":{"type":"BPE","vocab":{"a":4000000000},"merges":[]}}"#, "is too large"),
        (#"{"padding":{"strategy":{"Fixed":1000000000000},"direction":"Right","pad_id":0},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "padding.strategy.Fixed"),
        (#"{"padding":{"strategy":"BatchLongest","pad_to_multiple_of":99999999999},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "padding.pad_to_multiple_of"),
        (#"{"truncation":{"max_length":-3},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "truncation.max_length"),
        (#"{"added_tokens":[{"id":4000000000,"content":"<s>"}],"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "is too large"),
        (#"{"model":{"type":"BPE","dropout":0.1,"vocab":{"a":0},"merges":[]}}"#, "model.dropout"),
        (#"{"model":{"type":"Unigram","vocab":{"a":0}}}"#, "model.vocab: expected an array of [piece, score]"),
        (#"{"model":{"type":"Unigram","vocab":[["a",-1.0],["b"]]}}"#, "model.vocab[1]: expected [piece, score]"),
        (#"{"model":{"type":"Unigram","unk_id":5,"vocab":[["<unk>",0.0]]}}"#, "model.unk_id: expected an index into model.vocab"),
        (#"{"pre_tokenizer":{"type":"ByteLevel"},"model":{"type":"Unigram","vocab":[["a",-1.0]]}}"#, "a Unigram model with a ByteLevel pre-tokenizer is not supported"),
        (#"{"pre_tokenizer":{"type":"Whitespace"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer: pre-tokenizer type \"Whitespace\" is not supported"),
        (#"{"pre_tokenizer":{"type":"Metaspace"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer.replacement: expected a string"),
        (#"{"pre_tokenizer":{"type":"Metaspace","replacement":"ab"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer.replacement: expected one character"),
        (#"{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Digits"},{"type":"Metaspace","replacement":"▁","prepend_scheme":"First"}]},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer.pretokenizers[1].prepend_scheme"),
        (#"{"pre_tokenizer":{"type":"Metaspace","replacement":"▁","add_prefix_space":false},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer.add_prefix_space: false does not match prepend_scheme \"always\""),
        (#"{"normalizer":{"type":"Sequence","normalizers":[{"type":"Prepend","prepend":"▁"},{"type":"Precompiled"}]},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "normalizer.normalizers[1]: normalizer type \"Precompiled\" is not supported"),
        (#"{"normalizer":{"type":"Replace","pattern":{"Glob":"*"},"content":"▁"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "normalizer.pattern: expected {\"String\": ...} or {\"Regex\": ...}"),
        (#"{"normalizer":{"type":"Prepend"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "normalizer.prepend: expected a string"),
        (#"{"decoder":{"type":"Sequence","decoders":[{"type":"ByteFallback"},{"type":"Fuse"},{"type":"CTC"}]},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "decoder.decoders[2]: decoder type \"CTC\" is not supported"),
        (#"{"decoder":{"type":"Strip","content":" ","start":-1,"stop":0},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "decoder: Strip needs non-negative"),
        (#"{"decoder":{"type":"Replace","pattern":{"String":""},"content":" "},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "decoder.pattern: an empty String pattern"),
        (#"{"pre_tokenizer":{"type":"Split","pattern":{"Regex":"(unclosed"},"behavior":"Isolated","invert":false},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "cannot compile the pre-tokenizer regex"),
        (#"{"pre_tokenizer":{"type":"Split","pattern":{"Regex":"a"},"behavior":"Sideways","invert":false},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "pre_tokenizer.behavior"),
        (#"{"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"ByteLevel"},{"type":"Digits"}]},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "after ByteLevel is not supported"),
        (#"{"normalizer":{"type":"Precompiled"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "normalizer type \"Precompiled\""),
        (#"{"decoder":{"type":"WordPiece"},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "decoder type \"WordPiece\""),
        (#"{"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],"special_tokens":{}},"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "special token not listed"),
        (#"{"added_tokens":[{"id":"x","content":"<s>"}],"model":{"type":"BPE","vocab":{},"merges":[]}}"#, "added_tokens[0].id"),
        (#"{"model":{"type":"BPE","continuing_subword_prefix":" ","vocab":{"a":0},"merges":[]},"pre_tokenizer":{"type":"ByteLevel"}}"#, "outside the byte-level alphabet"),
    ])
    func refusesWithAClearMessage(_ text: String, _ fragment: String) {
        do {
            _ = try Self.load(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect("\(error)".contains(fragment), "\(error)")
        }
    }

    @Test func largeVocabularyWithoutMergesIsRefused() {
        var vocab = (0..<300).map { "\"t\($0)\":\($0)" }.joined(separator: ",")
        vocab = "{" + vocab + "}"
        #expect(throws: TokenizerError.self) { try Self.load(#"{"model":{"type":"BPE","vocab":"# + vocab + #","merges":[]}}"#) }
    }

    /// Truncations and byte flips of a real file: an error or a tokenizer, never a crash.
    @Test func damagedFilesNeverTrap() throws {
        let bytes = Array(try Data(contentsOf: Fixtures.url("options.tokenizer.json")))
        var rng = SeededGenerator(state: 0xDA_4A6E)  // seeded: a trap must reproduce
        var refused = 0
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 200)) {
            if (try? Tokenizer(json: JSONParser.parse(Array(bytes[..<cut])))) == nil { refused += 1 }
        }
        #expect(refused > 150)
        for _ in 0..<200 {
            var damaged = bytes
            for _ in 0..<3 { damaged[Int.random(in: 0..<damaged.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            if let tokenizer = try? Tokenizer(json: JSONParser.parse(damaged)) {
                _ = tokenizer.encode("Hello <mask> world 123 😀")
                _ = tokenizer.decode(Array(0..<50))
            }
        }
    }

    @Test func unreadableFileNamesThePath() {
        let url = URL(fileURLWithPath: "/nonexistent/tokenizer.json")
        #expect { try Tokenizer(contentsOf: url) } throws: { error in
            "\(error)".contains("/nonexistent/tokenizer.json")
        }
    }

    @Test func decodeIgnoresUnknownIds() throws {
        let tokenizer = try Fixtures.tokenizer("gpt2")
        let hello = tokenizer.encode("hello", addSpecialTokens: false)
        #expect(tokenizer.decode(hello + [UInt32.max, 99_999]) == "hello")
        #expect(tokenizer.idToToken(UInt32.max) == nil)
    }
}
