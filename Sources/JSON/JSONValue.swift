/// A parsed JSON document. Objects keep their key order (tokenizer.json and chat messages
/// are order-sensitive to humans, and re-serialising must not shuffle them).
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Integer literals that fit in Int64 stay exact (ids, ratings); everything else is `.double`.
    case int(Int64)
    /// Also carries the NaN / Infinity literals Python's `json.dumps` writes.
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// Numeric value of an int or double literal.
    public var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    public var intValue: Int? {
        switch self {
        case .int(let i): Int(exactly: i)
        case .double(let d): d.isFinite && d.rounded() == d ? Int(exactly: d) : nil
        default: nil
        }
    }

    /// Member lookup on objects; nil for other types or absent keys.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

/// An insertion-ordered JSON object. Lookups are linear: records have a handful of keys,
/// and the large maps (a tokenizer's vocab) are iterated, not probed.
public struct JSONObject: Sendable, Equatable {
    public private(set) var keys: [String] = []
    public private(set) var values: [JSONValue] = []

    public init() {}
    public init(_ pairs: [(String, JSONValue)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    public subscript(key: String) -> JSONValue? {
        get {
            guard let i = keys.firstIndex(of: key) else { return nil }
            return values[i]
        }
        set {
            if let i = keys.firstIndex(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Builds an object from parsed members, resolving duplicate keys the way Python's
    /// `json` does: the last one wins, at the first one's position, and keys are the same when
    /// their bytes are (not when they are canonically equivalent, as String `==` has it).
    /// Large objects (a tokenizer's vocab) get a hash index so this stays linear.
    init(parsedKeys: [String], values parsedValues: [JSONValue]) {
        keys.reserveCapacity(parsedKeys.count)
        values.reserveCapacity(parsedKeys.count)
        if parsedKeys.count <= 16 {
            for (k, v) in zip(parsedKeys, parsedValues) {
                if let i = keys.firstIndex(where: { $0.utf8.elementsEqual(k.utf8) }) { values[i] = v; continue }
                keys.append(k)
                values.append(v)
            }
            return
        }
        var index = KeyIndex(capacity: parsedKeys.count)
        for (k, v) in zip(parsedKeys, parsedValues) {
            if let i = index.position(of: k, in: keys, orInsertAt: keys.count) { values[i] = v; continue }
            keys.append(k)
            values.append(v)
        }
    }

    public var pairs: Zip2Sequence<[String], [JSONValue]> { zip(keys, values) }
}
