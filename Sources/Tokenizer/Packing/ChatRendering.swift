import Store

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

/// What the packer needs from a chat template.
///
/// Attribution rule (see DPO_SHIFT.md §1.6, §3.1): the header that opens an assistant turn
/// belongs to the *prompt*, the answer's content and its end-of-turn marker to the
/// *response*. Template tokens shared by chosen and rejected (BOS, role headers) are thus
/// never scored, so they cannot leak a (1−λ)-weighted term into DPO-Shift's logit.
public protocol ChatRendering: Sendable {
    /// `messages`, then the header that opens the assistant's next turn.
    func renderPrompt(_ messages: [Message]) throws -> String
    /// An answer that follows `renderPrompt`: its content and end-of-turn marker.
    func renderResponse(_ content: String) -> String
}

extension ChatRendering {
    /// A whole conversation as segments: every assistant turn's content is trainable, the
    /// rest (system and user turns, headers) is context. Concatenated, the segments are
    /// exactly what `renderPrompt` + `renderResponse` give turn by turn.
    public func segments(_ conversation: [Message]) throws -> [TextSegment] {
        var out: [TextSegment] = []
        var context: [Message] = []
        var rendered = ""
        for message in conversation {
            guard message.role == "assistant" else {
                context.append(message)
                continue
            }
            let prompt = try renderPrompt(context)
            // Each prompt rendering starts with the text already emitted; keep only what is new.
            guard prompt.hasPrefix(rendered) else {
                throw TokenizerError("chat template renders turns inconsistently: a longer conversation does not extend the shorter one")
            }
            out.append(TextSegment(String(prompt.dropFirst(rendered.count)), trainable: false))
            let answer = renderResponse(message.content)
            out.append(TextSegment(answer, trainable: true))
            rendered = prompt + answer
            context.append(message)
        }
        return out.filter { !$0.text.isEmpty }
    }
}
