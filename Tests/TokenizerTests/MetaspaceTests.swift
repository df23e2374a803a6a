import JSON
import Testing
@testable import Tokenizer

/// Metaspace pre-tokenization on hand-picked strings. Expected pieces checked with HF
/// `tokenizers` 0.23.3 (`pre_tokenizers.Metaspace(...).pre_tokenize_str(text)`, and the legacy
/// JSON loaded through `Tokenizer.from_str`).
@Suite struct MetaspaceTests {
    static func pieces(_ json: String, _ text: String) throws -> [String] {
        let preTokenizer = try PreTokenizer(json: JSONParser.parse(json))
        var out: [String] = []
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBufferPointer { buffer in
            preTokenizer.run(UnsafeBufferPointer(buffer)) { out.append(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    /// split: true merges each ▁ with what follows it.
    @Test(arguments: [
        ("", []), (" ", ["▁"]), ("▁", ["▁"]), ("a▁▁b", ["▁a", "▁", "▁b"]), ("hello▁", ["▁hello", "▁"]),
        ("▁▁x", ["▁", "▁x"]), (" a  b ", ["▁a", "▁", "▁b", "▁"]), ("\ta\nb", ["▁\ta\nb"]),
    ] as [(String, [String])])
    func splitsBeforeEachReplacement(_ text: String, _ expected: [String]) throws {
        #expect(try Self.pieces(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":true}"#, text) == expected)
    }

    /// The legacy form with only add_prefix_space reads as prepend_scheme always, split true.
    @Test func legacyAddPrefixSpace() throws {
        let text = "  hi  there▁x "
        #expect(try Self.pieces(#"{"type":"Metaspace","replacement":"▁","add_prefix_space":true}"#, text)
                == ["▁", "▁hi", "▁", "▁there", "▁x", "▁"])
        #expect(try Self.pieces(#"{"type":"Metaspace","replacement":"▁","prepend_scheme":"first","split":false}"#, text)
                == ["▁▁hi▁▁there▁x▁"])
    }
}
