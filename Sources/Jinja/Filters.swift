/// jinja2's built-in filters (3.1 semantics) plus transformers' `tojson`.
extension Renderer {
    func applyFilter(_ name: String, to value: JinjaValue, _ args: CallArguments) throws -> JinjaValue {
        if let result = try Filters.textFilter(name, value, args) { return result }
        if let result = try Filters.numberFilter(name, value, args) { return result }
        if let result = try sequenceFilter(name, value, args) { return result }
        throw JinjaError(.syntax, "No filter named '\(name)'.")
    }

    /// Filters over sequences; `map`, `select` and friends call other filters and tests.
    private func sequenceFilter(_ name: String, _ value: JinjaValue, _ args: CallArguments) throws -> JinjaValue? {
        switch name {
        case "length", "count":
            return .int(try Filters.length(value))
        case "first":
            let first = if case .iterator(let iterator) = value { iterator.next() } else { try Filters.sequence(value).first }
            return first ?? .undefined(JinjaUndefined(hint: "No first item, sequence was empty."))
        case "last":
            if case .iterator(let iterator) = value { throw JinjaError(.type, "'\(iterator.typeName)' object is not reversible") }
            return try Filters.sequence(value).last ?? .undefined(JinjaUndefined(hint: "No last item, sequence was empty."))
        case "list":
            return .list(try Filters.sequence(value))
        case "items":
            if value.isUndefined { return .list([]) }
            guard case .dict(let dict) = value else { throw JinjaError(.type, "Can only get item pairs from a mapping.") }
            return .list(dict.pairs.map { .tuple([$0, $1]) })
        case "join":
            var items = try Filters.sequence(value)
            if let attribute = args.value(1, "attribute"), !attribute.isNone {
                items = try items.map { try Filters.lookup(attribute, in: $0) }
            }
            let separator = args.value(0, "d").map(PythonRepr.str) ?? ""
            return .string(items.map(PythonRepr.str).joined(separator: separator))
        // jinja2's map and select family are generators that yield nothing for a false value.
        case "map":
            return .iterator(JinjaIterator(value.isTruthy ? try mapFilter(value, args) : []))
        case "select", "reject", "selectattr", "rejectattr":
            return .iterator(JinjaIterator(value.isTruthy ? try selectFilter(name, value, args) : []))
        case "unique":
            var seen: [JinjaValue] = []
            var result: [JinjaValue] = []
            let caseSensitive = args.bool(0, "case_sensitive") ?? false
            let attribute = args.value(1, "attribute")
            for item in try Filters.sequence(value) {
                let key = try Filters.sortKey(item, attribute: attribute, caseSensitive: caseSensitive)
                if !seen.contains(where: { pythonEquals($0, key) }) {
                    seen.append(key)
                    result.append(item)
                }
            }
            return .iterator(JinjaIterator(result))
        case "sort":
            let reverse = args.bool(0, "reverse") ?? false
            let caseSensitive = args.bool(1, "case_sensitive") ?? false
            let attribute = args.value(2, "attribute")
            let items = try Filters.sequence(value)
            let keys = try items.map { try Filters.sortKey($0, attribute: attribute, caseSensitive: caseSensitive) }
            return .list(try Filters.stableSorted(Array(zip(keys, items)), reverse: reverse).map(\.1))
        case "dictsort":
            guard case .dict(let dict) = value else { throw JinjaError(.type, "dictsort filter only works with dicts") }
            let caseSensitive = args.bool(0, "case_sensitive") ?? false
            let by = try args.string(1, "by", function: "dictsort") ?? "key"
            guard by == "key" || by == "value" else { throw JinjaError(.type, "You can only sort by either \"key\" or \"value\"") }
            let reverse = args.bool(2, "reverse") ?? false
            let pairs = try dict.pairs.map { key, item in
                (try Filters.sortKey(by == "key" ? key : item, attribute: nil, caseSensitive: caseSensitive), JinjaValue.tuple([key, item]))
            }
            return .list(try Filters.stableSorted(pairs, reverse: reverse).map(\.1))
        case "reverse":
            switch value {
            case .string(let s): return .string(String(String.UnicodeScalarView(s.unicodeScalars.reversed())))
            // Python's reversed() of a sequence; iterators are listed first, then reversed.
            case .list(let items), .tuple(let items): return .iterator(JinjaIterator(items.reversed(), typeName: "list_reverseiterator"))
            case .dict(let dict): return .iterator(JinjaIterator(dict.keys.reversed(), typeName: "dict_reversekeyiterator"))
            default: return .list(try Filters.sequence(value).reversed())
            }
        case "sum":
            var total = args.value(1, "start") ?? .int(0)
            let attribute = args.value(0, "attribute")
            for item in try Filters.sequence(value) {
                let term = try attribute.map { try Filters.lookup($0, in: item) } ?? item
                total = try Operators.binary(.add, total, term)
            }
            return total
        case "min", "max":
            let caseSensitive = args.bool(0, "case_sensitive") ?? false
            let attribute = args.value(1, "attribute")
            var best: (JinjaValue, JinjaValue)?
            for item in try Filters.sequence(value) {
                let key = try Filters.sortKey(item, attribute: attribute, caseSensitive: caseSensitive)
                if let current = best {
                    let order = try pythonCompare(key, current.0, operator: name == "min" ? "<" : ">")
                    if name == "min" ? order < 0 : order > 0 { best = (key, item) }
                } else {
                    best = (key, item)
                }
            }
            return best?.1 ?? .undefined(JinjaUndefined(hint: "No aggregated item, sequence was empty."))
        case "batch":
            guard let size = try args.int(0, "linecount", function: "batch").map(Operators.checkedCount), size > 0 else {
                throw JinjaError(.type, "batch size must be a positive integer")
            }
            let items = try Filters.sequence(value)
            var batches: [JinjaValue] = []
            var index = 0
            while index < items.count {
                var batch = Array(items[index..<min(index + size, items.count)])
                if batch.count < size, let fill = args.value(1, "fill_with"), !fill.isNone {
                    batch += Array(repeating: fill, count: size - batch.count)
                }
                batches.append(.list(batch))
                index += size
            }
            return .iterator(JinjaIterator(batches))
        case "attr":
            guard let attribute = try args.string(0, "name", function: "attr") else { throw JinjaError(.type, "attr() needs a name") }
            // Unlike `x.name`, `attr` never falls back to item lookup.
            if case .undefined(let u) = value { throw u.error }
            return Attributes.pythonAttribute(of: value, attribute)
                ?? .undefined(JinjaUndefined(name: attribute, owner: Attributes.ownerName(value)))
        default:
            return nil
        }
    }

