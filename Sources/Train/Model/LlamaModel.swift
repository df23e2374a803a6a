/// A Llama-architecture decoder (Llama, Qwen2) in Float32 with hand-written forward and
/// backward passes, after llm.c's `train_gpt2.c` and HF `modeling_llama.py`:
///
///     h = embed(tokens)
///     per layer: h += o_proj(attention(rope(q_proj(n)), rope(k_proj(n)), v_proj(n)))  with n = rms_norm(h)
///                h += down_proj(silu(gate_proj(n)) · up_proj(n))                      with n = rms_norm(h)
///     log p = log_softmax(lm_head(rms_norm(h)))
///
/// Parameters and gradients are flat buffers indexed by `layout` (HF tensor names).
/// Gradients accumulate across backward passes until `zeroGradients()`.
public final class LlamaModel: @unchecked Sendable {
    public let config: ModelConfig
    public let layout: ParameterLayout
    public let parameters: FloatBuffer
    public let pool: WorkerPool
    private var gradientBuffer: FloatBuffer?
    private var activations: Activations?
    /// Grown to cover the longest sequence seen (`ensureRoPE`).
    private(set) var rope: RoPETable
    /// Set by `forward`, consumed by `backward`.
    private var pendingBackward = false
    /// `forward` keeps softmax numerators for `backward` (saving their second LM-head product)
    /// for as many of the batch's positions as fit in this many bytes; `backward` recomputes
    /// the rest in chunks. A budget, not a size: at vocabulary 8K a 4K-token DPO batch fits
    /// whole, while at 152K (Qwen2) a 512-token sequence never holds tokens × vocab floats.
    public var logitCacheLimitBytes = 128 << 20

    public init(config: ModelConfig, threads: Int) throws(TrainError) {
        try config.validate()
        self.config = config
        layout = ParameterLayout(config: config)
        parameters = FloatBuffer(count: layout.totalCount)
        pool = WorkerPool(threads: threads)
        rope = RoPETable(theta: config.ropeTheta, headDim: config.headDim, positions: 0)
        for t in layout.tensors where t.name.hasSuffix("norm.weight") {
            (parameters.pointer + t.offset).update(repeating: 1, count: t.count)
        }
    }

    /// Gradient of the loss with respect to every parameter (same layout as `parameters`).
    public var gradients: FloatBuffer {
        if let gradientBuffer { return gradientBuffer }
        let g = FloatBuffer(count: layout.totalCount)
        gradientBuffer = g
        return g
    }

    public func zeroGradients() { gradientBuffer?.zero() }

    public var parameterCount: Int { layout.totalCount }

    /// HF `_init_weights`: matrices ~ N(0, initializer_range), biases 0, norm gains 1.
    public func initializeParameters(seed: UInt64) {
        var random = SeededRandom(seed: seed)
        let std = config.initializerRange
        for t in layout.tensors {
            let p = parameters.pointer + t.offset
            if t.name.hasSuffix("norm.weight") {
                p.update(repeating: 1, count: t.count)
            } else if t.shape.count == 1 {
                p.update(repeating: 0, count: t.count)
            } else {
                for i in 0..<t.count { p[i] = Float(random.nextNormal() * std) }
            }
        }
    }

    // MARK: Passes

    /// Runs the forward pass and returns each token's log-probability of its target (0 where
    /// the loss weight is 0). With `keepForBackward` (the default) it keeps what `backward`
    /// needs; evaluation passes false and keeps no logits.
    public func forward(_ batch: TokenBatch, keepForBackward: Bool = true) throws(TrainError) -> [Float] {
        let acts = try prepare(batch, keepingLayers: keepForBackward)
        runLayersForward(acts)
        let cacheRows = keepForBackward ? min(acts.n, logitCacheLimitBytes / (config.vocabSize * MemoryLayout<Float>.stride)) : 0
        if cacheRows > 0 {
            if (acts.logitCache?.capacity ?? 0) < cacheRows { acts.logitCache = LogitCacheBuffers(rows: cacheRows, vocab: config.vocabSize) }
            acts.logitCache?.rows = cacheRows
        } else {
            acts.logitCache = nil
        }
        acts.logitCache?.filled = false
        runHead(acts, tokenGradients: nil)
        acts.logitCache?.filled = true
        pendingBackward = keepForBackward
        return acts.logProbs.slice(offset: 0, count: acts.n)
    }

    /// Each token position's mean logit over the vocabulary, from the last `forward`.
    public var lastLogitMeans: [Float] {
        guard let acts = activations else { return [] }
        return acts.logitMeans.slice(offset: 0, count: acts.n)
    }

