/// A value as a template sees it: Python's types as jinja2 hands them to a template.
public enum JinjaValue: Sendable {
    case undefined(JinjaUndefined)
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case list([JinjaValue])
    case tuple([JinjaValue])
    case dict(JinjaDict)
    /// `namespace(...)`: the one mutable object a template may change (`{% set ns.x = 1 %}`).
    case namespace(JinjaNamespace)
    /// Macros, globals such as `raise_exception`, and bound methods such as `'a'.upper`.
    case callable(JinjaCallable)
    /// The `loop` variable inside `{% for %}`.
    case loop(JinjaLoop)
    /// A one-shot Python iterator, as `map`, `select`, `unique` and `reverse` return: always
    /// true, no length, not JSON, empty once iterated.
    case iterator(JinjaIterator)

    public static func undefined(_ name: String) -> JinjaValue { .undefined(JinjaUndefined(name: name)) }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var isUndefined: Bool { if case .undefined = self { true } else { false } }
    public var isNone: Bool { if case .none = self { true } else { false } }

    /// Python's `bool(x)`; jinja2's `Undefined` is false.
    public var isTruthy: Bool {
        switch self {
        case .undefined, .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .float(let d): d != 0
        case .string(let s): !s.isEmpty
        case .list(let items), .tuple(let items): !items.isEmpty
        case .dict(let d): !d.isEmpty
        case .namespace, .callable, .loop, .iterator: true
        }
    }

    /// Python's `type(x).__name__`, used in error messages the way jinja2 words them.
    var typeName: String {
        switch self {
        case .undefined: "Undefined"
        case .none: "NoneType"
        case .bool: "bool"
        case .int: "int"
        case .float: "float"
        case .string: "str"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .namespace: "Namespace"
        case .callable(let c): c.isMacro ? "Macro" : "builtin_function_or_method"
        case .loop: "LoopContext"
        case .iterator(let iterator): iterator.typeName
        }
    }
}

extension JinjaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: JinjaValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, JinjaValue)...) {
        self = .dict(JinjaDict(elements.map { (.string($0.0), $0.1) }))
    }
    public init(nilLiteral: ()) { self = .none }
}

/// jinja2's default `Undefined`: prints as "", iterates as empty, is false, and raises
/// `UndefinedError` when used as a value (arithmetic, attribute access, calls).
public struct JinjaUndefined: Sendable {
    /// The missing variable, attribute or item.
    var name: String?
    /// The type of the object the attribute was looked up on, e.g. "dict object".
    var owner: String?
    /// A message that replaces the generated one (e.g. an empty sequence's `first`).
    var hint: String?
    /// Set for attributes the sandbox forbids: using them is a security error.
    var isUnsafe = false

    init(name: String? = nil, owner: String? = nil, hint: String? = nil, isUnsafe: Bool = false) {
        self.name = name
        self.owner = owner
        self.hint = hint
        self.isUnsafe = isUnsafe
    }

    var message: String {
        if let hint { return hint }
        guard let name else { return "value is undefined" }
        if let owner { return "'\(owner)' has no attribute '\(name)'" }
        return "'\(name)' is undefined"
    }

    var error: JinjaError { JinjaError(isUnsafe ? .security : .undefined, message) }
}

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

/// `namespace(...)`: attributes assigned with `{% set ns.name = value %}` survive loop scopes
/// because every scope holds the same object.
public final class JinjaNamespace: @unchecked Sendable {
    var attributes: JinjaDict

    init(_ attributes: JinjaDict) { self.attributes = attributes }
}

/// Something a template can call. Macros carry their definition and the scope they were
/// defined in; builtins carry their name; methods carry their receiver.
public final class JinjaCallable: @unchecked Sendable {
    enum Kind {
        case macro(MacroDefinition, Scope)
        case global(String)
        case method(receiver: JinjaValue, name: String)
        case loopCycle(index: Int)
        case loopChanged(LoopMemory)
        /// `joiner(sep)`: "" on the first call, `sep` after.
        case joiner(JoinerState)
    }

    let kind: Kind

    init(_ kind: Kind) { self.kind = kind }

    var isMacro: Bool { if case .macro = kind { true } else { false } }

    var name: String {
        switch kind {
        case .macro(let definition, _): definition.name
        case .global(let name): name
        case .method(_, let name): name
        case .loopCycle: "cycle"
        case .loopChanged: "changed"
        case .joiner: "joiner"
        }
    }
}

/// The state `loop.index`, `loop.first`, `loop.previtem` ... read from.
public final class JinjaLoop: @unchecked Sendable {
    let items: [JinjaValue]
    var index0 = 0
    /// For `loop.changed`.
    let memory = LoopMemory()

    init(items: [JinjaValue]) { self.items = items }

    func attribute(_ name: String) -> JinjaValue? {
        let length = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(length - index0)
        case "revindex0": return .int(length - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == length - 1)
        case "length": return .int(length)
        case "depth": return .int(1)
        case "depth0": return .int(0)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(JinjaUndefined(hint: "there is no previous item"))
        case "nextitem":
            return index0 + 1 < length ? items[index0 + 1] : .undefined(JinjaUndefined(hint: "there is no next item"))
        case "cycle": return .callable(JinjaCallable(.loopCycle(index: index0)))
        case "changed": return .callable(JinjaCallable(.loopChanged(memory)))
        default: return nil
        }
    }
}

/// The arguments of the last `loop.changed(...)` call in a loop.
final class LoopMemory {
    var lastChanged: [JinjaValue]?
}

final class JoinerState {
    let separator: String
    var used = false

    init(separator: String) { self.separator = separator }
}

/// The items a Python generator or iterator will still yield.
public final class JinjaIterator: @unchecked Sendable {
    /// "generator" or "list_reverseiterator", for messages.
    let typeName: String
    private var remaining: [JinjaValue]

    init(_ items: [JinjaValue], typeName: String = "generator") {
        remaining = items
        self.typeName = typeName
    }

    /// Everything not yet consumed; the iterator is exhausted afterwards.
    func drain() -> [JinjaValue] {
        defer { remaining = [] }
        return remaining
    }
}
