import Foundation

/// The language-model head fused with log-softmax: logits = x · Wᵀ, then each row's
/// log-probability of its target token, and (optionally) the gradient back into x and W.
///
/// Rows go through in chunks so the full [n, vocab] logits never exist at once: memory stays
/// at chunkRows × vocab floats however long the batch is. The gradient is expressed per
/// token as g = ∂L/∂log p(target), which covers cross-entropy (g = −weight/normaliser) and
/// sequence log-prob losses such as DPO (g = ∂L/∂Σ log p for response tokens) alike:
/// ∂L/∂logits = g · (onehot(target) − softmax).
///
/// Shapes: x [n, d], weight [vocab, d], targets [n], logProbs [n], dx [n, d].
enum LogProbHead {
    /// Rows per chunk: about 16 MiB of logits.
    static func chunkRows(n: Int, vocab: Int) -> Int { max(1, min(n, (1 << 24) / max(1, vocab))) }

    static func scratchCount(n: Int, vocab: Int) -> Int { chunkRows(n: n, vocab: vocab) * vocab }

    /// Keeps the softmax numerators (e^(z − max), [rows, vocab]) and their row sums of the
    /// batch's first `rows` positions from a forward pass for the backward pass, which then
    /// needs no second logits product for them; the other positions are recomputed in chunks.
    /// Used by DPO, whose per-token gradients are known only after the forward pass.
    struct Cache {
        let numerators: UnsafeMutablePointer<Float>
        let sums: UnsafeMutablePointer<Float>
        let rows: Int
        /// True once a forward pass has filled it.
        let filled: Bool
    }

    /// `tokenGradients == nil`: forward only. Otherwise dx is overwritten and dweight accumulates.
    /// Rows whose target is outside the vocabulary (ignored positions) get log-prob 0. With a
    /// filled cache, the log-probs of its forward pass stand and only the gradient is taken.
    static func run(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                    n: Int, d: Int, vocab: Int,
                    logProbs: UnsafeMutablePointer<Float>, logitMeans: UnsafeMutablePointer<Float>? = nil,
                    tokenGradients: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                    scratch: UnsafeMutablePointer<Float>, cache: Cache? = nil, pool: WorkerPool) {
        // The cached positions go as one chunk, the rest in chunks of scratch.
        let cached = min(n, cache?.rows ?? 0)
        let chunk = chunkRows(n: n, vocab: vocab)
        let starts = (cached > 0 ? [0] : []) + Array(stride(from: cached, to: n, by: chunk))
        for r0 in starts {
            let inCache = r0 < cached
            let rows = inCache ? cached : min(chunk, n - r0)
            let numerators = inCache ? cache!.numerators : scratch
            let reuse = inCache && cache!.filled
            if !reuse {
                Linear.forward(out: numerators, inp: x + r0 * d, weight: weight, bias: nil, n: rows, inDim: d, outDim: vocab, pool: pool)
            }
            pool.forRanges(rows, minimumChunk: 1) { _, range in
                for r in range {
                    let z = numerators + r * vocab
                    let target = Int(targets[r0 + r])
                    let valid = target >= 0 && target < vocab
                    let sum: Float
                    if reuse {
                        sum = cache!.sums[r0 + r]
                    } else {
                        if let logitMeans {
                            var total: Float = 0
                            for j in 0..<vocab { total += z[j] }
                            logitMeans[r0 + r] = total / Float(vocab)
                        }
                        let m = FastMath.maximum(z, count: vocab)
                        let targetLogit = valid ? z[target] : 0
                        sum = FastMath.expShiftedSum(z, count: vocab, shift: m)
                        logProbs[r0 + r] = valid ? targetLogit - m - Foundation.log(sum) : 0
                        if inCache { cache!.sums[r0 + r] = sum }
                    }
                    guard let tokenGradients else { continue }
                    // ∂L/∂z = g · (onehot(target) − e/Σe), written over the numerators.
                    let g = valid ? tokenGradients[r0 + r] : 0
                    if g == 0 {
                        z.update(repeating: 0, count: vocab)
                        continue
                    }
                    let k = -g / sum
                    for j in 0..<vocab { z[j] *= k }
                    z[target] += g
                }
            }
            if tokenGradients != nil, let dx, let dweight {
                Linear.backward(dinp: dx + r0 * d, dweight: dweight, dbias: nil, dout: numerators, inp: x + r0 * d, weight: weight,
                                n: rows, inDim: d, outDim: vocab, pool: pool)
            }
        }
    }
}
