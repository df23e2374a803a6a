import COpenBLAS

/// A fully connected layer with the PyTorch weight layout: `out = inp · Wᵀ (+ bias)`.
///
/// Shapes: inp [n, inDim], weight [outDim, inDim], bias [outDim], out [n, outDim].
/// Each sgemm runs single-threaded; the pool splits rows (or output features, for the weight
/// gradient and for products of few rows) so no two workers write the same memory.
enum Linear {
    /// Rows per worker below which splitting costs more than it saves.
    static let minimumRows = 16

    /// With `accumulate`, the product (and bias) is added to what `out` holds: the residual
    /// connection comes for free.
    static func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        n: Int, inDim: Int, outDim: Int, accumulate: Bool = false, pool: WorkerPool
    ) {
        if n >= 2 * minimumRows {
            pool.forRanges(n, minimumChunk: minimumRows) { _, rows in
                product(out: out, inp: inp, weight: weight, bias: bias, rows: rows, features: 0..<outDim,
                        inDim: inDim, outDim: outDim, accumulate: accumulate)
            }
        } else {
            // Too few rows to share out (one token of cached generation): split the output
            // features instead, so every core still works on the product.
            pool.forRanges(outDim, minimumChunk: 64) { _, features in
                product(out: out, inp: inp, weight: weight, bias: bias, rows: 0..<n, features: features,
                        inDim: inDim, outDim: outDim, accumulate: accumulate)
            }
        }
    }

    /// out[rows, features] (=|+=) inp[rows] · W[features]ᵀ + bias[features].
    private static func product(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        rows: Range<Int>, features: Range<Int>, inDim: Int, outDim: Int, accumulate: Bool
    ) {
        let o = out + rows.lowerBound * outDim + features.lowerBound
        if let bias {
            for r in 0..<rows.count {
                let row = o + r * outDim
                let b = bias + features.lowerBound
                if accumulate {
                    for j in 0..<features.count { row[j] += b[j] }
                } else {
                    row.update(from: b, count: features.count)
                }
            }
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows.count), Int32(features.count), Int32(inDim),
                    1, inp + rows.lowerBound * inDim, Int32(inDim), weight + features.lowerBound * inDim, Int32(inDim),
                    bias == nil && !accumulate ? 0 : 1, o, Int32(outDim))
    }

    /// dinp = dout · W (overwrites, or adds when `accumulateInput`); dweight += doutᵀ · inp;
    /// dbias += column sums of dout.
    static func backward(
        dinp: UnsafeMutablePointer<Float>?, dweight: UnsafeMutablePointer<Float>, dbias: UnsafeMutablePointer<Float>?,
        dout: UnsafePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        n: Int, inDim: Int, outDim: Int, accumulateInput: Bool = false, pool: WorkerPool
    ) {
        if let dinp {
            pool.forRanges(n, minimumChunk: minimumRows) { _, rows in
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows.count), Int32(inDim), Int32(outDim),
                            1, dout + rows.lowerBound * outDim, Int32(outDim), weight, Int32(inDim),
                            accumulateInput ? 1 : 0, dinp + rows.lowerBound * inDim, Int32(inDim))
            }
        }
        pool.forRanges(outDim, minimumChunk: minimumRows) { _, features in
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(features.count), Int32(inDim), Int32(n),
                        1, dout + features.lowerBound, Int32(outDim), inp, Int32(inDim),
                        1, dweight + features.lowerBound * inDim, Int32(inDim))
            if let dbias {
                for f in features {
                    var sum: Float = 0
                    for r in 0..<n { sum += dout[r * outDim + f] }
                    dbias[f] += sum
                }
            }
        }
    }
}
