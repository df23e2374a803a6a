import JSON

/// A token matched in the text before pre-tokenization (HF's `AddedToken`), with the options
/// HF honours when matching it.
public struct AddedToken: Sendable, Equatable {
    public var id: UInt32
    public var content: String
    /// Match only when neither neighbour is a word character (Rust regex `\w`).
    public var singleWord: Bool
    /// Swallow the whitespace on its left / right into the match.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Match against the normalized text (and in its normalized form) rather than the raw text.
    public var normalized: Bool
    /// Skipped by `decode(skipSpecialTokens: true)`; never split by the model.
    public var special: Bool

    public init(id: UInt32, content: String, singleWord: Bool = false, lstrip: Bool = false, rstrip: Bool = false,
                normalized: Bool? = nil, special: Bool = false) {
        self.id = id
        self.content = content
        self.singleWord = singleWord
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.normalized = normalized ?? !special  // HF's default: special tokens are not normalized
        self.special = special
    }
}

/// Finds added tokens in a piece of text the way HF's `AddedVocabulary::find_matches` does:
/// leftmost-longest non-overlapping matches, then the single_word filter and the lstrip/rstrip
/// extensions, on the piece alone.
struct AddedTokenMatcher: Sendable {
    private struct Pattern: Sendable {
        let bytes: [UInt8]
        let token: AddedToken
    }

    private let patterns: [Pattern]
    /// Trie over pattern bytes: node 0 is the root; `edges[node << 8 | byte]` is the child.
    private let edges: [Int: Int32]
    private let terminal: [Int32]
    private let firstByte: [Bool]

    var isEmpty: Bool { patterns.isEmpty }

    /// `normalizer` is applied to tokens whose `normalized` flag is set (pass it only for the
    /// matcher that runs on normalized text).
    init(tokens: [AddedToken], normalizer: Normalizer?) {
        var patterns: [Pattern] = []
        for token in tokens where !token.content.isEmpty {
            let text = normalizer.map { $0.apply(token.content) } ?? token.content
            patterns.append(Pattern(bytes: Array(text.utf8), token: token))
        }
        var edges: [Int: Int32] = [:]
        var terminal: [Int32] = [-1]
        var firstByte = [Bool](repeating: false, count: 256)
        for (index, pattern) in patterns.enumerated() {
            guard let first = pattern.bytes.first else { continue }
            firstByte[Int(first)] = true
            var node = 0
            for b in pattern.bytes {
                let key = node << 8 | Int(b)
                if let child = edges[key] {
                    node = Int(child)
                } else {
                    let child = Int32(terminal.count)
                    terminal.append(-1)
                    edges[key] = child
                    node = Int(child)
                }
            }
            // HF keeps one entry per content; the later one wins, as in its map.
            terminal[node] = Int32(index)
        }
        self.patterns = patterns
        self.edges = edges
        self.terminal = terminal
        self.firstByte = firstByte
    }

    /// One piece of the sentence: text (`token == nil`) or an added token.
    struct Split {
        var range: Range<Int>
        var token: AddedToken?
    }

    /// The splits of `sentence`; text splits may be empty only when the sentence is.
    func splits(_ sentence: UnsafeBufferPointer<UInt8>) -> [Split] {
        let n = sentence.count
        guard !patterns.isEmpty, n > 0 else { return [Split(range: 0..<n, token: nil)] }
        let p = sentence.baseAddress!
        var out: [Split] = []
        var startOffset = 0
        var i = 0
        while i < n {
            guard firstByte[Int(p[i])], let (length, pattern) = longestMatch(p, i, n) else {
                i += 1
                continue
            }
            var start = i
            var stop = i + length
            i = stop
            let token = patterns[pattern].token
            if token.singleWord {
                let startSpace = start == 0 || !Self.endsWithWord(p, start)
                let stopSpace = stop == n || !Self.startsWithWord(p, stop, n)
                if !startSpace || !stopSpace { continue }
            }
            if token.lstrip {
                start = max(Self.whitespaceStart(p, before: start), startOffset)
            }
            if token.rstrip {
                stop = Self.whitespaceEnd(p, from: stop, n)
            }
            if startOffset < start { out.append(Split(range: startOffset..<start, token: nil)) }
            out.append(Split(range: start..<stop, token: token))
            startOffset = stop
        }
        if startOffset < n { out.append(Split(range: startOffset..<n, token: nil)) }
        return out
    }

    private func longestMatch(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> (Int, Int)? {
        var node = 0
        var best: (Int, Int)?
        var j = i
        while j < n, let child = edges[node << 8 | Int(p[j])] {
            node = Int(child)
            j += 1
            if terminal[node] >= 0 { best = (j - i, Int(terminal[node])) }
        }
        return best
    }

    // MARK: - Neighbours (Rust regex `\w`, `\s*$`, `^\s*` on the sentence)

    private static let classes = CharClassTable.shared

    /// Start of the character that ends just before `i`.
    private static func previousScalarStart(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int {
        var j = i - 1
        while j > 0 && p[j] & 0xC0 == 0x80 { j -= 1 }
        return j
    }

    private static func endsWithWord(_ p: UnsafePointer<UInt8>, _ i: Int) -> Bool {
        let (cp, _) = decodeScalar(p, previousScalarStart(p, i))
        return classes.classes(cp).contains(.word)
    }

    private static func startsWithWord(_ p: UnsafePointer<UInt8>, _ i: Int, _ n: Int) -> Bool {
        let (cp, _) = decodeScalar(p, i)
        return classes.classes(cp).contains(.word)
    }

    private static func whitespaceStart(_ p: UnsafePointer<UInt8>, before i: Int) -> Int {
        var start = i
        while start > 0 {
            let j = previousScalarStart(p, start)
            let (cp, _) = decodeScalar(p, j)
            guard classes.classes(cp).contains(.whitespace) else { break }
            start = j
        }
        return start
    }

    private static func whitespaceEnd(_ p: UnsafePointer<UInt8>, from i: Int, _ n: Int) -> Int {
        var end = i
        while end < n {
            let (cp, len) = decodeScalar(p, end)
            guard classes.classes(cp).contains(.whitespace) else { break }
            end += len
        }
        return end
    }
}
