/// Everything the forward pass keeps for the backward pass, plus scratch. Sized for up to
/// `tokenCapacity` tokens in rows of up to `lengthCapacity`, so batches of varying shape
/// (DPO pairs) reuse the memory. Normalised activations and the SwiGLU product are not
/// kept: the backward pass recomputes them from the saved inputs and 1/rms, which is cheap
/// and halves memory.
///
/// Without `keepsLayers` (forward-only passes: evaluation, reference log-probs, generation)
/// every per-layer array holds one buffer that all layers reuse: a layer's input is dead once
/// its attention residual is formed, so the next layer's input can overwrite it.
final class Activations {
    let tokenCapacity: Int, lengthCapacity: Int
    let keepsLayers: Bool
    private(set) var rows = 0, length = 0
    var n: Int { rows * length }

    func fits(rows: Int, length: Int, keepingLayers: Bool) -> Bool {
        rows * length <= tokenCapacity && length <= lengthCapacity && (keepsLayers || !keepingLayers)
    }

    /// Index into the per-layer arrays for layer `l` (`residual` takes 0...layers).
    @inline(__always) func slot(_ l: Int) -> Int { keepsLayers ? l : 0 }

    // Batch copies the kernels read through pointers.
    let inputs: UnsafeMutableBufferPointer<Int32>
    let targets: UnsafeMutableBufferPointer<Int32>
    let positions: UnsafeMutableBufferPointer<Int32>
    let documentStarts: UnsafeMutableBufferPointer<Int32>

    /// residual[l] is the input of layer l; residual[layers] feeds the final norm.
    let residual: [FloatBuffer]
    let attentionResidual: [FloatBuffer]
    let inputRstd: [FloatBuffer], postRstd: [FloatBuffer]
    let q: [FloatBuffer], k: [FloatBuffer], v: [FloatBuffer]
    let logSumExp: [FloatBuffer]
    let attention: [FloatBuffer]
    let gate: [FloatBuffer], up: [FloatBuffer]
    let finalRstd: FloatBuffer
    let finalNorm: FloatBuffer
    let logProbs: FloatBuffer
    /// Each row's mean logit over the vocabulary (TRL logs its masked mean as logits/chosen, logits/rejected).
    let logitMeans: FloatBuffer

    // Scratch shared by all layers.
    let normOut: FloatBuffer
    let hidden: FloatBuffer
    let attentionScratch: FloatBuffer
    let headScratch: FloatBuffer
    let normScratch: FloatBuffer

    /// Softmax numerators kept between `forward` and `backward` (see `LlamaModel.logitCacheLimitBytes`).
    var logitCache: LogitCacheBuffers?

    private let config: ModelConfig
    private var backwardBuffers: BackwardBuffers?

    init(config c: ModelConfig, tokenCapacity n: Int, lengthCapacity length: Int, keepsLayers: Bool, slots: Int) {
        self.config = c
        tokenCapacity = n
        lengthCapacity = length
        self.keepsLayers = keepsLayers
        let d = c.hiddenSize, layers = keepsLayers ? c.numHiddenLayers : 1
        func make(_ count: Int) -> [FloatBuffer] { (0..<layers).map { _ in FloatBuffer(count: count) } }
        func ints() -> UnsafeMutableBufferPointer<Int32> {
            let b = UnsafeMutableBufferPointer<Int32>.allocate(capacity: n)
            b.initialize(repeating: 0)
            return b
        }
        inputs = ints(); targets = ints(); positions = ints(); documentStarts = ints()
        residual = (0..<(keepsLayers ? layers + 1 : 1)).map { _ in FloatBuffer(count: n * d) }
        attentionResidual = make(n * d)
        inputRstd = make(n); postRstd = make(n)
        q = make(n * c.queryDim); k = make(n * c.keyValueDim); v = make(n * c.keyValueDim)
        logSumExp = make(n * c.numAttentionHeads)
        attention = make(n * c.queryDim)
        gate = make(n * c.intermediateSize); up = make(n * c.intermediateSize)
        finalRstd = FloatBuffer(count: n)
        finalNorm = FloatBuffer(count: n * d)
        logProbs = FloatBuffer(count: n)
        logitMeans = FloatBuffer(count: n)
        normOut = FloatBuffer(count: n * d)
        hidden = FloatBuffer(count: n * c.intermediateSize)
        attentionScratch = FloatBuffer(count: slots * Attention.scratchPerWorker(length: length))
        headScratch = FloatBuffer(count: LogProbHead.scratchCount(n: n, vocab: c.vocabSize))
        normScratch = FloatBuffer(count: slots * d)
    }

    deinit {
        inputs.deallocate(); targets.deallocate(); positions.deallocate(); documentStarts.deallocate()
    }

    /// Takes the batch's shape (which must fit) and copies its ids.
    func load(_ batch: TokenBatch) {
        precondition(batch.tokenCount <= tokenCapacity && batch.length <= lengthCapacity, "batch exceeds the activation capacity")
        rows = batch.rows
        length = batch.length
        _ = inputs.update(from: batch.inputs)
        _ = targets.update(from: batch.targets)
        _ = positions.update(from: batch.positions)
        _ = documentStarts.update(from: batch.documentStarts)
        // Ignored positions may carry any target (e.g. −100); the head skips out-of-range ids.
        for i in 0..<n where batch.lossWeights[i] == 0 { targets[i] = -1 }
    }

    /// Gradient buffers, allocated on the first backward pass (forward-only models such as a
    /// DPO reference never pay for them).
    var gradients: BackwardBuffers {
        precondition(keepsLayers, "a backward pass needs the activations of every layer")
        if let backwardBuffers { return backwardBuffers }
        let b = BackwardBuffers(config: config, n: tokenCapacity)
        backwardBuffers = b
        return b
    }
}

/// Activation gradients, reused by every layer. (The gate gradient reuses the forward
/// `hidden` scratch, which is free again once the down projection's gradient is taken.)
final class BackwardBuffers {
    let residual: FloatBuffer, norm: FloatBuffer
    let q: FloatBuffer, k: FloatBuffer, v: FloatBuffer, attention: FloatBuffer
    let up: FloatBuffer, hidden: FloatBuffer
    let tokenGradients: FloatBuffer

    init(config c: ModelConfig, n: Int) {
        residual = FloatBuffer(count: n * c.hiddenSize)
        norm = FloatBuffer(count: n * c.hiddenSize)
        q = FloatBuffer(count: n * c.queryDim)
        k = FloatBuffer(count: n * c.keyValueDim)
        v = FloatBuffer(count: n * c.keyValueDim)
        attention = FloatBuffer(count: n * c.queryDim)
        up = FloatBuffer(count: n * c.intermediateSize)
        hidden = FloatBuffer(count: n * c.intermediateSize)
        tokenGradients = FloatBuffer(count: n)
    }
}

/// Storage behind `LogProbHead.Cache`: the first `rows` token positions of a batch.
final class LogitCacheBuffers {
    let numerators: FloatBuffer
    let sums: FloatBuffer
    var rows = 0
    var filled = false

    var capacity: Int { sums.count }

    init(rows: Int, vocab: Int) {
        numerators = FloatBuffer(count: rows * vocab)
        sums = FloatBuffer(count: rows)
    }
}
