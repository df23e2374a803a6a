import Foundation
import JSON
import Testing
@testable import Tokenizer

/// The trainer against HF's `BpeTrainer` on the committed sample: the same vocabulary (token
/// and id) and the same merges in the same order.
@Suite struct TrainerTests {
    struct Case: Sendable, CustomStringConvertible {
        var fixture: String
        var options: BPETrainingOptions
        var description: String { fixture }
    }

    static let cases = [
        Case(fixture: "gpt2", options: BPETrainingOptions(vocabSize: 1200, specialTokens: ["<|endoftext|>"])),
        Case(fixture: "llama3", options: BPETrainingOptions(vocabSize: 1500, preTokenizer: .llama3)),
        Case(fixture: "qwen2", options: BPETrainingOptions(vocabSize: 1300, preTokenizer: .qwen2, nfc: true)),
        Case(fixture: "minfreq", options: BPETrainingOptions(vocabSize: 100_000, minFrequency: 60,
                                                             specialTokens: ["<pad>", "<eos>"])),
    ]

    static func vocabAndMerges(_ json: JSONValue) -> ([String], [String]) {
        let vocab = json["model"]!["vocab"]!.objectValue!.pairs.map { "\($0.0)=\($0.1.intValue!)" }
        let merges = json["model"]!["merges"]!.arrayValue!.map { pair in
            pair.arrayValue!.map { $0.stringValue! }.joined(separator: " ")
        }
        return (vocab, merges)
    }

    @Test(arguments: cases)
    func trainsWhatHFTrains(_ c: Case) throws {
        let trainer = try BPETrainer(options: c.options)
        trainer.feed(try Fixtures.sampleLines())
        let trained = try trainer.train()
        let (vocab, merges) = Self.vocabAndMerges(try JSONParser.parse(trained.serialized()))
        let (hfVocab, hfMerges) = Self.vocabAndMerges(try Fixtures.json("\(c.fixture).tokenizer.json"))
        #expect(merges.count == hfMerges.count)
        if let i = merges.indices.first(where: { $0 < hfMerges.count && merges[$0] != hfMerges[$0] }) {
            Issue.record("first differing merge #\(i): pref \(merges[i].debugDescription), HF \(hfMerges[i].debugDescription)")
        }
        #expect(vocab == hfVocab)
        if !c.options.specialTokens.isEmpty {
            for (i, special) in c.options.specialTokens.enumerated() {
                #expect(trained.tokenToId(special) == UInt32(i))
                #expect(trained.isSpecial(UInt32(i)))
            }
        }
    }

    /// A trained tokenizer encodes the sample losslessly and never splits its special tokens.
    @Test func trainedTokenizerRoundTrips() throws {
        let trainer = try BPETrainer(options: BPETrainingOptions(vocabSize: 600, specialTokens: ["<|endoftext|>"],
                                                                 preTokenizer: .llama3))
        let lines = try Fixtures.sampleLines()
        trainer.feed(Array(lines.prefix(500)))
        let tokenizer = try trainer.train()
        #expect(tokenizer.vocabSize == 600)
        for line in lines.prefix(200) {
            #expect(tokenizer.decode(tokenizer.encode(line)) == line)
        }
        #expect(tokenizer.encode("a<|endoftext|>b", addSpecialTokens: false).contains(0))
    }

    @Test func maxTokenLengthBoundsTokens() throws {
        let trainer = try BPETrainer(options: BPETrainingOptions(vocabSize: 800, maxTokenLength: 4))
        trainer.feed(try Fixtures.sampleLines())
        let tokenizer = try trainer.train()
        for id in 0..<UInt32(tokenizer.vocabSize) {
            let bytes = ByteLevel.bytes(ofToken: tokenizer.idToToken(id)!)!
            #expect(bytes.count < 4, "\(tokenizer.idToToken(id)!)")
        }
    }
}
