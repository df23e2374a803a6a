import Core
import Store

/// Checks shared by every adapter: what makes a prompt usable, and how a conversation
/// divides into prompt and answer.
enum PromptRules {
    /// A prompt needs at least one user turn with visible text.
    static func requireUsable(_ prompt: [Message], field: String) throws(RecordProblem) {
        guard prompt.contains(where: { $0.role == "user" && $0.content.contains(where: { !$0.isWhitespace }) }) else {
            throw RecordProblem(.emptyPrompt, field, "\(field) has no user turn with text")
        }
    }

    /// The prompt string the Hub datasets hash into `prompt_id`: the first user turn.
    static func firstUserText(_ prompt: [Message]) -> String? {
        prompt.first { $0.role == "user" }?.content
    }

    /// Checks a dataset's own `prompt` / `prompt_id` fields against the prompt we derived,
    /// and returns the id to store (sha256 of the `prompt` string, or of the first user turn
    /// when there is none). The Hub's `prompt` is the first user turn, or the first message
    /// when a chat opens with a system turn (HuggingFaceH4/no_robots).
    static func promptId(for prompt: [Message], in fields: FieldReader) throws(RecordProblem) -> String? {
        let first = firstUserText(prompt)
        let given = try fields.optionalString("prompt")
        if let given, given != first, given != prompt.first?.content {
            throw RecordProblem(.promptMismatch, "prompt",
                                "prompt field matches neither the first user turn nor the first message (\(given.count) vs \(first?.count ?? 0) characters)")
        }
        guard let text = given ?? first else { return nil }
        let computed = SHA256.hex(of: text)
        if let id = try fields.optionalString("prompt_id"), id.lowercased() != computed {
            throw RecordProblem(.promptIdMismatch, "prompt_id", "prompt_id \(id.prefix(16))… is not sha256 of the prompt (\(computed.prefix(16))…)")
        }
        return computed
    }

    /// Splits a chat at its last assistant turn: everything before is the prompt. Turns
    /// after it (a final user turn with no answer, as in odd-length UltraChat dialogues)
    /// have nothing to learn from and are dropped.
    static func splitAtLastAnswer(_ messages: [Message], field: String) throws(RecordProblem) -> (prompt: [Message], answer: String) {
        guard let last = messages.lastIndex(where: { $0.role == "assistant" }) else {
            throw RecordProblem(.noAssistantTurn, field, "\(field) has no assistant turn")
        }
        let prompt = Array(messages[..<last])
        try requireUsable(prompt, field: field)
        return (prompt, messages[last].content)
    }
}