    /// Backpropagates `tokenGradients[i]` = ∂L/∂log p(target i) for the batch of the last
    /// `forward` call, adding into `gradients`.
    public func backward(tokenGradients: [Float]) throws(TrainError) {
        guard pendingBackward, let acts = activations else { throw .invalidBatch("backward called without a forward pass") }
        guard tokenGradients.count == acts.n else {
            throw .invalidBatch("tokenGradients has \(tokenGradients.count) entries, expected \(acts.n)")
        }
        let g = acts.gradients.tokenGradients
        _ = UnsafeMutableBufferPointer(start: g.pointer, count: acts.n).update(from: tokenGradients)
        runHead(acts, tokenGradients: g.pointer)
        acts.logitCache?.filled = false
        runLayersBackward(acts)
        pendingBackward = false
    }

    /// Cross-entropy training pass in one go: forward, then backward of
    /// `Σ weight·(−log p) / normalizer`, without ever holding the full logits. Returns that
    /// loss (the caller sums it over gradient-accumulation micro-batches).
    @discardableResult
    public func forwardBackwardCrossEntropy(_ batch: TokenBatch, normalizer: Double) throws(TrainError) -> Double {
        guard normalizer > 0 else { throw .invalidBatch("cross-entropy normalizer must be positive") }
        let acts = try prepare(batch, keepingLayers: true)
        acts.logitCache = nil
        runLayersForward(acts)
        let g = acts.gradients.tokenGradients.pointer
        let scale = Float(-1 / normalizer)
        for i in 0..<acts.n { g[i] = batch.lossWeights[i] * scale }
        runHead(acts, tokenGradients: g)
        runLayersBackward(acts)
        pendingBackward = false
        var loss = 0.0
        for i in 0..<acts.n where batch.lossWeights[i] != 0 {
            loss -= Double(batch.lossWeights[i]) * Double(acts.logProbs[i])
        }
        return loss / normalizer
    }

    /// Full logits [rows, length, vocab] (for tests, evaluation and generation).
    public func logits(_ batch: TokenBatch) throws(TrainError) -> [Float] {
        let acts = try prepare(batch, keepingLayers: false)
        acts.logitCache?.filled = false
        runLayersForward(acts)
        pendingBackward = false
        let v = config.vocabSize
        var out = [Float](repeating: 0, count: acts.n * v)
        out.withUnsafeMutableBufferPointer { buffer in
            Linear.forward(out: buffer.baseAddress!, inp: acts.finalNorm.pointer, weight: parameters.pointer + layout.lmHead,
                           bias: nil, n: acts.n, inDim: config.hiddenSize, outDim: v, pool: pool)
        }
        return out
    }

