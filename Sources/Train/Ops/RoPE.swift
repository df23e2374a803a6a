import Foundation

/// Rotary position embedding in the HF "rotate_half" layout: dimension i pairs with
/// i + headDim/2, with frequency θ^(−2i/headDim). Angles are computed in Float32 the way
/// transformers computes them, so long positions round the same way.
struct RoPETable: Sendable {
    let half: Int
    let positions: Int
    let cos: [Float]
    let sin: [Float]

    init(theta: Double, headDim: Int, positions: Int) {
        half = headDim / 2
        self.positions = positions
        let inverseFrequency = (0..<half).map { i in Float(1) / Foundation.pow(Float(theta), Float(2 * i) / Float(headDim)) }
        var c = [Float](repeating: 0, count: positions * half)
        var s = [Float](repeating: 0, count: positions * half)
        for p in 0..<positions {
            for i in 0..<half {
                let angle = Float(p) * inverseFrequency[i]
                c[p * half + i] = Foundation.cos(angle)
                s[p * half + i] = Foundation.sin(angle)
            }
        }
        cos = c
        sin = s
    }
}

enum RoPE {
    /// Rotates every head of x [n, heads, headDim] in place by its token's position.
    static func forward(_ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, n: Int, heads: Int,
                        table: RoPETable, pool: WorkerPool) {
        rotate(x, positions: positions, n: n, heads: heads, table: table, direction: 1, pool: pool)
    }

    /// The rotation is orthogonal, so the gradient goes back through the inverse rotation.
    static func backward(_ dx: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, n: Int, heads: Int,
                         table: RoPETable, pool: WorkerPool) {
        rotate(dx, positions: positions, n: n, heads: heads, table: table, direction: -1, pool: pool)
    }

    private static func rotate(_ x: UnsafeMutablePointer<Float>, positions: UnsafePointer<Int32>, n: Int, heads: Int,
                               table: RoPETable, direction: Float, pool: WorkerPool) {
        let half = table.half
        let headDim = 2 * half
        table.cos.withUnsafeBufferPointer { cosTable in
            table.sin.withUnsafeBufferPointer { sinTable in
                pool.forRanges(n, minimumChunk: 16) { _, rows in
                    for r in rows {
                        let c = cosTable.baseAddress! + Int(positions[r]) * half
                        let s = sinTable.baseAddress! + Int(positions[r]) * half
                        for h in 0..<heads {
                            let v = x + (r * heads + h) * headDim
                            for i in 0..<half {
                                let a = v[i], b = v[i + half], si = direction * s[i]
                                v[i] = a * c[i] - b * si
                                v[i + half] = b * c[i] + a * si
                            }
                        }
                    }
                }
            }
        }
    }
}
