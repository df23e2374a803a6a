import Core
import JSON
import Store

/// LDJnr/Capybara: `conversation: [{input, output}]`, one user→assistant exchange each.
struct CapybaraAdapter: RecordAdapter {
    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        var messages: [Message] = []
        for (i, item) in try fields.array("conversation").enumerated() {
            let turn = try FieldReader(item, path: "conversation[\(i)]")
            messages.append(.user(try turn.string("input")))
            if let output = try turn.optionalString("output") { messages.append(.assistant(output)) }
        }
        return try conversationRecord(messages, field: "conversation", origin: try fields.optionalString("source"))
    }
}

/// Raw UltraChat: `{id, data: [strings]}`; even positions are the user, odd the assistant.
struct UltraChatAdapter: RecordAdapter {
    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        var messages: [Message] = []
        for (i, item) in try fields.array("data").enumerated() {
            guard case .string(let text) = item else {
                throw RecordProblem(.wrongType, "data[\(i)]", "data[\(i)] is a \(item.typeName), expected a string")
            }
            messages.append(i % 2 == 0 ? .user(text) : .assistant(text))
        }
        return try conversationRecord(messages, field: "data", origin: nil)
    }
}

/// HuggingFaceH4/ultrachat_200k (and other `messages` chats): `prompt`, `prompt_id`, `messages`.
struct UltraChat200kAdapter: RecordAdapter {
    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        var r = try conversationRecord(try fields.messages("messages"), field: "messages", origin: nil)
        r.promptId = try PromptRules.promptId(for: r.prompt, in: fields)
        return r
    }
}

/// ShareGPT-style `conversations: [{from, value}]`. With `chosen` and `rejected` (a turn
/// object or a string) it is a preference record whose prompt is the whole conversation
/// (LLaMA-Factory's layout); without them, a conversation for SFT.
struct ShareGPTAdapter: RecordAdapter {
    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        var messages: [Message] = []
        for (i, item) in try fields.array("conversations").enumerated() {
            let turn = try FieldReader(item, path: "conversations[\(i)]")
            let role = try Roles.normalize(try turn.string("from"), field: turn.fieldPath("from"))
            messages.append(Message(role: role, content: try turn.string("value")))
        }
        if let system = try fields.optionalString("system"), !system.isEmpty, messages.first?.role != "system" {
            messages.insert(.system(system), at: 0)
        }
        guard fields.has("chosen") || fields.has("rejected") else {
            return try conversationRecord(messages, field: "conversations", origin: nil)
        }
        try PromptRules.requireUsable(messages, field: "conversations")
        let chosen = Completion(text: try answer(fields, "chosen"), label: .chosen)
        let rejected = Completion(text: try answer(fields, "rejected"), label: .rejected)
        return CanonicalRecord(kind: .preference, prompt: messages, completions: [chosen, rejected],
                               promptId: PromptRules.firstUserText(messages).map { SHA256.hex(of: $0) })
    }

    private func answer(_ fields: FieldReader, _ key: String) throws(RecordProblem) -> String {
        let v = try fields.value(key)
        if case .string(let s) = v { return s }
        return try FieldReader(v, path: key).string("value")
    }
}

/// A chat for SFT: the prompt is everything before the last assistant turn.
private func conversationRecord(_ messages: [Message], field: String, origin: String?) throws(RecordProblem) -> CanonicalRecord {
    let (prompt, answer) = try PromptRules.splitAtLastAnswer(messages, field: field)
    return CanonicalRecord(kind: .conversation, prompt: prompt, completions: [Completion(text: answer)],
                           promptId: PromptRules.firstUserText(prompt).map { SHA256.hex(of: $0) }, origin: origin)
}
