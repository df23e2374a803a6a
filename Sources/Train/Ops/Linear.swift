import COpenBLAS

/// A fully connected layer with the PyTorch weight layout: `out = inp · Wᵀ (+ bias)`.
///
/// Shapes: inp [n, inDim], weight [outDim, inDim], bias [outDim], out [n, outDim].
/// Each sgemm runs single-threaded; the pool splits rows (or output features for the weight
/// gradient) so no two workers write the same memory.
enum Linear {
    /// Rows per worker below which splitting costs more than it saves.
    static let minimumRows = 16

    /// With `accumulate`, the product (and bias) is added to what `out` holds: the residual
    /// connection comes for free.
    static func forward(
        out: UnsafeMutablePointer<Float>, inp: UnsafePointer<Float>, weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
        n: Int, inDim: Int, outDim: Int, accumulate: Bool = false, pool: WorkerPool
    ) {
        pool.forRanges(n, minimumChunk: minimumRows) { _, rows in
            let m = rows.count
            let o = out + rows.lowerBound * outDim
            if let bias {
                for r in 0..<m {
                    let row = o + r * outDim
                    if accumulate {
                        for j in 0..<outDim { row[j] += bias[j] }
                    } else {
                        row.update(from: bias, count: outDim)
                    }
                }
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(outDim), Int32(inDim),
                        1, inp + rows.lowerBound * inDim, Int32(inDim), weight, Int32(inDim),
                        bias == nil && !accumulate ? 0 : 1, o, Int32(outDim))
        }
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
