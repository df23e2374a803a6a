/// Splits a template into tokens the way jinja2's lexer does with transformers' settings:
/// `trim_blocks` (a newline right after `%}` or `#}` is dropped), `lstrip_blocks` (spaces and
/// tabs before `{%` / `{#` at the start of a line are dropped), `-`/`+` whitespace control,
/// comments and `{% raw %}` blocks. Hand-written; no regular expressions.
struct Lexer {
    private let src: [Unicode.Scalar]
    private var pos = 0
    private var tokens: [Token] = []
    /// Whether the previous match ended with a newline (jinja2's `line_starting`).
    private var lineStarting = true
    let positions: SourcePositions

    /// jinja2 turns every `\r\n` and `\r` into `\n` and drops one trailing newline.
    static func normalize(_ source: String) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(source.unicodeScalars.count)
        var previousCR = false
        for scalar in source.unicodeScalars {
            if scalar == "\r" {
                out.append("\n")
                previousCR = true
                continue
            }
            if scalar == "\n" && previousCR { previousCR = false; continue }
            previousCR = false
            out.append(scalar)
        }
        if out.last == "\n" { out.removeLast() }
        return out
    }

    init(source: String) {
        src = Lexer.normalize(source)
        positions = SourcePositions(src)
    }

    static func tokenize(_ source: String) throws -> (tokens: [Token], positions: SourcePositions) {
        var lexer = Lexer(source: source)
        try lexer.run()
        return (lexer.tokens, lexer.positions)
    }

    private func error(_ message: String, at offset: Int) -> JinjaError {
        let (line, column) = positions.position(of: offset)
        return JinjaError(.syntax, message, line: line, column: column)
    }

    private func starts(with text: String, at index: Int) -> Bool {
        var i = index
        for scalar in text.unicodeScalars {
            guard i < src.count, src[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    private func skipWhitespace(from index: Int) -> Int {
        var i = index
        while i < src.count, isPythonWhitespace(src[i]) { i += 1 }
        return i
    }

    // MARK: - Template data and tags

    private mutating func run() throws {
        while pos < src.count {
            guard let tagStart = nextTagStart(from: pos) else {
                emitData(pos, src.count)
                break
            }
            let kind = src[tagStart + 1]
            var afterOpen = tagStart + 2
            var sign: Unicode.Scalar?
            if afterOpen < src.count, src[afterOpen] == "-" || src[afterOpen] == "+" {
                sign = src[afterOpen]
                afterOpen += 1
            }
            let rawBodyStart = kind == "%" ? rawBegin(at: tagStart) : nil
            let stripsLine = kind != "{"
            emitData(pos, strippedEnd(textStart: pos, textEnd: tagStart, sign: sign, lstrip: stripsLine), offset: pos)
            if let rawBodyStart {
                try lexRaw(from: rawBodyStart)
                continue
            }
            switch kind {
            case "#": try lexComment(from: afterOpen, openedAt: tagStart)
            case "%":
                tokens.append(Token(kind: .blockBegin, offset: tagStart))
                try lexTag(from: afterOpen, block: true)
            default:
                tokens.append(Token(kind: .variableBegin, offset: tagStart))
                try lexTag(from: afterOpen, block: false)
            }
        }
        tokens.append(Token(kind: .endOfTemplate, offset: src.count))
    }

    private func nextTagStart(from index: Int) -> Int? {
        var i = index
        while i + 1 < src.count {
            if src[i] == "{" {
                let next = src[i + 1]
                if next == "{" || next == "%" || next == "#" { return i }
            }
            i += 1
        }
        return nil
    }

    private mutating func emitData(_ start: Int, _ end: Int, offset: Int? = nil) {
        guard end > start else { return }
        var text = ""
        text.unicodeScalars.append(contentsOf: src[start..<end])
        tokens.append(Token(kind: .data, text: text, offset: offset ?? start))
    }

    /// Where the text before a tag ends once `-` (strip all whitespace) or `lstrip_blocks`
    /// (strip the line's indentation before a block or comment) has applied.
    private func strippedEnd(textStart: Int, textEnd: Int, sign: Unicode.Scalar?, lstrip: Bool) -> Int {
        if sign == "-" {
            var end = textEnd
            while end > textStart, isPythonWhitespace(src[end - 1]) { end -= 1 }
            return end
        }
        guard sign != "+", lstrip else { return textEnd }
        var lineStart = textEnd
        while lineStart > textStart, src[lineStart - 1] != "\n" { lineStart -= 1 }
        guard lineStart > textStart || lineStarting, lineStart < textEnd else { return textEnd }
        for i in lineStart..<textEnd where !isPythonWhitespace(src[i]) { return textEnd }
        return lineStart
    }

    /// `{%[-+]? raw (-%}\s*|%})`: returns where the raw body starts.
    private func rawBegin(at tagStart: Int) -> Int? {
        var i = tagStart + 2
        if i < src.count, src[i] == "-" || src[i] == "+" { i += 1 }
        i = skipWhitespace(from: i)
        guard starts(with: "raw", at: i) else { return nil }
        i = skipWhitespace(from: i + 3)
        if starts(with: "-%}", at: i) { return skipWhitespace(from: i + 3) }
        if starts(with: "%}", at: i) { return i + 2 }
        return nil
    }

    private mutating func lexRaw(from bodyStart: Int) throws {
        lineStarting = bodyStart > 0 && src[bodyStart - 1] == "\n"
        var i = bodyStart
        while i < src.count {
            if starts(with: "{%", at: i) {
                var j = i + 2
                var sign: Unicode.Scalar?
                if j < src.count, src[j] == "-" || src[j] == "+" { sign = src[j]; j += 1 }
                j = skipWhitespace(from: j)
                if starts(with: "endraw", at: j) {
                    j = skipWhitespace(from: j + 6)
                    if let end = blockEnd(at: j) {
                        emitData(bodyStart, strippedEnd(textStart: bodyStart, textEnd: i, sign: sign, lstrip: true))
                        finishMatch(at: end)
                        return
                    }
                }
            }
            i += 1
        }
        throw error("Missing end of raw directive", at: bodyStart)
    }

    /// `+%}`, `-%}` plus all following whitespace, or `%}` plus one newline (trim_blocks).
    private func blockEnd(at i: Int) -> Int? {
        if starts(with: "+%}", at: i) { return i + 3 }
        if starts(with: "-%}", at: i) { return skipWhitespace(from: i + 3) }
        if starts(with: "%}", at: i) { return i + 2 < src.count && src[i + 2] == "\n" ? i + 3 : i + 2 }
        return nil
    }

    private mutating func finishMatch(at end: Int) {
        lineStarting = end > 0 && src[end - 1] == "\n"
        pos = end
    }

    private mutating func lexComment(from start: Int, openedAt: Int) throws {
        var i = start
        while i < src.count {
            if starts(with: "+#}", at: i) { finishMatch(at: i + 3); return }
            if starts(with: "-#}", at: i) { finishMatch(at: skipWhitespace(from: i + 3)); return }
            if starts(with: "#}", at: i) {
                finishMatch(at: i + 2 < src.count && src[i + 2] == "\n" ? i + 3 : i + 2)
                return
            }
            i += 1
        }
        throw error("Missing end of comment tag", at: openedAt)
    }

    // MARK: - Inside {% %} and {{ }}

    private mutating func lexTag(from start: Int, block: Bool) throws {
        var i = start
        var balance: [Unicode.Scalar] = []
        while true {
            guard i < src.count else {
                throw error("unexpected end of template, expected '\(block ? "end of statement block" : "end of print statement")'", at: i)
            }
            if balance.isEmpty {
                if block, let end = blockEnd(at: i) {
                    tokens.append(Token(kind: .blockEnd, offset: i))
                    finishMatch(at: end)
                    return
                }
                if !block {
                    if starts(with: "-}}", at: i) {
                        tokens.append(Token(kind: .variableEnd, offset: i))
                        finishMatch(at: skipWhitespace(from: i + 3))
                        return
                    }
                    if starts(with: "}}", at: i) {
                        tokens.append(Token(kind: .variableEnd, offset: i))
                        finishMatch(at: i + 2)
                        return
                    }
                }
            }
            let scalar = src[i]
            if isPythonWhitespace(scalar) {
                i += 1
            } else if isDigit(scalar) {
                i = try lexNumber(at: i)
            } else if isNameStart(scalar) {
                var j = i + 1
                while j < src.count, isNameContinue(src[j]) { j += 1 }
                var name = ""
                name.unicodeScalars.append(contentsOf: src[i..<j])
                tokens.append(Token(kind: .name, text: name, offset: i))
                i = j
            } else if scalar == "'" || scalar == "\"" {
                i = try lexString(at: i)
            } else {
                i = try lexOperator(at: i, balance: &balance)
            }
        }
    }

    private func isDigit(_ s: Unicode.Scalar) -> Bool { s.value >= 0x30 && s.value <= 0x39 }
    private func isNameStart(_ s: Unicode.Scalar) -> Bool {
        s == "_" || (s.value < 0x80 ? s.properties.isAlphabetic : s.properties.isXIDStart)
    }
    private func isNameContinue(_ s: Unicode.Scalar) -> Bool {
        s == "_" || isDigit(s) || (s.value < 0x80 ? s.properties.isAlphabetic : s.properties.isXIDContinue)
    }

    private static let operators: [String] = ["//", "**", "==", "!=", ">=", "<=",
                                               "+", "-", "/", "*", "%", "~", "[", "]", "(", ")", "{", "}",
                                               "=", ".", ":", "|", ",", ";", "<", ">"]

    private mutating func lexOperator(at i: Int, balance: inout [Unicode.Scalar]) throws -> Int {
        guard let op = Self.operators.first(where: { starts(with: $0, at: i) }) else {
            throw error("unexpected char '\(src[i])' at \(i)", at: i)
        }
        switch op {
        case "(": balance.append(")")
        case "[": balance.append("]")
        case "{": balance.append("}")
        case ")", "]", "}":
            guard let expected = balance.popLast() else { throw error("unexpected '\(op)'", at: i) }
            if String(expected) != op { throw error("unexpected '\(op)', expected '\(expected)'", at: i) }
        default: break
        }
        tokens.append(Token(kind: .op, text: op, offset: i))
        return i + op.unicodeScalars.count
    }

    /// Digits with single `_` separators; returns the end index.
    private func digitRun(from start: Int, isValid: (Unicode.Scalar) -> Bool) -> Int {
        var i = start
        guard i < src.count, isValid(src[i]) else { return start }
        i += 1
        while i < src.count {
            if isValid(src[i]) { i += 1 } else if src[i] == "_", i + 1 < src.count, isValid(src[i + 1]) { i += 2 } else { break }
        }
        return i
    }

    private mutating func lexNumber(at start: Int) throws -> Int {
        // 0b / 0o / 0x literals.
        if src[start] == "0", start + 1 < src.count {
            let radixes: [(Unicode.Scalar, Int)] = [("b", 2), ("o", 8), ("x", 16)]
            for (letter, radix) in radixes where src[start + 1] == letter || src[start + 1] == Unicode.Scalar(letter.value - 32)! {
                var i = start + 2
                if i < src.count, src[i] == "_" { i += 1 }
                let end = digitRun(from: i) { Int(String($0), radix: radix) != nil }
                if end > i { return try emitInteger(start, end, radix: radix, digitsFrom: start + 2) }
            }
        }
        let integerEnd = digitRun(from: start, isValid: isDigit)
        var end = integerEnd
        var isFloat = false
        let afterDot = start > 0 && src[start - 1] == "."
        if !afterDot, end + 1 < src.count, src[end] == ".", isDigit(src[end + 1]) {
            end = digitRun(from: end + 1, isValid: isDigit)
            isFloat = true
        }
        if !afterDot, end < src.count, src[end] == "e" || src[end] == "E" {
            var j = end + 1
            if j < src.count, src[j] == "+" || src[j] == "-" { j += 1 }
            let exponentEnd = digitRun(from: j, isValid: isDigit)
            if exponentEnd > j { end = exponentEnd; isFloat = true }
        }
        guard isFloat else { return try emitInteger(start, integerEnd, radix: 10, digitsFrom: start) }
        var text = ""
        text.unicodeScalars.append(contentsOf: src[start..<end].filter { $0 != "_" })
        tokens.append(Token(kind: .float, float: Double(text) ?? .infinity, offset: start))
        return end
    }

    private mutating func emitInteger(_ start: Int, _ end: Int, radix: Int, digitsFrom: Int) throws -> Int {
        var text = ""
        text.unicodeScalars.append(contentsOf: src[digitsFrom..<end].filter { $0 != "_" })
        guard let value = Int(text, radix: radix) else {
            throw error("integer literal too large for a 64-bit integer", at: start)
        }
        tokens.append(Token(kind: .integer, integer: value, offset: start))
        return end
    }

    private mutating func lexString(at start: Int) throws -> Int {
        let quote = src[start]
        var i = start + 1
        var value = String.UnicodeScalarView()
        while i < src.count, src[i] != quote {
            if src[i] == "\\" {
                i = try unescape(at: i, into: &value)
            } else {
                value.append(src[i])
                i += 1
            }
        }
        guard i < src.count else { throw error("unexpected char \(quote == "'" ? "\"'\"" : "'\"'") at \(start)", at: start) }
        tokens.append(Token(kind: .string, text: String(value), offset: start))
        return i + 1
    }

    /// Python's `unicode-escape` for one backslash sequence at `i`; returns the next index.
    private func unescape(at i: Int, into value: inout String.UnicodeScalarView) throws -> Int {
        guard i + 1 < src.count else { value.append("\\"); return i + 1 }
        let c = src[i + 1]
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}",
            "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
        ]
        if let replacement = simple[c] { value.append(replacement); return i + 2 }
        if c == "\n" { return i + 2 }
        if c.value >= 0x30 && c.value <= 0x37 {
            var j = i + 1
            var code: UInt32 = 0
            while j < src.count, j < i + 4, src[j].value >= 0x30 && src[j].value <= 0x37 {
                code = code * 8 + (src[j].value - 0x30)
                j += 1
            }
            value.append(Unicode.Scalar(code)!)
            return j
        }
        let hexLength: Int? = c == "x" ? 2 : (c == "u" ? 4 : (c == "U" ? 8 : nil))
        if let hexLength {
            let digitsStart = i + 2
            guard digitsStart + hexLength <= src.count else { throw error("truncated \\\(c) escape", at: i) }
            var text = ""
            text.unicodeScalars.append(contentsOf: src[digitsStart..<digitsStart + hexLength])
            guard let code = UInt32(text, radix: 16) else { throw error("truncated \\\(c) escape", at: i) }
            guard let scalar = Unicode.Scalar(code) else { throw error("illegal Unicode character", at: i) }
            value.append(scalar)
            return digitsStart + hexLength
        }
        // Unknown escapes keep their backslash, as Python does.
        value.append("\\")
        return i + 1
    }
}
