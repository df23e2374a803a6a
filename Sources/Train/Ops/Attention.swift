import COpenBLAS
import Foundation

/// Causal grouped-query attention with per-document masking, in the flash-attention style:
/// the forward pass keeps only the output and each row's log-sum-exp, and the backward pass
/// recomputes the probabilities block by block. Query rows are processed in blocks of
/// `blockRows`; a block only multiplies against the key columns it can see (from the first
/// document start in the block up to its last row), which skips the masked upper triangle
/// and other documents' keys.
///
/// Shapes (n = batch·length): q [n, heads·headDim], k and v [batch, past + length, kvHeads·headDim],
/// out [n, heads·headDim], lse [batch, heads, length], documentStarts [n] (key indices).
/// With `past` > 0 (inference with a KV cache) the queries are the last `length` of
/// `past + length` positions: query t sees keys up to past + t. Training has past = 0.
enum Attention {
    struct Shape {
        let batch: Int, length: Int, heads: Int, kvHeads: Int, headDim: Int
        /// Positions before the first query whose keys and values are already in k and v.
        var past = 0
        var keyLength: Int { past + length }
        var queryStride: Int { heads * headDim }
        var kvStride: Int { kvHeads * headDim }
        var groupSize: Int { heads / kvHeads }
        var scale: Float { 1 / Float(headDim).squareRoot() }
    }

    static let blockRows = 64

    /// Floats of scratch memory each worker slot needs.
    static func scratchPerWorker(length: Int, past: Int = 0) -> Int { 2 * min(blockRows, length) * (past + length) }

    static func forward(out: UnsafeMutablePointer<Float>, lse: UnsafeMutablePointer<Float>,
                        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                        documentStarts: UnsafePointer<Int32>, shape s: Shape,
                        scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        let T = s.length, P = s.past, D = s.headDim
        pool.forEach(s.batch * s.kvHeads) { slot, task in
            let b = task / s.kvHeads, g = task % s.kvHeads
            let scores = scratch + slot * scratchPerWorker(length: T, past: P)
            let starts = documentStarts + b * T
            let kg = k + b * s.keyLength * s.kvStride + g * D
            let vg = v + b * s.keyLength * s.kvStride + g * D
            for h in g * s.groupSize..<(g + 1) * s.groupSize {
                let qh = q + b * T * s.queryStride + h * D
                let oh = out + b * T * s.queryStride + h * D
                let lseRow = lse + (b * s.heads + h) * T
                for r0 in stride(from: 0, to: T, by: blockRows) {
                    let r1 = min(T, r0 + blockRows), rows = r1 - r0
                    let c0 = Int(starts[r0]), cols = P + r1 - c0
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(cols), Int32(D),
                                s.scale, qh + r0 * s.queryStride, Int32(s.queryStride), kg + c0 * s.kvStride, Int32(s.kvStride),
                                0, scores, Int32(cols))
                    for t in r0..<r1 {
                        let row = scores + (t - r0) * cols
                        let lo = Int(starts[t]) - c0, hi = P + t - c0
                        let m = FastMath.maximum(row + lo, count: hi - lo + 1)
                        let sum = FastMath.expShiftedSum(row + lo, count: hi - lo + 1, shift: m)
                        let inverse = 1 / sum
                        for j in 0..<lo { row[j] = 0 }
                        for j in lo...hi { row[j] *= inverse }
                        for j in (hi + 1)..<cols { row[j] = 0 }
                        lseRow[t] = m + Foundation.log(sum)
                    }
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(D), Int32(cols),
                                1, scores, Int32(cols), vg + c0 * s.kvStride, Int32(s.kvStride),
                                0, oh + r0 * s.queryStride, Int32(s.queryStride))
                }
            }
        }
    }

    /// dq is overwritten; dk and dv are overwritten (each task owns one batch row and one
    /// key/value head, and sums over that head's query group).
    static func backward(dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
                         dout: UnsafePointer<Float>, lse: UnsafePointer<Float>,
                         q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
                         documentStarts: UnsafePointer<Int32>, shape s: Shape,
                         scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        precondition(s.past == 0, "attention backward runs on whole sequences, without a KV cache")
        let T = s.length, D = s.headDim
        pool.forEach(s.batch * s.kvHeads) { slot, task in
            let b = task / s.kvHeads, g = task % s.kvHeads
            let probs = scratch + slot * scratchPerWorker(length: T)
            let dprobs = probs + min(blockRows, T) * T
            let starts = documentStarts + b * T
            let kg = k + b * T * s.kvStride + g * D, vg = v + b * T * s.kvStride + g * D
            let dkg = dk + b * T * s.kvStride + g * D, dvg = dv + b * T * s.kvStride + g * D
            for t in 0..<T {
                (dkg + t * s.kvStride).update(repeating: 0, count: D)
                (dvg + t * s.kvStride).update(repeating: 0, count: D)
            }
            for h in g * s.groupSize..<(g + 1) * s.groupSize {
                let qh = q + b * T * s.queryStride + h * D
                let dqh = dq + b * T * s.queryStride + h * D
                let doh = dout + b * T * s.queryStride + h * D
                let lseRow = lse + (b * s.heads + h) * T
                for r0 in stride(from: 0, to: T, by: blockRows) {
                    let r1 = min(T, r0 + blockRows), rows = r1 - r0
                    let c0 = Int(starts[r0]), cols = r1 - c0
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(cols), Int32(D),
                                s.scale, qh + r0 * s.queryStride, Int32(s.queryStride), kg + c0 * s.kvStride, Int32(s.kvStride),
                                0, probs, Int32(cols))
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(cols), Int32(D),
                                1, doh + r0 * s.queryStride, Int32(s.queryStride), vg + c0 * s.kvStride, Int32(s.kvStride),
                                0, dprobs, Int32(cols))
                    for t in r0..<r1 {
                        let p = probs + (t - r0) * cols, dp = dprobs + (t - r0) * cols
                        let lo = Int(starts[t]) - c0, hi = t - c0
                        _ = FastMath.expShiftedSum(p + lo, count: hi - lo + 1, shift: lseRow[t])
                        var dot: Float = 0
                        for j in lo...hi { dot += p[j] * dp[j] }
                        for j in 0..<lo { p[j] = 0; dp[j] = 0 }
                        for j in lo...hi { dp[j] = p[j] * (dp[j] - dot) }
                        for j in (hi + 1)..<cols { p[j] = 0; dp[j] = 0 }
                    }
                    // dV += Pᵀ·dO, dQ = scale·dS·K, dK += scale·dSᵀ·Q
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cols), Int32(D), Int32(rows),
                                1, probs, Int32(cols), doh + r0 * s.queryStride, Int32(s.queryStride),
                                1, dvg + c0 * s.kvStride, Int32(s.kvStride))
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(D), Int32(cols),
                                s.scale, dprobs, Int32(cols), kg + c0 * s.kvStride, Int32(s.kvStride),
                                0, dqh + r0 * s.queryStride, Int32(s.queryStride))
                    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(cols), Int32(D), Int32(rows),
                                s.scale, dprobs, Int32(cols), qh + r0 * s.queryStride, Int32(s.queryStride),
                                1, dkg + c0 * s.kvStride, Int32(s.kvStride))
                }
            }
        }
    }
}
