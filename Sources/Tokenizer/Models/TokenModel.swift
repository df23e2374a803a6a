/// The `model` section of a tokenizer.json: what turns one pre-token into ids. The models are
/// classes so that choosing one (once per piece of text) retains one reference rather than
/// copying every table.
enum TokenModel: Sendable {
    case bpe(BPEModel)
    case unigram(UnigramModel)

    var ignoreMerges: Bool {
        if case .bpe(let bpe) = self { return bpe.ignoreMerges }
        return false
    }
}
