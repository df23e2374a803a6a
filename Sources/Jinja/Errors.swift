/// An error raised while parsing or rendering a template, other than `raise_exception`.
public struct JinjaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The template text is not valid Jinja (jinja2's `TemplateSyntaxError`).
        case syntax
        /// An undefined value was used in a way that needs a value (jinja2's `UndefinedError`).
        case undefined
        /// An operation got a value of the wrong type (Python's `TypeError` / `ValueError`).
        case type
        /// A forbidden operation, such as mutating a list (jinja2's `SecurityError`).
        case security
        /// The step, output, call-depth or nesting limit was reached.
        case limit
    }

    public let kind: Kind
    public let message: String
    /// 1-based position in the template source, when known.
    public var line: Int?
    public var column: Int?

    public init(_ kind: Kind, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = "\(kind.rawValue) error: \(message)"
        if let line {
            text += " (line \(line)"
            if let column { text += ", column \(column)" }
            text += ")"
        }
        return text
    }
}

/// The template called `raise_exception(message)`: the conversation does not fit the template
/// (transformers raises `jinja2.exceptions.TemplateError(message)`). Callers quarantine it.
public struct TemplateException: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(message: String) { self.message = message }
    public var description: String { "template raised: \(message)" }
}
