/// Turns tokens into the statement tree, with jinja2's grammar and operator precedence.
/// Expressions are parsed in ExpressionParser.swift.
struct Parser {
    var tokens: [Token]
    var index = 0
    let positions: SourcePositions
    let maxNesting: Int
    var nesting = 0
    /// For `break` / `continue`, which only make sense inside a loop body.
    var loopDepth = 0
    /// Whether a `{% generation %}` block was parsed (assistant masks can come from it).
    var sawGeneration = false
    /// The tags of the blocks being parsed, innermost last, for end-of-template errors.
    var openTags: [String] = []

    init(tokens: [Token], positions: SourcePositions, maxNesting: Int) {
        self.tokens = tokens
        self.positions = positions
        self.maxNesting = maxNesting
    }

    static func parse(_ source: String, maxNesting: Int) throws -> [Node] {
        let (tokens, positions) = try Lexer.tokenize(source)
        var parser = Parser(tokens: tokens, positions: positions, maxNesting: maxNesting)
        let (body, _) = try parser.subparse(until: [])
        return body
    }

    // MARK: - Token stream

    var current: Token { tokens[index] }
    var peek: Token { tokens[min(index + 1, tokens.count - 1)] }

    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func error(_ message: String, at token: Token? = nil) -> JinjaError {
        let (line, column) = positions.position(of: (token ?? current).offset)
        return JinjaError(.syntax, message, line: line, column: column)
    }

    mutating func expect(_ kind: Token.Kind, _ what: String) throws -> Token {
        guard current.kind == kind else { throw error("expected token '\(what)', got '\(current.describe)'") }
        return advance()
    }

    mutating func expectOp(_ op: String) throws {
        guard current.isOp(op) else { throw error("expected token '\(op)', got '\(current.describe)'") }
        _ = advance()
    }

    mutating func expectName(_ name: String) throws {
        guard current.isName(name) else { throw error("expected token '\(name)', got '\(current.describe)'") }
        _ = advance()
    }

    mutating func skipOp(_ op: String) -> Bool {
        guard current.isOp(op) else { return false }
        _ = advance()
        return true
    }

    mutating func skipName(_ name: String) -> Bool {
        guard current.isName(name) else { return false }
        _ = advance()
        return true
    }

    /// Counts one level of nesting so hostile templates cannot exhaust the stack.
    mutating func enter() throws {
        nesting += 1
        guard nesting > maxNesting else { return }
        let (line, column) = positions.position(of: current.offset)
        throw JinjaError(.limit, "template nesting deeper than \(maxNesting) levels", line: line, column: column)
    }

    mutating func leave() { nesting -= 1 }

    // MARK: - Statements

    /// Template data and tags up to one of `endTags`; returns the body and the end tag's name,
    /// leaving the stream on that name.
    mutating func subparse(until endTags: [String]) throws -> ([Node], String?) {
        var body: [Node] = []
        while true {
            let token = current
            switch token.kind {
            case .data:
                _ = advance()
                body.append(.text(token.text))
            case .variableBegin:
                _ = advance()
                let expr = try parseTuple()
                _ = try expect(.variableEnd, "end of print statement")
                body.append(.output(expr, offset: token.offset))
            case .blockBegin:
                _ = advance()
                if current.kind == .name, endTags.contains(current.text) { return (body, current.text) }
                try enter()
                openTags.append(current.text)
                body.append(contentsOf: try parseStatement())
                openTags.removeLast()
                leave()
                _ = try expect(.blockEnd, "end of statement block")
            case .endOfTemplate:
                if endTags.isEmpty { return (body, nil) }
                let wanted = endTags.map { "'\($0)'" }.joined(separator: " or ")
                var message = "Unexpected end of template. Jinja was looking for the following tags: \(wanted)."
                if let open = openTags.last { message += " The innermost block that needs to be closed is '\(open)'." }
                throw error(message)
            default:
                throw error("unexpected '\(token.describe)'")
            }
        }
    }

