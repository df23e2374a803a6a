/// A strict JSON parser over raw bytes that reports the byte offset of every error.
///
/// Beyond RFC 8259 it accepts only the `NaN`, `Infinity` and `-Infinity` literals that
/// Python's `json.dumps` writes, so such records can be read and then judged (a NaN score is
/// a quarantine reason, not a syntax error). Invalid UTF-8, lone surrogate escapes and nesting
/// deeper than `maxDepth` are errors, so nothing malformed becomes a Swift `String`.
public struct JSONParser: ~Copyable {
    public static let defaultMaxDepth = 512

    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var pos = 0
    private let maxDepth: Int
    private var depth = 0
    private var scratch: [UInt8] = []

    private init(_ buffer: UnsafeRawBufferPointer, maxDepth: Int) {
        base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
        end = buffer.count
        self.maxDepth = maxDepth
    }

    /// Parses exactly one JSON value (surrounding whitespace allowed) from `bytes`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes, maxDepth: maxDepth)
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.pos != parser.end {
            throw JSONError(offset: parser.pos, message: "unexpected \(describe(parser.base[parser.pos])) after the JSON value")
        }
        return value
    }

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(JSONError) in try parse(buffer, maxDepth: maxDepth) }
        }
        return try result.get()
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(Array(text.utf8), maxDepth: maxDepth)
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONError) -> JSONValue {
        guard pos < end else { throw JSONError(offset: pos, message: "unexpected end of input, expected a value") }
        switch base[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "N"): try expectLiteral("NaN"); return .double(.nan)
        case UInt8(ascii: "I"): try expectLiteral("Infinity"); return .double(.infinity)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        case let byte: throw JSONError(offset: pos, message: "unexpected \(Self.describe(byte)), expected a value")
        }
    }

    private mutating func enter() throws(JSONError) {
        depth += 1
        if depth > maxDepth { throw JSONError(offset: pos, message: "nesting deeper than \(maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONError) -> JSONValue {
        try enter()
        pos += 1
        var keys: [String] = []
        var values: [JSONValue] = []
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "}") {
            pos += 1; depth -= 1
            return .object(JSONObject())
        }
        while true {
            skipWhitespace()
            guard pos < end else { throw JSONError(offset: pos, message: "unexpected end of input inside an object") }
            guard base[pos] == UInt8(ascii: "\"") else {
                throw JSONError(offset: pos, message: "unexpected \(Self.describe(base[pos])), expected a string key")
            }
            keys.append(try parseString())
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "':' after an object key")
            skipWhitespace()
            values.append(try parseValue())
            skipWhitespace()
            guard pos < end else { throw JSONError(offset: pos, message: "unexpected end of input inside an object") }
            if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if base[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw JSONError(offset: pos, message: "unexpected \(Self.describe(base[pos])), expected ',' or '}'")
        }
        depth -= 1
        return .object(JSONObject(parsedKeys: keys, values: values))
    }

    private mutating func parseArray() throws(JSONError) -> JSONValue {
        try enter()
        pos += 1
        var items: [JSONValue] = []
        skipWhitespace()
        if pos < end, base[pos] == UInt8(ascii: "]") {
            pos += 1; depth -= 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try parseValue())
            skipWhitespace()
            guard pos < end else { throw JSONError(offset: pos, message: "unexpected end of input inside an array") }
            if base[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if base[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw JSONError(offset: pos, message: "unexpected \(Self.describe(base[pos])), expected ',' or ']'")
        }
        depth -= 1
        return .array(items)
    }

    // MARK: - Strings

    /// Parses a string starting at its opening quote. Raw control characters are accepted
    /// (several real exports contain raw tabs); invalid UTF-8 is not.
    private mutating func parseString() throws(JSONError) -> String {
        pos += 1
        let start = pos
        // Until the first escape the string is the input bytes themselves; after it, decoded
        // text collects in `scratch`, with runs of plain bytes copied in bulk.
        var unescaped = true
        var runStart = start
        while true {
            pos = Self.skipPlainASCII(base, pos, end)
            guard pos < end else { throw JSONError(offset: start - 1, message: "unterminated string") }
            let byte = base[pos]
            if byte == UInt8(ascii: "\"") {
                let text: String
                if unescaped {
                    text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
                } else {
                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart))
                    text = String(decoding: scratch, as: UTF8.self)
                }
                pos += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                if unescaped {
                    scratch.removeAll(keepingCapacity: true)
                    unescaped = false
                }
                scratch.append(contentsOf: UnsafeBufferPointer(start: base + runStart, count: pos - runStart))
                try parseEscape()
                runStart = pos
            } else {
                try skipUTF8Sequence()
            }
        }
    }

    /// Skips 8 bytes at a time while they are ASCII and hold no quote or backslash
    /// (SWAR: a zero byte of `w ^ pattern` marks a match), then returns the position of the
    /// first byte that needs a closer look.
    @inline(__always)
    static func skipPlainASCII(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var i = start
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= end {
            let w = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let slash = w ^ (ones &* 0x5C)
            let hasQuote = (quote &- ones) & ~quote & highs
            let hasSlash = (slash &- ones) & ~slash & highs
            if (w & highs) | hasQuote | hasSlash != 0 { break }
            i += 8
        }
        while i < end {
            let b = base[i]
            if b >= 0x80 || b == 0x22 || b == 0x5C { break }
            i += 1
        }
        return i
    }

    private mutating func parseEscape() throws(JSONError) {
        let at = pos
        pos += 1
        guard pos < end else { throw JSONError(offset: at, message: "unterminated escape sequence") }
        let c = base[pos]
        pos += 1
        switch c {
        case UInt8(ascii: "\""): scratch.append(0x22)
        case UInt8(ascii: "\\"): scratch.append(0x5C)
        case UInt8(ascii: "/"): scratch.append(0x2F)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4(at: at)
            if (0xD800..<0xDC00).contains(scalar) {
                guard pos + 1 < end, base[pos] == UInt8(ascii: "\\"), base[pos + 1] == UInt8(ascii: "u") else {
                    throw JSONError(offset: at, message: "lone high surrogate \\u\(hex(scalar)) (not valid Unicode)")
                }
                pos += 2
                let low = try parseHex4(at: pos - 2)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw JSONError(offset: at, message: "high surrogate \\u\(hex(scalar)) not followed by a low surrogate")
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(scalar) {
                throw JSONError(offset: at, message: "lone low surrogate \\u\(hex(scalar)) (not valid Unicode)")
            }
            appendUTF8(scalar)
        default:
            throw JSONError(offset: at, message: "invalid escape sequence \\\(Self.describe(c))")
        }
    }

    private mutating func parseHex4(at escapeStart: Int) throws(JSONError) -> UInt32 {
        guard pos + 4 <= end else { throw JSONError(offset: escapeStart, message: "truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let c = base[pos]
            let digit: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = c - UInt8(ascii: "A") + 10
            default: throw JSONError(offset: escapeStart, message: "invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            pos += 1
        }
        return value
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` (lead byte >= 0x80) and moves past it.
    private mutating func skipUTF8Sequence() throws(JSONError) {
        let length = UTF8Validation.sequenceLength(base, pos, end)
        if length == 0 { throw JSONError(offset: pos, message: "invalid UTF-8 \(Self.describe(base[pos]))") }
        pos += length
    }

    // MARK: - Numbers and literals

    private mutating func parseNumber() throws(JSONError) -> JSONValue {
        let start = pos
        var negative = false
        if base[pos] == UInt8(ascii: "-") {
            negative = true
            pos += 1
            if pos < end, base[pos] == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        guard pos < end, isDigit(base[pos]) else { throw JSONError(offset: start, message: "invalid number") }
        if base[pos] == UInt8(ascii: "0"), pos + 1 < end, isDigit(base[pos + 1]) {
            throw JSONError(offset: start, message: "invalid number (leading zero)")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        while pos < end, isDigit(base[pos]) {
            let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (m2, o2) = m1.addingReportingOverflow(UInt64(base[pos] - UInt8(ascii: "0")))
            overflow = overflow || o1 || o2
            magnitude = m2
            pos += 1
        }
        var isInteger = true
        if pos < end, base[pos] == UInt8(ascii: ".") {
            isInteger = false
            pos += 1
            guard pos < end, isDigit(base[pos]) else { throw JSONError(offset: start, message: "invalid number (no digits after '.')") }
            while pos < end, isDigit(base[pos]) { pos += 1 }
        }
        if pos < end, base[pos] == UInt8(ascii: "e") || base[pos] == UInt8(ascii: "E") {
            isInteger = false
            pos += 1
            if pos < end, base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-") { pos += 1 }
            guard pos < end, isDigit(base[pos]) else { throw JSONError(offset: start, message: "invalid number (bad exponent)") }
            while pos < end, isDigit(base[pos]) { pos += 1 }
        }
        if isInteger, !overflow {
            if negative, magnitude <= UInt64(Int64.max) + 1 {
                return .int(magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude))
            }
            if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: pos - start), as: UTF8.self)
        guard let d = Double(text) else { throw JSONError(offset: start, message: "invalid number") }
        return .double(d)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let n = literal.utf8CodeUnitCount
        let lit = literal.utf8Start
        guard pos + n <= end else { throw JSONError(offset: pos, message: "invalid literal, expected \(literal)") }
        for i in 0..<n where base[pos + i] != lit[i] {
            throw JSONError(offset: pos, message: "invalid literal, expected \(literal)")
        }
        pos += n
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONError) {
        guard pos < end else { throw JSONError(offset: pos, message: "unexpected end of input, expected \(what)") }
        guard base[pos] == byte else { throw JSONError(offset: pos, message: "unexpected \(Self.describe(base[pos])), expected \(what)") }
        pos += 1
    }

    private mutating func skipWhitespace() {
        while pos < end {
            switch base[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
