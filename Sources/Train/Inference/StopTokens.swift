import Foundation
import JSON
import Tokenizer

/// The ids that end an answer, found the way transformers finds them plus the template's own
/// end-of-turn marker:
/// - the tokenizer's EOS (tokenizer_config.json's `eos_token`, else inferred from tokenizer.json);
/// - every id of generation_config.json's `eos_token_id` (an int or a list), or config.json's
///   when there is no generation_config.json, as `GenerationConfig.from_model_config` does;
/// - the first special token the chat template writes after an assistant message
///   (`<|im_end|>` for ChatML, `<|eot_id|>` for Llama 3), which may differ from the EOS.
public enum StopTokens {
    public static func ids(modelFolder: URL?, tokenizer: Tokenizer, template: ChatTemplate) -> Set<Int32> {
        var ids = Set<UInt32>()
        if let eos = tokenizer.specialTokens.eos { ids.insert(eos) }
        if let folder = modelFolder { ids.formUnion(configured(in: folder)) }
        if let endOfTurn = endOfTurn(tokenizer: tokenizer, template: template) { ids.insert(endOfTurn) }
        return Set(ids.map { Int32(bitPattern: $0) })
    }

    /// `eos_token_id` of generation_config.json, else of config.json.
    static func configured(in folder: URL) -> [UInt32] {
        for name in ["generation_config.json", "config.json"] {
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(name)),
                  let json = try? JSONParser.parse(Array(data)) else { continue }
            let value = json["eos_token_id"]
            let ids = (value?.arrayValue ?? value.map { [$0] } ?? []).compactMap { $0.intValue.flatMap(UInt32.init(exactly:)) }
            return ids
        }
        return []
    }

    /// Renders a one-turn conversation with a marker answer and returns the first special token
    /// after the marker; nil when the template writes none (or raises on the conversation).
    static func endOfTurn(tokenizer: Tokenizer, template: ChatTemplate) -> UInt32? {
        let marker = "PREF_END_OF_TURN_PROBE"
        guard let text = try? template.render([.user("hi"), .assistant(marker)]),
              let range = text.range(of: marker) else { return nil }
        return tokenizer.encode(String(text[range.upperBound...]), addSpecialTokens: false).first(where: tokenizer.isSpecial)
    }
}
