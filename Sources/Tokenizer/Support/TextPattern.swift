import JSON

/// The `pattern` of a `Replace` normalizer or decoder: `{"String": "▁"}` or `{"Regex": "..."}`.
/// HF escapes a String pattern into a regex, so both find leftmost non-overlapping matches.
enum TextPattern: Sendable {
    case literal([UInt8])
    case regex(RegexMatcher)

    init(json: JSONValue?, path: String) throws(TokenizerError) {
        if let literal = json?["String"]?.stringValue {
            // An empty pattern matches between every character in HF; no real file has one.
            guard !literal.isEmpty else { throw .invalid(path, "an empty String pattern is not supported") }
            self = .literal(Array(literal.utf8))
        } else if let regex = json?["Regex"]?.stringValue {
            self = .regex(try RegexMatcher(pattern: regex))
        } else {
            throw .invalid(path, "expected {\"String\": ...} or {\"Regex\": ...}")
        }
    }

    /// Byte ranges of the successive non-overlapping matches in `text` (valid UTF-8).
    func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        switch self {
        case .literal(let needle): literalMatches(of: needle, in: text)
        case .regex(let regex): regex.matches(in: text).filter { !$0.isEmpty }
        }
    }

    /// `text` with every match replaced by `content`.
    func replacing(in text: [UInt8], with content: [UInt8]) -> [UInt8] {
        text.withUnsafeBufferPointer { buffer in
            let found = matches(in: buffer)
            guard !found.isEmpty else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(text.count + found.count * content.count)
            var previous = 0
            for match in found {
                out += buffer[previous..<match.lowerBound]
                out += content
                previous = match.upperBound
            }
            out += buffer[previous...]
            return out
        }
    }
}

/// A `Replace` normalizer or decoder: `{"type": "Replace", "pattern": {...}, "content": "▁"}`.
struct Replacement: Sendable {
    let pattern: TextPattern
    let content: [UInt8]

    init(json: JSONValue, path: String) throws(TokenizerError) {
        guard let content = json["content"]?.stringValue else { throw .invalid("\(path).content", "expected a string") }
        pattern = try TextPattern(json: json["pattern"], path: "\(path).pattern")
        self.content = Array(content.utf8)
    }

    func apply(_ text: [UInt8]) -> [UInt8] {
        pattern.replacing(in: text, with: content)
    }
}

/// Leftmost non-overlapping occurrences of `needle` (non-empty) in `text`.
func literalMatches(of needle: [UInt8], in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
    var out: [Range<Int>] = []
    guard !needle.isEmpty, needle.count <= text.count else { return out }
    let first = needle[0]
    var i = 0
    while i + needle.count <= text.count {
        if text[i] == first && (1..<needle.count).allSatisfy({ text[i + $0] == needle[$0] }) {
            out.append(i..<(i + needle.count))
            i += needle.count
        } else {
            i += 1
        }
    }
    return out
}
