/// RMSNorm as in HF `LlamaRMSNorm`: `out = weight · x / sqrt(mean(x²) + eps)`.
/// Shapes: inp/out [n, d], weight [d], rstd [n] (saved 1/rms for the backward pass).
enum RMSNorm {
    static func forward(out: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>?, inp: UnsafePointer<Float>,
                        weight: UnsafePointer<Float>, n: Int, d: Int, eps: Float, pool: WorkerPool) {
        pool.forRanges(n, minimumChunk: 8) { _, rows in
            for r in rows {
                let x = inp + r * d
                let y = out + r * d
                var sumSquares: Float = 0
                for i in 0..<d { sumSquares += x[i] * x[i] }
                let s = 1 / (sumSquares / Float(d) + eps).squareRoot()
                rstd?[r] = s
                for i in 0..<d { y[i] = weight[i] * (x[i] * s) }
            }
        }
    }

    /// Recomputes the normalised output from the saved rstd (cheaper than storing it).
    static func recompute(out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                          weight: UnsafePointer<Float>, n: Int, d: Int, pool: WorkerPool) {
        pool.forRanges(n, minimumChunk: 8) { _, rows in
            for r in rows {
                let x = inp + r * d, y = out + r * d, s = rstd[r]
                for i in 0..<d { y[i] = weight[i] * (x[i] * s) }
            }
        }
    }

    /// dinp += ∂L/∂x; dweight += Σ_rows dout · x · rstd. `scratch` holds slots × d floats
    /// for per-slot weight-gradient partial sums.
    static func backward(dinp: UnsafeMutablePointer<Float>, dweight: UnsafeMutablePointer<Float>,
                         dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                         rstd: UnsafePointer<Float>, n: Int, d: Int, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool) {
        scratch.update(repeating: 0, count: pool.slots * d)
        pool.forRanges(n, minimumChunk: 8) { slot, rows in
            let partial = scratch + slot * d
            for r in rows {
                let x = inp + r * d, dy = dout + r * d, dx = dinp + r * d, s = rstd[r]
                // g = weight·dy; dx = s·g − s³·x·mean(g·x)
                var dot: Float = 0
                for i in 0..<d {
                    dot += weight[i] * dy[i] * x[i]
                    partial[i] += dy[i] * x[i] * s
                }
                let k = s * s * s * dot / Float(d)
                for i in 0..<d { dx[i] += s * weight[i] * dy[i] - k * x[i] }
            }
        }
        for w in 0..<pool.slots {
            let partial = scratch + w * d
            for i in 0..<d { dweight[i] += partial[i] }
        }
    }
}
