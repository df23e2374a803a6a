import Testing
@testable import JSON

/// The writer's own digit loop must spell every integer as `String(i)` does.
@Suite struct JSONWriterIntegerTests {
    static let edges: [Int64] = [0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 49_151, 65_535, 99_999, 100_000,
                                 4_294_967_295, 9_999_999_999, 10_000_000_000, 999_999_999_999_999_999,
                                 1_000_000_000_000_000_000, Int64.max, -1, -9, -10, -100, -49_152, Int64.min + 1, Int64.min]

    @Test func intsMatchStringInit() {
        for value in Self.edges {
            var out: [UInt8] = Array("x".utf8)
            JSONWriter.writeInt(value, into: &out)
            #expect(String(decoding: out, as: UTF8.self) == "x" + String(value), "\(value)")
            #expect(JSONWriter.string(.int(value)) == String(value))
        }
        var powers: Int64 = 1
        for _ in 0..<18 {
            for value in [powers - 1, powers, powers + 1] { #expect(JSONWriter.string(.int(value)) == String(value)) }
            powers *= 10
        }
    }

    @Test func tokenIdArrays() {
        var out: [UInt8] = []
        JSONWriter.writeArray([], into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "[]")
        let ids: [UInt32] = [1, 0, 9, 10, 28_000, 49_151, UInt32.max]
        out = Array("{\"ids\":".utf8)
        JSONWriter.writeArray(ids, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "{\"ids\":[" + ids.map(String.init).joined(separator: ",") + "]")
        #expect(JSONWriter.string(.array(ids.map { .int(Int64($0)) })) == "[" + ids.map(String.init).joined(separator: ",") + "]")
    }
}

/// Strings: the 8-byte scan must find every byte that needs escaping, wherever it lies.
@Suite struct JSONWriterStringTests {
    /// The escape of one byte as Python's json.dumps(ensure_ascii=False) writes it.
    static func escaped(_ byte: UInt8) -> String {
        switch byte {
        case 0x22: #"\""#
        case 0x5C: #"\\"#
        case 0x0A: #"\n"#
        case 0x0D: #"\r"#
        case 0x09: #"\t"#
        case 0x08: #"\b"#
        case 0x0C: #"\f"#
        case 0..<0x20: "\\u00" + String(byte, radix: 16).leftPadded(2)
        default: String(decoding: [byte], as: UTF8.self)
        }
    }

    @Test func everyByteAtEveryOffset() {
        let specials: [UInt8] = Array(0..<0x20) + [0x22, 0x5C, 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x20]
        for length in [1, 7, 8, 9, 15, 16, 17, 24] {
            for at in 0..<length {
                for byte in specials {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[at] = byte
                    let text = String(decoding: bytes, as: UTF8.self)
                    let expected = "\"" + String(repeating: "a", count: at) + Self.escaped(byte)
                        + String(repeating: "a", count: length - at - 1) + "\""
                    #expect(JSONWriter.string(.string(text)) == expected, "byte \(byte) at \(at) of \(length)")
                }
            }
        }
    }

    @Test func nonASCIIPassesThrough() {
        let text = "é😀—\u{7F}\u{80}日本語 \"q\" \\ tab\tnl\n" + String(repeating: "ü", count: 20) + "\u{1}"
        let expected = "\"é😀—\u{7F}\u{80}日本語 \\\"q\\\" \\\\ tab\\tnl\\n" + String(repeating: "ü", count: 20) + "\\u0001\""
        #expect(JSONWriter.string(.string(text)) == expected)
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
