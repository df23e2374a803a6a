/// Vectorised e^x for the softmax and SiLU loops (libm's expf is scalar and was a tenth of
/// a training step). Cephes' expf polynomial on x = n·ln2 + r, |r| ≤ ln2/2: relative error
/// about 2 ulp. Inputs are clamped to [−87.3, 88], so e^x never becomes 0, ∞ or NaN here
/// (e^−87.3 ≈ 1e−38 is 0 for every sum it enters). Only SSE2-level operations are used, so
/// the code vectorises on any x86-64 or arm64 target.
enum FastMath {
    typealias Vector = SIMD8<Float>

    @inline(__always)
    static func exp(_ input: Vector) -> Vector {
        let x = input.clamped(lowerBound: Vector(repeating: -87.33654), upperBound: Vector(repeating: 88))
        // Round x·log2(e) to the nearest integer by adding and removing 1.5·2²³.
        let magic = Vector(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Vector(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_1e-1
        p = p * (r * r) + r + 1
        // 2ⁿ from the integer that the magic addition left in the low mantissa bits.
        let integer = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- unsafeBitCast(magic, to: SIMD8<Int32>.self)
        let scale = unsafeBitCast((integer &+ 127) &<< 23, to: Vector.self)
        return p * scale
    }

    @inline(__always)
    static func exp(_ x: Float) -> Float { exp(Vector(repeating: x))[0] }

    /// x[i] = e^(x[i] − shift) for i in 0..<count; returns the sum of the results.
    static func expShiftedSum(_ x: UnsafeMutablePointer<Float>, count: Int, shift: Float) -> Float {
        var sums = Vector.zero
        var i = 0
        let raw = UnsafeMutableRawPointer(x)
        while i + 8 <= count {
            let v = exp(raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - shift)
            raw.storeBytes(of: v, toByteOffset: i * 4, as: Vector.self)
            sums += v
            i += 8
        }
        var sum = sums.sum()
        while i < count {
            let e = exp(x[i] - shift)
            x[i] = e
            sum += e
            i += 1
        }
        return sum
    }

    /// Largest of x[0..<count] (count > 0).
    static func maximum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var best = Vector(repeating: -.infinity)
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 8 <= count {
            best = pointwiseMax(best, raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self))
            i += 8
        }
        var m = best.max()
        while i < count {
            m = Swift.max(m, x[i])
            i += 1
        }
        return m
    }
}