    /// The rest of an opening tag, then its body up to one of `endTags`.
    mutating func parseBody(until endTags: [String], dropEndTag: Bool = false) throws -> ([Node], String) {
        _ = try expect(.blockEnd, "end of statement block")
        let (body, end) = try subparse(until: endTags)
        guard let end else { throw error("unexpected end of template") }
        if dropEndTag { _ = advance() }
        return (body, end)
    }

    mutating func parseStatement() throws -> [Node] {
        let token = current
        guard token.kind == .name else { throw error("tag name expected") }
        switch token.text {
        case "if": return [try parseIf()]
        case "for": return [try parseFor()]
        case "set": return [try parseSet()]
        case "macro": return [try parseMacro()]
        case "call": return [try parseCallBlock()]
        case "filter": return [try parseFilterBlock()]
        case "with": return try parseWith()
        case "generation":
            // The body is a macro in transformers' extension: no loop to break out of.
            _ = advance()
            let savedLoopDepth = loopDepth
            loopDepth = 0
            let (body, _) = try parseBody(until: ["endgeneration"], dropEndTag: true)
            loopDepth = savedLoopDepth
            sawGeneration = true
            return [.generation(body)]
        case "break", "continue":
            _ = advance()
            guard loopDepth > 0 else { throw error("'\(token.text)' outside loop", at: token) }
            return [token.text == "break" ? .breakLoop : .continueLoop]
        default:
            throw error("Encountered unknown tag '\(token.text)'.", at: token)
        }
    }

    mutating func parseIf() throws -> Node {
        let start = advance()
        var branches: [(Expr, [Node])] = []
        var otherwise: [Node] = []
        while true {
            let test = try parseTuple(withConditional: false)
            let (body, end) = try parseBody(until: ["elif", "else", "endif"])
            branches.append((test, body))
            _ = advance()
            if end == "elif" { continue }
            if end == "else" { otherwise = try parseBody(until: ["endif"], dropEndTag: true).0 }
            break
        }
        return .conditional(branches, otherwise: otherwise, offset: start.offset)
    }

    mutating func parseFor() throws -> Node {
        let start = advance()
        let target = try parseAssignTarget(endNames: ["in"], allowNamespace: false)
        try expectName("in")
        let iterable = try parseTuple(withConditional: false, endNames: ["recursive"])
        var condition: Expr?
        if skipName("if") { condition = try parseExpression() }
        let recursive = skipName("recursive")
        loopDepth += 1
        let (body, end) = try parseBody(until: ["endfor", "else"])
        loopDepth -= 1
        _ = advance()
        var otherwise: [Node] = []
        if end == "else" { otherwise = try parseBody(until: ["endfor"], dropEndTag: true).0 }
        let loop = ForLoop(target: target, iterable: iterable, condition: condition, body: body, otherwise: otherwise,
                           recursive: recursive)
        return .forLoop(loop, offset: start.offset)
    }

    mutating func parseSet() throws -> Node {
        let start = advance()
        let target = try parseAssignTarget(endNames: [], allowNamespace: true)
        if skipOp("=") { return .assign(target, try parseTuple(), offset: start.offset) }
        let filters = try parseFilterCalls(inline: false)
        let (body, _) = try parseBody(until: ["endset"], dropEndTag: true)
        return .assignBlock(target, filters: filters, body: body, offset: start.offset)
    }

    /// `{% with a = 1, b = 2 %}...{% endwith %}`.
    mutating func parseWith() throws -> [Node] {
        let start = advance()
        var targets: [AssignTarget] = []
        var values: [Expr] = []
        while current.kind != .blockEnd {
            if !targets.isEmpty { try expectOp(",") }
            targets.append(try parseAssignTarget(endNames: [], allowNamespace: false, allowTuple: false))
            try expectOp("=")
            values.append(try parseExpression())
        }
        let (body, _) = try parseBody(until: ["endwith"], dropEndTag: true)
        return [.with(Array(zip(targets, values)), body: body, offset: start.offset)]
    }

