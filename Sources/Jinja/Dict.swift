/// An insertion-ordered Python dict. Keys compare with Python equality; lookups are linear
/// because template dicts (messages, tool schemas) hold a handful of keys.
public struct JinjaDict: Sendable {
    public private(set) var keys: [JinjaValue] = []
    public private(set) var values: [JinjaValue] = []

    public init() {}
    public init(_ pairs: [(JinjaValue, JinjaValue)]) {
        keys.reserveCapacity(pairs.count)
        values.reserveCapacity(pairs.count)
        for (k, v) in pairs { self[k] = v }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }
    public var pairs: Zip2Sequence<[JinjaValue], [JinjaValue]> { zip(keys, values) }

    func index(of key: JinjaValue) -> Int? {
        if case .string(let name) = key {
            // Fast path: the common case is string keys looked up by string.
            for (i, k) in keys.enumerated() { if case .string(let s) = k, pythonStringsEqual(s, name) { return i } }
            return nil
        }
        return keys.firstIndex { pythonEquals($0, key) }
    }

    public subscript(key: JinjaValue) -> JinjaValue? {
        get { index(of: key).map { values[$0] } }
        set {
            if let i = index(of: key) {
                if let newValue { values[i] = newValue } else { keys.remove(at: i); values.remove(at: i) }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    public subscript(key: String) -> JinjaValue? {
        get { self[.string(key)] }
        set { self[.string(key)] = newValue }
    }
}