    /// Logits of each row's last position only, [rows, vocab]: what greedy or sampled
    /// generation would need from whole sequences (`Generator` uses the KV-cache path, `extend`).
    public func lastPositionLogits(_ batch: TokenBatch) throws(TrainError) -> [Float] {
        let acts = try prepare(batch, keepingLayers: false)
        acts.logitCache?.filled = false
        runLayersForward(acts)
        pendingBackward = false
        let v = config.vocabSize, d = config.hiddenSize
        var rows = [Float](repeating: 0, count: batch.rows * d)
        for r in 0..<batch.rows {
            for i in 0..<d { rows[r * d + i] = acts.finalNorm[(r * batch.length + batch.length - 1) * d + i] }
        }
        var out = [Float](repeating: 0, count: batch.rows * v)
        rows.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { buffer in
                Linear.forward(out: buffer.baseAddress!, inp: x.baseAddress!, weight: parameters.pointer + layout.lmHead,
                               bias: nil, n: batch.rows, inDim: d, outDim: v, pool: pool)
            }
        }
        return out
    }

    /// The activations for `batch`: reused when they fit, else grown. `keepingLayers` false
    /// (no backward pass follows) makes do with one layer's buffers.
    private func prepare(_ batch: TokenBatch, keepingLayers: Bool) throws(TrainError) -> Activations {
        try batch.validate(vocabSize: config.vocabSize)
        if let window = config.slidingWindow, batch.length > window {
            throw .invalidBatch("sequences of \(batch.length) tokens exceed the model's sliding_window \(window); use --max-length \(window) or less")
        }
        ensureRoPE(positions: batch.length)
        let acts: Activations
        if let existing = activations, existing.fits(rows: batch.rows, length: batch.length, keepingLayers: keepingLayers) {
            acts = existing
        } else {
            // Grow to cover both the old and the new shape, so alternating shapes settle.
            let tokens = max(batch.tokenCount, activations?.tokenCapacity ?? 0)
            let length = max(batch.length, activations?.lengthCapacity ?? 0)
            let keep = keepingLayers || activations?.keepsLayers == true
            activations = nil
            acts = Activations(config: config, tokenCapacity: tokens, lengthCapacity: length, keepsLayers: keep, slots: pool.slots)
            activations = acts
        }
        acts.load(batch)
        return acts
    }

    /// Makes the rotary table cover positions 0..<positions.
    func ensureRoPE(positions: Int) {
        if rope.positions < positions {
            rope = RoPETable(theta: config.ropeTheta, headDim: config.headDim, positions: positions)
        }
    }

    /// Layers whose activations the current buffers hold (1 after forward-only passes only).
    var keptLayerActivations: Int { activations?.q.count ?? 0 }

    /// Frees the activation memory (it is reallocated on the next pass).
    public func releaseActivations() { activations = nil }

    // MARK: Layers

    private func runLayersForward(_ a: Activations) {
        let c = config, n = a.n, d = c.hiddenSize
        let p = UnsafePointer(parameters.pointer)
        let shape = Attention.Shape(batch: a.rows, length: a.length, heads: c.numAttentionHeads,
                                    kvHeads: c.numKeyValueHeads, headDim: c.headDim)
        Embedding.forward(out: a.residual[0].pointer, tokens: a.inputs.baseAddress!, table: p + layout.embedding,
                          n: n, d: d, pool: pool)
        for (l, o) in layout.layers.enumerated() {
            let s = a.slot(l)
            let buffers = LayerBuffers(
                input: a.residual[s].pointer, output: a.residual[a.slot(l + 1)].pointer, attentionResidual: a.attentionResidual[s].pointer,
                inputRstd: a.inputRstd[s].pointer, postRstd: a.postRstd[s].pointer, normOut: a.normOut.pointer,
                q: a.q[s].pointer, keys: a.k[s].pointer, values: a.v[s].pointer, logSumExp: a.logSumExp[s].pointer,
                attention: a.attention[s].pointer, gate: a.gate[s].pointer, up: a.up[s].pointer, hidden: a.hidden.pointer,
                attentionScratch: a.attentionScratch.pointer, positions: a.positions.baseAddress!,
                documentStarts: a.documentStarts.baseAddress!)
            // With one slot (forward-only passes) input and output are one buffer: the layer
            // has read x into the attention residual before it writes its output there.
            forwardLayer(o, buffers, shape: shape)
        }
        RMSNorm.forward(out: a.finalNorm.pointer, rstd: a.finalRstd.pointer, inp: a.residual[a.slot(c.numHiddenLayers)].pointer,
                        weight: p + layout.finalNorm, n: n, d: d, eps: Float(c.rmsNormEps), pool: pool)
    }

    private func runHead(_ a: Activations, tokenGradients: UnsafePointer<Float>?) {
        let p = UnsafePointer(parameters.pointer)
        let dx = tokenGradients == nil ? nil : a.gradients.norm.pointer
        let dweight = tokenGradients == nil ? nil : gradients.pointer + layout.lmHead
        let cache = a.logitCache.map {
            LogProbHead.Cache(numerators: $0.numerators.pointer, sums: $0.sums.pointer, rows: $0.rows, filled: $0.filled)
        }
        LogProbHead.run(x: a.finalNorm.pointer, weight: p + layout.lmHead, targets: a.targets.baseAddress!,
                        n: a.n, d: config.hiddenSize, vocab: config.vocabSize, logProbs: a.logProbs.pointer,
                        logitMeans: tokenGradients == nil ? a.logitMeans.pointer : nil,
                        tokenGradients: tokenGradients, dx: dx, dweight: dweight, scratch: a.headScratch.pointer,
                        cache: cache, pool: pool)
    }

    /// Expects the head's gradient in `gradients.norm` (∂L/∂ final-norm output).
    private func runLayersBackward(_ a: Activations) {
        let c = config, n = a.n, d = c.hiddenSize, F = c.intermediateSize
        let p = UnsafePointer(parameters.pointer)
        let g = gradients.pointer
        let b = a.gradients
        let dres = b.residual.pointer, dnorm = b.norm.pointer
        let shape = Attention.Shape(batch: a.rows, length: a.length, heads: c.numAttentionHeads,
                                    kvHeads: c.numKeyValueHeads, headDim: c.headDim)
        dres.update(repeating: 0, count: n * d)
        RMSNorm.backward(dinp: dres, dweight: g + layout.finalNorm, dout: dnorm, inp: a.residual[c.numHiddenLayers].pointer,
                         weight: p + layout.finalNorm, rstd: a.finalRstd.pointer, n: n, d: d,
                         scratch: a.normScratch.pointer, pool: pool)
        for (l, o) in layout.layers.enumerated().reversed() {
            let mid = a.attentionResidual[l].pointer
            // MLP: dres is ∂L/∂(layer output); the residual passes it straight to `mid`.
            SwiGLU.forward(out: a.hidden.pointer, gate: a.gate[l].pointer, up: a.up[l].pointer, count: n * F, pool: pool)
            Linear.backward(dinp: b.hidden.pointer, dweight: g + o.down, dbias: nil, dout: dres, inp: a.hidden.pointer,
                            weight: p + o.down, n: n, inDim: F, outDim: d, pool: pool)
            let dgate = a.hidden.pointer
            SwiGLU.backward(dgate: dgate, dup: b.up.pointer, dout: b.hidden.pointer, gate: a.gate[l].pointer,
                            up: a.up[l].pointer, count: n * F, pool: pool)
            RMSNorm.recompute(out: a.normOut.pointer, inp: mid, rstd: a.postRstd[l].pointer, weight: p + o.postNorm,
                              n: n, d: d, pool: pool)
            Linear.backward(dinp: dnorm, dweight: g + o.gate, dbias: nil, dout: dgate, inp: a.normOut.pointer,
                            weight: p + o.gate, n: n, inDim: d, outDim: F, pool: pool)
            Linear.backward(dinp: dnorm, dweight: g + o.up, dbias: nil, dout: b.up.pointer, inp: a.normOut.pointer,
                            weight: p + o.up, n: n, inDim: d, outDim: F, accumulateInput: true, pool: pool)
            RMSNorm.backward(dinp: dres, dweight: g + o.postNorm, dout: dnorm, inp: mid, weight: p + o.postNorm,
                             rstd: a.postRstd[l].pointer, n: n, d: d, scratch: a.normScratch.pointer, pool: pool)
            // Attention: dres is now ∂L/∂mid.
            Linear.backward(dinp: b.attention.pointer, dweight: g + o.oWeight, dbias: o.oBias.map { g + $0 }, dout: dres,
                            inp: a.attention[l].pointer, weight: p + o.oWeight, n: n, inDim: c.queryDim, outDim: d, pool: pool)
            Attention.backward(dq: b.q.pointer, dk: b.k.pointer, dv: b.v.pointer, dout: b.attention.pointer,
                               lse: a.logSumExp[l].pointer, q: a.q[l].pointer, k: a.k[l].pointer, v: a.v[l].pointer,
                               documentStarts: a.documentStarts.baseAddress!, shape: shape,
                               scratch: a.attentionScratch.pointer, pool: pool)
            RoPE.backward(b.q.pointer, positions: a.positions.baseAddress!, n: n, heads: c.numAttentionHeads, table: rope, pool: pool)
            RoPE.backward(b.k.pointer, positions: a.positions.baseAddress!, n: n, heads: c.numKeyValueHeads, table: rope, pool: pool)
            let x = a.residual[l].pointer
            RMSNorm.recompute(out: a.normOut.pointer, inp: x, rstd: a.inputRstd[l].pointer, weight: p + o.inputNorm,
                              n: n, d: d, pool: pool)
            Linear.backward(dinp: dnorm, dweight: g + o.qWeight, dbias: o.qBias.map { g + $0 }, dout: b.q.pointer,
                            inp: a.normOut.pointer, weight: p + o.qWeight, n: n, inDim: d, outDim: c.queryDim, pool: pool)
            Linear.backward(dinp: dnorm, dweight: g + o.kWeight, dbias: o.kBias.map { g + $0 }, dout: b.k.pointer,
                            inp: a.normOut.pointer, weight: p + o.kWeight, n: n, inDim: d, outDim: c.keyValueDim,
                            accumulateInput: true, pool: pool)
            Linear.backward(dinp: dnorm, dweight: g + o.vWeight, dbias: o.vBias.map { g + $0 }, dout: b.v.pointer,
                            inp: a.normOut.pointer, weight: p + o.vWeight, n: n, inDim: d, outDim: c.keyValueDim,
                            accumulateInput: true, pool: pool)
            RMSNorm.backward(dinp: dres, dweight: g + o.inputNorm, dout: dnorm, inp: x, weight: p + o.inputNorm,
                             rstd: a.inputRstd[l].pointer, n: n, d: d, scratch: a.normScratch.pointer, pool: pool)
        }
        Embedding.backward(dtable: g + layout.embedding, dout: dres, tokens: a.inputs.baseAddress!, n: n, d: d, pool: pool)
    }
}
