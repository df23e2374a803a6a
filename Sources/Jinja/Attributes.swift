/// `x.name` and `x[key]` the way jinja2's sandbox resolves them: attribute access falls back
/// to item access and back, methods come out bound, mutating methods and underscore
/// attributes are unsafe, and anything missing is Undefined.
enum Attributes {
    /// How jinja2 names an object in "'dict object' has no attribute 'x'".
    static func ownerName(_ value: JinjaValue) -> String {
        switch value {
        case .none: "None"
        case .namespace: "transformers.utils.chat_template_utils.TemplateNamespace object"
        case .loop: "jinja2.runtime.LoopContext object"
        default: "\(value.typeName) object"
        }
    }

    /// Python attributes: methods of str, dict and list, namespace and loop attributes.
    static func pythonAttribute(of value: JinjaValue, _ name: String) -> JinjaValue? {
        switch value {
        case .namespace(let namespace): return namespace.attributes[name]
        case .loop(let loop): return loop.attribute(name)
        default:
            guard Methods.has(name, on: value) else { return nil }
            if Methods.isMutating(name, on: value) {
                return .undefined(JinjaUndefined(hint: "access to attribute '\(name)' of '\(value.typeName)' object is unsafe.", isUnsafe: true))
            }
            return .callable(JinjaCallable(.method(receiver: value, name: name)))
        }
    }

    static func attribute(of value: JinjaValue, _ name: String) throws -> JinjaValue {
        if case .undefined(let undefined) = value { throw undefined.error }
        if let attribute = pythonAttribute(of: value, name) { return attribute }
        if case .dict(let dict) = value, let item = dict[name] { return item }
        return .undefined(JinjaUndefined(name: name, owner: ownerName(value)))
    }

    static func item(of value: JinjaValue, _ key: JinjaValue) throws -> JinjaValue {
        if case .undefined(let undefined) = value { throw undefined.error }
        if let found = pythonItem(of: value, key) { return found }
        if case .string(let name) = key, let attribute = pythonAttribute(of: value, name) { return attribute }
        if case .string(let name) = key { return .undefined(JinjaUndefined(name: name, owner: ownerName(value))) }
        return .undefined(JinjaUndefined(hint: "'\(ownerName(value))' has no element \(PythonRepr.repr(key))"))
    }

    /// Python's `value[key]`, nil where Python raises.
    private static func pythonItem(of value: JinjaValue, _ key: JinjaValue) -> JinjaValue? {
        switch value {
        case .dict(let dict): return dict[key]
        case .list(let items), .tuple(let items):
            guard let index = integerIndex(key, count: items.count) else { return nil }
            return items[index]
        case .string(let s):
            let scalars = Array(s.unicodeScalars)
            guard let index = integerIndex(key, count: scalars.count) else { return nil }
            return .string(String(scalars[index]))
        default: return nil
        }
    }

    private static func integerIndex(_ key: JinjaValue, count: Int) -> Int? {
        let raw: Int
        switch key {
        case .int(let i): raw = i
        case .bool(let b): raw = b ? 1 : 0
        default: return nil
        }
        let index = raw < 0 ? raw + count : raw
        return index >= 0 && index < count ? index : nil
    }

    /// `value[start:stop:step]` with Python's index clamping.
    static func slice(_ value: JinjaValue, start: JinjaValue?, stop: JinjaValue?, step: JinjaValue?) throws -> JinjaValue {
        func bound(_ v: JinjaValue?) throws -> Int? {
            switch v {
            case nil, .none?: return nil
            case .int(let i)?: return i
            case .bool(let b)?: return b ? 1 : 0
            case .undefined(let u)?: throw u.error
            case let other?: throw JinjaError(.type, "slice indices must be integers or None, not \(other.typeName)")
            }
        }
        let (s, e, st) = (try bound(start), try bound(stop), try bound(step) ?? 1)
        guard st != 0 else { throw JinjaError(.type, "slice step cannot be zero") }
        switch value {
        case .list(let items): return .list(sliced(items, s, e, st))
        case .tuple(let items): return .tuple(sliced(items, s, e, st))
        case .string(let text):
            var out = String.UnicodeScalarView()
            out.append(contentsOf: sliced(Array(text.unicodeScalars), s, e, st))
            return .string(String(out))
        case .undefined(let undefined): throw undefined.error
        default: return .undefined(JinjaUndefined(hint: "'\(ownerName(value))' is not subscriptable"))
        }
    }

    static func sliced<T>(_ items: [T], _ start: Int?, _ stop: Int?, _ step: Int) -> [T] {
        let count = items.count
        func clamp(_ i: Int?, _ defaultValue: Int, low: Int, high: Int) -> Int {
            guard var i else { return defaultValue }
            if i < 0 { i += count }
            return min(max(i, low), high)
        }
        var result: [T] = []
        if step > 0 {
            var i = clamp(start, 0, low: 0, high: count)
            let end = clamp(stop, count, low: 0, high: count)
            while i < end {
                result.append(items[i])
                let (next, overflowed) = i.addingReportingOverflow(step)
                if overflowed { break }
                i = next
            }
        } else {
            var i = clamp(start, count - 1, low: -1, high: count - 1)
            let end = clamp(stop, -1, low: -1, high: count - 1)
            while i > end {
                result.append(items[i])
                let (next, overflowed) = i.addingReportingOverflow(step)
                if overflowed { break }
                i = next
            }
        }
        return result
    }
}
