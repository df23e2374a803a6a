/// The general path for a `Split` regex that no hand-written scanner covers: Swift's regex
/// engine over Unicode scalars (not grapheme clusters, as in Oniguruma). Slower than a scanner,
/// but any pattern in the syntax tokenizer files use (classes with `\p{..}`, lookahead,
/// possessive and lazy quantifiers, `(?i:...)`) works.
struct RegexMatcher: @unchecked Sendable {
    // Regex<AnyRegexOutput> is not Sendable; a compiled regex is immutable and matching does
    // not mutate it, so sharing it across threads is safe.
    private let regex: Regex<AnyRegexOutput>
    let pattern: String

    init(pattern: String) throws(TokenizerError) {
        do {
            regex = try Regex(Self.withOnigurumaFolds(pattern)).matchingSemantics(.unicodeScalar)
        } catch {
            throw TokenizerError("cannot compile the pre-tokenizer regex \(pattern): \(error)")
        }
        self.pattern = pattern
    }

    /// Byte ranges of the successive non-overlapping matches in `text` (valid UTF-8).
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        let string = String(decoding: text, as: UTF8.self)
        var out: [Range<Int>] = []
        let utf8 = string.utf8
        for match in string.matches(of: regex) {
            let lower = utf8.distance(from: utf8.startIndex, to: match.range.lowerBound)
            let upper = utf8.distance(from: utf8.startIndex, to: match.range.upperBound)
            out.append(lower..<upper)
        }
        return out
    }

    /// Oniguruma's case-insensitive matching also folds `ſ` (U+017F) to `s` and the Kelvin sign
    /// (U+212A) to `k`; Swift's does not. Inside `(?i:...)` groups, outside character classes,
    /// the literals s, S, k, K are widened to classes holding those characters.
    static func withOnigurumaFolds(_ pattern: String) -> String {
        var out = ""
        var chars = Array(pattern)
        var i = 0
        var groupDepth = 0
        var insensitiveDepths: [Int] = []  // group depths opened by (?i:
        var inClass = false
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                out.append(c)
                out.append(chars[i + 1])
                i += 2
                continue
            }
            if inClass {
                if c == "]" { inClass = false }
                out.append(c)
                i += 1
                continue
            }
            switch c {
            case "[":
                inClass = true
            case "(":
                groupDepth += 1
                if i + 3 < chars.count, chars[i + 1] == "?", chars[i + 2] == "i", chars[i + 3] == ":" {
                    insensitiveDepths.append(groupDepth)
                }
            case ")":
                if insensitiveDepths.last == groupDepth { insensitiveDepths.removeLast() }
                groupDepth -= 1
            case "s" where !insensitiveDepths.isEmpty, "S" where !insensitiveDepths.isEmpty:
                out += "[sS\u{17F}]"
                i += 1
                continue
            case "k" where !insensitiveDepths.isEmpty, "K" where !insensitiveDepths.isEmpty:
                out += "[kK\u{212A}]"
                i += 1
                continue
            default:
                break
            }
            out.append(c)
            i += 1
        }
        chars.removeAll()
        return out
    }
}
