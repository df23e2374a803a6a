import Foundation

/// Python's `%` string formatting and `str.format`, for the conversions templates use
/// (`%s %r %d %i %f %%`, `{}` `{0}` `{name}` with `!r`/`!s`). Other specifications are an
/// error rather than a guess.
enum PrintfFormat {
    static func format(_ format: String, _ argument: JinjaValue) throws -> String {
        var positional: [JinjaValue]
        switch argument {
        case .tuple(let items): positional = items
        default: positional = [argument]
        }
        let mapping: JinjaDict? = if case .dict(let d) = argument { d } else { nil }
        var out = ""
        var scalars = format.unicodeScalars.makeIterator()
        var used = 0
        while let scalar = scalars.next() {
            guard scalar == "%" else { out.unicodeScalars.append(scalar); continue }
            var precision: Int?
            var key: String?
            guard var code = scalars.next() else { throw JinjaError(.type, "incomplete format") }
            if code == "(" {
                var name = ""
                while let c = scalars.next(), c != ")" { name.unicodeScalars.append(c) }
                key = name
                guard let next = scalars.next() else { throw JinjaError(.type, "incomplete format") }
                code = next
            }
            if code == "." {
                var digits = ""
                while let c = scalars.next() {
                    if c.properties.numericType != nil { digits.unicodeScalars.append(c) } else { code = c; break }
                }
                precision = Int(digits) ?? 0
            }
            if code == "%" { out += "%"; continue }
            let value: JinjaValue
            if let key {
                guard let mapping, let found = mapping[key] else { throw JinjaError(.type, "format requires a mapping") }
                value = found
            } else {
                guard used < positional.count else { throw JinjaError(.type, "not enough arguments for format string") }
                value = positional[used]
                used += 1
            }
            switch code {
            case "s": out += PythonRepr.str(value)
            case "r": out += PythonRepr.repr(value)
            case "d", "i":
                guard let number = PythonNumber(value) else { throw JinjaError(.type, "%\(code) format: a real number is required, not \(value.typeName)") }
                switch number {
                case .int(let i): out += String(i)
                case .float(let d):
                    guard d.isFinite else { throw JinjaError(.type, "cannot convert float \(PythonRepr.float(d)) to integer") }
                    out += Int(exactly: d.rounded(.towardZero)).map(String.init) ?? String(format: "%.0f", d.rounded(.towardZero))
                }
            case "f", "F":
                guard let number = PythonNumber(value) else { throw JinjaError(.type, "must be real number, not \(value.typeName)") }
                out += fixed(number.double, precision ?? 6)
            default:
                throw JinjaError(.type, "unsupported format character '\(code)'")
            }
        }
        if mapping == nil, used < positional.count { throw JinjaError(.type, "not all arguments converted during string formatting") }
        return out
    }

    /// Correctly rounded fixed notation (as C's and Python's "%.Nf").
    static func fixed(_ value: Double, _ precision: Int) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        return DecimalRounding.fixed(value, precision)
    }
}

enum BraceFormat {
    static func format(_ format: String, _ args: CallArguments) throws -> String {
        var out = ""
        var scalars = Array(format.unicodeScalars)[...]
        var automatic = 0
        while let scalar = scalars.popFirst() {
            if scalar == "}" {
                guard scalars.first == "}" else { throw JinjaError(.type, "Single '}' encountered in format string") }
                scalars.removeFirst()
                out += "}"
                continue
            }
            guard scalar == "{" else { out.unicodeScalars.append(scalar); continue }
            if scalars.first == "{" { scalars.removeFirst(); out += "{"; continue }
            var field = ""
            while let c = scalars.popFirst(), c != "}" { field.unicodeScalars.append(c) }
            var conversion: String?
            if let bang = field.firstIndex(of: "!") {
                conversion = String(field[field.index(after: bang)...])
                field = String(field[..<bang])
            }
            if field.contains(":") { throw JinjaError(.type, "format specifications are not supported") }
            let value: JinjaValue
            if field.isEmpty {
                guard automatic < args.positional.count else { throw JinjaError(.type, "Replacement index \(automatic) out of range") }
                value = args.positional[automatic]
                automatic += 1
            } else if let index = Int(field) {
                guard index < args.positional.count else { throw JinjaError(.type, "Replacement index \(index) out of range") }
                value = args.positional[index]
            } else {
                guard let named = args.keywordValue(field) else { throw JinjaError(.type, "'\(field)'") }
                value = named
            }
            out += conversion == "r" ? PythonRepr.repr(value) : PythonRepr.str(value)
        }
        return out
    }
}

/// Decimal rounding of doubles as Python's `round()` and "%.Nf" do it: on the exact binary
/// value, ties to even.
enum DecimalRounding {
    static func fixed(_ value: Double, _ precision: Int) -> String {
        String(format: "%.\(max(0, min(precision, 340)))f", value)
    }

    static func round(_ value: Double, _ precision: Int) -> Double {
        guard value.isFinite else { return value }
        if precision >= 0 { return Double(fixed(value, precision)) ?? value }
        let scale = Foundation.pow(10.0, Double(-precision))
        return (value / scale).rounded(.toNearestOrEven) * scale
    }
}
