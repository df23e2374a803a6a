import JSON

/// `pref tokenizer chat`: one JSON list of messages per line in, one JSON object per line
/// out — `{"text": ...}` (plus `"ids"` with a tokenizer), or `{"error": ...}` where
/// transformers' `apply_chat_template` would raise.
public struct ChatLines: Sendable {
    public let template: ChatTemplate
    /// Encodes the text as `apply_chat_template(tokenize=True)` does (no special tokens added).
    public let tokenizer: Tokenizer?
    public let addGenerationPrompt: Bool

    public init(template: ChatTemplate, tokenizer: Tokenizer?, addGenerationPrompt: Bool) {
        self.template = template
        self.tokenizer = tokenizer
        self.addGenerationPrompt = addGenerationPrompt
    }

    public func render(line: String, number: Int) -> JSONValue {
        let messages: JSONValue
        do { messages = try JSONParser.parse(line) } catch {
            return .object(JSONObject([("error", .string("line \(number): not JSON: \(error)"))]))
        }
        do {
            let text = try template.rendering(json: messages, addGenerationPrompt: addGenerationPrompt).text
            var out = JSONObject([("text", .string(text))])
            if let tokenizer { out["ids"] = .array(tokenizer.encode(text, addSpecialTokens: false).map { .int(Int64($0)) }) }
            return .object(out)
        } catch {
            return .object(JSONObject([("error", .string(error.description))]))
        }
    }
}
