/// Python's `str` operations on Swift strings. Searching works on UTF-8 bytes (same answers as
/// code points, and never Swift's canonical-equivalence matching); case and whitespace rules
/// follow Python's.
enum PyString {
    /// Byte offset of the first `needle` in `text` at or after `from`.
    static func find(_ needle: String, in text: String, from start: Int = 0) -> Int? {
        var result: Int?
        needle.utf8.withContiguousStorageIfAvailable { n in
            text.utf8.withContiguousStorageIfAvailable { t in result = find(n, in: t, from: start) }
        }
        if let result { return result }
        return find(Array(needle.utf8)[...], in: Array(text.utf8)[...], from: start)
    }

    static func find<C: RandomAccessCollection<UInt8>>(_ needle: C, in text: C, from start: Int) -> Int? where C.Index == Int {
        let n = needle.count, t = text.count
        if n == 0 { return start <= t ? start : nil }
        guard n <= t, start <= t - n else { return nil }
        let first = needle[needle.startIndex]
        var i = start
        while i <= t - n {
            if text[text.startIndex + i] == first {
                var j = 1
                while j < n, text[text.startIndex + i + j] == needle[needle.startIndex + j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    /// All non-overlapping match offsets, left to right.
    static func occurrences(of needle: String, in text: String, limit: Int = .max) -> [Int] {
        let n = Array(needle.utf8), t = Array(text.utf8)
        var found: [Int] = []
        var start = 0
        while found.count < limit, let i = find(n[...], in: t[...], from: start) {
            found.append(i)
            start = i + max(n.count, 1)
            if n.isEmpty && i >= t.count { break }
        }
        return found
    }

    static func bytesSlice(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    static func replace(_ text: String, _ old: String, _ new: String, count: Int = -1) -> String {
        let limit = count < 0 ? Int.max : count
        if old.isEmpty {
            // Python inserts `new` before every character and at the end.
            var out = ""
            var inserted = 0
            for scalar in text.unicodeScalars {
                if inserted < limit { out += new; inserted += 1 }
                out.unicodeScalars.append(scalar)
            }
            if inserted < limit { out += new }
            return out
        }
        let bytes = Array(text.utf8)
        let oldLength = old.utf8.count
        var out = ""
        var last = 0
        for offset in occurrences(of: old, in: text, limit: limit) {
            out += bytesSlice(bytes, last..<offset)
            out += new
            last = offset + oldLength
        }
        out += bytesSlice(bytes, last..<bytes.count)
        return out
    }

    static func split(_ text: String, separator: String, maxSplit: Int = -1) -> [String] {
        let bytes = Array(text.utf8)
        let limit = maxSplit < 0 ? Int.max : maxSplit
        var parts: [String] = []
        var last = 0
        for offset in occurrences(of: separator, in: text, limit: limit) {
            parts.append(bytesSlice(bytes, last..<offset))
            last = offset + separator.utf8.count
        }
        parts.append(bytesSlice(bytes, last..<bytes.count))
        return parts
    }

    static func rsplit(_ text: String, separator: String, maxSplit: Int = -1) -> [String] {
        guard maxSplit >= 0 else { return split(text, separator: separator) }
        let bytes = Array(text.utf8)
        var offsets = occurrences(of: separator, in: text)
        // Python's rsplit matches from the right; with non-overlapping matches this can differ
        // from the left-to-right set only for self-overlapping separators.
        offsets = Array(offsets.suffix(maxSplit))
        var parts: [String] = []
        var last = 0
        for offset in offsets {
            parts.append(bytesSlice(bytes, last..<offset))
            last = offset + separator.utf8.count
        }
        parts.append(bytesSlice(bytes, last..<bytes.count))
        return parts
    }

    /// `str.split()` with no separator: runs of whitespace, none empty.
    static func splitWhitespace(_ text: String, maxSplit: Int = -1) -> [String] {
        let limit = maxSplit < 0 ? Int.max : maxSplit
        var parts: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            while i < scalars.count, isPythonWhitespace(scalars[i]) { i += 1 }
            guard i < scalars.count else { break }
            if parts.count == limit {
                var rest = scalars[i...]
                while let last = rest.last, isPythonWhitespace(last) { rest = rest.dropLast() }
                parts.append(string(rest))
                break
            }
            let start = i
            while i < scalars.count, !isPythonWhitespace(scalars[i]) { i += 1 }
            parts.append(string(scalars[start..<i]))
        }
        return parts
    }

    static func string(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// `strip` / `lstrip` / `rstrip`: nil `characters` strips whitespace.
    static func strip(_ text: String, _ characters: String?, leading: Bool, trailing: Bool) -> String {
        let set = characters.map { Set($0.unicodeScalars) }
        func strips(_ s: Unicode.Scalar) -> Bool { set?.contains(s) ?? isPythonWhitespace(s) }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        if leading { while start < end, strips(scalars[start]) { start = scalars.index(after: start) } }
        if trailing {
            while end > start {
                let before = scalars.index(before: end)
                guard strips(scalars[before]) else { break }
                end = before
            }
        }
        if start == scalars.startIndex && end == scalars.endIndex { return text }
        return String(scalars[start..<end])
    }

    /// The line boundaries of Python's `str.splitlines`.
    static func isLineBreak(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: true
        default: false
        }
    }

    static func splitLines(_ text: String, keepEnds: Bool = false) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var lines: [String] = []
        var start = 0
        var i = 0
        while i < scalars.count {
            if isLineBreak(scalars[i]) {
                var end = i + 1
                if scalars[i] == "\r", end < scalars.count, scalars[end] == "\n" { end += 1 }
                lines.append(string(scalars[start..<(keepEnds ? end : i)]))
                start = end
                i = end
            } else {
                i += 1
            }
        }
        if start < scalars.count { lines.append(string(scalars[start...])) }
        return lines
    }

    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        text.utf8.count >= prefix.utf8.count && text.utf8.starts(with: prefix.utf8)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        text.utf8.count >= suffix.utf8.count && text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    static func upper(_ text: String) -> String { text.uppercased() }
    /// Python's `str.lower()`, including the final-sigma rule Swift's `lowercased()` lacks.
    static func lower(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{03A3}") else { return text.lowercased() }
        let scalars = Array(text.unicodeScalars)
        var out = ""
        for (i, scalar) in scalars.enumerated() {
            if scalar == "\u{03A3}" {
                out += isFinalSigma(scalars, at: i) ? "\u{03C2}" : "\u{03C3}"
            } else {
                out += String(scalar).lowercased()
            }
        }
        return out
    }

    /// Σ is final when a cased letter precedes it and none follows (case-ignorables skipped).
    private static func isFinalSigma(_ scalars: [Unicode.Scalar], at index: Int) -> Bool {
        func casedNeighbour(_ range: some Sequence<Int>) -> Bool {
            for j in range {
                let properties = scalars[j].properties
                if properties.isCaseIgnorable { continue }
                return properties.isCased
            }
            return false
        }
        return casedNeighbour((0..<index).reversed()) && !casedNeighbour((index + 1)..<scalars.count)
    }

    /// Python's `str.isalpha` for one character: a letter (categories Lu, Ll, Lt, Lm, Lo).
    static func isAlpha(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: true
        default: false
        }
    }

    /// Python's `str.isalnum` for one character (and, with `_`, the `\w` of its regexes).
    static func isAlnum(_ s: Unicode.Scalar) -> Bool { isAlpha(s) || s.properties.numericType != nil }

    /// Python's `str.title()`: upper-case after any uncased character, lower-case otherwise.
    static func title(_ text: String) -> String {
        var out = ""
        var previousCased = false
        for scalar in text.unicodeScalars {
            let cased = scalar.properties.isCased
            out += previousCased ? String(scalar).lowercased() : String(scalar.properties.titlecaseMapping)
            previousCased = cased
        }
        return out
    }

    /// Python's `str.capitalize()`: first character title-cased, the rest lower-cased.
    static func capitalize(_ text: String) -> String {
        guard let first = text.unicodeScalars.first else { return text }
        return first.properties.titlecaseMapping + lower(String(text.unicodeScalars.dropFirst()))
    }
}
