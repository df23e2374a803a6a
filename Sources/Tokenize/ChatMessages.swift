import Core
import Tokenizer

extension ChatMessage {
    /// The catalog's message as the chat template sees it.
    init(_ message: Message) { self.init(role: message.role, content: message.content) }
}

extension Array where Element == Message {
    public var chatMessages: [ChatMessage] { map(ChatMessage.init) }
}
