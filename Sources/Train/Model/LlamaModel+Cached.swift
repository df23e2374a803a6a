/// The inference path: a prompt runs through the model once (prefill), then each new token runs
/// alone (decode), attending to the keys and values the cache holds. The layers are the training
/// pass's own (`forwardLayer`); only where keys and values live and the rotary positions differ.
extension LlamaModel {
    /// Most tokens one layer call processes at once: a long prompt is prefilled in chunks of
    /// this many, so scratch memory stays bounded.
    static let prefillChunk = 256

    /// A cache for sequences of up to `capacity` positions.
    public func makeKVCache(capacity: Int) throws(TrainError) -> KVCache {
        guard capacity > 0 else { throw .invalidOption("a KV cache needs room for at least one position") }
        if let window = config.slidingWindow, capacity > window {
            throw .invalidOption("sequences of \(capacity) tokens exceed the model's sliding_window \(window)")
        }
        ensureRoPE(positions: capacity)
        return KVCache(config: config, capacity: capacity)
    }

    /// Runs `tokens` at positions cache.count ..< cache.count + tokens.count, appends their keys
    /// and values to the cache, and returns the logits [vocab] that follow the last of them.
    public func extend(_ cache: KVCache, with tokens: [Int32]) throws(TrainError) -> [Float] {
        guard !tokens.isEmpty else { throw .invalidOption("no tokens to run") }
        guard cache.count + tokens.count <= cache.capacity else {
            throw .invalidOption("\(cache.count + tokens.count) positions exceed the KV cache's capacity of \(cache.capacity)")
        }
        if let bad = tokens.first(where: { $0 < 0 || Int($0) >= config.vocabSize }) {
            throw .invalidBatch("token id \(bad) is outside the vocabulary of \(config.vocabSize)")
        }
        var last: DecodeBuffers?
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + Self.prefillChunk)
            last = runCached(Array(tokens[start..<end]), cache: cache)
            start = end
        }
        return head(last!)
    }

    /// One chunk through every layer; leaves the final-norm output of its last token in the
    /// returned buffers.
    private func runCached(_ tokens: [Int32], cache: KVCache) -> DecodeBuffers {
        let c = config, n = tokens.count, d = c.hiddenSize, past = cache.count
        if (cache.scratch?.rows ?? 0) < n {
            cache.scratch = DecodeBuffers(config: c, rows: min(cache.capacity, max(n, Self.prefillChunk)),
                                          keyCapacity: cache.capacity, slots: pool.slots)
        }
        let s = cache.scratch!
        for i in 0..<n { s.positions[i] = Int32(past + i) }
        let p = UnsafePointer(parameters.pointer)
        tokens.withUnsafeBufferPointer { ids in
            Embedding.forward(out: s.residual[0].pointer, tokens: ids.baseAddress!, table: p + layout.embedding, n: n, d: d, pool: pool)
        }
        let shape = Attention.Shape(batch: 1, length: n, heads: c.numAttentionHeads, kvHeads: c.numKeyValueHeads,
                                    headDim: c.headDim, past: past)
        for (l, o) in layout.layers.enumerated() {
            let buffers = LayerBuffers(
                input: s.residual[l % 2].pointer, output: s.residual[(l + 1) % 2].pointer,
                attentionResidual: s.attentionResidual.pointer, inputRstd: nil, postRstd: nil, normOut: s.normOut.pointer,
                q: s.q.pointer, keys: cache.keys[l].pointer, values: cache.values[l].pointer, logSumExp: s.logSumExp.pointer,
                attention: s.attention.pointer, gate: s.gate.pointer, up: s.up.pointer, hidden: s.hidden.pointer,
                attentionScratch: s.attentionScratch.pointer, positions: s.positions.baseAddress!,
                documentStarts: s.documentStarts.baseAddress!)
            forwardLayer(o, buffers, shape: shape)
        }
        cache.count = past + n
        let lastRow = s.residual[c.numHiddenLayers % 2].pointer + (n - 1) * d
        RMSNorm.forward(out: s.finalNorm.pointer, rstd: nil, inp: lastRow, weight: p + layout.finalNorm, n: 1, d: d,
                        eps: Float(c.rmsNormEps), pool: pool)
        return s
    }

    /// lm_head on the last token's final-norm output (the tied embedding when tied).
    private func head(_ s: DecodeBuffers) -> [Float] {
        var out = [Float](repeating: 0, count: config.vocabSize)
        out.withUnsafeMutableBufferPointer { buffer in
            Linear.forward(out: buffer.baseAddress!, inp: s.finalNorm.pointer, weight: parameters.pointer + layout.lmHead,
                           bias: nil, n: 1, inDim: config.hiddenSize, outDim: config.vocabSize, pool: pool)
        }
        return out
    }
}
