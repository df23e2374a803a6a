/// The reference-typed values a render creates: namespaces, callables, loop state and
/// iterators. They live only during one render.

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
    /// 1 for the outermost level of a recursive loop.
    let depth: Int
    /// Set for `recursive` loops, which `loop(items)` calls.
    let recursion: LoopRecursion?
    /// For `loop.changed`.
    let memory = LoopMemory()

    init(items: [JinjaValue], depth: Int = 1, recursion: LoopRecursion? = nil) {
        self.items = items
        self.depth = depth
        self.recursion = recursion
    }

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
        case "depth": return .int(depth)
        case "depth0": return .int(depth - 1)
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

    /// What iterating would yield, without consuming it.
    var pending: [JinjaValue] { remaining }

    /// Python's `next(it)`: the next item, consumed.
    func next() -> JinjaValue? { remaining.isEmpty ? nil : remaining.removeFirst() }

    /// Consumes items up to and including the first that matches, as Python's `in` does.
    func advance(past matches: (JinjaValue) -> Bool) -> Bool {
        guard let index = remaining.firstIndex(where: matches) else {
            remaining = []
            return false
        }
        remaining.removeFirst(index + 1)
        return true
    }

    /// Everything not yet consumed; the iterator is exhausted afterwards.
    func drain() -> [JinjaValue] {
        defer { remaining = [] }
        return remaining
    }
}

/// What `loop(items)` needs to render a recursive loop's body one level down.
final class LoopRecursion {
    let loop: ForLoop
    let scope: Scope
    let offset: Int

    init(loop: ForLoop, scope: Scope, offset: Int) {
        self.loop = loop
        self.scope = scope
        self.offset = offset
    }
}
