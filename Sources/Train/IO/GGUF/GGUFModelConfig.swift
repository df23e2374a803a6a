/// The `ModelConfig` a GGUF file describes, from `general.architecture` and its
/// `<architecture>.*` keys (llama.cpp's `LLM_KV_*` names).
enum GGUFModelConfig {
    static func make(from file: GGUFFile) throws(GGUFError) -> ModelConfig {
        func fail(_ message: String) -> GGUFError { GGUFError(path: file.path, offset: 0, message: message) }
        guard let archName = file["general.architecture"]?.stringValue else {
            throw fail("metadata general.architecture is missing or not a string")
        }
        guard let architecture = ModelConfig.Architecture(rawValue: archName) else {
            throw fail("architecture \"\(archName)\" is not supported (llama, qwen2)")
        }
        func int(_ key: String) throws(GGUFError) -> Int? {
            guard let value = file["\(archName).\(key)"] else { return nil }
            guard let i = value.intValue else {
                throw fail("metadata \(archName).\(key) must be an integer, found \(value.typeName)")
            }
            return i
        }
        func required(_ key: String) throws(GGUFError) -> Int {
            guard let i = try int(key) else { throw fail("metadata \(archName).\(key) is missing") }
            return i
        }
        func double(_ key: String) throws(GGUFError) -> Double? {
            guard let value = file["\(archName).\(key)"] else { return nil }
            guard let d = value.doubleValue else { throw fail("metadata \(archName).\(key) must be a number, found \(value.typeName)") }
            return d
        }
        if let scaling = file["\(archName).rope.scaling.type"]?.stringValue, scaling != "none" {
            throw fail("\(archName).rope.scaling.type \"\(scaling)\" is not supported (none)")
        }
        if file.tensor(named: "rope_freqs.weight") != nil {
            throw fail("rope_freqs.weight (Llama 3.1-style rope scaling) is not supported")
        }
        guard let embedding = file.tensor(named: "token_embd.weight"), embedding.dimensions.count == 2 else {
            throw fail("tensor token_embd.weight is missing or not 2-dimensional")
        }
        let hidden = try required("embedding_length")
        let heads = try required("attention.head_count")
        let tokenizerVocab = file["tokenizer.ggml.tokens"]?.arrayValue?.count
        let vocab = try int("vocab_size") ?? tokenizerVocab ?? embedding.dimensions[1]
        let qBias = file.tensor(named: "blk.0.attn_q.bias") != nil
        let oBias = file.tensor(named: "blk.0.attn_output.bias") != nil
        let config = ModelConfig(
            architecture: architecture,
            vocabSize: vocab,
            hiddenSize: hidden,
            intermediateSize: try required("feed_forward_length"),
            numHiddenLayers: try required("block_count"),
            numAttentionHeads: heads,
            numKeyValueHeads: try int("attention.head_count_kv") ?? heads,
            headDim: try int("attention.key_length") ?? (heads > 0 ? hidden / heads : 0),
            maxPositionEmbeddings: try int("context_length") ?? 2048,
            rmsNormEps: try double("attention.layer_norm_rms_epsilon") ?? 1e-6,
            ropeTheta: try double("rope.freq_base") ?? 10_000,
            tieWordEmbeddings: file.tensor(named: "output.weight") == nil,
            qkvBias: architecture == .qwen2 ? true : qBias,
            outputBias: architecture == .qwen2 ? false : oBias,
            bosTokenId: file["tokenizer.ggml.bos_token_id"]?.intValue,
            eosTokenId: file["tokenizer.ggml.eos_token_id"]?.intValue)
        do { try config.validate() } catch { throw fail("\(error)") }
        if let valueLength = try int("attention.value_length"), valueLength != config.headDim {
            throw fail("\(archName).attention.value_length \(valueLength) differs from key_length \(config.headDim); not supported")
        }
        return config
    }
}
