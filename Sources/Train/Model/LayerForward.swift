/// Where one decoder layer's forward pass reads and writes. The training pass points these at
/// the activations it keeps for the backward pass; the cached inference pass points them at
/// scratch, with keys and values written straight into its KV cache. Either way the layer runs
/// the same ops (`LlamaModel.forwardLayer`).
struct LayerBuffers {
    /// The layer's input x [n, d] and output [n, d].
    var input: UnsafePointer<Float>
    var output: UnsafeMutablePointer<Float>
    /// x + attention, the MLP's input and residual [n, d].
    var attentionResidual: UnsafeMutablePointer<Float>
    /// 1/rms of each row for the backward pass (nil: not kept).
    var inputRstd: UnsafeMutablePointer<Float>?
    var postRstd: UnsafeMutablePointer<Float>?
    var normOut: UnsafeMutablePointer<Float>
    var q: UnsafeMutablePointer<Float>
    /// Keys and values of all `shape.keyLength` positions [keyLength, kvDim]; the layer writes
    /// the rows of its own n tokens, after the `shape.past` rows already there.
    var keys: UnsafeMutablePointer<Float>
    var values: UnsafeMutablePointer<Float>
    var logSumExp: UnsafeMutablePointer<Float>
    var attention: UnsafeMutablePointer<Float>
    var gate: UnsafeMutablePointer<Float>
    var up: UnsafeMutablePointer<Float>
    var hidden: UnsafeMutablePointer<Float>
    var attentionScratch: UnsafeMutablePointer<Float>
    /// Rotary position of each of the n tokens, and the first key each may see.
    var positions: UnsafePointer<Int32>
    var documentStarts: UnsafePointer<Int32>
}

extension LlamaModel {
    /// One decoder layer over n = shape.batch · shape.length tokens:
    /// mid = x + o_proj(attention(rope(q), rope(k), v)), out = mid + down(silu(gate) · up).
    func forwardLayer(_ o: LayerOffsets, _ b: LayerBuffers, shape: Attention.Shape) {
        let c = config, n = shape.batch * shape.length, d = c.hiddenSize, F = c.intermediateSize
        let p = UnsafePointer(parameters.pointer)
        let eps = Float(c.rmsNormEps)
        let newKeys = b.keys + shape.past * c.keyValueDim, newValues = b.values + shape.past * c.keyValueDim
        RMSNorm.forward(out: b.normOut, rstd: b.inputRstd, inp: b.input, weight: p + o.inputNorm, n: n, d: d, eps: eps, pool: pool)
        Linear.forward(out: b.q, inp: b.normOut, weight: p + o.qWeight, bias: o.qBias.map { p + $0 },
                       n: n, inDim: d, outDim: c.queryDim, pool: pool)
        Linear.forward(out: newKeys, inp: b.normOut, weight: p + o.kWeight, bias: o.kBias.map { p + $0 },
                       n: n, inDim: d, outDim: c.keyValueDim, pool: pool)
        Linear.forward(out: newValues, inp: b.normOut, weight: p + o.vWeight, bias: o.vBias.map { p + $0 },
                       n: n, inDim: d, outDim: c.keyValueDim, pool: pool)
        RoPE.forward(b.q, positions: b.positions, n: n, heads: c.numAttentionHeads, table: rope, pool: pool)
        RoPE.forward(newKeys, positions: b.positions, n: n, heads: c.numKeyValueHeads, table: rope, pool: pool)
        Attention.forward(out: b.attention, lse: b.logSumExp, q: b.q, k: b.keys, v: b.values,
                          documentStarts: b.documentStarts, shape: shape, scratch: b.attentionScratch, pool: pool)
        let mid = b.attentionResidual
        mid.update(from: b.input, count: n * d)
        Linear.forward(out: mid, inp: b.attention, weight: p + o.oWeight, bias: o.oBias.map { p + $0 },
                       n: n, inDim: c.queryDim, outDim: d, accumulate: true, pool: pool)
        RMSNorm.forward(out: b.normOut, rstd: b.postRstd, inp: mid, weight: p + o.postNorm, n: n, d: d, eps: eps, pool: pool)
        Linear.forward(out: b.gate, inp: b.normOut, weight: p + o.gate, bias: nil, n: n, inDim: d, outDim: F, pool: pool)
        Linear.forward(out: b.up, inp: b.normOut, weight: p + o.up, bias: nil, n: n, inDim: d, outDim: F, pool: pool)
        SwiGLU.forward(out: b.hidden, gate: b.gate, up: b.up, count: n * F, pool: pool)
        b.output.update(from: mid, count: n * d)
        Linear.forward(out: b.output, inp: b.hidden, weight: p + o.down, bias: nil, n: n, inDim: F, outDim: d,
                       accumulate: true, pool: pool)
    }
}
