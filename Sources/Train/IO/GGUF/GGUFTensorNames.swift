/// llama.cpp's tensor names (`gguf-py/gguf/tensor_mapping.py`) for the Llama-family tensors,
/// and their Hugging Face names.
enum GGUFTensorNames {
    private static let global: [String: String] = [
        "token_embd.weight": "model.embed_tokens.weight",
        "output_norm.weight": "model.norm.weight",
        "output.weight": "lm_head.weight",
    ]

    private static let perLayer: [String: String] = [
        "attn_norm.weight": "input_layernorm.weight",
        "attn_q.weight": "self_attn.q_proj.weight", "attn_q.bias": "self_attn.q_proj.bias",
        "attn_k.weight": "self_attn.k_proj.weight", "attn_k.bias": "self_attn.k_proj.bias",
        "attn_v.weight": "self_attn.v_proj.weight", "attn_v.bias": "self_attn.v_proj.bias",
        "attn_output.weight": "self_attn.o_proj.weight", "attn_output.bias": "self_attn.o_proj.bias",
        "ffn_norm.weight": "post_attention_layernorm.weight",
        "ffn_gate.weight": "mlp.gate_proj.weight",
        "ffn_up.weight": "mlp.up_proj.weight",
        "ffn_down.weight": "mlp.down_proj.weight",
    ]

    /// The HF name of a GGUF tensor, or nil when it is not one of these.
    static func huggingFaceName(_ name: String) -> String? {
        if let hf = global[name] { return hf }
        let parts = name.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), layer >= 0, String(layer) == parts[1],
              let hf = perLayer[String(parts[2])] else { return nil }
        return "model.layers.\(layer).\(hf)"
    }

    /// Whether llama.cpp's converter permuted this tensor's rows for its rotary kernel (Llama's
    /// q and k projections; Qwen2 is converted without it).
    static func isRotaryPermuted(_ huggingFaceName: String, architecture: ModelConfig.Architecture) -> Bool {
        architecture == .llama && (huggingFaceName.contains(".self_attn.q_proj.") || huggingFaceName.contains(".self_attn.k_proj."))
    }

    /// Undoes llama.cpp's `permute(w, n_head, n_head_kv)` on a row-major [rows, columns] tensor
    /// (a bias has columns 1): the converter stored each head's rows as (i, half) pairs
    /// interleaved; Hugging Face keeps the two halves apart, row `half·dim + i` of the head.
    static func unpermuteRotaryRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int, heads: Int) {
        // ModelConfig.validate guarantees an even head_dim, so rows = heads · 2 · dim.
        precondition(heads > 0 && rows % (2 * heads) == 0, "rotary rows must split into heads of even width")
        let dim = rows / heads / 2
        let copy = [Float](UnsafeBufferPointer(start: values, count: rows * columns))
        copy.withUnsafeBufferPointer { source in
            for h in 0..<heads {
                for i in 0..<dim {
                    for half in 0..<2 {
                        let from = h * 2 * dim + i * 2 + half
                        let to = h * 2 * dim + half * dim + i
                        (values + to * columns).update(from: source.baseAddress! + from * columns, count: columns)
                    }
                }
            }
        }
    }
}
