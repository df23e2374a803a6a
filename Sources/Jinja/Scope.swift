/// Variables visible at one point of a template. `for` iterations and macro calls get a child
/// scope, so their `{% set %}` does not leak out, exactly like jinja2's frames. A scope holds
/// a handful of names, so it searches a small array rather than hashing; the caller's context
/// (any size) is a dictionary at the root.
final class Scope {
    private var names: [String] = []
    private var values: [JinjaValue] = []
    private let context: [String: JinjaValue]
    let parent: Scope?

    init(parent: Scope?, context: [String: JinjaValue] = [:]) {
        self.parent = parent
        self.context = context
    }

    func set(_ name: String, _ value: JinjaValue) {
        if let i = names.firstIndex(of: name) {
            values[i] = value
        } else {
            names.append(name)
            values.append(value)
        }
    }

    func lookup(_ name: String) -> JinjaValue? {
        var scope: Scope? = self
        while let current = scope {
            if let i = current.names.firstIndex(of: name) { return current.values[i] }
            if let value = current.context[name] { return value }
            scope = current.parent
        }
        return nil
    }
}
