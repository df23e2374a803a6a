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
