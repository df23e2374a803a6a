import Store

/// The chat formats `pref tokenize` renders, character for character as the models' own
/// Jinja templates do:
/// - `chatml` (Qwen2, TRL `setup_chat_format`): `<|im_start|>{role}\n{content}<|im_end|>\n`,
///   answers opened by `<|im_start|>assistant\n`; no default system prompt is inserted.
/// - `llama3`: `<|begin_of_text|>` once, then `<|start_header_id|>{role}<|end_header_id|>\n\n`
///   `{content | trim}<|eot_id|>`.
/// - `zephyr`: `<|{role}|>\n{content}</s>\n`, answers opened by `<|assistant|>\n`.
/// BOS: only Llama 3 writes one in the text; for the others the packer adds the tokenizer's
/// BOS (if it has one) in front of the prompt, never twice. No EOS is appended after the
/// end-of-turn marker (TRL v0.9.6 appended and scored an extra one; see DPO_SHIFT.md §3.2).
public enum ChatFormat: String, CaseIterable, Sendable, ChatRendering {
    case chatml, llama3, zephyr

    public func renderPrompt(_ messages: [Message]) throws -> String {
        var out = self == .llama3 ? "<|begin_of_text|>" : ""
        for m in messages {
            guard ["system", "user", "assistant"].contains(m.role) else {
                throw TokenizerError("the \(rawValue) template has no role \"\(m.role)\"")
            }
            out += header(m.role) + body(m.content) + endOfTurn
        }
        return out + header("assistant")
    }

    public func renderResponse(_ content: String) -> String { body(content) + endOfTurn }

    /// Special tokens a tokenizer trained for this format must have.
    public var specialTokens: [String] {
        switch self {
        case .chatml: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        case .llama3: ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
        case .zephyr: ["<unk>", "<s>", "</s>"]
        }
    }

    private func header(_ role: String) -> String {
        switch self {
        case .chatml: "<|im_start|>\(role)\n"
        case .llama3: "<|start_header_id|>\(role)<|end_header_id|>\n\n"
        case .zephyr: "<|\(role)|>\n"
        }
    }

    private var endOfTurn: String {
        switch self {
        case .chatml: "<|im_end|>\n"
        case .llama3: "<|eot_id|>"
        case .zephyr: "</s>\n"
        }
    }

    private func body(_ content: String) -> String {
        guard self == .llama3 else { return content }
        // Jinja's `trim` strips whitespace at both ends.
        return String(content.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// Recognises the family of a `tokenizer_config.json` `chat_template` string.
    public static func detect(chatTemplate: String) throws -> ChatFormat {
        if chatTemplate.contains("<|start_header_id|>") && chatTemplate.contains("<|eot_id|>") { return .llama3 }
        if chatTemplate.contains("<|im_start|>") && chatTemplate.contains("<|im_end|>") { return .chatml }
        if chatTemplate.contains("<|user|>") && chatTemplate.contains("<|assistant|>") { return .zephyr }
        throw TokenizerError("the tokenizer's chat_template is not one of the supported families (\(allCases.map(\.rawValue).joined(separator: ", "))); pass --template")
    }
}
