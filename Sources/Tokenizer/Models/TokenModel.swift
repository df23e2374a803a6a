/// The `model` section of a tokenizer.json: what turns one pre-token into ids.
enum TokenModel: Sendable {
    case bpe(BPEModel)
    case unigram(UnigramModel)

    var ignoreMerges: Bool {
        if case .bpe(let bpe) = self { return bpe.ignoreMerges }
        return false
    }
}
