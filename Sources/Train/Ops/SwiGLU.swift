import Foundation

/// The gated activation of the Llama MLP: `h = silu(gate) · up`, elementwise over [n, ffn].
enum SwiGLU {
    static func forward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                        count: Int, pool: WorkerPool) {
        pool.forRanges(count, minimumChunk: 4096) { _, range in
            for i in range {
                let g = gate[i]
                out[i] = g / (1 + Foundation.exp(-g)) * up[i]
            }
        }
    }

    /// dgate = dh · up · σ(g)(1 + g(1 − σ(g))); dup = dh · silu(g). Both overwrite.
    static func backward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, pool: WorkerPool) {
        pool.forRanges(count, minimumChunk: 4096) { _, range in
            for i in range {
                let g = gate[i]
                let sigmoid = 1 / (1 + Foundation.exp(-g))
                let dh = dout[i]
                dup[i] = dh * g * sigmoid
                dgate[i] = dh * up[i] * sigmoid * (1 + g * (1 - sigmoid))
            }
        }
    }
}
