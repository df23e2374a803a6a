import Core
import Foundation
import JSON
import Store

/// Typed access to a record's fields that turns every surprise into a `RecordProblem`
/// naming the field path (`completions[2].response`).
struct FieldReader {
    let object: JSONObject
    let path: String

    init(_ object: JSONObject, path: String = "") {
        self.object = object
        self.path = path
    }

    init(_ value: JSONValue, path: String) throws(RecordProblem) {
        guard case .object(let o) = value else {
            throw RecordProblem(.wrongType, path, "\(path) is a \(value.typeName), expected an object")
        }
        self.init(o, path: path)
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func has(_ key: String) -> Bool { object[key] != nil }

    func value(_ key: String) throws(RecordProblem) -> JSONValue {
        guard let v = object[key] else { throw RecordProblem(.missingField, fieldPath(key), "missing field \(fieldPath(key))") }
        return v
    }

    func string(_ key: String) throws(RecordProblem) -> String {
        let v = try value(key)
        guard case .string(let s) = v else {
            throw RecordProblem(.wrongType, fieldPath(key), "\(fieldPath(key)) is a \(v.typeName), expected a string")
        }
        return s
    }

    /// A string that may be absent or null.
    func optionalString(_ key: String) throws(RecordProblem) -> String? {
        guard let v = object[key], !v.isNull else { return nil }
        guard case .string(let s) = v else {
            throw RecordProblem(.wrongType, fieldPath(key), "\(fieldPath(key)) is a \(v.typeName), expected a string")
        }
        return s
    }

    /// An identifier that some exports write as a number (`"id": 0` vs `"id": "0"`).
    func optionalIdentifier(_ key: String) -> String? {
        switch object[key] {
        case .string(let s): s
        case .int(let i): String(i)
        default: nil
        }
    }

    func array(_ key: String) throws(RecordProblem) -> [JSONValue] {
        let v = try value(key)
        guard case .array(let a) = v else {
            throw RecordProblem(.wrongType, fieldPath(key), "\(fieldPath(key)) is a \(v.typeName), expected an array")
        }
        return a
    }

    /// The first present key among spellings of the same field (`chosen_rating`, `chosen-rating`, ...).
    func firstKey(_ keys: [String]) -> String? { keys.first { object[$0] != nil } }

    /// A required score: a finite number. Null and NaN are problems of their own, so they
    /// are counted separately in the quarantine report.
    func score(_ keys: [String]) throws(RecordProblem) -> Double {
        guard let key = firstKey(keys) else {
            throw RecordProblem(.missingField, fieldPath(keys[0]), "missing field \(keys.map(fieldPath).joined(separator: " / "))")
        }
        return try Self.finiteScore(object[key]!, field: fieldPath(key))
    }

    /// A score that may be absent or null (nil then); NaN or a non-number is still a problem.
    func optionalScore(_ keys: [String]) throws(RecordProblem) -> Double? {
        guard let key = firstKey(keys), let v = object[key], !v.isNull else { return nil }
        return try Self.finiteScore(v, field: fieldPath(key))
    }

    static func finiteScore(_ v: JSONValue, field: String) throws(RecordProblem) -> Double {
        switch v {
        case .null: throw RecordProblem(.nullScore, field, "\(field) is null")
        case .int(let i): return Double(i)
        case .double(let d):
            if d.isNaN { throw RecordProblem(.nanScore, field, "\(field) is NaN") }
            if !d.isFinite { throw RecordProblem(.nanScore, field, "\(field) is infinite") }
            return d
        case .string(let s):
            // Scores written as numeric strings are accepted; anything else is a type error.
            if let d = Double(s.trimmingCharacters(in: .whitespaces)), d.isFinite { return d }
            throw RecordProblem(.wrongType, field, "\(field) is the string \"\(s.prefix(40))\", expected a number")
        default:
            throw RecordProblem(.wrongType, field, "\(field) is a \(v.typeName), expected a number")
        }
    }

    /// A chat as a list of `{role, content}` objects; extra keys (`name`, `tool_calls`) are ignored.
    func messages(_ key: String) throws(RecordProblem) -> [Message] {
        let items = try array(key)
        var out: [Message] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let turn = try FieldReader(item, path: "\(fieldPath(key))[\(i)]")
            let role = try Roles.normalize(try turn.string("role"), field: turn.fieldPath("role"))
            out.append(Message(role: role, content: try turn.string("content")))
        }
        return out
    }
}

/// Role names across chat formats, mapped to system / user / assistant.
enum Roles {
    static func normalize(_ raw: String, field: String) throws(RecordProblem) -> String {
        switch raw.lowercased() {
        case "user", "human", "prompter": return "user"
        case "assistant", "gpt", "chatgpt", "bot", "model", "bing", "bard": return "assistant"
        case "system": return "system"
        default: throw RecordProblem(.unknownRole, field, "\(field) has unknown role \"\(raw.prefix(40))\"")
        }
    }
}
