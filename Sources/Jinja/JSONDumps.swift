/// transformers' `tojson` filter: Python's `json.dumps(x, ensure_ascii=False, indent=,
/// separators=, sort_keys=)`, byte for byte.
struct JSONDumps {
    /// nil: one line. Otherwise the text repeated once per nesting level.
    var indent: String?
    var itemSeparator: String
    var keySeparator: String
    var sortKeys: Bool

    init(indent: String?, separators: (String, String)?, sortKeys: Bool) {
        self.indent = indent
        // Python drops the space after "," when indenting, unless separators are given.
        itemSeparator = separators?.0 ?? (indent == nil ? ", " : ",")
        keySeparator = separators?.1 ?? ": "
        self.sortKeys = sortKeys
    }

    func dumps(_ value: JinjaValue) throws -> String {
        var out = ""
        try write(value, level: 0, into: &out)
        return out
    }

    private func write(_ value: JinjaValue, level: Int, into out: inout String) throws {
        switch value {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .float(let d): out += Self.float(d)
        case .string(let s): Self.writeString(s, into: &out)
        case .list(let items), .tuple(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
                try write(item, level: level + 1, into: &out)
            }
            out += newline(level) + "]"
        case .dict(let dict):
            if dict.isEmpty { out += "{}"; return }
            var pairs = Array(dict.pairs)
            if sortKeys {
                var failure: Error?
                pairs.sort { l, r in
                    do { return try pythonCompare(l.0, r.0, operator: "<") < 0 } catch { failure = error; return false }
                }
                if let failure { throw failure }
            }
            out += "{"
            for (i, (key, item)) in pairs.enumerated() {
                out += i == 0 ? newline(level + 1) : itemSeparator + newline(level + 1)
                Self.writeString(try Self.keyText(key), into: &out)
                out += keySeparator
                try write(item, level: level + 1, into: &out)
            }
            out += newline(level) + "}"
        case .undefined, .namespace, .callable, .loop, .iterator:
            throw JinjaError(.type, "Object of type \(value.typeName) is not JSON serializable")
        }
    }

    private func newline(_ level: Int) -> String {
        guard let indent else { return "" }
        return "\n" + String(repeating: indent, count: level)
    }

    /// Python converts non-string keys the way it prints their JSON form.
    private static func keyText(_ key: JinjaValue) throws -> String {
        switch key {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .float(let d): return float(d)
        case .bool(let b): return b ? "true" : "false"
        case .none: return "null"
        default: throw JinjaError(.type, "keys must be str, int, float, bool or None, not \(key.typeName)")
        }
    }

    static func float(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return PythonRepr.float(d)
    }

    /// `ensure_ascii=False`: only the quote, the backslash and C0 controls are escaped.
    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        var plainStart = s.utf8.startIndex
        var index = plainStart
        let utf8 = s.utf8
        while index != utf8.endIndex {
            let byte = utf8[index]
            if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out += Substring(utf8[plainStart..<index])
                switch byte {
                case UInt8(ascii: "\""): out += "\\\""
                case UInt8(ascii: "\\"): out += "\\\\"
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x08: out += "\\b"
                case 0x0C: out += "\\f"
                default: out += "\\u" + PythonRepr.hex(UInt32(byte), width: 4)
                }
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += Substring(utf8[plainStart..<index])
        out += "\""
    }
}
