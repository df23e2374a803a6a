import Foundation
import JSON
import Testing
@testable import Tokenizer

@Suite struct TextFilesAndInfoTests {
    /// `pref tokenizer encode` lines: split on the "\n" byte only, so "\r\n" keeps its "\r"
    /// (as Characters, "\r\n" is one grapheme and a naive split misses it).
    @Test func linesSplitOnNewlineBytes() {
        #expect(TextFiles.lines("a\r\nb\n\nc") == ["a\r", "b", "", "c"])
        #expect(TextFiles.lines("a\n") == ["a"])
        #expect(TextFiles.lines("") == [])
        #expect(TextFiles.lines("\n") == [""])
    }

    /// Training lines keep their endings, as HF's `train(files)` reads them.
    @Test func linesWithEndingsLikeHF() throws {
        #expect(TextFiles.linesWithEndings("a\r\nb\n\nc") == ["a\r\n", "b\n", "\n", "c"])
        #expect(TextFiles.linesWithEndings("x\u{301}\ny") == ["x\u{301}\n", "y"])
        let sample = try TextFiles.read(Fixtures.url("sample.txt"))
        let lines = TextFiles.linesWithEndings(sample)
        #expect(lines.joined() == sample)
        #expect(lines.count == sample.utf8.filter { $0 == 0x0A }.count + (sample.hasSuffix("\n") ? 0 : 1))
    }

    @Test func invalidUTF8NamesTheOffset() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-bad-\(UUID()).txt")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data([0x61, 0x62, 0xC3, 0x28]).write(to: url)
        #expect { try TextFiles.read(url) } throws: { "\($0)".contains("invalid UTF-8 at byte 2") }
    }

    @Test func specialTokensFromThePostProcessorOrNames() throws {
        let llama = try Fixtures.tokenizer("llama3")  // template "<|begin_of_text|> $A"
        #expect(llama.specialTokens.bos == llama.tokenToId("<|begin_of_text|>"))
        #expect(llama.specialTokens.eos == llama.tokenToId("<|end_of_text|>"))
        let options = try Fixtures.tokenizer("options")  // "<s> $A </s>"
        #expect(options.specialTokens == SpecialTokenIds(bos: 1200, eos: 1201, pad: nil))
        let qwen = try Fixtures.tokenizer("qwen2")
        #expect(qwen.specialTokens.bos == qwen.tokenToId("<|im_start|>"))
        #expect(qwen.specialTokens.eos == qwen.tokenToId("<|endoftext|>"))
    }

    @Test func tokenizerConfigNamesTheRoles() throws {
        let config = try JSONParser.parse(#"{"bos_token": null, "eos_token": {"content": "<|im_end|>"}, "pad_token": "<|endoftext|>"}"#)
        let qwen = try Tokenizer(json: Fixtures.json("qwen2.tokenizer.json"), tokenizerConfig: config)
        #expect(qwen.specialTokens == SpecialTokenIds(bos: nil, eos: qwen.tokenToId("<|im_end|>"), pad: qwen.tokenToId("<|endoftext|>")))
        let wrong = try JSONParser.parse(#"{"eos_token": "<missing>"}"#)
        #expect(throws: TokenizerError.self) { try Tokenizer(json: Fixtures.json("qwen2.tokenizer.json"), tokenizerConfig: wrong) }
    }

    @Test func lookupsAndInfo() throws {
        let tokenizer = try Fixtures.tokenizer("llama3")
        #expect(tokenizer.vocabSize == 1507)
        #expect(tokenizer.idToToken(1506) == "<|eot_id|>")
        #expect(tokenizer.tokenToId("Ġthe").map { tokenizer.idToToken($0) } == "Ġthe")
        #expect(tokenizer.isSpecial(1500) && !tokenizer.isSpecial(0))
        let info = tokenizer.info
        #expect(info.modelTokens == 1500 && info.addedTokens.count == 7 && info.byteLevel && info.ignoreMerges)
        #expect(info.prefix == [1500] && info.suffix.isEmpty)
        #expect(info.text.contains("bos / eos / pad  1500 / 1501 / -"))
        #expect(info.json["vocab_size"]?.intValue == 1507)
    }

    @Test func encodeReportFigures() {
        let report = EncodeReport(lines: 2, bytes: 2_000_000, tokens: 500_000, threads: 1, seconds: 0.5)
        #expect(report.tokensPerSecond == 1_000_000 && report.megabytesPerSecond == 4)
        #expect(report.text.contains("1000000 tokens/s, 4.00 MB/s"))
    }
}
