/// A DECIMAL value: a two's-complement unscaled integer of any width (big-endian bytes, as
/// FIXED_LEN_BYTE_ARRAY and BYTE_ARRAY store it) and a scale. `description` is the exact
/// fixed-point text with `scale` fractional digits, e.g. "-12.50" for unscaled -1250, scale 2.
public struct ParquetDecimal: Sendable, Equatable, CustomStringConvertible {
    public var unscaledBigEndian: [UInt8]
    public var scale: Int32
    public var precision: Int32

    public init(unscaledBigEndian: [UInt8], scale: Int32, precision: Int32) {
        self.unscaledBigEndian = unscaledBigEndian
        self.scale = scale
        self.precision = precision
    }

    public init(unscaled: Int64, scale: Int32, precision: Int32) {
        var bytes = [UInt8](repeating: 0, count: 8)
        for i in 0..<8 { bytes[7 - i] = UInt8(truncatingIfNeeded: unscaled >> (8 * Int64(i))) }
        self.init(unscaledBigEndian: bytes, scale: scale, precision: precision)
    }

    public var description: String {
        let (negative, digits) = Self.decimalDigits(unscaledBigEndian)
        var text = digits
        if scale > 0 {
            let fraction = Int(scale)
            if text.count <= fraction { text = String(repeating: "0", count: fraction - text.count + 1) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -fraction))
        } else if scale < 0, digits != "0" {
            text += String(repeating: "0", count: Int(-scale))
        }
        return negative ? "-" + text : text
    }

    /// Magnitude digits of a big-endian two's-complement integer, by repeated division of
    /// 32-bit limbs by 10^9.
    static func decimalDigits(_ bytes: [UInt8]) -> (negative: Bool, digits: String) {
        guard let first = bytes.first else { return (false, "0") }
        let negative = first & 0x80 != 0
        var magnitude = bytes
        if negative {
            // Two's complement negation: invert, then add one.
            var carry: UInt16 = 1
            for i in stride(from: magnitude.count - 1, through: 0, by: -1) {
                let v = UInt16(~magnitude[i]) + carry
                magnitude[i] = UInt8(truncatingIfNeeded: v)
                carry = v >> 8
            }
        }
        // Big-endian bytes to little-endian 32-bit limbs.
        var limbs: [UInt32] = []
        var i = magnitude.count
        while i > 0 {
            var limb: UInt32 = 0
            for k in 0..<4 where i - 1 - k >= 0 { limb |= UInt32(magnitude[i - 1 - k]) << (8 * UInt32(k)) }
            limbs.append(limb)
            i -= 4
        }
        while limbs.last == 0 { limbs.removeLast() }
        if limbs.isEmpty { return (false, "0") }
        var chunks: [UInt32] = []
        while !limbs.isEmpty {
            var remainder: UInt64 = 0
            for j in stride(from: limbs.count - 1, through: 0, by: -1) {
                let current = remainder << 32 | UInt64(limbs[j])
                limbs[j] = UInt32(current / 1_000_000_000)
                remainder = current % 1_000_000_000
            }
            chunks.append(UInt32(remainder))
            while limbs.last == 0 { limbs.removeLast() }
        }
        var text = String(chunks.removeLast())
        for chunk in chunks.reversed() {
            let part = String(chunk)
            text += String(repeating: "0", count: 9 - part.count) + part
        }
        return (negative, text)
    }
}
