/// The Python methods templates call on strings, dicts and lists. The immutable sandbox
/// exposes mutating methods only to refuse them (`SecurityError`).
enum Methods {
    static let stringMethods: Set<String> = [
        "strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith", "endswith",
        "upper", "lower", "title", "capitalize", "swapcase", "replace", "find", "rfind", "index", "rindex", "count",
        "join", "isdigit", "isalpha", "isalnum", "isspace", "isupper", "islower", "isnumeric", "isdecimal",
        "center", "ljust", "rjust", "zfill", "removeprefix", "removesuffix", "partition", "rpartition", "format",
    ]
    static let dictMutators: Set<String> = ["pop", "popitem", "setdefault", "update", "clear"]
    static let listMethods: Set<String> = ["index", "count", "copy"]
    static let listMutators: Set<String> = ["append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear"]

    static func has(_ name: String, on value: JinjaValue) -> Bool {
        switch value {
        case .string: stringMethods.contains(name)
        // Checked on every `message.role`: a switch on a short string beats hashing it.
        case .dict:
            switch name {
            case "get", "items", "keys", "values", "copy", "pop", "popitem", "setdefault", "update", "clear": true
            default: false
            }
        case .list: listMethods.contains(name) || listMutators.contains(name)
        case .tuple: name == "index" || name == "count"
        default: false
        }
    }

    static func isMutating(_ name: String, on value: JinjaValue) -> Bool {
        switch value {
        case .dict: dictMutators.contains(name)
        case .list: listMutators.contains(name)
        default: false
        }
    }

    static func call(_ name: String, on receiver: JinjaValue, _ arguments: CallArguments) throws -> JinjaValue {
        switch receiver {
        case .string(let s): return try StringMethods.call(name, on: s, arguments)
        case .dict(let dict): return try dictMethod(name, dict, arguments)
        case .list(let items), .tuple(let items): return try sequenceMethod(name, items, receiver, arguments)
        default: throw JinjaError(.type, "'\(receiver.typeName)' object has no attribute '\(name)'")
        }
    }

    private static func dictMethod(_ name: String, _ dict: JinjaDict, _ arguments: CallArguments) throws -> JinjaValue {
        switch name {
        case "get":
            guard let key = arguments.value(0, "key") else { throw JinjaError(.type, "get expected at least 1 argument, got 0") }
            return dict[key] ?? arguments.value(1, "default") ?? .none
        case "items": return .list(dict.pairs.map { .tuple([$0, $1]) })
        case "keys": return .list(dict.keys)
        case "values": return .list(dict.values)
        case "copy": return .dict(dict)
        default: throw JinjaError(.type, "'dict' object has no attribute '\(name)'")
        }
    }

    private static func sequenceMethod(_ name: String, _ items: [JinjaValue], _ receiver: JinjaValue,
                                       _ arguments: CallArguments) throws -> JinjaValue {
        guard let item = arguments.value(0, "value") else {
            if name == "copy" { return receiver }
            throw JinjaError(.type, "\(name)() takes exactly one argument (0 given)")
        }
        switch name {
        case "count": return .int(items.filter { pythonEquals($0, item) }.count)
        case "index":
            guard let i = items.firstIndex(where: { pythonEquals($0, item) }) else {
                throw JinjaError(.type, "\(PythonRepr.repr(item)) is not in \(receiver.typeName)")
            }
            return .int(i)
        default: throw JinjaError(.type, "'\(receiver.typeName)' object has no attribute '\(name)'")
        }
    }
}
