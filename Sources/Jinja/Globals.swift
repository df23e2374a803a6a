/// The functions a template can call by name: jinja2's `range` and `joiner`, and
/// transformers' `raise_exception`, `strftime_now`, `namespace` and `dict`.
enum Globals {
    static let names: Set<String> = ["raise_exception", "strftime_now", "namespace", "dict", "range", "joiner"]

    /// The sandbox refuses ranges longer than this (jinja2's `MAX_RANGE`).
    static let maxRange = 100_000

    static func call(_ name: String, _ args: CallArguments, renderer: Renderer) throws -> JinjaValue {
        switch name {
        case "raise_exception":
            throw TemplateException(message: PythonRepr.str(args.value(0, "message") ?? .none))
        case "strftime_now":
            guard case .string(let format)? = args.value(0, "format") else {
                throw JinjaError(.type, "strftime() argument 1 must be str")
            }
            return .string(Strftime.format(format, renderer.date))
        case "namespace":
            let attributes = try makeDict(args)
            for (key, value) in attributes.pairs {
                if case .string(let s) = key { try renderer.checkNamespaceName(s) }
                try renderer.checkNamespaceValue(value)
            }
            return .namespace(JinjaNamespace(attributes))
        case "dict":
            return .dict(try makeDict(args))
        case "range":
            return .list(try range(args).map { .int($0) })
        case "joiner":
            let separator = try args.string(0, "sep", function: "joiner") ?? ", "
            return .callable(JinjaCallable(.joiner(JoinerState(separator: separator))))
        default:
            throw JinjaError(.undefined, "'\(name)' is undefined")
        }
    }

    /// Python's `dict(mapping_or_pairs, **kwargs)`.
    static func makeDict(_ args: CallArguments) throws -> JinjaDict {
        guard args.positional.count <= 1 else {
            throw JinjaError(.type, "dict expected at most 1 argument, got \(args.positional.count)")
        }
        var dict = JinjaDict()
        switch args.positional.first {
        case nil: break
        case .dict(let source)?: dict = source
        case let source?:
            for pair in try Filters.sequence(source) {
                let items = try Filters.sequence(pair)
                guard items.count == 2 else {
                    throw JinjaError(.type, "dictionary update sequence element has length \(items.count); 2 is required")
                }
                dict[items[0]] = items[1]
            }
        }
        for (key, value) in args.keyword { dict[key] = value }
        return dict
    }

    static func range(_ args: CallArguments) throws -> [Int] {
        let numbers = try args.positional.map { value -> Int in
            guard case .int(let i) = value else {
                throw JinjaError(.type, "'\(value.typeName)' object cannot be interpreted as an integer")
            }
            return i
        }
        let (start, stop, step): (Int, Int, Int)
        switch numbers.count {
        case 1: (start, stop, step) = (0, numbers[0], 1)
        case 2: (start, stop, step) = (numbers[0], numbers[1], 1)
        case 3: (start, stop, step) = (numbers[0], numbers[1], numbers[2])
        default: throw JinjaError(.type, "range expected 1 to 3 arguments, got \(numbers.count)")
        }
        guard step != 0 else { throw JinjaError(.type, "range() arg 3 must not be zero") }
        // The span is computed in Double so that extreme bounds cannot overflow.
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span > 0 ? ((span - 1) / Swift.abs(Double(step))).rounded(.down) + 1 : 0
        guard count <= Double(maxRange) else {
            throw JinjaError(.security, "Range too big. The sandbox blocks ranges larger than MAX_RANGE (\(maxRange)).")
        }
        var values: [Int] = []
        values.reserveCapacity(Int(count))
        var value = start
        for _ in 0..<Int(count) {
            values.append(value)
            // Wrapping: only the step after the last value can leave Int's range.
            value = value &+ step
        }
        return values
    }
}
