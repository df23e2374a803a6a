import JSON

/// The variables transformers passes to a chat template: `messages`, `tools`, `documents`,
/// `add_generation_prompt`, the tokenizer's special tokens and any extra keyword arguments.
public struct ChatTemplateContext: Sendable {
    public var messages: [JinjaValue]
    public var addGenerationPrompt: Bool
    /// `bos_token`, `eos_token`, `unk_token`, `pad_token`, ... as strings.
    public var specialTokens: [String: String]
    /// nil is passed as `None`, as transformers does.
    public var tools: JinjaValue?
    public var documents: JinjaValue?
    /// Extra keyword arguments (`enable_thinking`, ...); they override special tokens.
    public var extra: [String: JinjaValue]
    /// What `strftime_now` reports.
    public var date: JinjaDate

    public init(messages: [JinjaValue], addGenerationPrompt: Bool = false, specialTokens: [String: String] = [:],
                tools: JinjaValue? = nil, documents: JinjaValue? = nil, extra: [String: JinjaValue] = [:],
                date: JinjaDate = JinjaDate(year: 2026, month: 1, day: 15)) {
        self.messages = messages
        self.addGenerationPrompt = addGenerationPrompt
        self.specialTokens = specialTokens
        self.tools = tools
        self.documents = documents
        self.extra = extra
        self.date = date
    }

    /// Messages as JSON (an array of objects), the form they arrive in from the catalog.
    /// Throws a `.type` error when `messages` is not an array.
    public init(messages: JSONValue, addGenerationPrompt: Bool = false, specialTokens: [String: String] = [:],
                tools: JSONValue? = nil, documents: JSONValue? = nil, extra: [String: JinjaValue] = [:],
                date: JinjaDate = JinjaDate(year: 2026, month: 1, day: 15)) throws {
        guard let list = messages.arrayValue else {
            throw JinjaError(.type, "chat messages must be a JSON array, not \(messages.typeName)")
        }
        self.init(messages: list.map(JinjaValue.init), addGenerationPrompt: addGenerationPrompt,
                  specialTokens: specialTokens, tools: tools.map(JinjaValue.init), documents: documents.map(JinjaValue.init),
                  extra: extra, date: date)
    }

    /// The template's variables, with the message normalisation transformers applies: keys
    /// whose value is None are dropped, and a message's reasoning is also offered under
    /// `thinking` and `reasoning_content`.
    public var variables: [String: JinjaValue] {
        var variables: [String: JinjaValue] = [:]
        for (name, token) in specialTokens { variables[name] = .string(token) }
        for (name, value) in extra { variables[name] = value }
        variables["messages"] = .list(messages.map(Self.normalized))
        variables["tools"] = tools ?? JinjaValue.none
        variables["documents"] = documents ?? JinjaValue.none
        variables["add_generation_prompt"] = .bool(addGenerationPrompt)
        return variables
    }

    static let reasoningFields = ["reasoning_content", "thinking", "reasoning"]

    static func normalized(_ message: JinjaValue) -> JinjaValue {
        guard case .dict(let dict) = message else { return message }
        // The common message has neither: keep it as it is.
        if !dict.values.contains(where: \.isNone), !reasoningFields.contains(where: { dict[$0] != nil }) { return message }
        var kept = JinjaDict()
        for (key, value) in dict.pairs where !value.isNone { kept[key] = value }
        guard let reasoning = reasoningFields.lazy.compactMap({ kept[$0] }).first else { return .dict(kept) }
        // transformers builds {"thinking": r, **message, "reasoning_content": r}.
        var aliased = JinjaDict()
        aliased["thinking"] = reasoning
        for (key, value) in kept.pairs { aliased[key] = value }
        aliased["reasoning_content"] = reasoning
        return .dict(aliased)
    }
}

extension JinjaValue {
    /// JSON as Python's `json.loads` gives it to a template.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .none
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .int(Int(i))
        case .double(let d): self = .float(d)
        case .string(let s): self = .string(s)
        case .array(let items): self = .list(items.map(JinjaValue.init))
        case .object(let object): self = .dict(JinjaDict(object.pairs.map { (.string($0), JinjaValue($1)) }))
        }
    }
}
