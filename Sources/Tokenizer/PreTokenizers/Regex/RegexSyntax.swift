/// A set of scalars as a regex class names it: the union of its items, complemented when
/// `negated`. Items are Oniguruma's general categories, `\s`, and explicit scalar ranges.
struct ScalarSet: Hashable, Sendable {
    /// Bit `i` set: general category `i` (index into `UnicodeTables.categoryNames`) is in the set.
    var categories: UInt32 = 0
    var whitespace = false
    var ranges: [ClosedRange<UInt32>] = []
    var negated = false

    static func scalar(_ c: UInt32) -> ScalarSet { ScalarSet(ranges: [c...c]) }

    /// Whether `cp`, of general category `category` and `\s` membership `isSpace`, is in the set.
    func contains(_ cp: UInt32, category: Int, isSpace: Bool) -> Bool {
        let hit = categories & (1 << UInt32(category)) != 0 || whitespace && isSpace || ranges.contains { $0.contains(cp) }
        return hit != negated
    }
}

/// A regex as a tree, in the Oniguruma syntax tokenizer.json `Split` patterns use.
indirect enum RegexNode: Sendable {
    case set(ScalarSet)
    case concat([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?, Quantifier)
    /// `(?=...)` / `(?!...)`.
    case lookahead(RegexNode, negative: Bool)
    /// `(?>...)`: the first way the group matches is the only one tried.
    case atomic(RegexNode)

    enum Quantifier: Sendable { case greedy, lazy, possessive }

    /// Whether the node can match the empty string.
    var matchesEmpty: Bool {
        switch self {
        case .set: false
        case .concat(let items): items.allSatisfy(\.matchesEmpty)
        case .alternation(let items): items.contains(where: \.matchesEmpty)
        case .repetition(let node, let min, _, _): min == 0 || node.matchesEmpty
        case .lookahead: true
        case .atomic(let node): node.matchesEmpty
        }
    }
}

/// Parses the subset of Oniguruma syntax whose meaning pref knows exactly: literals, escapes
/// of punctuation and of \t \n \r \f \v, `\xHH` `\x{H..}`, `.`, `\s` `\S`, `\p{..}` `\P{..}`
/// with general categories, bracket classes of those, groups `(..)` `(?:..)` `(?i:..)` `(?>..)`
/// `(?=..)` `(?!..)`, alternation, and `? * + {n} {n,} {n,m} {,m}` with their lazy forms and
/// the possessive `?+ *+ ++`. Anything else returns nil, and the caller keeps the general
/// engine: a guess would risk ids that differ from HF's.
struct RegexParser {
    private let chars: [Unicode.Scalar]
    private var i = 0
    /// The scalar the last atom stands for, when it is a literal.
    private var literal: Unicode.Scalar?

    static func parse(_ pattern: String) -> RegexNode? {
        var parser = RegexParser(chars: Array(pattern.unicodeScalars))
        guard let node = parser.alternation(caseInsensitive: false), parser.i == parser.chars.count else { return nil }
        return node
    }

    private init(chars: [Unicode.Scalar]) {
        self.chars = chars
    }

    private var peek: Unicode.Scalar? { i < chars.count ? chars[i] : nil }

    private mutating func eat(_ c: Unicode.Scalar) -> Bool {
        guard peek == c else { return false }
        i += 1
        return true
    }

    private mutating func alternation(caseInsensitive: Bool) -> RegexNode? {
        var branches: [RegexNode] = []
        repeat {
            guard let branch = concatenation(caseInsensitive: caseInsensitive) else { return nil }
            branches.append(branch)
        } while eat("|")
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func concatenation(caseInsensitive: Bool) -> RegexNode? {
        var items: [RegexNode] = []
        var literalRun: [Unicode.Scalar] = []  // consecutive literals, for the fold check below
        while let c = peek, c != "|", c != ")" {
            literal = nil
            guard let atom = atom(caseInsensitive: caseInsensitive) else { return nil }
            let scalar = literal
            let start = i
            guard let item = quantified(atom) else { return nil }
            if let scalar, i == start { literalRun.append(scalar) } else { literalRun = [] }
            // Under (?i), Oniguruma matches some letter pairs against one character whose case
            // fold is two letters ("ss" ~ ß, "st" ~ ﬆ, "ff"/"fi"/"fl" ~ ﬀ/ﬁ/ﬂ): not modelled.
            if caseInsensitive, literalRun.count >= 2, Self.multiCharFoldPairs.contains(
                String(String.UnicodeScalarView(literalRun.suffix(2))).lowercased()) {
                return nil
            }
            items.append(item)
        }
        return items.count == 1 ? items[0] : .concat(items)
    }

    private static let multiCharFoldPairs: Set<String> = ["ss", "st", "ff", "fi", "fl"]


    private mutating func quantified(_ atom: RegexNode) -> RegexNode? {
        var node = atom
        while let c = peek, "?*+{".unicodeScalars.contains(c) {
            var min = 0
            var max: Int?
            var isInterval = false
            switch c {
            case "?": max = 1; i += 1
            case "*": i += 1
            case "+": min = 1; i += 1
            default:
                guard let (lo, hi) = interval() else { return nil }
                (min, max, isInterval) = (lo, hi, true)
            }
            var kind = RegexNode.Quantifier.greedy
            if eat("?") {
                kind = .lazy
            } else if peek == "+" {
                // `{n,m}+` is not possessive in every Oniguruma syntax: not guessed.
                if isInterval { return nil }
                i += 1
                kind = .possessive
            }
            if let max, max < min { return nil }
            // A repeated group that can match empty needs Oniguruma's empty-loop rules.
            if max != 1, atom.matchesEmpty { return nil }
            node = .repetition(node, min: min, max: max, kind)
            // A quantifier on a quantifier (`a**`) has syntax-specific meanings.
            if let next = peek, "?*+{".unicodeScalars.contains(next) { return nil }
        }
        return node
    }

    /// `{n}`, `{n,}`, `{n,m}`, `{,m}`; nil for anything else (where Oniguruma reads `{` literally).
    private mutating func interval() -> (Int, Int?)? {
        var j = i + 1
        func number() -> Int? {
            var value: Int?
            while j < chars.count, ("0"..."9").contains(chars[j]) {
                value = (value ?? 0) * 10 + Int(chars[j].value - 0x30)
                guard value! <= 1000 else { return nil }
                j += 1
            }
            return value
        }
        let lo = number()
        var hi = lo
        if j < chars.count, chars[j] == "," {
            j += 1
            hi = number()
            if lo == nil && hi == nil { return nil }
        } else if lo == nil {
            return nil
        }
        guard j < chars.count, chars[j] == "}" else { return nil }
        i = j + 1
        return (lo ?? 0, hi)
    }

    private mutating func atom(caseInsensitive: Bool) -> RegexNode? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case "(":
            defer { literal = nil }  // the group's own literals are not this atom's
            return group(caseInsensitive: caseInsensitive)
        case "[":
            // Bracket classes ignore (?i) only when they hold no cased letters; not worth modelling.
            guard !caseInsensitive, let set = bracketClass() else { return nil }
            return .set(set)
        case ".":
            return .set(ScalarSet(ranges: [0x0A...0x0A], negated: true))
        case "\\":
            guard let set = escape(inClass: false) else { return nil }
            if set.ranges.count == 1, set.ranges[0].count == 1, set.categories == 0, !set.whitespace, !set.negated {
                literal = Unicode.Scalar(set.ranges[0].lowerBound)
                return caseInsensitive ? Self.folded(set.ranges[0].lowerBound) : .set(set)
            }
            if caseInsensitive && !set.ranges.isEmpty || caseInsensitive && set.categories != 0 { return nil }
            return .set(set)
        case "^", "$", ")", "|", "?", "*", "+", "{", "}", "]":
            return nil
        default:
            literal = c
            return caseInsensitive ? Self.folded(c.value) : .set(.scalar(c.value))
        }
    }

    /// A literal under (?i): ASCII letters match both cases, plus the two non-ASCII scalars that
    /// fold to an ASCII letter in Oniguruma (ſ U+017F to s, the Kelvin sign U+212A to k).
    /// Other cased scalars are not modelled.
    private static func folded(_ c: UInt32) -> RegexNode? {
        guard let scalar = Unicode.Scalar(c) else { return nil }
        if c < 0x80 {
            guard scalar.properties.isAlphabetic else { return .set(.scalar(c)) }
            let lower = c | 0x20
            var set = ScalarSet(ranges: [lower...lower, (lower - 0x20)...(lower - 0x20)])
            if lower == 0x73 { set.ranges.append(0x17F...0x17F) }
            if lower == 0x6B { set.ranges.append(0x212A...0x212A) }
            return .set(set)
        }
        let p = scalar.properties
        return p.isCased || p.changesWhenCaseFolded || p.changesWhenCaseMapped ? nil : .set(.scalar(c))
    }

    private mutating func group(caseInsensitive: Bool) -> RegexNode? {
        var insensitive = caseInsensitive
        enum Kind { case plain, atomic, lookahead(negative: Bool) }
        var kind = Kind.plain
        if eat("?") {
            if eat(":") {
            } else if eat(">") {
                kind = .atomic
            } else if eat("=") {
                kind = .lookahead(negative: false)
            } else if eat("!") {
                kind = .lookahead(negative: true)
            } else if eat("i"), eat(":") {
                insensitive = true
            } else {
                return nil
            }
        }
        guard let inner = alternation(caseInsensitive: insensitive), eat(")") else { return nil }
        switch kind {
        case .plain: return inner
        case .atomic: return .atomic(inner)
        case .lookahead(let negative): return .lookahead(inner, negative: negative)
        }
    }

    /// After the `[`: items up to the closing `]`.
    private mutating func bracketClass() -> ScalarSet? {
        var set = ScalarSet()
        set.negated = eat("^")
        var first = true
        while let c = peek {
            if c == "]" && !first { i += 1; return set }
            first = false
            // Nested classes, POSIX brackets and `&&` intersections are not modelled.
            if c == "[" || c == "&" && i + 1 < chars.count && chars[i + 1] == "&" { return nil }
            let lo: UInt32
            i += 1
            if c == "\\" {
                guard let item = escape(inClass: true) else { return nil }
                guard item.ranges.count == 1, item.ranges[0].count == 1, !item.negated else {
                    // A class escape (\s, \p{..}): merged when positive; a negated one inside
                    // brackets would need set algebra.
                    guard !item.negated else { return nil }
                    set.categories |= item.categories
                    set.whitespace = set.whitespace || item.whitespace
                    set.ranges += item.ranges
                    continue
                }
                lo = item.ranges[0].lowerBound
            } else {
                lo = c.value
            }
            // `a-b` is a range unless the `-` is last.
            if peek == "-", i + 1 < chars.count, chars[i + 1] != "]" {
                i += 1
                guard let hiScalar = peek else { return nil }
                i += 1
                var hi = hiScalar.value
                if hiScalar == "\\" {
                    guard let item = escape(inClass: true), item.ranges.count == 1, item.ranges[0].count == 1,
                          !item.negated else { return nil }
                    hi = item.ranges[0].lowerBound
                } else if hiScalar == "[" {
                    return nil
                }
                guard lo <= hi else { return nil }
                set.ranges.append(lo...hi)
            } else {
                set.ranges.append(lo...lo)
            }
        }
        return nil
    }

    /// After a `\`: a scalar (as a one-scalar set) or a class escape.
    private mutating func escape(inClass: Bool) -> ScalarSet? {
        guard let c = peek else { return nil }
        i += 1
        switch c {
        case "t": return .scalar(0x09)
        case "n": return .scalar(0x0A)
        case "r": return .scalar(0x0D)
        case "f": return .scalar(0x0C)
        case "v": return .scalar(0x0B)
        case "s": return ScalarSet(whitespace: true)
        case "S": return ScalarSet(whitespace: true, negated: true)
        case "p", "P":
            guard eat("{") else { return nil }
            var name = ""
            while let n = peek, n != "}" { name.unicodeScalars.append(n); i += 1 }
            guard eat("}"), let categories = Self.categoryMask(name) else { return nil }
            return ScalarSet(categories: categories, negated: c == "P")
        case "x":
            return hexEscape()
        default:
            // Escaped ASCII punctuation stands for itself; letters and digits are other escapes
            // (\d, \w, \b, \h, back-references ...) whose Oniguruma meaning is not modelled.
            guard c.isASCII, !c.properties.isAlphabetic, !("0"..."9").contains(c) else { return nil }
            return .scalar(c.value)
        }
    }

    private mutating func hexEscape() -> ScalarSet? {
        var digits = ""
        if eat("{") {
            while let d = peek, d != "}" { digits.unicodeScalars.append(d); i += 1 }
            guard eat("}"), (1...6).contains(digits.count) else { return nil }
        } else {
            for _ in 0..<2 {
                guard let d = peek else { return nil }
                digits.unicodeScalars.append(d)
                i += 1
            }
        }
        guard let value = UInt32(digits, radix: 16), Unicode.Scalar(value) != nil else { return nil }
        return .scalar(value)
    }

    /// `L`, `Lu`, ...: one general category or a one-letter group of them.
    static func categoryMask(_ name: String) -> UInt32? {
        var mask: UInt32 = 0
        for (index, category) in UnicodeTables.categoryNames.enumerated()
        where category == name || name.count == 1 && category.hasPrefix(name) {
            mask |= 1 << UInt32(index)
        }
        return mask == 0 ? nil : mask
    }
}
