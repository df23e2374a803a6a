import Foundation

/// Filters on text and numbers (jinja2 3.1 `filters.py` semantics, autoescape off).
extension Filters {
    static func textFilter(_ name: String, _ value: JinjaValue, _ args: CallArguments) throws -> JinjaValue? {
        switch name {
        case "string", "safe": return .string(PythonRepr.str(value))
        case "trim":
            return .string(PyString.strip(PythonRepr.str(value), try args.string(0, "chars", function: "trim"), leading: true, trailing: true))
        case "lower": return .string(PyString.lower(PythonRepr.str(value)))
        case "upper": return .string(PyString.upper(PythonRepr.str(value)))
        case "capitalize": return .string(PyString.capitalize(PythonRepr.str(value)))
        case "title": return .string(title(PythonRepr.str(value)))
        case "replace":
            guard let old = args.value(0, "old"), let new = args.value(1, "new") else {
                throw JinjaError(.type, "replace() missing required arguments 'old' and 'new'")
            }
            let count = try args.int(2, "count", function: "replace") ?? -1
            return .string(PyString.replace(PythonRepr.str(value), PythonRepr.str(old), PythonRepr.str(new), count: count))
        case "default", "d":
            let fallback = args.value(0, "default_value") ?? .string("")
            let useBoolean = args.bool(1, "boolean") ?? false
            if value.isUndefined || (useBoolean && !value.isTruthy) { return fallback }
            return value
        case "indent": return .string(try indent(value, args))
        case "center":
            let width = try args.int(0, "width", function: "center") ?? 80
            return try StringMethods.call("center", on: PythonRepr.str(value), CallArguments(positional: [.int(width)]))
        case "wordcount":
            var count = 0
            var inWord = false
            for scalar in PythonRepr.str(value).unicodeScalars {
                let wordCharacter = scalar == "_" || PyString.isAlnum(scalar)
                if wordCharacter && !inWord { count += 1 }
                inWord = wordCharacter
            }
            return .int(count)
        case "escape", "e", "forceescape": return .string(escapeHTML(PythonRepr.str(value)))
        case "format":
            let arguments: JinjaValue = args.keyword.isEmpty
                ? .tuple(args.positional) : .dict(JinjaDict(args.keyword.map { (.string($0.0), $0.1) }))
            return .string(try PrintfFormat.format(PythonRepr.str(value), arguments))
        case "tojson": return .string(try toJSON(value, args))
        case "truncate": return .string(try truncate(PythonRepr.str(value), args))
        default: return nil
        }
    }

    /// jinja2's `title` filter: upper-cases the first character after `-`, whitespace or an
    /// opening bracket, lower-cases the rest (unlike Python's `str.title`).
    static func title(_ text: String) -> String {
        var out = ""
        var word = String.UnicodeScalarView()
        func flushWord() {
            guard let first = word.first else { return }
            out += String(first).uppercased() + PyString.lower(String(word.dropFirst()))
            word = String.UnicodeScalarView()
        }
        for scalar in text.unicodeScalars {
            if isPythonWhitespace(scalar) || "-({[<".unicodeScalars.contains(scalar) {
                flushWord()
                out.unicodeScalars.append(scalar)
            } else {
                word.append(scalar)
            }
        }
        flushWord()
        return out
    }

    /// jinja2 3.x `indent(width=4, first=False, blank=False)`; `width` may be a string.
    static func indent(_ value: JinjaValue, _ args: CallArguments) throws -> String {
        guard case .string(let text) = value else {
            if case .undefined(let u) = value { throw u.error }
            throw JinjaError(.type, "indent filter expects a string, got \(value.typeName)")
        }
        let indentation: String
        switch args.value(0, "width") ?? .int(4) {
        case .string(let s): indentation = s
        case .int(let n): indentation = String(repeating: " ", count: max(0, try Operators.checkedCount(n)))
        case let other: throw JinjaError(.type, "indent width must be an int or str, not \(other.typeName)")
        }
        let first = args.bool(1, "first") ?? false
        let blank = args.bool(2, "blank") ?? false
        // jinja2 appends a newline so that splitlines keeps a trailing empty line.
        var lines = PyString.splitLines(text + "\n")
        var result: String
        if blank {
            result = lines.joined(separator: "\n" + indentation)
        } else {
            result = lines.isEmpty ? "" : lines.removeFirst()
            if !lines.isEmpty {
                result += "\n" + lines.map { $0.isEmpty ? $0 : indentation + $0 }.joined(separator: "\n")
            }
        }
        return first ? indentation + result : result
    }

