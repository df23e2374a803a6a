import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Real texts from ../shared/data through the SentencePiece layouts, and the real SmolLM2
/// tokenizer from ../shared/data: id counts and hashes of ids and decodes equal HF's
/// (scripts/spm-tokenizer-golden.py; the repository copies neither texts nor that tokenizer).
@Suite struct SentencePieceRealTextTests {
    static let data = Fixtures.packageRoot.appendingPathComponent("../shared/data").standardizedFileURL
    static let testPrefs = data.appendingPathComponent("ultrafeedback_binarized/test_prefs.jsonl")
    static let smolLM2 = data.appendingPathComponent("smollm2-135m-instruct/tokenizer.json")
    static let haveTexts = FileManager.default.fileExists(atPath: testPrefs.path)
    static let haveSmolLM2 = haveTexts && FileManager.default.fileExists(atPath: smolLM2.path)

    /// The text a golden record names: its own `text`, or a field of a test_prefs row.
    static func text(of golden: JSONValue, rows: [JSONValue]) -> String {
        if let text = golden["text"]?.stringValue { return text }
        let record = rows[golden["row"]!.intValue!]
        switch golden["field"]!.stringValue! {
        case "prompt": return record["prompt"]!.stringValue!
        case let field: return record[field]!.arrayValue!.last!["content"]!.stringValue!
        }
    }

    /// Compares [count, id hash, decode hash] for every golden record; returns how many matched.
    static func check(_ tokenizer: Tokenizer, _ goldenFile: String, key: String) throws -> Int {
        let rows = try TextFiles.lines(TextFiles.read(testPrefs)).map { try JSONParser.parse($0) }
        var matched = 0
        for golden in try Fixtures.jsonLines(goldenFile) {
            let text = text(of: golden, rows: rows)
            let expected = golden[key]!.arrayValue!
            let ids = tokenizer.encode(text)
            let decoded = tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false))
            let same = ids.count == expected[0].intValue! && RealTextTests.fnv1a64(ids) == expected[1].stringValue!
            let sameDecode = RealTextTests.fnv1a64(bytes: decoded.utf8) == expected[2].stringValue!
            #expect(same, "\(key) ids: \(text.prefix(80).debugDescription)")
            #expect(sameDecode, "\(key) decode: \(text.prefix(80).debugDescription)")
            if same && sameDecode { matched += 1 }
        }
        return matched
    }

    @Test(.enabled(if: haveTexts, "../shared/data/ultrafeedback_binarized/test_prefs.jsonl is absent"),
          arguments: GoldenEncodeTests.sentencePiece)
    func idsAndDecodesMatchHFOnRealTexts(_ name: String) throws {
        let key = String(name.dropFirst("spm-".count))
        #expect(try Self.check(Fixtures.tokenizer(name), "spm-real-text.golden.jsonl", key: key) == 600)
    }

    /// SmolLM2-135M-Instruct's byte-level tokenizer: edge cases and real texts.
    @Test(.enabled(if: haveSmolLM2, "../shared/data/smollm2-135m-instruct or test_prefs.jsonl is absent"))
    func smolLM2MatchesHF() throws {
        let tokenizer = try Tokenizer(contentsOf: Self.smolLM2)
        #expect(tokenizer.vocabSize == 49_152)
        #expect(try Self.check(tokenizer, "smollm2.golden.jsonl", key: "smollm2") == 890)
    }
}
