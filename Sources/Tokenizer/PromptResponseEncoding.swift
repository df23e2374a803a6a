/// A prompt and its responses as ids, cut so that `prompt + responses[i]` is exactly
/// `encode(promptText + responseTexts[i])`.
public struct PromptResponseIds: Sendable, Equatable {
    public var prompt: [UInt32]
    public var responses: [[UInt32]]
}

extension Tokenizer {
    /// Tokenizes a prompt and its responses for training, where the prompt is masked.
    ///
    /// BPE can merge across the join (a pre-token or merge that spans the last prompt character
    /// and the first response character), so ids of the prompt alone are not always a prefix of
    /// the ids of the whole text. The rule, as TRL's `build_tokenized_answer` and lm-eval's
    /// `enc(a+b) = enc(a) + enc(a+b)[len(enc(a)):]`: each whole text is encoded once, and the
    /// prompt ids are the longest prefix that `encode(prompt)` shares with every one of them; the
    /// token(s) straddling the join go to the response. With `addSpecialTokens`, the
    /// post-processor's leading ids (BOS) land in the prompt and its trailing ids (EOS) in
    /// each response.
    public func encode(prompt: String, responses: [String], addSpecialTokens: Bool = false) -> PromptResponseIds {
        let promptIds = encode(prompt, addSpecialTokens: addSpecialTokens)
        let wholes = responses.map { encode(prompt + $0, addSpecialTokens: addSpecialTokens) }
        var shared = promptIds.count
        for whole in wholes {
            var k = 0
            while k < shared && k < whole.count && whole[k] == promptIds[k] { k += 1 }
            shared = k
        }
        return PromptResponseIds(prompt: Array(promptIds[..<shared]), responses: wholes.map { Array($0[shared...]) })
    }
}
