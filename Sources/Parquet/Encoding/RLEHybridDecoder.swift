/// The RLE / bit-packed hybrid encoding used for definition and repetition levels, RLE
/// booleans and dictionary indices: runs of one repeated value, or groups of eight values
/// bit-packed least-significant bit first. A run's declared length is never used to size an
/// allocation; the caller asks for exactly the values it needs.
struct RLEHybridDecoder {
    private var cursor: ByteCursor
    private let bitWidth: Int
    private let valueMask: UInt64
    // The current run.
    private var rleRemaining = 0
    private var rleValue: UInt64 = 0
    private var packedRemaining = 0
    private var packedBitOffset = 0
    private var packedStart = 0
    private var packedByteCount = 0

    init(_ bytes: UnsafeRawBufferPointer, bitWidth: Int) throws {
        guard (0...32).contains(bitWidth) else { throw ParquetError("RLE bit width \(bitWidth) is out of range 0...32") }
        cursor = ByteCursor(bytes)
        self.bitWidth = bitWidth
        valueMask = bitWidth == 64 ? .max : (1 << UInt64(bitWidth)) - 1
    }

    /// Fills `output` completely, or throws if the data ends first.
    mutating func decode<T: FixedWidthInteger>(into output: UnsafeMutableBufferPointer<T>) throws {
        var filled = 0
        while filled < output.count {
            if rleRemaining > 0 {
                let n = min(rleRemaining, output.count - filled)
                let value = T(truncatingIfNeeded: rleValue)
                (output.baseAddress! + filled).update(repeating: value, count: n)
                filled += n
                rleRemaining -= n
            } else if packedRemaining > 0 {
                let n = min(packedRemaining, output.count - filled)
                unpack(n, into: output.baseAddress! + filled)
                filled += n
                packedRemaining -= n
            } else {
                try startRun()
            }
        }
    }

    private mutating func startRun() throws {
        guard !cursor.isAtEnd else { throw cursor.error("RLE/bit-packed data ended before all values were read") }
        let header = try cursor.readVarint()
        if header & 1 == 0 {
            let count = header >> 1
            let width = (bitWidth + 7) / 8
            var value: UInt64 = 0
            for i in 0..<width { value |= UInt64(try cursor.readByte()) << (8 * UInt64(i)) }
            rleValue = value & valueMask
            rleRemaining = Int(min(count, UInt64(Int32.max)))
        } else {
            let groups = header >> 1
            // A final run may be cut short by the writer: use the bytes that are there.
            let declaredBytes = groups.multipliedReportingOverflow(by: UInt64(bitWidth))
            let available = UInt64(cursor.remaining)
            let byteCount = declaredBytes.overflow ? available : min(declaredBytes.partialValue, available)
            packedStart = cursor.position
            packedByteCount = Int(byteCount)
            packedBitOffset = 0
            packedRemaining = bitWidth == 0 ? Int(min(groups, UInt64(Int32.max / 8)) * 8) : Int(byteCount) * 8 / bitWidth
            _ = try cursor.take(Int(byteCount))
        }
    }

    private mutating func unpack<T: FixedWidthInteger>(_ count: Int, into out: UnsafeMutablePointer<T>) {
        if bitWidth == 0 {
            out.update(repeating: 0, count: count)
            return
        }
        let base = cursor.bytes.baseAddress! + packedStart
        let end = packedByteCount
        var bit = packedBitOffset
        for i in 0..<count {
            let byte = bit >> 3
            let word: UInt64
            if byte + 8 <= end {
                word = base.loadUnaligned(fromByteOffset: byte, as: UInt64.self).littleEndian
            } else {
                var w: UInt64 = 0
                for k in 0..<min(8, end - byte) { w |= UInt64(base.load(fromByteOffset: byte + k, as: UInt8.self)) << (8 * UInt64(k)) }
                word = w
            }
            out[i] = T(truncatingIfNeeded: (word >> UInt64(bit & 7)) & valueMask)
            bit += bitWidth
        }
        packedBitOffset = bit
    }
}

/// The deprecated BIT_PACKED level encoding: values packed most-significant bit first.
enum LegacyBitPacked {
    static func decode(_ bytes: UnsafeRawBufferPointer, bitWidth: Int, into output: UnsafeMutableBufferPointer<UInt8>) throws {
        let needed = (output.count * bitWidth + 7) / 8
        guard needed <= bytes.count else { throw ParquetError("BIT_PACKED levels need \(needed) bytes, the page has \(bytes.count)") }
        var bit = 0
        for i in 0..<output.count {
            var v = 0
            for _ in 0..<bitWidth {
                let b = Int(bytes[bit >> 3] >> (7 - UInt8(bit & 7))) & 1
                v = v << 1 | b
                bit += 1
            }
            output[i] = UInt8(truncatingIfNeeded: v)
        }
    }

    static func byteLength(count: Int, bitWidth: Int) -> Int { (count * bitWidth + 7) / 8 }
}

extension FixedWidthInteger {
    /// Bits needed to store values up to `self` (the level bit width for a max level).
    var bitWidthNeeded: Int { self == 0 ? 0 : Self.bitWidth - leadingZeroBitCount }
}
