/// Token embedding lookup. Shapes: tokens [n], table [vocab, d], out [n, d].
/// Token ids were checked against the vocabulary when the batch was validated.
enum Embedding {
    static func forward(out: UnsafeMutablePointer<Float>, tokens: UnsafePointer<Int32>, table: UnsafePointer<Float>,
                        n: Int, d: Int, pool: WorkerPool) {
        pool.forRanges(n, minimumChunk: 64) { _, rows in
            for r in rows { (out + r * d).update(from: table + Int(tokens[r]) * d, count: d) }
        }
    }

    /// dtable[token] += dout[row]. Workers own disjoint column slices, so repeated tokens in
    /// different rows never race.
    static func backward(dtable: UnsafeMutablePointer<Float>, dout: UnsafePointer<Float>, tokens: UnsafePointer<Int32>,
                         n: Int, d: Int, pool: WorkerPool) {
        pool.forRanges(d, minimumChunk: 16) { _, columns in
            for r in 0..<n {
                let src = dout + r * d
                let dst = dtable + Int(tokens[r]) * d
                for c in columns { dst[c] += src[c] }
            }
        }
    }
}
