import Foundation

/// One setting's value, typed by its key's `RecipeKey.Kind`.
public enum RecipeValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case null

    public var intValue: Int? { if case .int(let v) = self { v } else { nil } }
    public var doubleValue: Double? {
        switch self {
        case .double(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }
    public var stringValue: String? { if case .string(let v) = self { v } else { nil } }
    public var boolValue: Bool? { if case .bool(let v) = self { v } else { nil } }
    public var isNull: Bool { self == .null }

    /// The value as YAML that reads back to the same value here and in PyYAML: a double always
    /// has a dot (PyYAML reads `5e-07` as a string), a string that would read as something
    /// else is quoted.
    public var yaml: String {
        switch self {
        case .int(let v): return String(v)
        case .bool(let v): return v ? "true" : "false"
        case .null: return "null"
        case .double(let v):
            var text = "\(v)"
            if !text.contains("."), let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) { text.insert(contentsOf: ".0", at: e) }
            return text
        case .string(let v):
            let plain = !v.isEmpty && v.allSatisfy { $0.isLetter || $0.isNumber || "_-./".contains($0) }
                && RecipeScalar.plainValue(v) == .string(v) && v.first != "-" && v.first != "."
            return plain ? v : RecipeScalar.quoted(v)
        }
    }

    public var description: String { yaml }
}

/// Reads plain (unquoted) YAML scalars with the YAML 1.2 core schema, the way the values are
/// checked against their keys: null, booleans, integers, floats, else a string.
enum RecipeScalar {
    static let nulls: Set<String> = ["null", "Null", "NULL", "~", ""]

    static func plainValue(_ text: String) -> RecipeValue {
        if nulls.contains(text) { return .null }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if let i = Int(text) { return .int(i) }
        if text.contains(where: \.isNumber), let d = Double(text), d.isFinite { return .double(d) }
        return .string(text)
    }

    /// A double-quoted YAML string (JSON's escapes are valid YAML).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
