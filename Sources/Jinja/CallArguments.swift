/// Evaluated arguments of a call, filter or test, bound to parameter names the way Python
/// binds them (positional first, then by keyword).
struct CallArguments {
    var positional: [JinjaValue] = []
    var keyword: [(String, JinjaValue)] = []

    var isEmpty: Bool { positional.isEmpty && keyword.isEmpty }

    /// The argument for parameter `name` at `position`, or nil when not given.
    func value(_ position: Int, _ name: String) -> JinjaValue? {
        if position < positional.count { return positional[position] }
        return keyword.first { $0.0 == name }?.1
    }

    func keywordValue(_ name: String) -> JinjaValue? { keyword.first { $0.0 == name }?.1 }

    /// Rejects arguments beyond `parameters`, as Python does for a fixed signature.
    func check(_ function: String, parameters: [String]) throws {
        if positional.count > parameters.count {
            throw JinjaError(.type, "\(function)() takes at most \(parameters.count) argument(s) (\(positional.count) given)")
        }
        for (name, _) in keyword where !parameters.contains(name) {
            throw JinjaError(.type, "\(function)() got an unexpected keyword argument '\(name)'")
        }
    }

    func string(_ position: Int, _ name: String, function: String) throws -> String? {
        guard let value = value(position, name), !value.isNone else { return nil }
        guard case .string(let s) = value else {
            throw JinjaError(.type, "\(function)() argument '\(name)' must be str, not \(value.typeName)")
        }
        return s
    }

    func int(_ position: Int, _ name: String, function: String) throws -> Int? {
        guard let value = value(position, name), !value.isNone else { return nil }
        switch value {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: throw JinjaError(.type, "\(function)() argument '\(name)' must be an integer, not \(value.typeName)")
        }
    }

    func bool(_ position: Int, _ name: String) -> Bool? { value(position, name)?.isTruthy }
}
