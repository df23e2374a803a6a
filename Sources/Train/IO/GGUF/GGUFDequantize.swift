/// Converts ggml blocks to Float32 with the arithmetic of gguf-py's `quants.dequantize` (which
/// transformers uses): scales are widened from f16 to f32 first, then each product and sum is
/// rounded to f32 in the same order, so results are bit-identical to it.
enum GGUFDequantize {
    /// `source` holds exactly `count` elements' worth of whole blocks of `type`.
    static func run(_ type: GGMLType, from source: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>, count: Int) {
        let blocks = type.blockSize == 0 ? 0 : count / type.blockSize
        precondition(blocks * type.blockBytes == source.count, "dequantize: byte count does not match the element count")
        let base = source.baseAddress!
        for b in 0..<blocks {
            let block = base + b * type.blockBytes
            let y = out + b * type.blockSize
            switch type {
            case .f32: y[0] = Float(bitPattern: u32(block, 0))
            case .f16: y[0] = half(block, 0)
            case .bf16: y[0] = Float(bitPattern: UInt32(u16(block, 0)) << 16)
            case .q8_0: q8_0(block, y)
            case .q4_0: q4_0(block, y)
            case .q4_1: q4_1(block, y)
            case .q4_K: q4_K(block, y)
            case .q6_K: q6_K(block, y)
            default: preconditionFailure("dequantize: \(type) is not supported (callers check GGMLType.dequantizable)")
            }
        }
    }

    // MARK: Block layouts (ggml-common.h)

    /// Q8_0: f16 d, 32 × i8 q; y = d·q.
    static func q8_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(x, 0)
        for j in 0..<32 { y[j] = d * Float(Int8(bitPattern: x.load(fromByteOffset: 2 + j, as: UInt8.self))) }
    }

    /// Q4_0: f16 d, 16 bytes of nibbles; low nibbles are elements 0–15, high 16–31; y = d·(q − 8).
    static func q4_0(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(x, 0)
        for j in 0..<16 {
            let byte = x.load(fromByteOffset: 2 + j, as: UInt8.self)
            y[j] = d * Float(Int(byte & 0x0F) - 8)
            y[j + 16] = d * Float(Int(byte >> 4) - 8)
        }
    }

    /// Q4_1: f16 d, f16 m, 16 bytes of nibbles (as Q4_0); y = d·q + m.
    static func q4_1(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(x, 0), m = half(x, 2)
        for j in 0..<16 {
            let byte = x.load(fromByteOffset: 4 + j, as: UInt8.self)
            y[j] = d * Float(byte & 0x0F) + m
            y[j + 16] = d * Float(byte >> 4) + m
        }
    }

    /// Q4_K: f16 d, f16 dmin, 12 bytes of packed 6-bit (scale, min) for 8 sub-blocks of 32,
    /// 128 bytes of nibbles: each 32 bytes give a sub-block from their low nibbles, then one
    /// from their high nibbles. y = (d·scale)·q − (dmin·min).
    static func q4_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(x, 0), dmin = half(x, 2)
        let scales = x + 4, qs = x + 16
        for sub in 0..<8 {
            let (scale, minimum) = scaleMinK4(sub, scales)
            let factor = d * Float(scale), offset = dmin * Float(minimum)
            let bytes = qs + (sub / 2) * 32
            let shift: UInt8 = sub % 2 == 0 ? 0 : 4
            for l in 0..<32 {
                let q = (bytes.load(fromByteOffset: l, as: UInt8.self) >> shift) & 0x0F
                y[sub * 32 + l] = factor * Float(q) - offset
            }
        }
    }

    /// The 6-bit scale and min of Q4_K sub-block `j`: sub-blocks 0–3 use the low 6 bits of
    /// bytes j and j+4; 4–7 combine a nibble of byte j+4 with the top 2 bits of bytes j−4 and j.
    static func scaleMinK4(_ j: Int, _ s: UnsafeRawPointer) -> (UInt8, UInt8) {
        func byte(_ i: Int) -> UInt8 { s.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (byte(j) & 63, byte(j + 4) & 63) }
        return ((byte(j + 4) & 0x0F) | ((byte(j - 4) >> 6) << 4), (byte(j + 4) >> 4) | ((byte(j) >> 6) << 4))
    }

    /// Q6_K: 128 bytes low nibbles (ql), 64 bytes high 2-bit pairs (qh), 16 × i8 scales, f16 d.
    /// Each half of 128 elements uses 64 ql and 32 qh bytes; element 32k + l of a half takes
    /// the (k even: low, k odd: high) nibble of ql[l + 32·(k mod 2)] — see below — and bits
    /// 2k…2k+1 of qh[l]. y = (d·scale[i/16])·(q − 32).
    static func q6_K(_ x: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(x, 208)
        for half in 0..<2 {
            let ql = x + half * 64, qh = x + 128 + half * 32
            for k in 0..<4 {
                // k = 0, 1: low nibbles of ql[0..<32], ql[32..<64]; k = 2, 3: their high nibbles.
                let qlBytes = ql + (k % 2) * 32
                let shift: UInt8 = k < 2 ? 0 : 4
                for l in 0..<32 {
                    let low = (qlBytes.load(fromByteOffset: l, as: UInt8.self) >> shift) & 0x0F
                    let high = (qh.load(fromByteOffset: l, as: UInt8.self) >> UInt8(2 * k)) & 0x03
                    let q = Int(low | high << 4) - 32
                    let i = half * 128 + k * 32 + l
                    let scale = Float(Int8(bitPattern: x.load(fromByteOffset: 192 + i / 16, as: UInt8.self)))
                    y[i] = (d * scale) * Float(q)
                }
            }
        }
    }

    // MARK: Fields

    static func u16(_ x: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    static func u32(_ x: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: x.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    static func half(_ x: UnsafeRawPointer, _ offset: Int) -> Float { SafetensorsFile.halfToFloat(u16(x, offset)) }
}
