import Foundation
import Testing
@testable import Train

/// Crafted GGUF files: every lie about a count, length, type or offset ends in a `GGUFError`
/// naming the byte offset, never a trap or a giant allocation.
@Suite struct GGUFHostileFileTests {
    typealias W = GGUFWriter

    /// A small valid file using every metadata value type and two tensors.
    static func valid() -> GGUFWriter {
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .string("llama")),
            ("general.alignment", .u32(32)),
            ("t.u8", .u8(200)), ("t.i8", .i8(-5)), ("t.u16", .u16(60000)), ("t.i16", .i16(-300)),
            ("t.u32", .u32(4_000_000_000)), ("t.i32", .i32(-7)), ("t.u64", .u64(1 << 40)), ("t.i64", .i64(-(1 << 40))),
            ("t.f32", .f32(1.5)), ("t.f64", .f64(-2.25)), ("t.bool", .bool(true)), ("t.string", .string("héllo")),
            ("t.strings", .array(type: 8, [.string("a"), .string("bc")])),
            ("t.nested", .array(type: 9, [.array(type: 4, [.u32(1), .u32(2)]), .array(type: 4, [])])),
        ]
        var q8 = [UInt8](repeating: 0, count: 34)
        q8[0] = 0x00; q8[1] = 0x3C  // d = 1.0
        for j in 0..<32 { q8[2 + j] = UInt8(bitPattern: Int8(j - 16)) }
        w.tensors = [
            W.f32("a.weight", [4, 2], (0..<8).map(Float.init)),
            W.Tensor(name: "b.weight", dimensions: [32], type: 8, data: q8),
        ]
        return w
    }

    static func parse(_ bytes: [UInt8]) throws(GGUFError) -> GGUFFile {
        try GGUFFile(data: Data(bytes), path: "crafted.gguf")
    }

    /// Expects a clean error whose message contains `fragment` (and, if given, at `offset`).
    static func expectFailure(_ w: GGUFWriter, _ fragment: String, at offset: Int? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        expectFailure(w.bytes(), fragment, at: offset, sourceLocation: sourceLocation)
    }

    static func expectFailure(_ bytes: [UInt8], _ fragment: String, at offset: Int? = nil,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try parse(bytes)
            Issue.record("parsed, expected an error containing \"\(fragment)\"", sourceLocation: sourceLocation)
        } catch {
            #expect(error.path == "crafted.gguf", sourceLocation: sourceLocation)
            #expect(error.description.contains(fragment), "\(error)", sourceLocation: sourceLocation)
            #expect(error.offset >= 0 && error.offset <= bytes.count, "\(error)", sourceLocation: sourceLocation)
            if let offset { #expect(error.offset == offset, "\(error)", sourceLocation: sourceLocation) }
        }
    }

    @Test func validFileReadsEveryValueType() throws {
        let file = try Self.parse(Self.valid().bytes())
        #expect(file.version == 3)
        #expect(file.alignment == 32)
        #expect(file["t.u8"] == .uint8(200) && file["t.i8"] == .int8(-5) && file["t.u16"] == .uint16(60000))
        #expect(file["t.i16"] == .int16(-300) && file["t.u32"] == .uint32(4_000_000_000) && file["t.i32"] == .int32(-7))
        #expect(file["t.u64"] == .uint64(1 << 40) && file["t.i64"] == .int64(-(1 << 40)))
        #expect(file["t.f32"] == .float32(1.5) && file["t.f64"] == .float64(-2.25) && file["t.bool"] == .bool(true))
        #expect(file["t.string"]?.stringValue == "héllo")
        #expect(file["t.strings"] == .array(.string, [.string("a"), .string("bc")]))
        #expect(file["t.nested"] == .array(.array, [.array(.uint32, [.uint32(1), .uint32(2)]), .array(.uint32, [])]))
        #expect(file.metadata.map(\.key).first == "general.architecture")
        let a = try #require(file.tensor(named: "a.weight"))
        #expect(a.shape == [2, 4] && a.type == .f32 && a.byteCount == 32)
        #expect(try file.floats(a) == (0..<8).map(Float.init))
        let b = try #require(file.tensor(named: "b.weight"))
        #expect(b.offset == 32 && b.byteCount == 34)
        #expect(try file.floats(b) == (0..<32).map { Float($0 - 16) })
        #expect(file.dataOffset % 32 == 0)
    }

    @Test func everyTruncationFailsCleanly() {
        let bytes = Self.valid().bytes()
        for length in 0..<bytes.count {
            do {
                _ = try Self.parse(Array(bytes[0..<length]))
                Issue.record("a file cut to \(length) of \(bytes.count) bytes parsed")
            } catch {
                #expect(error.offset <= length, "cut at \(length): \(error)")
            }
        }
    }

    @Test func badMagicAndVersions() {
        var w = Self.valid()
        w.magic = Array("GGUG".utf8)
        Self.expectFailure(w, "not a GGUF file", at: 0)
        for (version, hint) in [(UInt32(1), "version 1"), (4, "version 4"), (UInt32(3).byteSwapped, "big-endian")] {
            w = Self.valid()
            w.version = version
            Self.expectFailure(w, hint, at: 4)
        }
        w = Self.valid()
        w.version = 2
        #expect((try? Self.parse(w.bytes()))?.version == 2)
    }

    @Test func hugeCountsAreRefusedBeforeAllocating() {
        for count in [UInt64.max, 1 << 40, 1 << 20] {
            var w = Self.valid()
            w.tensorCount = count
            Self.expectFailure(w, "tensor count is \(count)", at: 8)
            w = Self.valid()
            w.keyValueCount = count
            Self.expectFailure(w, "key/value count is \(count)", at: 16)
        }
        // A count that fits the file's size but not its contents runs out of bytes instead.
        var w = Self.valid()
        w.keyValueCount = UInt64(w.metadata.count + 1)
        Self.expectFailure(w, "crafted.gguf: byte ")
    }

    @Test(arguments: [UInt64.max, 1 << 62, 1 << 30, 1000])
    func hugeStringLengths(length: UInt64) {
        var w = Self.valid()
        w.metadata.append(("t.lie", .rawString(length: length, bytes: Array("short".utf8))))
        Self.expectFailure(w, "t.lie")
        // A key whose length lies.
        w = Self.valid()
        var bytes = w.bytes()
        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(24..<32, with: $0) }
        Self.expectFailure(bytes, "metadata key 0", at: 24)
    }

    @Test(arguments: [UInt64.max, 1 << 40, 100])
    func hugeArrayCounts(count: UInt64) {
        var w = Self.valid()
        w.metadata.append(("t.lie", .rawArray(type: 4, count: count, [.u32(1)])))
        Self.expectFailure(w, "t.lie")
        w = Self.valid()
        w.metadata.append(("t.strings.lie", .rawArray(type: 8, count: count, [.string("x")])))
        Self.expectFailure(w, "t.strings.lie")
    }

    @Test func unknownValueTypes() {
        var w = Self.valid()
        w.metadata.append(("t.odd", .raw(type: 13, [0, 0, 0, 0])))
        Self.expectFailure(w, "unknown value type 13")
        w = Self.valid()
        w.metadata.append(("t.odd", .raw(type: .max, [])))
        Self.expectFailure(w, "unknown value type \(UInt32.max)")
        w = Self.valid()
        w.metadata.append(("t.odd", .rawArray(type: 77, count: 1, [.u8(0)])))
        Self.expectFailure(w, "array of unknown value type 77")
    }

    @Test func malformedValues() {
        var w = Self.valid()
        w.metadata.append(("t.bool2", .raw(type: 7, [2])))
        Self.expectFailure(w, "bool with byte value 2")
        w = Self.valid()
        w.metadata.append(("t.utf8", .rawString(length: 2, bytes: [0xC3, 0x28])))
        Self.expectFailure(w, "not valid UTF-8")
        w = Self.valid()
        w.metadata.append(("t.u8", .u8(1)))
        Self.expectFailure(w, "appears twice")
        var deep = GGUFWriter.Value.array(type: 4, [.u32(1)])
        for _ in 0..<5 { deep = .array(type: 9, [deep]) }
        w = Self.valid()
        w.metadata.append(("t.deep", deep))
        Self.expectFailure(w, "nests arrays deeper")
    }

    @Test func badAlignment() {
        for (value, fragment) in [(GGUFWriter.Value.u32(0), "not a power of two"), (.u32(48), "not a power of two"),
                                  (.u32(1 << 30), "not a power of two"), (.u64(32), "must be a u32")] {
            var w = Self.valid()
            w.metadata[1] = ("general.alignment", value)
            Self.expectFailure(w, fragment)
        }
        // A legal alignment the offsets do not honour.
        var w = Self.valid()
        w.metadata[1] = ("general.alignment", .u32(64))
        Self.expectFailure(w, "not a multiple of the alignment 64")
        // The same file written for that alignment reads.
        w.alignment = 64
        #expect((try? Self.parse(w.bytes()))?.tensor(named: "b.weight")?.offset == 64)
    }

    @Test func badTensorInfos() {
        func with(_ change: (inout GGUFWriter.Tensor) -> Void) -> GGUFWriter {
            var w = Self.valid()
            change(&w.tensors[1])
            return w
        }
        Self.expectFailure(with { $0.dimensions = [] }, "0 dimensions")
        Self.expectFailure(with { $0.dimensions = [32, 1, 1, 1, 1] }, "5 dimensions")
        Self.expectFailure(with { $0.dimensions = [UInt64.max] }, "dimension 0 is \(UInt64.max)")
        Self.expectFailure(with { $0.dimensions = [0] }, "dimension 0 is 0")
        Self.expectFailure(with { $0.dimensions = [32, 1 << 17, 1 << 17] }, "more elements than")
        Self.expectFailure(with { $0.dimensions = [31] }, "not whole Q8_0 blocks")
        Self.expectFailure(with { $0.dimensions = [64] }, "run past")
        Self.expectFailure(with { $0.type = 99 }, "unknown ggml type 99")
        Self.expectFailure(with { $0.type = 4 }, "unknown ggml type 4")
        Self.expectFailure(with { $0.offset = 16 }, "not a multiple of the alignment")
        Self.expectFailure(with { $0.offset = 0 }, "overlap")
        Self.expectFailure(with { $0.offset = UInt64.max }, "past the end")
        Self.expectFailure(with { $0.offset = 1 << 20 }, "past the end")
        Self.expectFailure(with { $0.name = "a.weight" }, "appears twice")
        Self.expectFailure(with { $0.name = String(repeating: "x", count: 2000) }, "more than the 1024")
    }

    @Test func unsupportedTypeIsMeasuredButNotConverted() throws {
        var w = Self.valid()
        w.tensors[1] = GGUFWriter.Tensor(name: "c.weight", dimensions: [32], type: 6, data: [UInt8](repeating: 0, count: 22))
        let file = try Self.parse(w.bytes())
        let c = try #require(file.tensor(named: "c.weight"))
        #expect(c.byteCount == 22 && c.type.name == "Q5_0")
        #expect(throws: GGUFError.self) { try file.floats(c) }
        do { _ = try file.floats(c) } catch { #expect(error.description.contains("Q5_0, which cannot be converted")) }
    }
}
