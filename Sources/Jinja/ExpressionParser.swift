/// jinja2's expression grammar, loosest binding first: `x if c else y`, `or`, `and`, `not`,
/// comparisons and `in`, `+ -`, `~`, `* / // %`, `**`, unary `- +`, then postfix
/// (`.attr`, `[item]`, calls) followed by `| filters` and `is tests`.
extension Parser {
    mutating func parseExpression(withConditional: Bool = true) throws -> Expr {
        try enter()
        defer { leave() }
        return withConditional ? try parseConditional() : try parseOr()
    }

    /// A comma-separated list is a tuple, as in `{% set a = 1, 2 %}` or `{{ a, b }}`.
    mutating func parseTuple(withConditional: Bool = true, endNames: Set<String> = [], explicitParentheses: Bool = false) throws -> Expr {
        var items: [Expr] = []
        var isTuple = false
        while true {
            if !items.isEmpty { try expectOp(",") }
            if isTupleEnd(endNames) { break }
            items.append(try parseExpression(withConditional: withConditional))
            if current.isOp(",") { isTuple = true } else { break }
        }
        if !isTuple {
            if let single = items.first { return single }
            if !explicitParentheses { throw error("Expected an expression, got '\(current.describe)'") }
        }
        return .tuple(items)
    }

    private func isTupleEnd(_ endNames: Set<String>) -> Bool {
        if current.kind == .variableEnd || current.kind == .blockEnd || current.isOp(")") { return true }
        return current.kind == .name && endNames.contains(current.text)
    }

