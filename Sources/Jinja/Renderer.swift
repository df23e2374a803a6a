/// One render of a template: the output buffer, the generation spans and the limits.
/// Statements run here; expressions in ExpressionEvaluator.swift.
final class Renderer {
    enum Flow { case normal, breakLoop, continueLoop }

    let limits: JinjaLimits
    let date: JinjaDate
    let positions: SourcePositions
    var output = ""
    /// > 0 while output goes into a `set` block, macro or filter block instead of the result.
    var captureDepth = 0
    /// Bytes of the result when the outermost capture began: all transformers can see then.
    var resultBytesAtCapture = 0
    var generationSpans: [Range<Int>] = []
    var steps = 0
    var callDepth = 0

    init(limits: JinjaLimits, date: JinjaDate, positions: SourcePositions) {
        self.limits = limits
        self.date = date
        self.positions = positions
    }

    func step() throws {
        steps += 1
        if steps > limits.maxSteps { throw JinjaError(.limit, "template ran more than \(limits.maxSteps) steps") }
    }

    func write(_ text: String) throws {
        output += text
        if output.utf8.count > limits.maxOutputBytes {
            throw JinjaError(.limit, "template output exceeds \(limits.maxOutputBytes) bytes")
        }
    }

    /// Renders `body` into a string of its own (set blocks, macros, filter blocks).
    func capture(_ body: [Node], in scope: Scope) throws -> String {
        try capture { _ = try execute(body, in: scope) }
    }

    func capture(_ work: () throws -> Void) throws -> String {
        let saved = output
        if captureDepth == 0 { resultBytesAtCapture = output.utf8.count }
        output = ""
        captureDepth += 1
        defer { captureDepth -= 1 }
        do {
            try work()
        } catch {
            output = saved
            throw error
        }
        let text = output
        output = saved
        return text
    }

    /// Adds the source position to errors raised while running the statement at `offset`.
    func located<T>(_ offset: Int, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch var error as JinjaError where error.line == nil {
            let (line, column) = positions.position(of: offset)
            error.line = line
            error.column = column
            throw error
        }
    }

