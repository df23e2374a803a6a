import Foundation
import Tokenizer

/// `pref generate`: a user message rendered with a chat template, the model's answer decoded.
public enum ChatGeneration {
    /// End-of-turn markers of the supported template families; generation stops at any the
    /// tokenizer has, and at its EOS.
    static let endOfTurnTokens = ["<|im_end|>", "<|eot_id|>", "</s>", "<|end_of_text|>", "<|endoftext|>"]

    /// The answer to `message`, without its stop token.
    public static func answer(_ message: String, model: LlamaModel, tokenizer: Tokenizer, template: ChatTemplate,
                              options base: GenerationOptions) throws -> String {
        var ids = tokenizer.encode(try template.render([.user(message)], addGenerationPrompt: true), addSpecialTokens: false)
        if let bos = tokenizer.specialTokens.bos, ids.first != bos { ids.insert(bos, at: 0) }
        var options = base
        let stops = endOfTurnTokens.compactMap { tokenizer.tokenToId($0) } + (tokenizer.specialTokens.eos.map { [$0] } ?? [])
        options.stopIds.formUnion(stops.map { Int32(bitPattern: $0) })
        let output = try Generator.generate(model: model, prompt: ids.map { Int32(bitPattern: $0) }, options: options)
        return tokenizer.decode(output.filter { !options.stopIds.contains($0) }.map { UInt32(bitPattern: $0) })
    }
}
