/// Python's `==` and ordering over template values (`1 == 1.0 == True`, lists by element,
/// strings by code point, never by Swift's canonical equivalence).

func pythonStringsEqual(_ a: String, _ b: String) -> Bool {
    guard a.utf8.count == b.utf8.count else { return false }
    var (a, b) = (a, b)
    return a.withUTF8 { x in b.withUTF8 { y in x.elementsEqual(y) } }
}

/// Numeric view of bool/int/float, the types Python compares by value.
enum PythonNumber {
    case int(Int)
    case float(Double)

    init?(_ value: JinjaValue) {
        switch value {
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .float(let d): self = .float(d)
        default: return nil
        }
    }

    var double: Double {
        switch self {
        case .int(let i): Double(i)
        case .float(let d): d
        }
    }
}

func pythonEquals(_ a: JinjaValue, _ b: JinjaValue) -> Bool {
    switch (a, b) {
    case (.string(let x), .string(let y)): return pythonStringsEqual(x, y)
    case (.none, .none), (.undefined, .undefined): return true
    case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
        return x.count == y.count && zip(x, y).allSatisfy { pythonEquals($0, $1) }
    case (.dict(let x), .dict(let y)):
        guard x.count == y.count else { return false }
        for (key, value) in x.pairs {
            guard let other = y[key], pythonEquals(value, other) else { return false }
        }
        return true
    case (.namespace(let x), .namespace(let y)): return x === y
    case (.callable(let x), .callable(let y)): return x === y
    default:
        guard let x = PythonNumber(a), let y = PythonNumber(b) else { return false }
        if case .int(let i) = x, case .int(let j) = y { return i == j }
        return x.double == y.double
    }
}

/// Python's `<`-family ordering: -1, 0 or 1; a type error for mixed or unordered types.
func pythonCompare(_ a: JinjaValue, _ b: JinjaValue, operator op: String) throws -> Int {
    switch (a, b) {
    case (.undefined(let u), _), (_, .undefined(let u)): throw u.error
    case (.string(let x), .string(let y)):
        // UTF-8 byte order is code point order.
        return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (pythonStringsEqual(x, y) ? 0 : 1)
    case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
        for (l, r) in zip(x, y) where !pythonEquals(l, r) {
            return try pythonCompare(l, r, operator: op)
        }
        return x.count < y.count ? -1 : (x.count == y.count ? 0 : 1)
    default:
        guard let x = PythonNumber(a), let y = PythonNumber(b) else {
            throw JinjaError(.type, "'\(op)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
        }
        if case .int(let i) = x, case .int(let j) = y { return i < j ? -1 : (i == j ? 0 : 1) }
        let (l, r) = (x.double, y.double)
        return l < r ? -1 : (l == r ? 0 : 1)
    }
}
