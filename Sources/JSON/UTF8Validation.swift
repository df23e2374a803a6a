/// UTF-8 well-formedness per the Unicode standard (Table 3-7): no overlong forms, no
/// surrogates, nothing above U+10FFFF.
public enum UTF8Validation {
    /// Length of the well-formed multi-byte sequence starting at `i` (lead byte >= 0x80),
    /// or 0 if it is ill-formed or truncated before `end`.
    @inline(__always)
    public static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        @inline(__always) func cont(_ j: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xBF) -> Bool {
            j < end && p[j] >= lo && p[j] <= hi
        }
        switch b0 {
        case 0xC2...0xDF: return cont(i + 1) ? 2 : 0
        case 0xE0: return cont(i + 1, 0xA0) && cont(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE, 0xEF: return cont(i + 1) && cont(i + 2) ? 3 : 0
        case 0xED: return cont(i + 1, 0x80, 0x9F) && cont(i + 2) ? 3 : 0
        case 0xF0: return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF1...0xF3: return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0
        case 0xF4: return cont(i + 1, 0x80, 0x8F) && cont(i + 2) && cont(i + 3) ? 4 : 0
        default: return 0
        }
    }

    /// Offset of the first ill-formed byte in `bytes`, or nil if all of it is valid UTF-8.
    public static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        var i = 0
        let end = bytes.count
        while i < end {
            if base[i] < 0x80 { i += 1; continue }
            let n = sequenceLength(base, i, end)
            if n == 0 { return i }
            i += n
        }
        return nil
    }
}
