extension ModelConfig {
    /// Named starting shapes for training from scratch. The vocabulary comes from the
    /// tokenizer; heads are 64 wide as in most small Llama models.
    ///   tiny:  d 192, 4 layers, ffn 512  — about 1.8M parameters plus the embedding (3.3M at
    ///          vocab 8,192); trains in minutes on two cores.
    ///   small: d 512, 8 layers, ffn 1536 — about 27M plus the embedding (44M at vocab 32,000).
    public static func preset(_ name: String, vocabSize: Int, bosTokenId: Int? = nil, eosTokenId: Int? = nil) -> ModelConfig? {
        switch name {
        case "tiny":
            ModelConfig(vocabSize: vocabSize, hiddenSize: 192, intermediateSize: 512, numHiddenLayers: 4,
                        numAttentionHeads: 3, numKeyValueHeads: 3, headDim: 64, maxPositionEmbeddings: 2048,
                        tieWordEmbeddings: true, bosTokenId: bosTokenId, eosTokenId: eosTokenId)
        case "small":
            ModelConfig(vocabSize: vocabSize, hiddenSize: 512, intermediateSize: 1536, numHiddenLayers: 8,
                        numAttentionHeads: 8, numKeyValueHeads: 8, headDim: 64, maxPositionEmbeddings: 2048,
                        tieWordEmbeddings: true, bosTokenId: bosTokenId, eosTokenId: eosTokenId)
        default:
            nil
        }
    }

    public static let presetNames = ["tiny", "small"]

    /// Weights that take part in matrix products per token (everything but the embedding
    /// lookup; a tied head counts once, as the head).
    public var matmulParameterCount: Int {
        let perLayer = hiddenSize * (2 * queryDim + 2 * keyValueDim) + 3 * hiddenSize * intermediateSize
        return numHiddenLayers * perLayer + vocabSize * hiddenSize
    }

    /// Training FLOPs per token by the PaLM formula: 6·N for the weights plus 12·L·H·D·T for
    /// attention scores and values over a context of `length` (the full square, as usually
    /// quoted, though causal attention only needs half of it).
    public func trainingFlopsPerToken(length: Int) -> Double {
        6 * Double(matmulParameterCount) + 12 * Double(numHiddenLayers * queryDim * length)
    }
}