    /// `truncate(length=255, killwords=False, end='...', leeway=5)`: text within
    /// length + leeway is kept; otherwise it is cut, at a space unless `killwords`.
    static func truncate(_ text: String, _ args: CallArguments) throws -> String {
        let length = try args.int(0, "length", function: "truncate") ?? 255
        let killWords = args.bool(1, "killwords") ?? false
        let end = try args.string(2, "end", function: "truncate") ?? "..."
        let leeway = try args.int(3, "leeway", function: "truncate") ?? 5
        let endLength = end.unicodeScalars.count
        guard length >= endLength else { throw JinjaError(.type, "expected length >= \(endLength), got \(length)") }
        guard leeway >= 0 else { throw JinjaError(.type, "expected leeway >= 0, got \(leeway)") }
        let scalars = Array(text.unicodeScalars)
        let (limit, overflowed) = length.addingReportingOverflow(leeway)
        if overflowed || scalars.count <= limit { return text }
        let kept = PyString.string(scalars[..<(length - endLength)])
        if killWords { return kept + end }
        return (PyString.rsplit(kept, separator: " ", maxSplit: 1).first ?? kept) + end
    }

    /// markupsafe's `escape`.
    static func escapeHTML(_ text: String) -> String {
        guard text.utf8.contains(where: { "&<>'\"".utf8.contains($0) }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "'": out += "&#39;"
            case "\"": out += "&#34;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func toJSON(_ value: JinjaValue, _ args: CallArguments) throws -> String {
        try args.check("tojson", parameters: ["ensure_ascii", "indent", "separators", "sort_keys"])
        var indent: String?
        switch args.value(1, "indent") {
        case nil, .none?: indent = nil
        case .string(let s)?: indent = s
        case .int(let n)?: indent = String(repeating: " ", count: max(0, try Operators.checkedCount(n)))
        case let other?: throw JinjaError(.type, "indent must be an int or str, not \(other.typeName)")
        }
        var separators: (String, String)?
        switch args.value(2, "separators") {
        case nil, .none?: separators = nil
        case .list(let items)?, .tuple(let items)?:
            guard items.count == 2, case .string(let item) = items[0], case .string(let key) = items[1] else {
                throw JinjaError(.type, "separators must be a pair of strings")
            }
            separators = (item, key)
        case let other?: throw JinjaError(.type, "separators must be a pair of strings, not \(other.typeName)")
        }
        let dumper = JSONDumps(indent: indent, separators: separators, sortKeys: args.bool(3, "sort_keys") ?? false)
        let text = try dumper.dumps(value)
        return args.bool(0, "ensure_ascii") ?? false ? asciiEscaped(text) : text
    }

    /// `ensure_ascii=True`: every non-ASCII character as `\uXXXX` (surrogate pairs above the BMP).
    static func asciiEscaped(_ json: String) -> String {
        var out = ""
        for unit in json.utf16 {
            if unit < 0x80 { out.unicodeScalars.append(Unicode.Scalar(UInt8(unit))) } else { out += "\\u" + PythonRepr.hex(UInt32(unit), width: 4) }
        }
        return out
    }

    static func numberFilter(_ name: String, _ value: JinjaValue, _ args: CallArguments) throws -> JinjaValue? {
        switch name {
        case "int": return try toInt(value, default: args.value(0, "default") ?? .int(0), base: try args.int(1, "base", function: "int") ?? 10)
        case "float": return try toFloat(value) ?? args.value(0, "default") ?? .float(0)
        case "abs":
            switch value {
            case .int(let i):
                guard i != .min else { throw Operators.overflow() }
                return .int(Swift.abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(Swift.abs(d))
            case .undefined(let u): throw u.error
            default: throw JinjaError(.type, "bad operand type for abs(): '\(value.typeName)'")
            }
        case "round": return try round(value, args)
        default: return nil
        }
    }

    /// jinja2's `int`: `int(value)`, else `int(float(value))`, else the default.
    static func toInt(_ value: JinjaValue, default fallback: JinjaValue, base: Int) throws -> JinjaValue {
        switch value {
        case .int: return value
        case .bool(let b): return .int(b ? 1 : 0)
        case .float(let d):
            guard d.isFinite else { throw JinjaError(.type, "cannot convert float \(PythonRepr.float(d)) to integer") }
            guard let i = Int(exactly: d.rounded(.towardZero)) else { throw Operators.overflow() }
            return .int(i)
        case .string(let s):
            let text = PyString.strip(s, nil, leading: true, trailing: true)
            if let i = parseInt(text, base: base) { return .int(i) }
            if let d = parseFloat(s), d.isFinite, let i = Int(exactly: d.rounded(.towardZero)) { return .int(i) }
            return fallback
        case .undefined(let u): throw u.error
        default: return fallback
        }
    }

    /// Python's `int(text, base)`: optional sign, a `0x`/`0o`/`0b` prefix matching the base
    /// (any of them for base 0), digits with single underscores.
    static func parseInt(_ text: String, base: Int) -> Int? {
        var body = Substring(text)
        var negative = false
        if let sign = body.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            body = body.dropFirst()
        }
        var radix = base
        let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        for (prefix, prefixRadix) in prefixes where body.lowercased().hasPrefix(prefix) && (base == prefixRadix || base == 0) {
            body = body.dropFirst(2)
            if body.first == "_" { body = body.dropFirst() }
            radix = prefixRadix
        }
        if radix == 0 {
            // Base 0 without a prefix: decimal, and no leading zeros except zero itself.
            radix = 10
            if body.count > 1, body.first == "0", body.contains(where: { $0 != "0" && $0 != "_" }) { return nil }
        }
        guard let first = body.first, first != "_", body.last != "_", !body.contains("__") else { return nil }
        guard (2...36).contains(radix), let magnitude = Int(body.replacingOccurrences(of: "_", with: ""), radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }

    /// Python's `float(text)`: whitespace, underscores between digits, inf/nan spellings.
    static func parseFloat(_ text: String) -> Double? {
        let body = PyString.strip(text, nil, leading: true, trailing: true)
        switch body.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard !body.isEmpty, !body.contains("__"), body.first != "_", body.last != "_",
              body.unicodeScalars.allSatisfy({ "0123456789+-.eE_".unicodeScalars.contains($0) }) else { return nil }
        return Double(body.replacingOccurrences(of: "_", with: ""))
    }

    static func toFloat(_ value: JinjaValue) throws -> JinjaValue? {
        switch value {
        case .int(let i): return .float(Double(i))
        case .bool(let b): return .float(b ? 1 : 0)
        case .float: return value
        case .string(let s): return parseFloat(s).map { .float($0) }
        case .undefined(let u): throw u.error
        default: return nil
        }
    }

    /// `round(value, precision=0, method='common')`: Python's round (ties to even) keeps an int
    /// an int; `ceil` and `floor` always give a float.
    static func round(_ value: JinjaValue, _ args: CallArguments) throws -> JinjaValue {
        let precision = try args.int(0, "precision", function: "round") ?? 0
        let method = try args.string(1, "method", function: "round") ?? "common"
        guard ["common", "ceil", "floor"].contains(method) else {
            throw JinjaError(.type, "method must be common, ceil or floor")
        }
        guard let number = PythonNumber(value) else {
            if case .undefined(let u) = value { throw u.error }
            throw JinjaError(.type, "type \(value.typeName) doesn't define __round__ method")
        }
        if method != "common" {
            let scale = Foundation.pow(10.0, Double(precision))
            let scaled = number.double * scale
            return .float((method == "ceil" ? scaled.rounded(.up) : scaled.rounded(.down)) / scale)
        }
        switch number {
        case .int(let i):
            guard precision < 0 else { return .int(i) }
            let scale = Foundation.pow(10.0, Double(-precision))
            guard scale.isFinite, let rounded = Int(exactly: (Double(i) / scale).rounded(.toNearestOrEven) * scale) else { return .int(0) }
            return .int(rounded)
        case .float(let d):
            return .float(DecimalRounding.round(d, precision))
        }
    }
}
