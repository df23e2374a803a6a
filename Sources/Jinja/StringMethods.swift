/// Python `str` methods (`content.strip()`, `content.split('</think>')`, ...).
enum StringMethods {
    static func call(_ name: String, on s: String, _ args: CallArguments) throws -> JinjaValue {
        switch name {
        case "strip", "lstrip", "rstrip":
            let chars = try args.string(0, "chars", function: name)
            return .string(PyString.strip(s, chars, leading: name != "rstrip", trailing: name != "lstrip"))
        case "split", "rsplit":
            let maxSplit = try args.int(1, "maxsplit", function: name) ?? -1
            guard let separator = try args.string(0, "sep", function: name) else {
                let parts = name == "split" ? PyString.splitWhitespace(s, maxSplit: maxSplit)
                    : rsplitWhitespace(s, maxSplit: maxSplit)
                return .list(parts.map { .string($0) })
            }
            guard !separator.isEmpty else { throw JinjaError(.type, "empty separator") }
            let parts = name == "split" ? PyString.split(s, separator: separator, maxSplit: maxSplit)
                : PyString.rsplit(s, separator: separator, maxSplit: maxSplit)
            return .list(parts.map { .string($0) })
        case "splitlines":
            return .list(PyString.splitLines(s, keepEnds: args.bool(0, "keepends") ?? false).map { .string($0) })
        case "startswith", "endswith":
            guard let affix = args.value(0, "prefix") else { throw JinjaError(.type, "\(name)() takes at least 1 argument (0 given)") }
            guard let (s, _) = try window(s, args, function: name) else { return .bool(false) }
            let candidates: [JinjaValue]
            switch affix {
            case .string: candidates = [affix]
            case .tuple(let items): candidates = items
            default: throw JinjaError(.type, "\(name) first arg must be str or a tuple of str, not \(affix.typeName)")
            }
            for candidate in candidates {
                guard case .string(let text) = candidate else {
                    throw JinjaError(.type, "tuple for \(name) must only contain str, not \(candidate.typeName)")
                }
                if name == "startswith" ? PyString.hasPrefix(s, text) : PyString.hasSuffix(s, text) { return .bool(true) }
            }
            return .bool(false)
        case "upper": return .string(PyString.upper(s))
        case "lower": return .string(PyString.lower(s))
        case "title": return .string(PyString.title(s))
        case "capitalize": return .string(PyString.capitalize(s))
        case "swapcase":
            return .string(s.unicodeScalars.map { $0.properties.isUppercase ? String($0).lowercased() : String($0).uppercased() }.joined())
        case "replace":
            guard let old = try args.string(0, "old", function: name), let new = try args.string(1, "new", function: name) else {
                throw JinjaError(.type, "replace expected at least 2 arguments")
            }
            return .string(PyString.replace(s, old, new, count: try args.int(2, "count", function: name) ?? -1))
        case "find", "index", "rfind", "rindex":
            guard let needle = try args.string(0, "sub", function: name) else { throw JinjaError(.type, "\(name)() takes at least 1 argument") }
            let found = try window(s, args, function: name).flatMap { text, offset in
                (name.hasPrefix("r") ? lastOccurrence(of: needle, in: text) : PyString.find(needle, in: text)).map {
                    offset + String(decoding: Array(text.utf8)[..<$0], as: UTF8.self).unicodeScalars.count
                }
            }
            guard let found else {
                if name.hasSuffix("index") { throw JinjaError(.type, "substring not found") }
                return .int(-1)
            }
            return .int(found)
        case "count":
            guard let needle = try args.string(0, "sub", function: name) else { throw JinjaError(.type, "count() takes at least 1 argument") }
            guard let (text, _) = try window(s, args, function: name) else { return .int(0) }
            if needle.isEmpty { return .int(text.unicodeScalars.count + 1) }
            return .int(PyString.occurrences(of: needle, in: text).count)
        case "join":
            guard let iterable = args.value(0, "iterable") else { throw JinjaError(.type, "join() takes exactly one argument") }
            let parts = try Filters.sequence(iterable).map { part -> String in
                guard case .string(let text) = part else {
                    throw JinjaError(.type, "sequence item: expected str instance, \(part.typeName) found")
                }
                return text
            }
            return .string(parts.joined(separator: s))
        case "isdigit", "isnumeric", "isdecimal":
            let accepted: Set<Unicode.NumericType> = name == "isdecimal" ? [.decimal]
                : (name == "isdigit" ? [.decimal, .digit] : [.decimal, .digit, .numeric])
            return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy { $0.properties.numericType.map(accepted.contains) ?? false })
        case "isalpha": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(PyString.isAlpha))
        case "isalnum": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(PyString.isAlnum))
        case "isspace": return .bool(!s.isEmpty && s.unicodeScalars.allSatisfy(isPythonWhitespace))
        case "isupper", "islower":
            let cased = s.unicodeScalars.filter { $0.properties.isCased }
            let wantUpper = name == "isupper"
            return .bool(!cased.isEmpty && cased.allSatisfy { wantUpper ? !$0.properties.isLowercase : !$0.properties.isUppercase })
        case "center", "ljust", "rjust":
            guard let width = try args.int(0, "width", function: name).map(Operators.checkedCount) else {
                throw JinjaError(.type, "\(name)() takes at least 1 argument")
            }
            let fill = try args.string(1, "fillchar", function: name) ?? " "
            return .string(pad(s, width: width, fill: fill, mode: name))
        case "zfill":
            let width = try Operators.checkedCount(try args.int(0, "width", function: name) ?? 0)
            let length = s.unicodeScalars.count
            guard width > length else { return .string(s) }
            let zeros = String(repeating: "0", count: width - length)
            if let sign = s.unicodeScalars.first, sign == "+" || sign == "-" {
                return .string(String(sign) + zeros + String(s.unicodeScalars.dropFirst()))
            }
            return .string(zeros + s)
        case "removeprefix", "removesuffix":
            let affix = try args.string(0, "affix", function: name) ?? ""
            let bytes = Array(s.utf8)
            if name == "removeprefix", !affix.isEmpty, PyString.hasPrefix(s, affix) {
                return .string(PyString.bytesSlice(bytes, affix.utf8.count..<bytes.count))
            }
            if name == "removesuffix", !affix.isEmpty, PyString.hasSuffix(s, affix) {
                return .string(PyString.bytesSlice(bytes, 0..<(bytes.count - affix.utf8.count)))
            }
            return .string(s)
        case "partition", "rpartition":
            guard let separator = try args.string(0, "sep", function: name), !separator.isEmpty else {
                throw JinjaError(.type, "empty separator")
            }
            let bytes = Array(s.utf8)
            let offset = name == "partition" ? PyString.find(separator, in: s) : lastOccurrence(of: separator, in: s)
            guard let offset else {
                return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)])
            }
            return .tuple([.string(PyString.bytesSlice(bytes, 0..<offset)), .string(separator),
                           .string(PyString.bytesSlice(bytes, (offset + separator.utf8.count)..<bytes.count))])
        case "format":
            return .string(try BraceFormat.format(s, args))
        default:
            throw JinjaError(.type, "'str' object has no attribute '\(name)'")
        }
    }

    /// `s[start:end]` for the optional `start` and `end` arguments (positions 1 and 2) and the
    /// index it begins at; nil when `start` lies beyond the end, where Python finds nothing.
    private static func window(_ s: String, _ args: CallArguments, function: String) throws -> (String, Int)? {
        let start = try args.int(1, "start", function: function)
        let end = try args.int(2, "end", function: function)
        guard start != nil || end != nil else { return (s, 0) }
        let scalars = Array(s.unicodeScalars)
        let count = scalars.count
        func clamp(_ i: Int) -> Int { i < 0 ? max(0, i + count) : min(i, count) }
        var lower = start ?? 0
        if lower < 0 { lower = max(0, lower + count) }
        guard lower <= count else { return nil }
        let upper = max(lower, end.map(clamp) ?? count)
        return (PyString.string(scalars[lower..<upper]), lower)
    }

    private static func lastOccurrence(of needle: String, in s: String) -> Int? {
        let n = Array(needle.utf8), t = Array(s.utf8)
        guard n.count <= t.count else { return nil }
        var i = t.count - n.count
        while i >= 0 {
            if Array(t[i..<(i + n.count)]) == n { return i }
            i -= 1
        }
        return nil
    }

    private static func rsplitWhitespace(_ s: String, maxSplit: Int) -> [String] {
        guard maxSplit >= 0 else { return PyString.splitWhitespace(s) }
        let reversed = String(String.UnicodeScalarView(s.unicodeScalars.reversed()))
        return PyString.splitWhitespace(reversed, maxSplit: maxSplit).reversed().map {
            String(String.UnicodeScalarView($0.unicodeScalars.reversed()))
        }
    }

    private static func pad(_ s: String, width: Int, fill: String, mode: String) -> String {
        let length = s.unicodeScalars.count
        guard width > length else { return s }
        let total = width - length
        let left: Int
        switch mode {
        case "ljust": left = 0
        case "rjust": left = total
        default: left = total / 2 + (total & width & 1)
        }
        return String(repeating: fill, count: left) + s + String(repeating: fill, count: total - left)
    }
}
