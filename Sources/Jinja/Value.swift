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
        case .namespace: "TemplateNamespace"
        case .callable(let c): c.isMacro ? "Macro" : "builtin_function_or_method"
        case .loop: "LoopContext"
        case .iterator(let iterator): iterator.typeName
        }
    }
}

extension JinjaValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: JinjaValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, JinjaValue)...) {
        self = .dict(JinjaDict(elements.map { (.string($0.0), $0.1) }))
    }
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
