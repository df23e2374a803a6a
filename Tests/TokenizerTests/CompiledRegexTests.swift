import Foundation
import JSON
import Testing
@testable import Tokenizer

/// The load-time regex compiler against HF's own `Split` (Oniguruma): patterns that use every
/// piece of syntax it accepts (scripts/regex-split-golden.py), the real tokenizer patterns, and
/// the patterns it must leave to the general engine.
@Suite struct CompiledRegexTests {
    static func pieces(_ regex: CompiledRegex, _ text: String) -> [String] {
        PreTokenizerTests.pieces(.compiled(regex), text)
    }

    /// name -> (regex, [(text, pieces)]) from regex-splits.jsonl.
    static func goldenPatterns() throws -> [String: (String, [(String, [String])])] {
        var out: [String: (String, [(String, [String])])] = [:]
        for record in try Fixtures.jsonLines("regex-splits.jsonl") {
            let name = record["pattern"]!.stringValue!
            if let regex = record["regex"]?.stringValue {
                out[name] = (regex, [])
            } else {
                out[name]!.1.append((record["text"]!.stringValue!, record["pieces"]!.arrayValue!.map { $0.stringValue! }))
            }
        }
        return out
    }

    @Test func splitsLikeOnigurumaOnEverySyntax() throws {
        let patterns = try Self.goldenPatterns()
        #expect(patterns.count >= 12)
        for (name, (pattern, records)) in patterns.sorted(by: { $0.key < $1.key }) {
            let regex = try #require(CompiledRegex(pattern: pattern), "\(name) should compile")
            #expect(records.count > 300)
            var mismatches = 0
            for (text, expected) in records where Self.pieces(regex, text) != expected {
                mismatches += 1
                if mismatches <= 3 {
                    Issue.record("\(name): \(text.debugDescription)\n  HF:   \(expected)\n  pref: \(Self.pieces(regex, text))")
                }
            }
            #expect(mismatches == 0, "\(name): \(mismatches) of \(records.count) differ")
        }
    }

    /// The patterns the hand-written scanners cover, and GPT-4o's, through the compiler.
    @Test(arguments: ["gpt2", "llama3", "qwen2", "o200k"])
    func compilesRealTokenizerPatterns(_ name: String) throws {
        let pattern = name == "o200k"
            ? try #require(Fixtures.json("o200k.tokenizer.json")["pre_tokenizer"]?["pretokenizers"]?.arrayValue?.first?["pattern"]?["Regex"]?.stringValue)
            : PreTokenizerTests.patterns[name]!
        let regex = try #require(CompiledRegex(pattern: pattern))
        let records = try PreTokenizerTests.records(name)
        #expect(records.count > 500)
        for (text, expected) in records {
            #expect(Self.pieces(regex, text) == expected, "\(name): \(text.debugDescription)")
        }
    }

    /// Syntax whose Oniguruma meaning the compiler does not model stays with the general engine.
    @Test(arguments: [
        #"\d+"#, #"\w+"#, #"\bx"#, #"^a"#, #"a$"#, #"(?i:ss)"#, #"(?i:\x53t)"#, #"(?i:é)"#, #"(?i:[a-z])"#,
        #"(?i:\p{L})"#, #"a*"#, #"(a|b?)+"#, #"(?:)"#, #"[[:alpha:]]"#, #"[a-z&&[^x]]"#, #"\p{Han}"#,
        #"x{2}+"#, #"a**"#, #"(?m:a)"#, #"(a)\1"#, #"[^\S]"#, #"a{3,2}"#, #"a{x}"#,
    ])
    func leavesUnmodelledSyntaxToTheGeneralEngine(_ pattern: String) throws {
        #expect(CompiledRegex(pattern: pattern) == nil)
        let json = try JSONParser.parse(#"{"type": "Split", "pattern": {"Regex": "\#(pattern.replacingOccurrences(of: "\\", with: "\\\\"))"}, "behavior": "Isolated"}"#)
        if let pre = try? PreTokenizer(json: json), case .split(let splitter, _, _) = pre.steps[0] {
            if case .compiled = splitter { Issue.record("\(pattern) was compiled") }
        }
    }

    /// A real layout of several Split regexes: every one is compiled, none falls back.
    @Test func multiSplitTokenizerCompilesEverySplit() throws {
        let tokenizer = try Fixtures.tokenizer("multisplit")
        var compiled = 0
        for step in tokenizer.preTokenizer.steps {
            guard case .split(let splitter, _, _) = step else { continue }
            if case .compiled = splitter { compiled += 1 } else { Issue.record("a Split was not compiled") }
        }
        #expect(compiled == 3)
    }

    /// Long runs backtrack a scalar at a time, never a frame per scalar per attempt.
    @Test func longRunsStayLinear() throws {
        let regex = try #require(CompiledRegex(pattern: #"\s*[\r\n]+|\s+(?!\S)|\s+|[^\s]+"#))
        let text = String(repeating: " ", count: 200_000) + "x"
        let clock = ContinuousClock()
        // The last space goes alone: `\s+(?!\S)` stops before it, `\s+` takes it.
        let elapsed = clock.measure { #expect(Self.pieces(regex, text).count == 3) }
        #expect(elapsed < .seconds(2))
    }
}
