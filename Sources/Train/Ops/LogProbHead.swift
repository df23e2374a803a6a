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

    /// `tokenGradients == nil`: forward only. Otherwise dx is overwritten and dweight accumulates.
    /// Rows whose target is outside the vocabulary (ignored positions) get log-prob 0.
    static func run(x: UnsafePointer<Float>, weight: UnsafePointer<Float>, targets: UnsafePointer<Int32>,
                    n: Int, d: Int, vocab: Int,
                    logProbs: UnsafeMutablePointer<Float>,
                    tokenGradients: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>?,
                    scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let chunk = chunkRows(n: n, vocab: vocab)
        for r0 in stride(from: 0, to: n, by: chunk) {
            let rows = min(chunk, n - r0)
            let logits = scratch
            Linear.forward(out: logits, inp: x + r0 * d, weight: weight, bias: nil, n: rows, inDim: d, outDim: vocab, pool: pool)
            pool.forRanges(rows, minimumChunk: 1) { _, range in
                for r in range {
                    let z = logits + r * vocab
                    let m = FastMath.maximum(z, count: vocab)
                    let target = Int(targets[r0 + r])
                    let valid = target >= 0 && target < vocab
                    let targetLogit = valid ? z[target] : 0
                    let sum = FastMath.expShiftedSum(z, count: vocab, shift: m)
                    logProbs[r0 + r] = valid ? targetLogit - m - Foundation.log(sum) : 0
                    guard let tokenGradients else { continue }
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
                Linear.backward(dinp: dx + r0 * d, dweight: dweight, dbias: nil, dout: logits, inp: x + r0 * d, weight: weight,
                                n: rows, inDim: d, outDim: vocab, pool: pool)
            }
        }
    }
}
