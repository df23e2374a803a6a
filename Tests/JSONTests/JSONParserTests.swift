import Testing
@testable import JSON

@Suite struct JSONParserTests {
    @Test func parsesNestedDocumentsInOrder() throws {
        let v = try JSONParser.parse(#"{"b": [1, -2, 3.5, 1e3, true, null], "a": {"x": "y"}, "c": -0}"#)
        #expect(v.objectValue?.keys == ["b", "a", "c"])
        #expect(v["b"] == .array([.int(1), .int(-2), .double(3.5), .double(1000), .bool(true), .null]))
        #expect(v["a"]?["x"]?.stringValue == "y")
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""tab\there \"q\" \u00e9 \ud83d\ude00 \/""#)
        #expect(v.stringValue == "tab\there \"q\" é 😀 /")
    }

    @Test func keepsRawNonASCII() throws {
        #expect(try JSONParser.parse("\"日本語 🎉\"").stringValue == "日本語 🎉")
    }

    @Test func acceptsPythonNonFiniteLiterals() throws {
        let v = try JSONParser.parse("[NaN, Infinity, -Infinity]")
        let a = try #require(v.arrayValue)
        #expect(a[0].doubleValue?.isNaN == true)
        #expect(a[1].doubleValue == .infinity)
        #expect(a[2].doubleValue == -.infinity)
    }

    @Test func bigIntegersBecomeDoubles() throws {
        #expect(try JSONParser.parse("9223372036854775807") == .int(Int64.max))
        #expect(try JSONParser.parse("-9223372036854775808") == .int(Int64.min))
        #expect(try JSONParser.parse("9223372036854775808") == .double(9223372036854775808))
    }

    @Test func duplicateKeysLastWins() throws {
        let v = try JSONParser.parse(#"{"a": 1, "b": 2, "a": 3}"#)
        #expect(v.objectValue?.keys == ["a", "b"])
        #expect(v["a"] == .int(3))
        let many = "{" + (0..<40).map { "\"k\($0 % 20)\": \($0)" }.joined(separator: ",") + "}"
        let big = try JSONParser.parse(many)
        #expect(big.objectValue?.count == 20)
        #expect(big["k3"] == .int(23))
    }

    /// Python's json keeps "é" (U+00E9) and "e\u0301" apart: they differ in code points.
    @Test(arguments: [2, 40])
    func canonicallyEquivalentKeysStayApart(filler: Int) throws {
        let others = (0..<filler).map { "\"k\($0)\": \($0)" }
        let text = "{" + (others + [#""\#u{E9}": 1"#, #""e\#u{301}": 2"#, #""\#u{E9}": 3"#]).joined(separator: ",") + "}"
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == filler + 2)
        #expect(Array(object.keys.suffix(2).map { Array($0.utf8) }) == [[0xC3, 0xA9], [0x65, 0xCC, 0x81]])
        #expect(Array(object.values.suffix(2)) == [.int(3), .int(2)])
    }

    @Test(arguments: [
        ("{\"a\": 1", 7, "unexpected end of input"),
        ("[1, 2,]", 6, "expected a value"),
        ("{\"a\" 1}", 5, "expected ':'"),
        ("\"abc", 0, "unterminated string"),
        ("01", 0, "leading zero"),
        ("[1] x", 4, "after the JSON value"),
        ("\"\\ud800\"", 1, "lone high surrogate"),
        ("\"\\x\"", 1, "invalid escape"),
        ("tru", 0, "invalid literal"),
        ("1.", 0, "no digits after"),
    ])
    func reportsErrorOffsets(input: String, offset: Int, fragment: String) {
        do {
            _ = try JSONParser.parse(input)
            Issue.record("expected an error for \(input)")
        } catch {
            #expect(error.offset == offset, "\(input): \(error)")
            #expect(error.message.contains(fragment), "\(input): \(error)")
        }
    }

    @Test func rejectsInvalidUTF8WithOffset() {
        let bytes: [UInt8] = Array("\"ab".utf8) + [0xC3, 0x28] + Array("\"".utf8)
        #expect(throws: JSONError(offset: 3, message: "invalid UTF-8 byte 0xC3")) { try JSONParser.parse(bytes) }
        let overlong: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]
        #expect(throws: JSONError.self) { try JSONParser.parse(overlong) }
        let surrogate: [UInt8] = [0x22, 0xED, 0xA0, 0x80, 0x22]
        #expect(throws: JSONError.self) { try JSONParser.parse(surrogate) }
    }

    /// Long strings mixing plain runs (longer than the 8-byte fast scan), escapes and raw
    /// multi-byte characters in every order: the decoded text must equal what was encoded,
    /// and a bad byte placed after escapes must be reported at its own offset.
    @Test func decodesLongMixedStrings() throws {
        let pieces: [(json: String, text: String)] = [
            ("\\n", "\n"), ("\\\"", "\""), ("\\\\", "\\"), ("\\u00e9", "é"), ("\\ud83d\\ude00", "😀"),
            ("é", "é"), ("日本", "日本"), ("🎉", "🎉"), ("\t", "\t"),
        ]
        var seed: UInt64 = 0x5eed
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(n))
        }
        for _ in 0..<400 {
            var json = "", text = ""
            for _ in 0..<next(12) {
                let run = String(repeating: "abcdefghij klmnop", count: 3).prefix(next(40))
                json += run
                text += run
                let piece = pieces[next(pieces.count)]
                json += piece.json
                text += piece.text
            }
            let parsed = try JSONParser.parse("\"" + json + "\"")
            #expect(parsed.stringValue == text, "\(json)")
            var bytes = Array(("\"" + json).utf8)
            let bad = bytes.count
            bytes += [0xFF] + Array("tail\"".utf8)
            #expect(throws: JSONError(offset: bad, message: "invalid UTF-8 byte 0xFF")) { try JSONParser.parse(bytes) }
        }
    }

    @Test func limitsNestingDepth() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try JSONParser.parse(deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        // 100 levels parse, and parse to 100 nested arrays (not an error swallowed into nil).
        var value = try JSONParser.parse(ok), depth = 0
        while let items = value.arrayValue {
            depth += 1
            guard let first = items.first else { break }
            value = first
        }
        #expect(depth == 100)
    }

    @Test func writerRoundTrips() throws {
        let text = #"{"s":"a\"b\\c\n\u0001é😀","n":[1,-2.5,null,false],"o":{}}"#
        let v = try JSONParser.parse(text)
        #expect(JSONWriter.string(v) == text)
        #expect(try JSONParser.parse(JSONWriter.string(v)) == v)
    }
}
