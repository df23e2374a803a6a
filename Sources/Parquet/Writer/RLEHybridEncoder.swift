/// Encodes levels and dictionary indices in the RLE / bit-packed hybrid: a run of eight or
/// more equal values becomes one RLE run; everything else is bit-packed in groups of eight,
/// least-significant bit first (the inverse of `RLEHybridDecoder`). A final group may be
/// padded with zeros: readers take only as many values as the page declares.
enum RLEHybridEncoder {
    /// Appends the encoding of `values` to `out` (no length prefix).
    static func encode<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, bitWidth: Int, into out: inout [UInt8]) {
        let n = values.count
        let valueBytes = (bitWidth + 7) / 8
        var i = 0
        while i < n {
            let run = runLength(values, from: i)
            if run >= 8 {
                appendVarint(UInt64(run) << 1, to: &out)
                let value = UInt64(truncatingIfNeeded: values[i])
                for b in 0..<valueBytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(b)))) }
                i += run
                continue
            }
            // Bit-pack groups of eight until a long run starts at a group boundary (at most 63
            // groups, so the header stays one byte).
            let start = i
            var groups = 0
            repeat {
                i += 8
                groups += 1
            } while i < n && groups < 63 && runLength(values, from: i, atLeast: 8) < 8
            out.append(UInt8(groups << 1 | 1))
            pack(values, from: start, count: groups * 8, bitWidth: bitWidth, into: &out)
        }
    }

    static func encode<T: FixedWidthInteger>(_ values: [T], bitWidth: Int, into out: inout [UInt8]) {
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: &out) }
    }

    /// The number of values equal to `values[start]` from `start` on, counting no further
    /// than `atLeast` when given.
    private static func runLength<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, from start: Int, atLeast limit: Int = .max) -> Int {
        let first = values[start]
        var end = start + 1
        let stop = values.count - start > limit ? start + limit : values.count
        while end < stop && values[end] == first { end += 1 }
        return end - start
    }

    /// Packs `count` values (zeros past the end of `values`) at `bitWidth` (at most 32) bits
    /// each; fewer than 8 bits stay in the accumulator between values, so nothing overflows.
    private static func pack<T: FixedWidthInteger>(_ values: UnsafeBufferPointer<T>, from start: Int, count: Int, bitWidth: Int,
                                                   into out: inout [UInt8]) {
        var accumulator: UInt64 = 0
        var bits = 0
        let mask: UInt64 = (1 << UInt64(bitWidth)) - 1
        for k in start..<(start + count) {
            let value = k < values.count ? UInt64(truncatingIfNeeded: values[k]) & mask : 0
            accumulator |= value << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                out.append(UInt8(truncatingIfNeeded: accumulator))
                accumulator >>= 8
                bits -= 8
            }
        }
        if bits > 0 { out.append(UInt8(truncatingIfNeeded: accumulator)) }
    }

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }
}
