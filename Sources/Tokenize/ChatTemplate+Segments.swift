import Tokenizer

/// A piece of rendered chat text; `trainable` pieces are what an SFT loss learns
/// (assistant answers and their end-of-turn marker), the rest is context.
public struct TextSegment: Sendable, Equatable {
    public var text: String
    public var trainable: Bool
    public init(_ text: String, trainable: Bool) {
        self.text = text
        self.trainable = trainable
    }
}

extension ChatTemplate {
    /// A whole conversation as segments for SFT, cut the TRL way (`ResponseConvention.trl`):
    /// each assistant turn's content and end-of-turn marker are trainable; system and user
    /// turns and the headers that open assistant turns are context. Concatenated, the
    /// segments are exactly `render(conversation)`.
    public func segments(_ conversation: [ChatMessage]) throws -> [TextSegment] {
        if hasGenerationBlocks { return try generationSegments(conversation) }
        var out: [TextSegment] = []
        var emitted = ""
        for (i, message) in conversation.enumerated() where message.role == "assistant" {
            let context = Array(conversation[..<i])
            let example = try render(prompt: context, responses: [message.content], convention: .trl)
            // Each longer prompt starts with everything already emitted; keep only what is new.
            guard example.prompt.utf8.starts(with: emitted.utf8) else {
                throw TokenizeError("the \(name) template renders turns inconsistently: a longer conversation does not extend the shorter one")
            }
            out.append(TextSegment(String(decoding: example.prompt.utf8.dropFirst(emitted.utf8.count), as: UTF8.self), trainable: false))
            out.append(TextSegment(example.responses[0], trainable: true))
            emitted = example.prompt + example.responses[0]
        }
        return out.filter { !$0.text.isEmpty }
    }

    /// The template's own account of what the assistant says: text inside `{% generation %}`
    /// is trainable (transformers' `return_assistant_tokens_mask`), the rest is context.
    func generationSegments(_ conversation: [ChatMessage]) throws -> [TextSegment] {
        let rendering = try rendering(conversation)
        let bytes = Array(rendering.text.utf8)
        var out: [TextSegment] = []
        var position = 0
        func piece(_ range: Range<Int>, trainable: Bool) {
            guard !range.isEmpty else { return }
            out.append(TextSegment(String(decoding: bytes[range], as: UTF8.self), trainable: trainable))
        }
        for span in rendering.generationSpans where span.lowerBound >= position {
            piece(position..<span.lowerBound, trainable: false)
            piece(span, trainable: true)
            position = span.upperBound
        }
        piece(position..<bytes.count, trainable: false)
        return out
    }
}

extension ChatTemplateFamily {
    /// Special tokens a tokenizer trained for this family must have.
    public var specialTokens: [String] {
        switch self {
        case .chatml: ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
        case .llama3: ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
        case .zephyr: ["<unk>", "<s>", "</s>"]
        }
    }
}