    /// `map(attribute='x', default=d)` or `map('filter', args...)`.
    private func mapFilter(_ value: JinjaValue, _ args: CallArguments) throws -> [JinjaValue] {
        let items = try Filters.sequence(value)
        if args.positional.isEmpty, let attribute = args.keywordValue("attribute") {
            let fallback = args.keywordValue("default")
            return try items.map { item in
                let found = try Filters.lookup(attribute, in: item)
                if found.isUndefined, let fallback, !fallback.isNone { return fallback }
                return found
            }
        }
        guard case .string(let filterName)? = args.positional.first else {
            throw JinjaError(.type, "map requires a filter argument")
        }
        let rest = CallArguments(positional: Array(args.positional.dropFirst()), keyword: args.keyword)
        return try items.map { try applyFilter(filterName, to: $0, rest) }
    }

    private func selectFilter(_ name: String, _ value: JinjaValue, _ args: CallArguments) throws -> [JinjaValue] {
        let byAttribute = name.hasSuffix("attr")
        let keep = name.hasPrefix("select")
        var positional = args.positional[...]
        var attribute: JinjaValue?
        if byAttribute {
            guard let first = positional.popFirst() else { throw JinjaError(.type, "Missing parameter for attribute name") }
            attribute = first
        }
        let testName: String?
        switch positional.popFirst() {
        case .string(let s)?: testName = s
        case nil: testName = nil
        case let other?: throw JinjaError(.type, "test name must be a string, not \(other.typeName)")
        }
        let testArgs = CallArguments(positional: Array(positional), keyword: args.keyword)
        return try Filters.sequence(value).filter { item in
            let subject = try attribute.map { try Filters.lookup($0, in: item) } ?? item
            let passed = try testName.map { try applyTest($0, to: subject, testArgs) } ?? subject.isTruthy
            return passed == keep
        }
    }
}

