/// The gated activation of the Llama MLP: `h = silu(gate) · up`, elementwise over [n, ffn].
enum SwiGLU {
    typealias Vector = FastMath.Vector

    static func forward(out: UnsafeMutablePointer<Float>, gate: UnsafePointer<Float>, up: UnsafePointer<Float>,
                        count: Int, pool: WorkerPool) {
        pool.forRanges(count / 8, minimumChunk: 512) { _, range in
            let o = UnsafeMutableRawPointer(out), g = UnsafeRawPointer(gate), u = UnsafeRawPointer(up)
            for block in range {
                let offset = block * 32
                let x = g.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                let silu = x / (1 + FastMath.exp(-x))
                o.storeBytes(of: silu * u.loadUnaligned(fromByteOffset: offset, as: Vector.self), toByteOffset: offset, as: Vector.self)
            }
        }
        for i in (count / 8 * 8)..<count { out[i] = gate[i] / (1 + FastMath.exp(-gate[i])) * up[i] }
    }

    /// dgate = dh · up · σ(g)(1 + g(1 − σ(g))); dup = dh · silu(g). Both overwrite (dgate may
    /// alias nothing it reads).
    static func backward(dgate: UnsafeMutablePointer<Float>, dup: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>,
                         gate: UnsafePointer<Float>, up: UnsafePointer<Float>, count: Int, pool: WorkerPool) {
        pool.forRanges(count / 8, minimumChunk: 512) { _, range in
            let dg = UnsafeMutableRawPointer(dgate), du = UnsafeMutableRawPointer(dup)
            let dh = UnsafeRawPointer(dout), g = UnsafeRawPointer(gate), u = UnsafeRawPointer(up)
            for block in range {
                let offset = block * 32
                let x = g.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                let d = dh.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                let sigmoid = 1 / (1 + FastMath.exp(-x))
                du.storeBytes(of: d * x * sigmoid, toByteOffset: offset, as: Vector.self)
                let upValue = u.loadUnaligned(fromByteOffset: offset, as: Vector.self)
                dg.storeBytes(of: d * upValue * sigmoid * (1 + x * (1 - sigmoid)), toByteOffset: offset, as: Vector.self)
            }
        }
        for i in (count / 8 * 8)..<count {
            let x = gate[i], sigmoid = 1 / (1 + FastMath.exp(-x))
            dup[i] = dout[i] * x * sigmoid
            dgate[i] = dout[i] * up[i] * sigmoid * (1 + x * (1 - sigmoid))
        }
    }
}
