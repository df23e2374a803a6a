// The Jinja module renders Hugging Face chat templates exactly as transformers does.
// Flow: Lexer (Token) -> Parser + ExpressionParser (AST) -> Renderer (statements) and
// ExpressionEvaluator (expressions), which call Attributes, Operators, Filters/TextFilters,
// IsTests, Methods/StringMethods and Globals over Python-semantics values (Value, Dict,
// RuntimeObjects, PythonEquality, PythonRepr, JSONDumps, PyString, Formatting, Strftime).
// Entry points: JinjaTemplate (this file) and ChatTemplateContext.
//
// Known differences from jinja2 (none exercised by the 47 real chat templates checked): integers are
// 64-bit (overflow is an error); generators (map, select, ...) are computed eagerly, so an
// error inside one surfaces even if it is never iterated; range() and dict.items()/keys()/
// values() are lists (they print and serialise as lists); `safe`/`escape` return plain
// strings (no Markup auto-escaping on concatenation); cycler, lipsum,
// include/extends/import/block and the filters groupby, wordwrap, striptags, urlencode,
// urlize, xmlattr, pprint, filesizeformat and slice are not implemented (they raise);
// format specifications in str.format and %-flags are refused; a namespace attribute may
// only hold plain data (see Renderer.checkNamespaceValue).

/// Bounds that keep a hostile or buggy template from running away. Every limit reached is a
/// `JinjaError` of kind `.limit`, never a crash.
public struct JinjaLimits: Sendable, Equatable {
    /// Statements executed plus loop iterations.
    public var maxSteps: Int
    /// UTF-8 bytes of output (including text captured by `set` blocks and macros).
    public var maxOutputBytes: Int
    /// Nested macro calls (recursive macros).
    public var maxCallDepth: Int
    /// Nesting of statements and expressions in the source.
    public var maxNesting: Int
    /// Nesting of lists, dicts and namespaces a template builds (JSON input may nest 512).
    public var maxValueDepth: Int

    public init(maxSteps: Int = 10_000_000, maxOutputBytes: Int = 64 << 20, maxCallDepth: Int = 40, maxNesting: Int = 64,
                maxValueDepth: Int = 600) {
        self.maxSteps = maxSteps
        self.maxOutputBytes = maxOutputBytes
        self.maxCallDepth = maxCallDepth
        self.maxNesting = maxNesting
        self.maxValueDepth = maxValueDepth
    }
}

/// The text a template produced, and where the `{% generation %}` blocks' output lies in it.
public struct JinjaRendering: Sendable, Equatable {
    public var text: String
    /// UTF-8 byte ranges of `text` produced inside `{% generation %}` blocks, in order
    /// (transformers' `generation_indices`, which count characters instead). A block inside a
    /// macro, `set` or `filter` block is reported where transformers reports it: at the length
    /// of the top-level output when that capture began.
    public var generationSpans: [Range<Int>]

    /// The spans in Unicode scalars (Python string indices), as transformers reports them.
    public var generationCharacterSpans: [Range<Int>] {
        let utf8 = Array(text.utf8)
        func characters(before byteOffset: Int) -> Int {
            // Every scalar has exactly one byte that is not a continuation byte.
            utf8[..<byteOffset].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        }
        return generationSpans.map { characters(before: $0.lowerBound)..<characters(before: $0.upperBound) }
    }
}

/// A parsed Jinja chat template, rendered the way transformers' `apply_chat_template` renders
/// (jinja2 `ImmutableSandboxedEnvironment`, `trim_blocks`, `lstrip_blocks`, loop controls,
/// `{% generation %}`). Parse once, render many times; safe to share across threads.
public final class JinjaTemplate: Sendable {
    let body: [Node]
    let positions: SourcePositions
    public let limits: JinjaLimits
    /// Whether the template marks assistant output with `{% generation %}` blocks.
    public let hasGenerationBlocks: Bool

    /// Throws `JinjaError` (kind `.syntax`, with line and column) for invalid templates.
    public init(source: String, limits: JinjaLimits = JinjaLimits()) throws {
        self.limits = limits
        let (tokens, positions) = try Lexer.tokenize(source)
        var parser = Parser(tokens: tokens, positions: positions, maxNesting: limits.maxNesting)
        body = try parser.subparse(until: []).0
        hasGenerationBlocks = parser.sawGeneration
        self.positions = positions
    }

    /// Renders with `context` as the template's variables. Throws `TemplateException` when
    /// the template calls `raise_exception`, and `JinjaError` for every other failure.
    public func render(context: [String: JinjaValue], date: JinjaDate = JinjaDate(year: 2026, month: 1, day: 15)) throws -> JinjaRendering {
        guard date.isValid else { throw JinjaError(.type, "invalid date for strftime_now: \(date)") }
        let renderer = Renderer(limits: limits, date: date, positions: positions)
        _ = try renderer.execute(body, in: Scope(parent: nil, context: context))
        return JinjaRendering(text: renderer.output, generationSpans: renderer.generationSpans)
    }

    /// Renders a chat the way `apply_chat_template(..., tokenize=False)` does.
    public func render(chat: ChatTemplateContext) throws -> JinjaRendering {
        try render(context: chat.variables, date: chat.date)
    }
}

// The AST is immutable after parsing; the reference types in it are never mutated.
extension SourcePositions: @unchecked Sendable {}