    mutating func parseMacro() throws -> Node {
        _ = advance()
        let name = try expect(.name, "name").text
        let (parameters, defaults) = try parseSignature()
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try parseBody(until: ["endmacro"], dropEndTag: true)
        loopDepth = savedLoopDepth
        return .macro(MacroDefinition(name: name, parameters: parameters, defaults: defaults, body: body))
    }

    mutating func parseSignature() throws -> ([String], [String: Expr]) {
        try expectOp("(")
        var parameters: [String] = []
        var defaults: [String: Expr] = [:]
        while !current.isOp(")") {
            if !parameters.isEmpty { try expectOp(",") }
            let name = try expect(.name, "name").text
            if skipOp("=") {
                defaults[name] = try parseExpression()
            } else if !defaults.isEmpty {
                throw error("non-default argument follows default argument")
            }
            parameters.append(name)
        }
        try expectOp(")")
        return (parameters, defaults)
    }

    mutating func parseCallBlock() throws -> Node {
        let start = advance()
        var parameters: [String] = []
        var defaults: [String: Expr] = [:]
        if current.isOp("(") { (parameters, defaults) = try parseSignature() }
        let call = try parseExpression()
        guard case .call = call else { throw error("expected call", at: start) }
        let savedLoopDepth = loopDepth
        loopDepth = 0
        let (body, _) = try parseBody(until: ["endcall"], dropEndTag: true)
        loopDepth = savedLoopDepth
        let caller = MacroDefinition(name: "caller", parameters: parameters, defaults: defaults, body: body)
        return .callBlock(call: call, caller: caller, offset: start.offset)
    }

    mutating func parseFilterBlock() throws -> Node {
        let start = advance()
        let filters = try parseFilterCalls(inline: true)
        let (body, _) = try parseBody(until: ["endfilter"], dropEndTag: true)
        return .filterBlock(filters: filters, body: body, offset: start.offset)
    }

    /// `| name(args) | name ...`; `inline` means the first filter has no leading `|`.
    mutating func parseFilterCalls(inline: Bool) throws -> [FilterCall] {
        var filters: [FilterCall] = []
        var first = inline
        while first || current.isOp("|") {
            if !first { _ = advance() }
            first = false
            let token = try expect(.name, "name")
            let arguments = current.isOp("(") ? try parseCallArguments() : Expr.Arguments()
            filters.append(FilterCall(name: token.text, arguments: arguments, offset: token.offset))
        }
        return filters
    }

    /// Names, `(a, b)` tuples of names and, for `set`, `ns.attr`.
    mutating func parseAssignTarget(endNames: Set<String>, allowNamespace: Bool, allowTuple: Bool = true) throws -> AssignTarget {
        var targets: [AssignTarget] = []
        var isTuple = false
        while true {
            if !targets.isEmpty {
                guard skipOp(",") else { break }
                isTuple = true
            }
            if current.kind == .blockEnd || current.isOp(")") || (current.kind == .name && endNames.contains(current.text)) {
                break
            }
            targets.append(try parseSingleTarget(allowNamespace: allowNamespace))
            if !allowTuple { break }
        }
        guard let first = targets.first else { throw error("can't assign to '\(current.describe)'") }
        return isTuple ? .tuple(targets) : first
    }

    private mutating func parseSingleTarget(allowNamespace: Bool) throws -> AssignTarget {
        if skipOp("(") {
            let inner = try parseAssignTarget(endNames: [], allowNamespace: false)
            try expectOp(")")
            return inner
        }
        let token = current
        guard token.kind == .name, !["true", "false", "none", "True", "False", "None"].contains(token.text) else {
            throw error("can't assign to '\(token.describe)'")
        }
        _ = advance()
        if allowNamespace, skipOp(".") {
            return .namespaceAttribute(token.text, try expect(.name, "name").text)
        }
        return .name(token.text)
    }
}
