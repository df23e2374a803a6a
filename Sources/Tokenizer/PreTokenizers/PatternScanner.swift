/// Hand-written matchers for the pre-tokenizer regexes that real tokenizer.json files use,
/// equal to Oniguruma running the regex (proven against HF's own splits in the tests, on an
/// edge-case corpus and fuzz strings). They never allocate and see each byte about once.
///
/// Every one of these patterns matches at every position (its alternatives cover letters,
/// numbers, whitespace and everything else), so a scanner partitions its input: `matchEnd`
/// always returns a position after `i`.
struct PatternScanner: Sendable {
    enum Family: Sendable, Equatable {
        /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
        case gpt2
        /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,k}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
        /// with k = 3 (Llama 3, cl100k) or 1 (Qwen2).
        case cl100k(maxDigits: Int)
    }

    let family: Family
    private let classes = CharClassTable.shared

    init(_ family: Family) {
        self.family = family
    }

    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    static let llama3Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    static let qwen2Pattern = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The scanner for a regex string from a tokenizer.json, when it is one of the known ones.
    static func forPattern(_ pattern: String) -> PatternScanner? {
        switch pattern {
        case gpt2Pattern: PatternScanner(.gpt2)
        case llama3Pattern: PatternScanner(.cl100k(maxDigits: 3))
        case qwen2Pattern: PatternScanner(.cl100k(maxDigits: 1))
        default: nil
        }
    }

    /// End of the match that starts at `i` (`i < end`).
    @inline(__always)
    func matchEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        switch family {
        case .gpt2: gpt2End(p, i, end)
        case .cl100k(let maxDigits): cl100kEnd(p, i, end, maxDigits: maxDigits)
        }
    }

    // MARK: - Classes

    private enum Kind { case letter, number, space, other }

    @inline(__always)
    private func kind(_ cp: UInt32) -> Kind {
        if cp < 0x80 {
            // ASCII without the table: the common case.
            if cp >= 0x61 && cp <= 0x7A || cp >= 0x41 && cp <= 0x5A { return .letter }
            if cp >= 0x30 && cp <= 0x39 { return .number }
            if cp == 0x20 || cp >= 0x09 && cp <= 0x0D { return .space }
            return .other
        }
        let c = classes.classes(cp)
        if c.contains(.letter) { return .letter }
        if c.contains(.number) { return .number }
        if c.contains(.whitespace) { return .space }
        return .other
    }

    /// End of the run of `k` characters starting at `i`.
    @inline(__always)
    private func runEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ k: Kind) -> Int {
        var j = i
        while j < end {
            let (cp, n) = decodeScalar(p, j)
            if kind(cp) != k { break }
            j += n
        }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace character: the run, less its last character when more
    /// than one character long and followed by a non-space (that one starts the next match).
    @inline(__always)
    private func whitespaceEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var j = i
        var lastStart = i
        var count = 0
        while j < end {
            let (cp, n) = decodeScalar(p, j)
            if kind(cp) != .space { break }
            lastStart = j
            count += 1
            j += n
        }
        if j == end || count < 2 { return j }
        return lastStart
    }

    // MARK: - GPT-2

    private func gpt2End(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        let b0 = p[i]
        if b0 == UInt8(ascii: "'"), i + 1 < end {
            switch p[i + 1] {
            case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
                return i + 2
            case UInt8(ascii: "r"), UInt8(ascii: "v"):
                if i + 2 < end && p[i + 2] == UInt8(ascii: "e") { return i + 3 }
            case UInt8(ascii: "l"):
                if i + 2 < end && p[i + 2] == UInt8(ascii: "l") { return i + 3 }
            default: break
            }
        }
        if b0 == 0x20, i + 1 < end {
            let (next, n) = decodeScalar(p, i + 1)
            let k = kind(next)
            if k != .space { return runEnd(p, i + 1 + n, end, k) }
        }
        let (cp, n) = decodeScalar(p, i)
        let k = kind(cp)
        if k != .space { return runEnd(p, i + n, end, k) }
        return whitespaceEnd(p, i, end)
    }

    // MARK: - cl100k family (Llama 3, Qwen2)

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)`: case-insensitive in Oniguruma, where `ſ` (U+017F) folds to `s`.
    @inline(__always)
    private func contractionEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int? {
        guard i + 1 < end else { return nil }
        let c1 = p[i + 1] | 0x20  // ASCII lower case; only letters are compared below
        switch c1 {
        case UInt8(ascii: "s"), UInt8(ascii: "t"), UInt8(ascii: "m"), UInt8(ascii: "d"):
            return isASCIILetter(p[i + 1]) ? i + 2 : nil
        case UInt8(ascii: "r"), UInt8(ascii: "v"):
            if isASCIILetter(p[i + 1]), i + 2 < end, p[i + 2] | 0x20 == UInt8(ascii: "e"), isASCIILetter(p[i + 2]) {
                return i + 3
            }
        case UInt8(ascii: "l"):
            if isASCIILetter(p[i + 1]), i + 2 < end, p[i + 2] | 0x20 == UInt8(ascii: "l"), isASCIILetter(p[i + 2]) {
                return i + 3
            }
        default:
            if p[i + 1] == 0xC5, i + 2 < end, p[i + 2] == 0xBF { return i + 3 }  // ſ
        }
        return nil
    }

    @inline(__always)
    private func isASCIILetter(_ b: UInt8) -> Bool {
        (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
    }

    private func cl100kEnd(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, maxDigits: Int) -> Int {
        if p[i] == UInt8(ascii: "'"), let e = contractionEnd(p, i, end) { return e }
        let (cp, n) = decodeScalar(p, i)
        let k = kind(cp)
        switch k {
        case .letter:
            return runEnd(p, i + n, end, .letter)
        case .number:
            var j = i + n
            var count = 1
            while count < maxDigits, j < end {
                let (c2, n2) = decodeScalar(p, j)
                if kind(c2) != .number { break }
                j += n2
                count += 1
            }
            return j
        case .other, .space:
            // `[^\r\n\p{L}\p{N}]?\p{L}+`: one non-newline character, then letters.
            if cp != 0x0A && cp != 0x0D, i + n < end {
                let (c2, n2) = decodeScalar(p, i + n)
                if kind(c2) == .letter { return runEnd(p, i + n + n2, end, .letter) }
            }
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        var start = -1
        if k == .other {
            start = i + n
        } else if cp == 0x20, i + 1 < end {
            let (c2, n2) = decodeScalar(p, i + 1)
            if kind(c2) == .other { start = i + 1 + n2 }
        }
        if start >= 0 {
            var j = runEnd(p, start, end, .other)
            while j < end && (p[j] == 0x0A || p[j] == 0x0D) { j += 1 }
            return j
        }
        // Whitespace: `\s*[\r\n]+` ends after the run's last newline; else `\s+(?!\S)|\s+`.
        var j = i
        var lastNewline = -1
        while j < end {
            let (c2, n2) = decodeScalar(p, j)
            if kind(c2) != .space { break }
            if c2 == 0x0A || c2 == 0x0D { lastNewline = j }
            j += n2
        }
        if lastNewline >= 0 { return lastNewline + 1 }
        return whitespaceEnd(p, i, end)
    }
}
