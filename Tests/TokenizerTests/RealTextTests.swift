import Foundation
import JSON
import Testing
@testable import Tokenizer

/// Real UltraFeedback prompts and responses (../shared/data): ids equal HF's, compared by count
/// and FNV-1a hash (the repository does not copy the texts). Skipped when the data is absent.
@Suite struct RealTextTests {
    static let sample = Fixtures.packageRoot
        .appendingPathComponent("../shared/data/ultrafeedback_binarized/train_prefs.jsonl").standardizedFileURL

    /// FNV-1a of the ids' little-endian bytes, as the golden scripts hash them.
    static func fnv1a64(_ ids: [UInt32]) -> String {
        fnv1a64(bytes: ids.flatMap { id in stride(from: 0, to: 32, by: 8).map { UInt8((id >> UInt32($0)) & 0xFF) } })
    }

    static func fnv1a64(bytes: some Sequence<UInt8>) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    static var hasSample: Bool { FileManager.default.fileExists(atPath: sample.path) }

    @Test(.enabled(if: hasSample, "../shared/data/ultrafeedback_binarized/train_prefs.jsonl is absent: the real-text goldens need it"),
          arguments: ["gpt2", "llama3", "qwen2", "options"])
    func idsMatchHFOnRealTexts(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        let goldens = try Fixtures.jsonLines("real-text.golden.jsonl")
        let lines = TextFiles.lines(try TextFiles.read(Self.sample))
        var checked = 0
        for golden in goldens {
            let record = try JSONParser.parse(lines[golden["line"]!.intValue! - 1])
            let text: String
            switch golden["field"]!.stringValue! {
            case "prompt": text = record["prompt"]!.stringValue!
            case let field: text = record[field]!.arrayValue!.last!["content"]!.stringValue!
            }
            let ids = tokenizer.encode(text)
            let expected = golden[name]!.arrayValue!
            #expect(ids.count == expected[0].intValue! && Self.fnv1a64(ids) == expected[1].stringValue!,
                    "line \(golden["line"]!.intValue!) \(golden["field"]!.stringValue!)")
            if name != "options" {  // options normalizes the text, so decode cannot give it back
                #expect(tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)) == text)
            }
            checked += 1
        }
        #expect(checked == 600)
    }

    /// Random Unicode, unassigned and private-use code points included: encode never fails and
    /// decode gives the text back.
    @Test(arguments: ["gpt2", "llama3"])
    func anyTextRoundTrips(_ name: String) throws {
        let tokenizer = try Fixtures.tokenizer(name)
        // Seeded, so a failing text can be reproduced.
        var rng = SeededGenerator(state: 0x5EED_0001 ^ UInt64(name.utf8.count))
        for _ in 0..<300 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &rng) {
                let range: ClosedRange<UInt32> = [0...0x7F, 0x80...0x7FF, 0x800...0xFFFF, 0x10000...0x10FFFF].randomElement(using: &rng)!
                if let s = Unicode.Scalar(UInt32.random(in: range, using: &rng)) { scalars.append(s) }
            }
            let text = String(scalars)
            #expect(tokenizer.decode(tokenizer.encode(text, addSpecialTokens: false)) == text)
        }
    }
}