    func execute(_ nodes: [Node], in scope: Scope) throws -> Flow {
        for node in nodes {
            try step()
            switch node {
            case .text(let text):
                try write(text)
            case .output(let expr, let offset):
                try located(offset) { try write(PythonRepr.str(try evaluate(expr, in: scope))) }
            case .conditional(let branches, let otherwise, let offset):
                var body = otherwise
                for (test, branch) in branches where try located(offset, { try evaluate(test, in: scope).isTruthy }) {
                    body = branch
                    break
                }
                let flow = try execute(body, in: scope)
                if flow != .normal { return flow }
            case .forLoop(let loop, let offset):
                try runLoop(loop, offset: offset, in: scope)
            case .assign(let target, let expr, let offset):
                try located(offset) { try assign(try evaluate(expr, in: scope), to: target, in: scope) }
            case .assignBlock(let target, let filters, let body, let offset):
                // As in jinja2, a block's own assignments stay inside it.
                let text = try capture(body, in: Scope(parent: scope))
                try located(offset) { try assign(try applyFilters(filters, to: .string(text), in: scope), to: target, in: scope) }
            case .macro(let definition):
                scope.set(definition.name, .callable(JinjaCallable(.macro(definition, scope))))
            case .callBlock(let call, let caller, let offset):
                try located(offset) {
                    let callerValue = JinjaValue.callable(JinjaCallable(.macro(caller, scope)))
                    try write(PythonRepr.str(try evaluateCall(call, in: scope, caller: callerValue)))
                }
            case .filterBlock(let filters, let body, let offset):
                let text = try capture(body, in: Scope(parent: scope))
                try located(offset) { try write(PythonRepr.str(try applyFilters(filters, to: .string(text), in: scope))) }
            case .generation(let body):
                // transformers renders the body as a macro (its own scope), then reports it
                // at the length of the top-level output so far, even inside a capture.
                let text = try capture(body, in: Scope(parent: scope))
                let start = captureDepth == 0 ? output.utf8.count : resultBytesAtCapture
                generationSpans.append(start..<(start + text.utf8.count))
                try write(text)
            case .with(let bindings, let body, let offset):
                let inner = Scope(parent: scope)
                let values = try located(offset) { try bindings.map { try evaluate($0.1, in: scope) } }
                for ((target, _), value) in zip(bindings, values) { try located(offset) { try assign(value, to: target, in: inner) } }
                let flow = try execute(body, in: inner)
                if flow != .normal { return flow }
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    private func runLoop(_ loop: ForLoop, offset: Int, in scope: Scope) throws {
        let iterable = try located(offset) { try evaluate(loop.iterable, in: scope) }
        try iterateLoop(loop, over: iterable, depth: 1, offset: offset, in: scope)
    }

    /// One level of a loop; a recursive loop's `loop(items)` runs this again one level down.
    func iterateLoop(_ loop: ForLoop, over iterable: JinjaValue, depth: Int, offset: Int, in scope: Scope) throws {
        var items = try located(offset) { try iterate(iterable) }
        if let condition = loop.condition {
            items = try located(offset) {
                try items.filter { item in
                    try step()
                    let probe = Scope(parent: scope)
                    try assign(item, to: loop.target, in: probe)
                    return try evaluate(condition, in: probe).isTruthy
                }
            }
        }
        if items.isEmpty {
            _ = try execute(loop.otherwise, in: Scope(parent: scope))
            return
        }
        // One loop object advances through the items, as jinja2's LoopContext does.
        let recursion = loop.recursive ? LoopRecursion(loop: loop, scope: scope, offset: offset) : nil
        let state = JinjaLoop(items: items, depth: depth, recursion: recursion)
        for index in items.indices {
            try step()
            state.index0 = index
            let iteration = Scope(parent: scope)
            try located(offset) { try assign(items[index], to: loop.target, in: iteration) }
            iteration.set("loop", .loop(state))
            if try execute(loop.body, in: iteration) == .breakLoop { break }
        }
    }

    func assign(_ value: JinjaValue, to target: AssignTarget, in scope: Scope) throws {
        switch target {
        case .name(let name):
            scope.set(name, value)
        case .tuple(let targets):
            let values = try iterate(value)
            guard values.count == targets.count else {
                throw JinjaError(.type, values.count > targets.count
                    ? "too many values to unpack (expected \(targets.count))"
                    : "not enough values to unpack (expected \(targets.count), got \(values.count))")
            }
            for (item, target) in zip(values, targets) { try assign(item, to: target, in: scope) }
        case .namespaceAttribute(let name, let attribute):
            guard case .namespace(let namespace) = scope.lookup(name) ?? .undefined(name) else {
                throw JinjaError(.type, "cannot assign attribute on non-namespace object")
            }
            try checkNamespaceName(attribute)
            try checkNamespaceValue(value)
            namespace.attributes[attribute] = value
        }
    }

    /// transformers' namespaces refuse underscore-prefixed names (a sandbox escape route).
    func checkNamespaceName(_ name: String) throws {
        if name.hasPrefix("_") {
            throw JinjaError(.security, "Chat templates cannot store underscore-prefixed attributes on a namespace, but got '\(name)'. Please rename the attribute.")
        }
    }

    /// Namespaces are the only state that outlives a loop iteration, so they are the only way
    /// a template could chain objects without bound (a namespace holding the previous one,
    /// a macro's scope holding a namespace...), which printing or freeing would then recurse
    /// through. They hold plain data only; real chat templates store nothing else in them.
    func checkNamespaceValue(_ value: JinjaValue) throws {
        guard Self.isPlainData(value, budget: limits.maxValueDepth) else {
            throw JinjaError(.security, "a namespace attribute may hold strings, numbers, lists and dicts (at most \(limits.maxValueDepth) levels deep), not namespaces, macros or functions")
        }
    }

    static func isPlainData(_ value: JinjaValue, budget: Int) -> Bool {
        switch value {
        case .undefined, .none, .bool, .int, .float, .string: return true
        case .list(let items), .tuple(let items): return budget > 0 && items.allSatisfy { isPlainData($0, budget: budget - 1) }
        case .dict(let dict):
            return budget > 0 && dict.keys.allSatisfy { isPlainData($0, budget: budget - 1) }
                && dict.values.allSatisfy { isPlainData($0, budget: budget - 1) }
        case .iterator(let iterator): return budget > 0 && iterator.pending.allSatisfy { isPlainData($0, budget: budget - 1) }
        case .loop(let loop): return budget > 0 && loop.items.allSatisfy { isPlainData($0, budget: budget - 1) }
        case .namespace, .callable: return false
        }
    }

    func applyFilters(_ filters: [FilterCall], to value: JinjaValue, in scope: Scope) throws -> JinjaValue {
        var result = value
        for filter in filters {
            let arguments = try evaluateArguments(filter.arguments, in: scope)
            result = try applyFilter(filter.name, to: result, arguments)
        }
        return result
    }
}
