import Foundation
import JSON
import Testing
@testable import Tokenizer

/// The hand-written scanners and the general regex path against HF's own `Split` (Oniguruma)
/// on fuzz strings drawn from the characters where the patterns branch, plus the edge corpus.
@Suite struct PreTokenizerTests {
    static let patterns: [String: String] = [
        "gpt2": PatternScanner.gpt2Pattern,
        "llama3": PatternScanner.llama3Pattern,
        "qwen2": PatternScanner.qwen2Pattern,
    ]

    static func pieces(_ splitter: Splitter, _ text: String) -> [String] {
        let pre = PreTokenizer(steps: [.split(splitter, .isolated, invert: false)], byteLevel: false)
        var out: [String] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            pre.run(UnsafeBufferPointer(buffer)) { out.append(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    static func records(_ pattern: String) throws -> [(String, [String])] {
        try Fixtures.jsonLines("pretokenizer-splits.jsonl")
            .filter { $0["pattern"]?.stringValue == pattern }
            .map { ($0["text"]!.stringValue!, $0["pieces"]!.arrayValue!.map { $0.stringValue! }) }
    }

    @Test(arguments: ["gpt2", "llama3", "qwen2"])
    func scannerSplitsLikeOniguruma(_ name: String) throws {
        let scanner = try #require(PatternScanner.forPattern(Self.patterns[name]!))
        let records = try Self.records(name)
        #expect(records.count > 500)
        for (text, expected) in records {
            #expect(Self.pieces(.scanner(scanner), text) == expected, "\(name): \(text.debugDescription)")
        }
    }

    /// The general path on the same patterns: shows it agrees where the scanners are proven.
    @Test(arguments: ["gpt2", "llama3", "qwen2"])
    func regexPathSplitsLikeOniguruma(_ name: String) throws {
        let regex = try RegexMatcher(pattern: Self.patterns[name]!)
        var mismatches: [String] = []
        for (text, expected) in try Self.records(name) where Self.pieces(.regex(regex), text) != expected {
            mismatches.append(text)
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) differ, first: \(mismatches.first?.debugDescription ?? "")")
    }

    /// GPT-4o's pattern has no scanner: only the general path runs it.
    @Test func generalRegexSplitsO200kLikeOniguruma() throws {
        let pattern = try #require(Fixtures.json("o200k.tokenizer.json")["pre_tokenizer"]?["pretokenizers"]?
            .arrayValue?.first?["pattern"]?["Regex"]?.stringValue)
        #expect(PatternScanner.forPattern(pattern) == nil)
        let regex = try RegexMatcher(pattern: pattern)
        for (text, expected) in try Self.records("o200k") {
            #expect(Self.pieces(.regex(regex), text) == expected, "\(text.debugDescription)")
        }
    }

    /// Oniguruma folds `ſ` (U+017F) to `s` under `(?i:...)`: Llama 3 and Qwen2 keep "'ſ" whole,
    /// GPT-2's case-sensitive pattern does not.
    @Test func caseInsensitiveContractionsFoldLongS() {
        #expect(Self.pieces(.scanner(PatternScanner(.cl100k(maxDigits: 3))), "'ſx") == ["'ſ", "x"])
        #expect(Self.pieces(.scanner(PatternScanner(.gpt2)), "'ſx") == ["'", "ſx"])
        #expect(Self.pieces(.scanner(PatternScanner(.cl100k(maxDigits: 3))), "'RE'Ll") == ["'RE", "'Ll"])
    }

    /// Digit runs: `\p{N}{1,3}` for Llama 3, one digit for Qwen2, whole runs for GPT-2.
    @Test func digitGrouping() {
        #expect(Self.pieces(.scanner(PatternScanner(.cl100k(maxDigits: 3))), "1234567") == ["123", "456", "7"])
        #expect(Self.pieces(.scanner(PatternScanner(.cl100k(maxDigits: 1))), "123") == ["1", "2", "3"])
        #expect(Self.pieces(.scanner(PatternScanner(.gpt2)), "a 1234567") == ["a", " 1234567"])
    }

    @Test func splitBehaviours() {
        func run(_ behavior: SplitBehavior, invert: Bool = false) -> [String] {
            let pre = PreTokenizer(steps: [.split(.literal(Array("-".utf8)), behavior, invert: invert)], byteLevel: false)
            var out: [String] = []
            var bytes = Array("the-final--countdown".utf8)
            bytes.withUnsafeMutableBufferPointer { b in pre.run(UnsafeBufferPointer(b)) { out.append(String(decoding: $0, as: UTF8.self)) } }
            return out
        }
        // HF's documented examples for NormalizedString::split.
        #expect(run(.removed) == ["the", "final", "countdown"])
        #expect(run(.isolated) == ["the", "-", "final", "-", "-", "countdown"])
        #expect(run(.mergedWithPrevious) == ["the-", "final-", "-", "countdown"])
        #expect(run(.mergedWithNext) == ["the", "-final", "-", "-countdown"])
        #expect(run(.contiguous) == ["the", "-", "final", "--", "countdown"])
        #expect(run(.removed, invert: true) == ["-", "-", "-"])
    }
}
