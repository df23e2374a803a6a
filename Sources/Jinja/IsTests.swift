/// jinja2's tests: `x is defined`, `x is divisibleby 3`, `x is equalto y`, ...
extension Renderer {
    func applyTest(_ name: String, to value: JinjaValue, _ args: CallArguments) throws -> Bool {
        func argument() throws -> JinjaValue {
            guard let a = args.positional.first ?? args.keyword.first?.1 else {
                throw JinjaError(.type, "test '\(name)' needs an argument")
            }
            return a
        }
        switch name {
        case "defined": return !value.isUndefined
        case "undefined": return value.isUndefined
        case "none": return value.isNone
        case "string": if case .string = value { return true } else { return false }
        case "mapping": if case .dict = value { return true } else { return false }
        case "boolean": if case .bool = value { return true } else { return false }
        case "true": if case .bool(true) = value { return true } else { return false }
        case "false": if case .bool(false) = value { return true } else { return false }
        case "integer": if case .int = value { return true } else { return false }
        case "float": if case .float = value { return true } else { return false }
        case "number": return PythonNumber(value) != nil
        case "iterable":
            switch value {
            case .string, .list, .tuple, .dict, .undefined, .loop, .iterator: return true
            default: return false
            }
        case "sequence":
            // Python: has len() and __getitem__ (dicts and Undefined qualify).
            switch value {
            case .string, .list, .tuple, .dict, .undefined: return true
            default: return false
            }
        case "callable":
            switch value {
            case .callable: return true
            default: return false
            }
        case "odd", "even":
            let remainder = try Operators.binary(.modulo, value, .int(2))
            return pythonEquals(remainder, .int(name == "odd" ? 1 : 0))
        case "divisibleby":
            return pythonEquals(try Operators.binary(.modulo, value, try argument()), .int(0))
        case "eq", "equalto", "==": return pythonEquals(value, try argument())
        case "ne", "!=": return !pythonEquals(value, try argument())
        case "lt", "lessthan", "<": return try pythonCompare(value, try argument(), operator: "<") < 0
        case "le", "<=": return try pythonCompare(value, try argument(), operator: "<=") <= 0
        case "gt", "greaterthan", ">": return try pythonCompare(value, try argument(), operator: ">") > 0
        case "ge", ">=": return try pythonCompare(value, try argument(), operator: ">=") >= 0
        case "in": return try Operators.contains(try argument(), value)
        case "sameas": return try isSame(value, try argument())
        case "lower", "upper":
            let text = PythonRepr.str(value)
            let result = try StringMethods.call(name == "lower" ? "islower" : "isupper", on: text, CallArguments())
            return result.isTruthy
        case "escaped": return false
        case "filter":
            guard case .string(let filterName) = value else { return false }
            return Self.filterNames.contains(filterName)
        case "test":
            guard case .string(let testName) = value else { return false }
            return Self.testNames.contains(testName)
        default:
            throw JinjaError(.syntax, "No test named '\(name)'.")
        }
    }

    /// Python's `is`: identity. Singletons and small values behave as CPython's do.
    private func isSame(_ a: JinjaValue, _ b: JinjaValue) throws -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y && (-5...256).contains(x)
        case (.namespace(let x), .namespace(let y)): return x === y
        case (.callable(let x), .callable(let y)): return x === y
        default: return false
        }
    }

    static let filterNames: Set<String> = [
        "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "e", "escape",
        "first", "float", "forceescape", "format", "indent", "int", "items", "join", "last", "length", "list",
        "lower", "map", "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
        "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "truncate", "unique", "upper", "wordcount",
    ]

    static let testNames: Set<String> = [
        "boolean", "callable", "defined", "divisibleby", "eq", "equalto", "escaped", "even", "false", "filter",
        "float", "ge", "greaterthan", "gt", "in", "integer", "iterable", "le", "lessthan", "lower", "lt", "mapping",
        "ne", "none", "number", "odd", "sameas", "sequence", "string", "test", "true", "undefined", "upper",
        "==", "!=", "<", "<=", ">", ">=",
    ]
}
