/// Evaluates expressions against a scope. Names resolve through the scope chain, then the
/// globals transformers installs (Globals.swift), and are otherwise Undefined.
extension Renderer {
    func evaluate(_ expr: Expr, in scope: Scope) throws -> JinjaValue {
        switch expr {
        case .literal(let value):
            return value
        case .name(let name):
            if let value = scope.lookup(name) { return value }
            if Globals.names.contains(name) { return .callable(JinjaCallable(.global(name))) }
            return .undefined(name)
        case .list(let items):
            return try checkedShape(.list(try items.map { try evaluate($0, in: scope) }))
        case .tuple(let items):
            return try checkedShape(.tuple(try items.map { try evaluate($0, in: scope) }))
        case .dict(let pairs):
            var dict = JinjaDict()
            for (key, value) in pairs { dict[try evaluate(key, in: scope)] = try evaluate(value, in: scope) }
            return try checkedShape(.dict(dict))
        case .attribute(let target, let name):
            return try Attributes.attribute(of: try evaluate(target, in: scope), name)
        case .item(let target, let key):
            return try Attributes.item(of: try evaluate(target, in: scope), try evaluate(key, in: scope))
        case .slice(let target, let start, let stop, let step):
            return try Attributes.slice(try evaluate(target, in: scope),
                                        start: try start.map { try evaluate($0, in: scope) },
                                        stop: try stop.map { try evaluate($0, in: scope) },
                                        step: try step.map { try evaluate($0, in: scope) })
        case .call:
            return try evaluateCall(expr, in: scope, caller: nil)
        case .filter(let target, let name, let arguments, _):
            let value = try evaluate(target, in: scope)
            return try checkedShape(try applyFilter(name, to: value, try evaluateArguments(arguments, in: scope)))
        case .test(let target, let name, let arguments, let negated, _):
            let value = try evaluate(target, in: scope)
            let result = try applyTest(name, to: value, try evaluateArguments(arguments, in: scope))
            return .bool(result != negated)
        case .negate(let operand):
            return try Operators.negate(try evaluate(operand, in: scope))
        case .plus(let operand):
            return try Operators.plus(try evaluate(operand, in: scope))
        case .not(let operand):
            return .bool(!(try evaluate(operand, in: scope).isTruthy))
        case .binary(let op, let left, let right):
            return try checkedSize(try Operators.binary(op, try evaluate(left, in: scope), try evaluate(right, in: scope)))
        case .and(let left, let right):
            let value = try evaluate(left, in: scope)
            return value.isTruthy ? try evaluate(right, in: scope) : value
        case .or(let left, let right):
            let value = try evaluate(left, in: scope)
            return value.isTruthy ? value : try evaluate(right, in: scope)
        case .concat(let parts):
            var text = ""
            for part in parts { text += PythonRepr.str(try evaluate(part, in: scope)) }
            return try checkedSize(.string(text))
        case .compare(let first, let operations):
            var left = try evaluate(first, in: scope)
            for (op, rightExpr) in operations {
                let right = try evaluate(rightExpr, in: scope)
                if !(try Operators.compare(op, left, right)) { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise):
            if try evaluate(test, in: scope).isTruthy { return try evaluate(then, in: scope) }
            guard let otherwise else { return .undefined(JinjaUndefined(hint: "the inline if-expression evaluated to false and no else section was defined.")) }
            return try evaluate(otherwise, in: scope)
        }
    }

    /// Strings and lists built by operators and filters are held to the output limit, so a
    /// template that doubles a value in a loop stops instead of exhausting memory.
    func checkedSize(_ value: JinjaValue) throws -> JinjaValue {
        let size: Int
        switch value {
        case .string(let s): size = s.utf8.count
        case .list(let items): size = items.count
        default: return value
        }
        if size > limits.maxOutputBytes {
            throw JinjaError(.limit, "a value grew beyond \(limits.maxOutputBytes) bytes or items")
        }
        return value
    }

    /// Containers a template builds are also held to `maxValueDepth`, so that printing,
    /// comparing or freeing them never recurses without bound. (Namespaces, the only mutable
    /// values, hold plain data only: see `checkNamespaceValue`.)
    func checkedShape(_ value: JinjaValue) throws -> JinjaValue {
        _ = try checkedSize(value)
        if Self.isDeeper(value, than: limits.maxValueDepth) {
            throw JinjaError(.limit, "a value nested deeper than \(limits.maxValueDepth) levels")
        }
        return value
    }

    /// Whether containers nest more than `budget` levels; the search itself stops there.
    static func isDeeper(_ value: JinjaValue, than budget: Int) -> Bool {
        switch value {
        case .list(let items), .tuple(let items):
            return budget <= 0 ? true : items.contains { isDeeper($0, than: budget - 1) }
        case .dict(let dict):
            return budget <= 0 ? true : dict.keys.contains { isDeeper($0, than: budget - 1) } || dict.values.contains { isDeeper($0, than: budget - 1) }
        default:
            return false
        }
    }

    func evaluateArguments(_ arguments: Expr.Arguments, in scope: Scope) throws -> CallArguments {
        var result = CallArguments()
        result.positional = try arguments.positional.map { try evaluate($0, in: scope) }
        result.keyword = try arguments.keyword.map { ($0.0, try evaluate($0.1, in: scope)) }
        if let star = arguments.star { result.positional += try iterate(try evaluate(star, in: scope)) }
        if let doubleStar = arguments.doubleStar {
            guard case .dict(let dict) = try evaluate(doubleStar, in: scope) else {
                throw JinjaError(.type, "argument after ** must be a mapping")
            }
            for (key, value) in dict.pairs { result.keyword.append((PythonRepr.str(key), value)) }
        }
        return result
    }

    /// `caller` is the body of a `{% call %}` block, passed to the macro as `caller`.
    func evaluateCall(_ expr: Expr, in scope: Scope, caller: JinjaValue?) throws -> JinjaValue {
        guard case .call(let calleeExpr, let argumentExprs) = expr else { return try evaluate(expr, in: scope) }
        // `text.strip()` and friends: call the method without materialising a bound method.
        if caller == nil, case .attribute(let receiverExpr, let name) = calleeExpr {
            let receiver = try evaluate(receiverExpr, in: scope)
            if Methods.has(name, on: receiver), !Methods.isMutating(name, on: receiver) {
                return try checkedShape(try Methods.call(name, on: receiver, try evaluateArguments(argumentExprs, in: scope)))
            }
            return try call(try Attributes.attribute(of: receiver, name), try evaluateArguments(argumentExprs, in: scope))
        }
        let callee = try evaluate(calleeExpr, in: scope)
        var arguments = try evaluateArguments(argumentExprs, in: scope)
        if let caller { arguments.keyword.append(("caller", caller)) }
        return try call(callee, arguments)
    }

    func call(_ callee: JinjaValue, _ arguments: CallArguments) throws -> JinjaValue {
        switch callee {
        case .callable(let callable):
            switch callable.kind {
            case .macro(let definition, let scope): return try callMacro(definition, scope: scope, arguments)
            case .global(let name): return try checkedShape(try Globals.call(name, arguments, renderer: self))
            case .method(let receiver, let name): return try checkedShape(try Methods.call(name, on: receiver, arguments))
            case .loopCycle(let index):
                guard !arguments.positional.isEmpty else { throw JinjaError(.type, "no items for cycling given") }
                return arguments.positional[index % arguments.positional.count]
            case .loopChanged(let memory):
                let values = arguments.positional
                if let last = memory.lastChanged, pythonEquals(.tuple(last), .tuple(values)) { return .bool(false) }
                memory.lastChanged = values
                return .bool(true)
            case .joiner(let state):
                defer { state.used = true }
                return .string(state.used ? state.separator : "")
            }
        case .loop(let state):
            guard let recursion = state.recursion else {
                throw JinjaError(.type, "The loop must have the 'recursive' marker to be called recursively.")
            }
            guard let items = arguments.positional.first, arguments.positional.count == 1 else {
                throw JinjaError(.type, "loop() takes exactly one argument")
            }
            callDepth += 1
            defer { callDepth -= 1 }
            if callDepth > limits.maxCallDepth {
                throw JinjaError(.limit, "recursive loop nested deeper than \(limits.maxCallDepth) levels")
            }
            return .string(try capture {
                try iterateLoop(recursion.loop, over: items, depth: state.depth + 1, offset: recursion.offset, in: recursion.scope)
            })
        case .undefined(let undefined):
            throw undefined.error
        default:
            throw JinjaError(.type, "'\(callee.typeName)' object is not callable")
        }
    }

    /// Missing parameters are Undefined, extra positional arguments go to `varargs` and
    /// unknown keywords to `kwargs`, as jinja2's macros do.
    private func callMacro(_ definition: MacroDefinition, scope: Scope, _ arguments: CallArguments) throws -> JinjaValue {
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > limits.maxCallDepth {
            throw JinjaError(.limit, "macro calls nested deeper than \(limits.maxCallDepth) levels")
        }
        let frame = Scope(parent: scope)
        for (i, name) in definition.parameters.enumerated() {
            if i < arguments.positional.count {
                frame.set(name, arguments.positional[i])
            } else if let value = arguments.keywordValue(name) {
                frame.set(name, value)
            } else if let defaultExpr = definition.defaults[name] {
                frame.set(name, try evaluate(defaultExpr, in: frame))
            } else {
                frame.set(name, .undefined(JinjaUndefined(hint: "parameter '\(name)' was not provided")))
            }
        }
        frame.set("varargs", .tuple(Array(arguments.positional.dropFirst(definition.parameters.count))))
        var extra = JinjaDict()
        for (name, value) in arguments.keyword where !definition.parameters.contains(name) && name != "caller" {
            extra[name] = value
        }
        frame.set("kwargs", .dict(extra))
        if let caller = arguments.keywordValue("caller") { frame.set("caller", caller) }
        return .string(try capture(definition.body, in: frame))
    }

    /// Python's `iter(value)` as a list: strings give characters, dicts their keys,
    /// Undefined nothing.
    func iterate(_ value: JinjaValue) throws -> [JinjaValue] { try Filters.sequence(value) }
}
