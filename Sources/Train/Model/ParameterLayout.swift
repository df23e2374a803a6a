/// One named tensor inside the flat parameter buffer, with its Hugging Face name.
public struct ParameterTensor: Sendable, Equatable {
    public let name: String
    public let shape: [Int]
    public let offset: Int
    public var count: Int { shape.reduce(1, *) }
    /// AdamW weight decay applies to matrices, not to biases or norm gains (the HF Trainer's
    /// `get_decay_parameter_names` rule).
    public var decays: Bool { shape.count >= 2 }
}

/// Offsets of one decoder block's tensors in the flat buffer; `nil` for absent biases.
public struct LayerOffsets: Sendable {
    public let inputNorm: Int
    public let qWeight: Int, qBias: Int?
    public let kWeight: Int, kBias: Int?
    public let vWeight: Int, vBias: Int?
    public let oWeight: Int, oBias: Int?
    public let postNorm: Int
    public let gate: Int, up: Int, down: Int
}

/// Where every parameter lives in one flat Float32 buffer (llm.c's ParameterTensors). The same
/// layout indexes parameters, gradients and both AdamW moments.
public struct ParameterLayout: Sendable {
    public let tensors: [ParameterTensor]
    public let embedding: Int
    public let layers: [LayerOffsets]
    public let finalNorm: Int
    /// Equal to `embedding` when the head is tied.
    public let lmHead: Int
    public let totalCount: Int

    public init(config c: ModelConfig) {
        var tensors: [ParameterTensor] = []
        var next = 0
        func add(_ name: String, _ shape: [Int]) -> Int {
            let t = ParameterTensor(name: name, shape: shape, offset: next)
            tensors.append(t)
            next += t.count
            return t.offset
        }
        let d = c.hiddenSize
        embedding = add("model.embed_tokens.weight", [c.vocabSize, d])
        var layers: [LayerOffsets] = []
        for i in 0..<c.numHiddenLayers {
            let p = "model.layers.\(i)."
            let inputNorm = add(p + "input_layernorm.weight", [d])
            let qW = add(p + "self_attn.q_proj.weight", [c.queryDim, d])
            let qB = c.qkvBias ? add(p + "self_attn.q_proj.bias", [c.queryDim]) : nil
            let kW = add(p + "self_attn.k_proj.weight", [c.keyValueDim, d])
            let kB = c.qkvBias ? add(p + "self_attn.k_proj.bias", [c.keyValueDim]) : nil
            let vW = add(p + "self_attn.v_proj.weight", [c.keyValueDim, d])
            let vB = c.qkvBias ? add(p + "self_attn.v_proj.bias", [c.keyValueDim]) : nil
            let oW = add(p + "self_attn.o_proj.weight", [d, c.queryDim])
            let oB = c.outputBias ? add(p + "self_attn.o_proj.bias", [d]) : nil
            let postNorm = add(p + "post_attention_layernorm.weight", [d])
            let gate = add(p + "mlp.gate_proj.weight", [c.intermediateSize, d])
            let up = add(p + "mlp.up_proj.weight", [c.intermediateSize, d])
            let down = add(p + "mlp.down_proj.weight", [d, c.intermediateSize])
            layers.append(LayerOffsets(
                inputNorm: inputNorm, qWeight: qW, qBias: qB, kWeight: kW, kBias: kB, vWeight: vW, vBias: vB,
                oWeight: oW, oBias: oB, postNorm: postNorm, gate: gate, up: up, down: down))
        }
        self.layers = layers
        finalNorm = add("model.norm.weight", [d])
        lmHead = c.tieWordEmbeddings ? embedding : add("lm_head.weight", [c.vocabSize, d])
        self.tensors = tensors
        totalCount = next
    }

    public func tensor(named name: String) -> ParameterTensor? {
        tensors.first { $0.name == name }
    }
}
