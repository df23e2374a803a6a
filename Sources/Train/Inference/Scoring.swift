import Foundation
import JSON
import Tokenizer

/// `pref score`: Σ log p(last assistant message | the rest) under a model, with the model's
/// chat template. The prompt is the template's rendering of the earlier turns with the
/// generation prompt, the response the rest of the whole conversation's rendering; ids follow
/// the tokenize stage's join rule and BOS rule, and the sum runs over the response tokens
/// exactly as the reference pass and eval sum them (`ShardRows.preferenceRows`,
/// `SequenceLogProbs`).
public struct Scorer {
    public struct Score: Sendable, Equatable {
        public var logp: Double
        public var tokens: Int
        public var perplexity: Double { tokens > 0 ? exp(-logp / Double(tokens)) : .nan }

        public var json: JSONValue {
            .object(JSONObject([("logp", .double(logp)), ("tokens", .int(Int64(tokens))), ("ppl", perplexity.isFinite ? .double(perplexity) : .null)]))
        }
    }

    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let template: ChatTemplate

    public init(model: LlamaModel, tokenizer: Tokenizer, template: ChatTemplate) {
        self.model = model
        self.tokenizer = tokenizer
        self.template = template
    }

    /// The prompt and response ids of a conversation whose last message is the assistant's.
    public func ids(_ conversation: [ChatMessage]) throws -> (prompt: [UInt32], response: [UInt32]) {
        guard let last = conversation.last, last.role == "assistant" else {
            throw TrainError.invalidOption("the last message must be the assistant's (the one scored)")
        }
        let text = try template.render(prompt: Array(conversation.dropLast()), responses: [last.content], convention: .trl)
        let split = tokenizer.encode(prompt: text.prompt, responses: text.responses)
        var prompt = split.prompt
        if let bos = tokenizer.specialTokens.bos, prompt.first != bos { prompt.insert(bos, at: 0) }
        return (prompt, split.responses[0])
    }

    public func score(_ conversation: [ChatMessage]) throws -> Score {
        let (prompt, response) = try ids(conversation)
        guard !prompt.isEmpty, !response.isEmpty else { throw TrainError.invalidOption("the conversation has no response tokens to score") }
        let batch = try ShardRows.preferenceRows(prompt: prompt.map { Int32(bitPattern: $0) }, responses: [response.map { Int32(bitPattern: $0) }])
        let logp = SequenceLogProbs.sum(try model.forward(batch, keepForBackward: false), weights: batch.lossWeights, rows: 1)[0]
        return Score(logp: logp, tokens: response.count)
    }

    /// One JSON line of messages in, `{"logp", "tokens", "ppl"}` or `{"error"}` out.
    public func score(line: String, number: Int) -> JSONValue {
        do {
            return try score(ChatMessages.parse(line: line)).json
        } catch {
            return .object(JSONObject([("error", .string("line \(number): \(error)"))]))
        }
    }
}
