/// The keys and values of every position a generation has run through, per layer, so each new
/// token attends to them without recomputing the prefix. Sized once for `capacity` positions
/// (prompt plus new tokens): memory is bounded by that length, never by how long it runs.
/// Keys are stored after RoPE, at their absolute positions 0..<count.
public final class KVCache {
    public let capacity: Int
    /// Positions filled so far; the next token goes at this position.
    public internal(set) var count = 0
    /// Per layer [capacity, kvHeads·headDim].
    let keys: [FloatBuffer]
    let values: [FloatBuffer]
    /// Scratch for a chunk of new tokens, grown to the largest chunk seen.
    var scratch: DecodeBuffers?

    init(config: ModelConfig, capacity: Int) {
        self.capacity = capacity
        keys = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: capacity * config.keyValueDim) }
        values = (0..<config.numHiddenLayers).map { _ in FloatBuffer(count: capacity * config.keyValueDim) }
    }

    /// Forgets every position (the memory is kept for the next sequence).
    public func reset() { count = 0 }
}

/// Working memory of the cached forward pass for up to `rows` new tokens at once, attending to
/// at most `keyCapacity` positions.
final class DecodeBuffers {
    let rows: Int
    /// Ping-pong residual streams: a layer reads one and writes the other.
    let residual: [FloatBuffer]
    let attentionResidual: FloatBuffer, normOut: FloatBuffer
    let q: FloatBuffer, attention: FloatBuffer, logSumExp: FloatBuffer
    let gate: FloatBuffer, up: FloatBuffer, hidden: FloatBuffer
    let attentionScratch: FloatBuffer
    let finalNorm: FloatBuffer
    let positions: UnsafeMutableBufferPointer<Int32>
    /// All zero: every token sees the whole cache (one document).
    let documentStarts: UnsafeMutableBufferPointer<Int32>

    init(config c: ModelConfig, rows: Int, keyCapacity: Int, slots: Int) {
        self.rows = rows
        let d = c.hiddenSize
        residual = [FloatBuffer(count: rows * d), FloatBuffer(count: rows * d)]
        attentionResidual = FloatBuffer(count: rows * d)
        normOut = FloatBuffer(count: rows * d)
        q = FloatBuffer(count: rows * c.queryDim)
        attention = FloatBuffer(count: rows * c.queryDim)
        logSumExp = FloatBuffer(count: rows * c.numAttentionHeads)
        gate = FloatBuffer(count: rows * c.intermediateSize)
        up = FloatBuffer(count: rows * c.intermediateSize)
        hidden = FloatBuffer(count: rows * c.intermediateSize)
        attentionScratch = FloatBuffer(count: slots * Attention.scratchPerWorker(length: rows, past: keyCapacity - rows))
        finalNorm = FloatBuffer(count: d)
        positions = .allocate(capacity: rows)
        positions.initialize(repeating: 0)
        documentStarts = .allocate(capacity: rows)
        documentStarts.initialize(repeating: 0)
    }

    deinit {
        positions.deallocate()
        documentStarts.deallocate()
    }
}
