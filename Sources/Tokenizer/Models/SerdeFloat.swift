/// The Double HF holds for a score in a tokenizer.json. serde_json (without its float_roundtrip
/// feature) reads a number as its digits in a UInt64 times or divided by a power of ten, which
/// is off by one unit in the last place for about one score in eight; Unigram's Viterbi ties
/// then break differently, so pref reads scores the same way.
enum SerdeFloat {
    private static let powersOfTen: [Double] = (0...308).map { Double("1e\($0)")! }

    /// `value` as serde_json would have read the shortest decimal that names it (what HF and
    /// Python write). Files with longer digit strings than that may differ in the last place.
    static func reading(_ value: Double) -> Double {
        guard value.isFinite, value != 0 else { return value }
        var significand: UInt64 = 0
        var exponent = 0
        var text = Substring(value.magnitude.description)
        var exponentPart = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponentPart = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        var afterPoint = false
        for c in text {
            if c == "." { afterPoint = true; continue }
            guard let digit = c.wholeNumberValue else { return value }
            // The shortest form has at most 17 digits, so the significand never overflows.
            significand = significand * 10 + UInt64(digit)
            if afterPoint { exponent -= 1 }
        }
        exponent += exponentPart
        var f = Double(significand)
        while true {
            if exponent.magnitude < powersOfTen.count {
                f = exponent >= 0 ? f * powersOfTen[exponent] : f / powersOfTen[-exponent]
                break
            }
            if f == 0 || exponent > 0 { break }
            f /= 1e308
            exponent += 308
        }
        return value < 0 ? -f : f
    }
}
