import Foundation
import Testing
@testable import Train

/// One hand-built block (or two) of every supported type, read through a GGUF file. Blocks
/// are packed the way ggml's quantizers pack them, so packing here and unpacking in the
/// importer are independent; spot values are worked out by hand.
@Suite struct GGUFDequantizeTests {
    static func half(_ bits: UInt16) -> [UInt8] { [UInt8(bits & 0xFF), UInt8(bits >> 8)] }

    /// Reads `data` as one tensor of `elements` elements of ggml type `type`.
    static func dequantize(_ type: UInt32, elements: Int, _ data: [UInt8]) throws -> [Float] {
        var w = GGUFWriter()
        w.tensors = [GGUFWriter.Tensor(name: "t", dimensions: [UInt64(elements)], type: type, data: data)]
        let file = try GGUFFile(data: Data(w.bytes()), path: "blocks.gguf")
        return try file.floats(try #require(file.tensor(named: "t")))
    }

    @Test func plainFloats() throws {
        let f32: [Float] = [1.5, -0.0, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        var bytes: [UInt8] = []
        for v in f32 { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        #expect(try Self.dequantize(0, elements: 4, bytes).map(\.bitPattern) == f32.map(\.bitPattern))
        // F16: 1, −2, the largest finite, the smallest subnormal, −0, +∞.
        let f16 = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00].flatMap { Self.half(UInt16($0)) }
        #expect(try Self.dequantize(1, elements: 6, f16) == [1, -2, 65504, 0x1p-24, -0.0, .infinity])
        // BF16 is the top half of a float32: 1, −5, 3.140625.
        let bf16 = [0x3F80, 0xC0A0, 0x4049].flatMap { Self.half(UInt16($0)) }
        #expect(try Self.dequantize(30, elements: 3, bf16) == [1, -5, 3.140625])
    }

    @Test func q8_0() throws {
        let q: [Int8] = (0..<32).map { Int8(truncatingIfNeeded: $0 * 9 - 128) }
        let block = Self.half(0x3800) + q.map { UInt8(bitPattern: $0) }  // d = 0.5
        let block2 = Self.half(0xC000) + q.reversed().map { UInt8(bitPattern: $0) }  // d = −2
        let y = try Self.dequantize(8, elements: 64, block + block2)
        #expect(y[0] == -64 && y[1] == -59.5 && y[31] == -52.5)  // q[31] = 151 wraps to −105
        #expect(Array(y[0..<32]) == q.map { 0.5 * Float($0) })
        #expect(Array(y[32..<64]) == q.reversed().map { -2 * Float($0) })
    }

    /// Q4_0 / Q4_1 nibbles: byte j holds element j (low) and j + 16 (high).
    static func nibbles(_ q: [UInt8]) -> [UInt8] { (0..<16).map { q[$0] | q[$0 + 16] << 4 } }

    @Test func q4_0() throws {
        let q: [UInt8] = (0..<32).map { UInt8(($0 * 5) % 16) }
        let y = try Self.dequantize(2, elements: 32, Self.half(0x4000) + Self.nibbles(q))  // d = 2
        #expect(y[0] == -16 && y[1] == -6 && y[16] == -16 && y[31] == 6)  // q: 0, 5, 0, 11
        #expect(y == q.map { 2 * (Float($0) - 8) })
    }

    @Test func q4_1() throws {
        let q: [UInt8] = (0..<32).map { UInt8((31 - $0) % 16) }
        let y = try Self.dequantize(3, elements: 32, Self.half(0x3400) + Self.half(0xBC00) + Self.nibbles(q))  // d = 0.25, m = −1
        #expect(y[0] == 2.75 && y[15] == -1 && y[16] == 2.75)
        #expect(y == q.map { 0.25 * Float($0) - 1 })
    }

    @Test func q4_K() throws {
        let scales: [UInt8] = [1, 2, 3, 63, 17, 33, 48, 5]
        let mins: [UInt8] = [0, 7, 63, 1, 40, 2, 9, 31]
        // ggml's quantize_row_q4_K packing of the 6-bit pairs into 12 bytes.
        var packed = [UInt8](repeating: 0, count: 12)
        for j in 0..<8 {
            if j < 4 {
                packed[j] = scales[j]
                packed[j + 4] = mins[j]
            } else {
                packed[j + 4] = (scales[j] & 0x0F) | ((mins[j] & 0x0F) << 4)
                packed[j - 4] |= (scales[j] >> 4) << 6
                packed[j] |= (mins[j] >> 4) << 6
            }
        }
        func q(_ sub: Int, _ l: Int) -> UInt8 { UInt8((sub * 3 + l) % 16) }
        var qs: [UInt8] = []
        for pair in 0..<4 { for l in 0..<32 { qs.append(q(2 * pair, l) | q(2 * pair + 1, l) << 4) } }
        let block = Self.half(0x3C00) + Self.half(0x3800) + packed + qs  // d = 1, dmin = 0.5
        let y = try Self.dequantize(12, elements: 256, block)
        #expect(y[0] == 0)
        #expect(y[3 * 32] == 566.5)  // scale 63 · q 9 − 0.5 · min 1
        #expect(y[4 * 32 + 1] == 17 * 13 - 20)  // scale 17 · q 13 − 0.5 · min 40
        for sub in 0..<8 {
            for l in 0..<32 {
                let expected = Float(scales[sub]) * Float(q(sub, l)) - 0.5 * Float(mins[sub])
                #expect(y[sub * 32 + l] == expected, "sub-block \(sub) element \(l)")
            }
        }
    }

    @Test func q6_K() throws {
        func q(_ i: Int) -> Int { (i * 7 + i / 64) % 64 }
        let scales: [Int8] = (0..<16).map { Int8(($0 - 8) * 3) }
        // ggml's quantize_row_q6_K packing: per half, four runs of 32 share ql and qh bytes.
        var ql = [UInt8](repeating: 0, count: 128), qh = [UInt8](repeating: 0, count: 64)
        for h in 0..<2 {
            for l in 0..<32 {
                let q1 = q(h * 128 + l), q2 = q(h * 128 + 32 + l), q3 = q(h * 128 + 64 + l), q4 = q(h * 128 + 96 + l)
                ql[h * 64 + l] = UInt8((q1 & 0xF) | (q3 & 0xF) << 4)
                ql[h * 64 + 32 + l] = UInt8((q2 & 0xF) | (q4 & 0xF) << 4)
                qh[h * 32 + l] = UInt8((q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6)
            }
        }
        let block = ql + qh + scales.map { UInt8(bitPattern: $0) } + Self.half(0x3800)  // d = 0.5
        let y = try Self.dequantize(14, elements: 512, block + block)
        #expect(y[0] == 384)  // (d 0.5 · scale[0] −24) · (q 0 − 32)
        #expect(y[255] == 0.5 * 21 * Float(q(255) - 32))
        for i in 0..<512 {
            let expected = (0.5 * Float(scales[(i % 256) / 16])) * Float(q(i % 256) - 32)
            #expect(y[i] == expected, "element \(i)")
        }
    }

    /// Random blocks of every type as gguf-py dequantizes them (scripts/gguf-golden.py, checked
    /// there against transformers' own kernels): equal to the bit.
    @Test func randomBlocksEqualGGUFPyBitForBit() throws {
        let cases = try #require(try Fixtures.json("fixtures/gguf/blocks.json")["cases"]?.arrayValue)
        #expect(Set(cases.compactMap { $0["type"]?.intValue }) == Set(GGMLType.dequantizable.map { Int($0.rawValue) }))
        for c in cases {
            let name = c["name"]?.stringValue ?? "?"
            let bytes = Self.bytes(hex: try #require(c["bytes"]?.stringValue))
            let expected = GGUFSmolLM2.floats(hex: try #require(c["bits"]?.stringValue))
            let y = try Self.dequantize(UInt32(try #require(c["type"]?.intValue)), elements: try #require(c["elements"]?.intValue), bytes)
            let unequal = zip(y, expected).filter { $0.bitPattern != $1.bitPattern }.count
            #expect(y.count == expected.count && unequal == 0, "\(name): \(unequal) of \(expected.count) values differ")
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0..<($0 + 2)], as: UTF8.self), radix: 16) ?? 0 }
    }
}
