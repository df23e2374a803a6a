import JSON
import Testing
@testable import Tokenizer

/// Decoder steps on hand-picked token strings. Expected values checked with HF `tokenizers`
/// 0.23.3 (`decoders.X(...).decode(tokens)`).
@Suite struct DecoderTests {
    static func decoder(_ json: String) throws -> TokenDecoder {
        try TokenDecoder(json: JSONParser.parse(json))
    }

    /// A run of byte tokens that is not valid UTF-8 gives one U+FFFD per byte, even for bytes
    /// that are valid alone; `+F` and lowercase digits parse as Rust's from_str_radix reads them.
    @Test func byteFallbackAssemblesRuns() throws {
        let decoder = try Self.decoder(#"{"type":"ByteFallback"}"#)
        let tokens = ["<0x41>", "<0xE2>", "<0x82>", "x", "<0xE2>", "<0x82>", "<0xAC>", "<0x+F>", "<0x0a>", "<0xZZ>", "<0xC3>"]
        #expect(decoder.decode(tokens) == "\u{FFFD}\u{FFFD}\u{FFFD}x€\u{0F}\n<0xZZ>\u{FFFD}")
    }

    @Test func metaspaceDropsEveryReplacementOfTheFirstToken() throws {
        let always = try Self.decoder(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"always","split":true}"#)
        #expect(always.decode(["▁▁a", "▁b▁", "c"]) == "a b c")
        #expect(always.decode(["▁", "▁x"]) == " x")
        let never = try Self.decoder(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"never","split":true}"#)
        #expect(never.decode(["▁a", "▁b"]) == " a b")
        let first = try Self.decoder(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}"#)
        #expect(first.decode(["a▁", "▁b"]) == "a b")
    }

    /// Strip works on each token, so before Fuse it strips every token.
    @Test func stripIsPerToken() throws {
        let strip = try Self.decoder(#"{"type":"Strip","content":" ","start":1,"stop":0}"#)
        #expect(strip.decode(["  a ", " b"]) == " a b")
        let fused = try Self.decoder(#"{"type":"Sequence","decoders":[{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]}"#)
        #expect(fused.decode(["  a ", " b"]) == " a  b")
    }

    @Test func replaceIsLeftmostNonOverlapping() throws {
        let replace = try Self.decoder(#"{"type":"Replace","pattern":{"String":"▁"},"content":" "}"#)
        #expect(replace.decode(["▁a▁", "b"]) == " a b")
        let normalizer = try Normalizer(json: JSONParser.parse(#"{"type":"Replace","pattern":{"String":"aa"},"content":"b"}"#))
        #expect(normalizer.apply("aaa aaaa") == "ba bb")
        let prepend = try Normalizer(json: JSONParser.parse(#"{"type":"Prepend","prepend":"▁"}"#))
        #expect(prepend.apply("") == "" && prepend.apply("a") == "▁a")
    }
}
