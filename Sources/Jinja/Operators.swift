import Foundation

/// Python's arithmetic and comparison operators on template values: int stays int (overflow
/// is an error, not a wrap), `/` is true division, `//` and `%` floor toward negative infinity.
enum Operators {
    static func unsupported(_ op: String, _ a: JinjaValue, _ b: JinjaValue) -> JinjaError {
        if case .undefined(let u) = a { return u.error }
        if case .undefined(let u) = b { return u.error }
        if op == "+", case .string = a {
            return JinjaError(.type, "can only concatenate str (not \"\(b.typeName)\") to str")
        }
        return JinjaError(.type, "unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
    }

    static func overflow() -> JinjaError { JinjaError(.type, "integer result does not fit in 64 bits") }

    static func binary(_ op: BinaryOperator, _ a: JinjaValue, _ b: JinjaValue) throws -> JinjaValue {
        switch op {
        case .add:
            switch (a, b) {
            case (.string(let x), .string(let y)): return .string(x + y)
            case (.list(let x), .list(let y)): return .list(x + y)
            case (.tuple(let x), .tuple(let y)): return .tuple(x + y)
            default: return try arithmetic(op, a, b, { $0.addingReportingOverflow($1) }, { $0 + $1 })
            }
        case .subtract:
            return try arithmetic(op, a, b, { $0.subtractingReportingOverflow($1) }, { $0 - $1 })
        case .multiply:
            if let repeated = try repetition(a, b) ?? repetition(b, a) { return repeated }
            return try arithmetic(op, a, b, { $0.multipliedReportingOverflow(by: $1) }, { $0 * $1 })
        case .divide:
            guard let x = PythonNumber(a), let y = PythonNumber(b) else { throw unsupported("/", a, b) }
            guard y.double != 0 else { throw JinjaError(.type, "division by zero") }
            return .float(x.double / y.double)
        case .floorDivide:
            guard let x = PythonNumber(a), let y = PythonNumber(b) else { throw unsupported("//", a, b) }
            if case .int(let i) = x, case .int(let j) = y {
                guard j != 0 else { throw JinjaError(.type, "integer division or modulo by zero") }
                guard !(i == .min && j == -1) else { throw overflow() }
                let q = i / j
                return .int((i % j != 0 && (i < 0) != (j < 0)) ? q - 1 : q)
            }
            guard y.double != 0 else { throw JinjaError(.type, "float floor division by zero") }
            return .float(floatFloorDivide(x.double, y.double))
        case .modulo:
            if case .string(let format) = a { return .string(try PrintfFormat.format(format, b)) }
            guard let x = PythonNumber(a), let y = PythonNumber(b) else { throw unsupported("%", a, b) }
            if case .int(let i) = x, case .int(let j) = y {
                guard j != 0 else { throw JinjaError(.type, "integer division or modulo by zero") }
                guard j != -1 else { return .int(0) }
                let r = i % j
                return .int(r != 0 && (r < 0) != (j < 0) ? r + j : r)
            }
            guard y.double != 0 else { throw JinjaError(.type, "float modulo") }
            return .float(floatModulo(x.double, y.double))
        case .power:
            guard let x = PythonNumber(a), let y = PythonNumber(b) else { throw unsupported("** or pow()", a, b) }
            if case .int(let base) = x, case .int(let exponent) = y, exponent >= 0 {
                return .int(try integerPower(base, exponent))
            }
            return .float(Foundation.pow(x.double, y.double))
        }
    }

    private static func arithmetic(_ op: BinaryOperator, _ a: JinjaValue, _ b: JinjaValue,
                                   _ intOp: (Int, Int) -> (partialValue: Int, overflow: Bool),
                                   _ floatOp: (Double, Double) -> Double) throws -> JinjaValue {
        guard let x = PythonNumber(a), let y = PythonNumber(b) else { throw unsupported(op.rawValue, a, b) }
        if case .int(let i) = x, case .int(let j) = y {
            let (value, overflowed) = intOp(i, j)
            if overflowed { throw overflow() }
            return .int(value)
        }
        return .float(floatOp(x.double, y.double))
    }

    /// No repetition may build more bytes or items than this, whatever the limits: the
    /// result is allocated before any size check could see it.
    static let maxRepetitionSize = 1 << 28

    /// A width or count a template asked for (padding, indentation, repetition), refused
    /// when building it would exceed `maxRepetitionSize`.
    static func checkedCount(_ n: Int) throws -> Int {
        guard n <= maxRepetitionSize else { throw JinjaError(.limit, "a width or count of \(n) is too large") }
        return n
    }

    /// `'ab' * 3` and `[1] * 2`.
    private static func repetition(_ sequence: JinjaValue, _ count: JinjaValue) throws -> JinjaValue? {
        let n: Int
        switch count {
        case .int(let i): n = max(0, i)
        case .bool(let b): n = b ? 1 : 0
        default: return nil
        }
        let size: Int
        switch sequence {
        case .string(let s): size = s.utf8.count
        case .list(let items), .tuple(let items): size = items.count
        default: return nil
        }
        let (total, overflowed) = size.multipliedReportingOverflow(by: n)
        guard !overflowed, total <= maxRepetitionSize else {
            throw JinjaError(.limit, "repetition would build \(overflowed ? "more than \(Int.max)" : String(total)) bytes or items")
        }
        switch sequence {
        case .string(let s): return .string(String(repeating: s, count: n))
        case .list(let items): return .list(Array([[JinjaValue]](repeating: items, count: n).joined()))
        case .tuple(let items): return .tuple(Array([[JinjaValue]](repeating: items, count: n).joined()))
        default: return nil
        }
    }

    private static func integerPower(_ base: Int, _ exponent: Int) throws -> Int {
        var result = 1, b = base, e = exponent
        while e > 0 {
            if e & 1 == 1 {
                let (r, o) = result.multipliedReportingOverflow(by: b)
                if o { throw overflow() }
                result = r
            }
            e >>= 1
            if e > 0 {
                let (sq, o) = b.multipliedReportingOverflow(by: b)
                if o { throw overflow() }
                b = sq
            }
        }
        return result
    }

    static func floatModulo(_ a: Double, _ b: Double) -> Double {
        var m = fmod(a, b)
        if m != 0 {
            if (b < 0) != (m < 0) { m += b }
        } else {
            m = b < 0 ? -0.0 : 0.0
        }
        return m
    }

    /// CPython's float floor division: (a - a mod b) / b, floored.
    static func floatFloorDivide(_ a: Double, _ b: Double) -> Double {
        var mod = fmod(a, b)
        var div = (a - mod) / b
        if mod != 0, (b < 0) != (mod < 0) {
            mod += b
            div -= 1
        }
        if div == 0 { return Double(signOf: a / b, magnitudeOf: 0) }
        var floorDiv = div.rounded(.down)
        if div - floorDiv > 0.5 { floorDiv += 1 }
        return floorDiv
    }

    static func negate(_ value: JinjaValue) throws -> JinjaValue {
        switch value {
        case .int(let i):
            guard i != .min else { throw overflow() }
            return .int(-i)
        case .bool(let b): return .int(b ? -1 : 0)
        case .float(let d): return .float(-d)
        case .undefined(let u): throw u.error
        default: throw JinjaError(.type, "bad operand type for unary -: '\(value.typeName)'")
        }
    }

    static func plus(_ value: JinjaValue) throws -> JinjaValue {
        switch value {
        case .int, .float: return value
        case .bool(let b): return .int(b ? 1 : 0)
        case .undefined(let u): throw u.error
        default: throw JinjaError(.type, "bad operand type for unary +: '\(value.typeName)'")
        }
    }

    static func compare(_ op: CompareOperator, _ a: JinjaValue, _ b: JinjaValue) throws -> Bool {
        switch op {
        case .equal: return pythonEquals(a, b)
        case .notEqual: return !pythonEquals(a, b)
        case .less: return try pythonCompare(a, b, operator: "<") < 0
        case .lessEqual: return try pythonCompare(a, b, operator: "<=") <= 0
        case .greater: return try pythonCompare(a, b, operator: ">") > 0
        case .greaterEqual: return try pythonCompare(a, b, operator: ">=") >= 0
        case .isIn: return try contains(b, a)
        case .notIn: return !(try contains(b, a))
        }
    }

    /// Python's `item in container`.
    static func contains(_ container: JinjaValue, _ item: JinjaValue) throws -> Bool {
        switch container {
        case .string(let text):
            guard case .string(let needle) = item else {
                if case .undefined(let u) = item { throw u.error }
                throw JinjaError(.type, "'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return PyString.find(needle, in: text) != nil
        case .list(let items), .tuple(let items): return items.contains { pythonEquals($0, item) }
        case .iterator(let iterator): return iterator.advance(past: { pythonEquals($0, item) })
        case .dict(let dict): return dict[item] != nil
        case .undefined(let u):
            if u.isUnsafe { throw u.error }
            return false
        default:
            throw JinjaError(.type, "argument of type '\(container.typeName)' is not iterable")
        }
    }
}
