/// One message as chat templates see it (transformers' `{"role": ..., "content": ...}`).
/// The tokenizer stands alone (it depends on JSON only), so it has its own message type; the
/// tokenize stage maps the catalog's messages onto it.
public struct ChatMessage: Sendable, Hashable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}
