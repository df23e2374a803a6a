import Foundation
import JSON
import Tokenizer

/// `pref generate`: a conversation rendered with the model's chat template and its generation
/// prompt, the model's answer decoded, ending at EOS or the template's end-of-turn token
/// (`StopTokens`), which is not part of the answer.
public struct ChatGeneration {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let template: ChatTemplate
    /// The caller's options with the stop ids added.
    public let options: GenerationOptions

    /// `modelFolder` supplies generation_config.json's stop ids (nil: EOS and the template's only).
    public init(model: LlamaModel, tokenizer: Tokenizer, template: ChatTemplate, options: GenerationOptions, modelFolder: URL?) {
        self.model = model
        self.tokenizer = tokenizer
        self.template = template
        var options = options
        options.stopIds.formUnion(StopTokens.ids(modelFolder: modelFolder, tokenizer: tokenizer, template: template))
        self.options = options
    }

    public struct Answer: Sendable {
        public var text: String
        public var generation: GenerationResult

        public var json: JSONValue {
            .object(JSONObject([("answer", .string(text)), ("prompt_tokens", .int(Int64(generation.promptTokens))),
                                ("new_tokens", .int(Int64(generation.tokens.count))), ("stopped", .bool(generation.stopped))]))
        }
    }

    /// The prompt ids: the template with its generation prompt, BOS once at the start (the
    /// tokenize stage's rule).
    public func promptIds(_ messages: [ChatMessage]) throws -> [Int32] {
        var ids = tokenizer.encode(try template.render(messages, addGenerationPrompt: true), addSpecialTokens: false)
        if let bos = tokenizer.specialTokens.bos, ids.first != bos { ids.insert(bos, at: 0) }
        return ids.map { Int32(bitPattern: $0) }
    }

    public func answer(_ messages: [ChatMessage]) throws -> Answer {
        let generation = try Generator.run(model: model, prompt: try promptIds(messages), options: options)
        let kept = generation.stopped ? generation.tokens.dropLast() : generation.tokens[...]
        return Answer(text: tokenizer.decode(kept.map { UInt32(bitPattern: $0) }), generation: generation)
    }

    /// One JSON line of messages in; the answer, or an error naming the line.
    public func answer(line: String, number: Int) -> Result<Answer, TrainError> {
        do {
            return .success(try answer(ChatMessages.parse(line: line)))
        } catch {
            return .failure(.invalidOption("line \(number): \(error)"))
        }
    }
}
