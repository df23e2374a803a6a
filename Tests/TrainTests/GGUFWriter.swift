import Foundation

/// Writes GGUF files for tests: valid ones, and — through the raw cases and overrides —
/// files that lie about counts, lengths, types and offsets.
struct GGUFWriter {
    indirect enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), u64(UInt64), i64(Int64)
        case f32(Float), f64(Double), bool(Bool), string(String)
        case array(type: UInt32, [Value])
        /// A string whose stated length is `length`, followed by `bytes`.
        case rawString(length: UInt64, bytes: [UInt8])
        /// An array stating `count` elements of type code `type`, followed by `items`.
        case rawArray(type: UInt32, count: UInt64, [Value])
        /// Any type code followed by any bytes.
        case raw(type: UInt32, [UInt8])

        var typeCode: UInt32 {
            switch self {
            case .u8: 0
            case .i8: 1
            case .u16: 2
            case .i16: 3
            case .u32: 4
            case .i32: 5
            case .f32: 6
            case .bool: 7
            case .string, .rawString: 8
            case .array, .rawArray: 9
            case .u64: 10
            case .i64: 11
            case .f64: 12
            case .raw(let t, _): t
            }
        }
    }

    struct Tensor {
        var name: String
        /// ggml order (innermost first).
        var dimensions: [UInt64]
        var type: UInt32
        var data: [UInt8]
        /// Written instead of the computed data offset.
        var offset: UInt64?
    }

    var magic: [UInt8] = Array("GGUF".utf8)
    var version: UInt32 = 3
    var metadata: [(String, Value)] = []
    var tensors: [Tensor] = []
    var alignment = 32
    var tensorCount: UInt64?
    var keyValueCount: UInt64?

    /// The float32 tensor `values` laid out as ggml dimensions `dimensions`.
    static func f32(_ name: String, _ dimensions: [Int], _ values: [Float]) -> Tensor {
        var data: [UInt8] = []
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return Tensor(name: name, dimensions: dimensions.map(UInt64.init), type: 0, data: data)
    }

    func bytes() -> [UInt8] {
        var out = magic
        func int<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        func string(_ s: String) { int(UInt64(s.utf8.count)); out.append(contentsOf: s.utf8) }
        func value(_ v: Value) {
            switch v {
            case .u8(let x): int(x)
            case .i8(let x): int(x)
            case .u16(let x): int(x)
            case .i16(let x): int(x)
            case .u32(let x): int(x)
            case .i32(let x): int(x)
            case .u64(let x): int(x)
            case .i64(let x): int(x)
            case .f32(let x): int(x.bitPattern)
            case .f64(let x): int(x.bitPattern)
            case .bool(let x): int(UInt8(x ? 1 : 0))
            case .string(let s): string(s)
            case .rawString(let length, let bytes): int(length); out.append(contentsOf: bytes)
            case .array(let type, let items): int(type); int(UInt64(items.count)); items.forEach(value)
            case .rawArray(let type, let count, let items): int(type); int(count); items.forEach(value)
            case .raw(_, let bytes): out.append(contentsOf: bytes)
            }
        }
        int(version)
        int(tensorCount ?? UInt64(tensors.count))
        int(keyValueCount ?? UInt64(metadata.count))
        for (key, v) in metadata {
            string(key)
            int(v.typeCode)
            value(v)
        }
        var offset = 0
        var placed: [Int] = []
        for t in tensors {
            string(t.name)
            int(UInt32(t.dimensions.count))
            t.dimensions.forEach { int($0) }
            int(t.type)
            placed.append(offset)
            int(t.offset ?? UInt64(offset))
            offset += (t.data.count + alignment - 1) / alignment * alignment
        }
        while out.count % alignment != 0 { out.append(0) }
        let dataStart = out.count
        for (t, start) in zip(tensors, placed) {
            out.append(contentsOf: [UInt8](repeating: 0, count: dataStart + start - out.count))
            out.append(contentsOf: t.data)
        }
        return out
    }
}
