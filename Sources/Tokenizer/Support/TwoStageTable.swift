/// A byte per Unicode scalar, stored in two stages: a block number per 256 scalars, then the
/// distinct 256-byte blocks. Built once from a flat table; never freed (shared tables).
struct TwoStageTable: @unchecked Sendable {
    let stage1: UnsafePointer<UInt16>
    let stage2: UnsafePointer<UInt8>

    /// `flat` holds 0x110000 bytes. Runs of equal blocks (most of the planes above the BMP) are
    /// caught by comparing with the previous block before hashing: building runs at load time.
    init(flat: UnsafePointer<UInt8>) {
        var blockIndex: [[UInt8]: UInt16] = [:]
        var blocks: [UInt8] = []
        let s1 = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x1100)
        for b in 0..<0x1100 {
            let start = flat + (b << 8)
            if b > 0, equalBytes(start, start - 256, 256) {
                s1[b] = s1[b - 1]
                continue
            }
            let block = Array(UnsafeBufferPointer(start: start, count: 256))
            if let index = blockIndex[block] {
                s1[b] = index
            } else {
                let index = UInt16(blockIndex.count)
                blockIndex[block] = index
                blocks.append(contentsOf: block)
                s1[b] = index
            }
        }
        let s2 = UnsafeMutablePointer<UInt8>.allocate(capacity: blocks.count)
        s2.initialize(from: blocks, count: blocks.count)
        stage1 = UnsafePointer(s1)
        stage2 = UnsafePointer(s2)
    }

    @inline(__always)
    subscript(cp: UInt32) -> UInt8 {
        stage2[Int(stage1[Int(cp >> 8)]) << 8 | Int(cp & 0xFF)]
    }
}

/// Marks `bit` in `flat` for every scalar in the flat [first, last, ...] range pairs.
func markRanges(_ flat: UnsafeMutablePointer<UInt8>, _ pairs: [UInt32], _ bit: UInt8) {
    var i = 0
    while i + 1 < pairs.count {
        for cp in Int(pairs[i])...Int(pairs[i + 1]) { flat[cp] |= bit }
        i += 2
    }
}