    private mutating func parseConditional() throws -> Expr {
        var expr = try parseOr()
        while skipName("if") {
            let test = try parseOr()
            let otherwise = skipName("else") ? try parseExpression() : nil
            expr = .conditional(test: test, then: expr, otherwise: otherwise)
        }
        return expr
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while skipName("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while skipName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if skipName("not") {
            try enter()
            defer { leave() }
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let first = try parseMath1()
        var operations: [(CompareOperator, Expr)] = []
        while true {
            if current.kind == .op, let op = CompareOperator(rawValue: current.text) {
                _ = advance()
                operations.append((op, try parseMath1()))
            } else if skipName("in") {
                operations.append((.isIn, try parseMath1()))
            } else if current.isName("not"), peek.isName("in") {
                _ = advance()
                _ = advance()
                operations.append((.notIn, try parseMath1()))
            } else {
                break
            }
        }
        return operations.isEmpty ? first : .compare(first, operations)
    }

    private mutating func parseMath1() throws -> Expr {
        var left = try parseConcat()
        while current.isOp("+") || current.isOp("-") {
            let op: BinaryOperator = advance().text == "+" ? .add : .subtract
            left = .binary(op, left, try parseConcat())
        }
        return left
    }

    private mutating func parseConcat() throws -> Expr {
        var parts = [try parseMath2()]
        while skipOp("~") { parts.append(try parseMath2()) }
        return parts.count == 1 ? parts[0] : .concat(parts)
    }

    private mutating func parseMath2() throws -> Expr {
        var left = try parsePower()
        while current.kind == .op, ["*", "/", "//", "%"].contains(current.text) {
            let op = BinaryOperator(rawValue: advance().text)!
            left = .binary(op, left, try parsePower())
        }
        return left
    }

    private mutating func parsePower() throws -> Expr {
        var left = try parseUnary(withFilters: true)
        while skipOp("**") { left = .binary(.power, left, try parseUnary(withFilters: true)) }
        return left
    }

    /// jinja2 applies filters after the sign: `-x|abs` is `abs(-x)`.
    private mutating func parseUnary(withFilters: Bool) throws -> Expr {
        var node: Expr
        if current.isOp("-") || current.isOp("+") {
            let negate = advance().text == "-"
            try enter()
            let operand = try parseUnary(withFilters: false)
            leave()
            node = negate ? .negate(operand) : .plus(operand)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        return withFilters ? try parseFilterExpression(node) : node
    }

    private mutating func parsePrimary() throws -> Expr {
        let token = current
        switch token.kind {
        case .name:
            _ = advance()
            switch token.text {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(token.text)
            }
        case .string:
            // Adjacent string literals concatenate, as in Python.
            var text = advance().text
            while current.kind == .string { text += advance().text }
            return .literal(.string(text))
        case .integer:
            _ = advance()
            return .literal(.int(token.integer))
        case .float:
            _ = advance()
            return .literal(.float(token.float))
        case .op where token.text == "(":
            _ = advance()
            try enter()
            defer { leave() }
            let inner = try parseTuple(explicitParentheses: true)
            try expectOp(")")
            return inner
        case .op where token.text == "[":
            _ = advance()
            try enter()
            defer { leave() }
            var items: [Expr] = []
            while !current.isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if current.isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items)
        case .op where token.text == "{":
            _ = advance()
            try enter()
            defer { leave() }
            var pairs: [(Expr, Expr)] = []
            while !current.isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if current.isOp("}") { break }
                let key = try parseExpression()
                try expectOp(":")
                pairs.append((key, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw error("unexpected '\(token.describe)'")
        }
    }

    private mutating func parsePostfix(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if skipOp(".") {
                let token = advance()
                switch token.kind {
                case .name: node = .attribute(node, token.text)
                case .integer: node = .item(node, .literal(.int(token.integer)))
                default: throw error("expected name or number", at: token)
                }
            } else if skipOp("[") {
                node = try parseSubscript(node)
            } else if current.isOp("(") {
                node = .call(node, try parseCallArguments())
            } else {
                return node
            }
        }
    }

    /// `x[a]`, `x[a:b:c]`, or `x[a, b]` (a tuple key, which no template value has: a slice
    /// inside one stands for itself as None, the lookup being Undefined either way).
    private mutating func parseSubscript(_ target: Expr) throws -> Expr {
        var items: [Expr] = []
        while !current.isOp("]") {
            if !items.isEmpty { try expectOp(",") }
            items.append(try parseSubscribed(target))
        }
        try expectOp("]")
        guard let first = items.first else { throw error("expected subscript expression") }
        if items.count == 1 {
            if case .slice = first { return first }
            return .item(target, first)
        }
        return .item(target, .tuple(items.map { if case .slice = $0 { .literal(.none) } else { $0 } }))
    }

    /// One subscript: an expression or a `start:stop:step` slice.
    private mutating func parseSubscribed(_ target: Expr) throws -> Expr {
        var start: Expr?
        if !current.isOp(":") {
            start = try parseExpression()
            if !current.isOp(":") { return start! }
        }
        _ = advance()
        var stop: Expr?
        var step: Expr?
        if !current.isOp(":"), !current.isOp("]"), !current.isOp(",") { stop = try parseExpression() }
        if skipOp(":"), !current.isOp("]"), !current.isOp(",") { step = try parseExpression() }
        return .slice(target, start: start, stop: stop, step: step)
    }

    mutating func parseCallArguments() throws -> Expr.Arguments {
        try expectOp("(")
        var arguments = Expr.Arguments()
        var needsComma = false
        while !current.isOp(")") {
            if needsComma {
                try expectOp(",")
                if current.isOp(")") { break }
            }
            if skipOp("*") {
                arguments.star = try parseExpression()
            } else if skipOp("**") {
                arguments.doubleStar = try parseExpression()
            } else if current.kind == .name, peek.isOp("=") {
                let name = advance().text
                _ = advance()
                arguments.keyword.append((name, try parseExpression()))
            } else {
                guard arguments.keyword.isEmpty, arguments.star == nil, arguments.doubleStar == nil else {
                    throw error("invalid syntax for function call expression")
                }
                arguments.positional.append(try parseExpression())
            }
            needsComma = true
        }
        try expectOp(")")
        return arguments
    }

    private mutating func parseFilterExpression(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if current.isOp("|") {
                for filter in try parseFilterCalls(inline: false) {
                    node = .filter(node, name: filter.name, filter.arguments, offset: filter.offset)
                }
            } else if current.isName("is") {
                node = try parseTest(node)
            } else if current.isOp("(") {
                node = .call(node, try parseCallArguments())
            } else {
                return node
            }
        }
    }

    /// `x is [not] name`, `x is name(args)` or `x is name arg` (one primary argument).
    private mutating func parseTest(_ subject: Expr) throws -> Expr {
        _ = advance()
        let negated = skipName("not")
        let token = try expect(.name, "name")
        var arguments = Expr.Arguments()
        if current.isOp("(") {
            arguments = try parseCallArguments()
        } else if startsTestArgument() {
            if current.isName("is") { throw error("You cannot chain multiple tests with is") }
            arguments.positional = [try parsePostfix(try parsePrimary())]
        }
        return .test(subject, name: token.text, arguments, negated: negated, offset: token.offset)
    }

    private func startsTestArgument() -> Bool {
        switch current.kind {
        case .name: return !["else", "or", "and"].contains(current.text)
        case .string, .integer, .float: return true
        case .op: return current.text == "(" || current.text == "[" || current.text == "{"
        default: return false
        }
    }
}
