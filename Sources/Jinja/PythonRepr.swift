/// Python's `str()` and `repr()` of template values: what `{{ value }}` prints.
enum PythonRepr {
    /// `str(value)`, with jinja2's Undefined printing as "".
    static func str(_ value: JinjaValue) -> String {
        switch value {
        case .string(let s): return s
        case .undefined: return ""
        default:
            var out = ""
            write(value, into: &out)
            return out
        }
    }

    static func repr(_ value: JinjaValue) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    static func write(_ value: JinjaValue, into out: inout String) {
        switch value {
        case .undefined: out += "Undefined"
        case .none: out += "None"
        case .bool(let b): out += b ? "True" : "False"
        case .int(let i): out += String(i)
        case .float(let d): out += float(d)
        case .string(let s): writeString(s, into: &out)
        case .list(let items):
            out += "["
            writeItems(items, into: &out)
            out += "]"
        case .tuple(let items):
            out += "("
            writeItems(items, into: &out)
            if items.count == 1 { out += "," }
            out += ")"
        case .dict(let dict): writeDict(dict, into: &out)
        case .namespace(let ns):
            out += "<Namespace "
            writeDict(ns.attributes, into: &out)
            out += ">"
        case .loop(let loop): out += "<LoopContext \(loop.index0 + 1)/\(loop.items.count)>"
        case .iterator(let iterator): out += "<\(iterator.typeName) object>"
        case .callable(let c):
            out += c.isMacro ? "<Macro '\(c.name)'>" : "<built-in function \(c.name)>"
        }
    }

    private static func writeItems(_ items: [JinjaValue], into out: inout String) {
        for (i, item) in items.enumerated() {
            if i > 0 { out += ", " }
            write(item, into: &out)
        }
    }

    private static func writeDict(_ dict: JinjaDict, into out: inout String) {
        out += "{"
        for (i, (key, item)) in dict.pairs.enumerated() {
            if i > 0 { out += ", " }
            write(key, into: &out)
            out += ": "
            write(item, into: &out)
        }
        out += "}"
    }

    /// `repr(str)`: single quotes unless the text has a ' and no ", escapes for the rest.
    static func writeString(_ s: String, into out: inout String) {
        let hasSingle = s.utf8.contains(UInt8(ascii: "'"))
        let hasDouble = s.utf8.contains(UInt8(ascii: "\""))
        let quote: Unicode.Scalar = hasSingle && !hasDouble ? "\"" : "'"
        out.unicodeScalars.append(quote)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case quote: out += "\\"; out.unicodeScalars.append(scalar)
            default:
                if isPrintable(scalar) {
                    out.unicodeScalars.append(scalar)
                } else if scalar.value < 0x100 {
                    out += "\\x" + hex(scalar.value, width: 2)
                } else if scalar.value < 0x10000 {
                    out += "\\u" + hex(scalar.value, width: 4)
                } else {
                    out += "\\U" + hex(scalar.value, width: 8)
                }
            }
        }
        out.unicodeScalars.append(quote)
    }

    /// Python's `str.isprintable` for one character.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.value < 0x7F { return scalar.value >= 0x20 }
        if scalar == " " { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `repr(float)`: the shortest round-tripping digits, in fixed notation when the decimal
    /// exponent is in [-4, 16), otherwise scientific with a signed two-digit exponent.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let sign = d.sign == .minus ? "-" : ""
        let (digits, pointPosition) = shortestDigits(abs(d))
        if digits.isEmpty { return sign + "0.0" }
        if pointPosition > 16 || pointPosition <= -4 {
            var text = sign + String(digits.first!)
            if digits.count > 1 { text += "." + digits.dropFirst() }
            let exponent = pointPosition - 1
            let magnitude = String(abs(exponent))
            text += (exponent < 0 ? "e-" : "e+") + (magnitude.count < 2 ? "0" : "") + magnitude
            return text
        }
        if pointPosition <= 0 {
            return sign + "0." + String(repeating: "0", count: -pointPosition) + digits
        }
        if pointPosition >= digits.count {
            return sign + digits + String(repeating: "0", count: pointPosition - digits.count) + ".0"
        }
        let cut = digits.index(digits.startIndex, offsetBy: pointPosition)
        return sign + digits[..<cut] + "." + digits[cut...]
    }

    /// Significant digits of a positive double (no leading or trailing zeros) and where the
    /// decimal point goes: value = 0.DIGITS × 10^pointPosition. Swift's `description` already
    /// prints the shortest digits that round-trip, as Python's repr does; only the layout differs.
    static func shortestDigits(_ d: Double) -> (String, Int) {
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var integerPart = mantissa
        var fraction: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fraction = mantissa[mantissa.index(after: dot)...]
        }
        var digits = Array(integerPart + fraction)
        var point = integerPart.count + exponent
        while let first = digits.first, first == "0" {
            digits.removeFirst()
            point -= 1
        }
        while let last = digits.last, last == "0" { digits.removeLast() }
        return (String(digits), point)
    }
}