/// Filters that need no renderer, and the helpers the sequence filters share.
enum Filters {
    static func length(_ value: JinjaValue) throws -> Int {
        switch value {
        case .string(let s): return s.unicodeScalars.count
        case .list(let items), .tuple(let items): return items.count
        case .dict(let dict): return dict.count
        case .undefined: return 0
        case .loop(let loop): return loop.items.count
        default: throw JinjaError(.type, "object of type '\(value.typeName)' has no len()")
        }
    }

    /// Python's `list(value)`.
    static func sequence(_ value: JinjaValue) throws -> [JinjaValue] {
        switch value {
        case .list(let items), .tuple(let items): return items
        case .dict(let dict): return dict.keys
        case .string(let s): return s.unicodeScalars.map { .string(String($0)) }
        case .undefined(let undefined):
            if undefined.isUnsafe { throw undefined.error }
            return []
        case .loop(let loop): return loop.items
        case .iterator(let iterator): return iterator.drain()
        default: throw JinjaError(.type, "'\(value.typeName)' object is not iterable")
        }
    }

    /// jinja2's attribute getter: "a.b.0" looks up `a`, then `b`, then item 0 (item first).
    static func lookup(_ attribute: JinjaValue, in item: JinjaValue) throws -> JinjaValue {
        guard case .string(let path) = attribute else { return try Attributes.item(of: item, attribute) }
        var current = item
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            let key: JinjaValue = Int(part).map { .int($0) } ?? .string(String(part))
            current = try Attributes.item(of: current, key)
        }
        return current
    }

    /// The sort key of `sort`, `unique`, `min`, `max`: an attribute (comma-separated for
    /// several), strings lower-cased unless case-sensitive.
    static func sortKey(_ item: JinjaValue, attribute: JinjaValue?, caseSensitive: Bool) throws -> JinjaValue {
        func fold(_ v: JinjaValue) -> JinjaValue {
            if !caseSensitive, case .string(let s) = v { return .string(PyString.lower(s)) }
            return v
        }
        guard let attribute, !attribute.isNone else { return fold(item) }
        if case .string(let path) = attribute, path.contains(",") {
            return .list(try path.split(separator: ",").map { try fold(lookup(.string(String($0)), in: item)) })
        }
        return fold(try lookup(attribute, in: item))
    }

    /// Python's stable `sorted(..., reverse=)` by key, with type errors for unorderable keys.
    static func stableSorted(_ pairs: [(JinjaValue, JinjaValue)], reverse: Bool) throws -> [(JinjaValue, JinjaValue)] {
        if pairs.count < 2 { return pairs }
        let middle = pairs.count / 2
        let left = try stableSorted(Array(pairs[..<middle]), reverse: reverse)
        let right = try stableSorted(Array(pairs[middle...]), reverse: reverse)
        var merged: [(JinjaValue, JinjaValue)] = []
        merged.reserveCapacity(pairs.count)
        var i = 0, j = 0
        while i < left.count, j < right.count {
            let order = try pythonCompare(right[j].0, left[i].0, operator: "<")
            // Take from the right only when strictly before, which keeps equal keys in order.
            if reverse ? order > 0 : order < 0 { merged.append(right[j]); j += 1 } else { merged.append(left[i]); i += 1 }
        }
        merged += left[i...]
        merged += right[j...]
        return merged
    }
}
