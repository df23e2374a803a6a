import JSON
import Tokenizer

/// One conversation per JSON line, `[{"role": ..., "content": ...}, ...]`: what `pref score`
/// and `pref generate --messages` read.
public enum ChatMessages {
    public static func parse(line: String) throws -> [ChatMessage] {
        guard let items = try JSONParser.parse(line).arrayValue else { throw TrainError.invalidOption("not a JSON list of messages") }
        return try items.map { item in
            guard let role = item["role"]?.stringValue, let content = item["content"]?.stringValue else {
                throw TrainError.invalidOption("a message lacks a string role or content")
            }
            return ChatMessage(role: role, content: content)
        }
    }
}
