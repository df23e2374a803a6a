/// Each scalar's general category (as Oniguruma sees it) and `\s` membership in one byte:
/// bits 0-4 the index into `UnicodeTables.categoryNames`, bit 5 set for `\s`. The compiled
/// regexes map this key to their class masks. Two stages like `CharClassTable`; built on first use.
struct CategoryTable: @unchecked Sendable {
    private let stage1: UnsafePointer<UInt16>
    private let stage2: UnsafePointer<UInt8>

    static let whitespaceBit: UInt8 = 0x20
    /// Number of distinct keys.
    static let keyCount = 64

    static let shared = CategoryTable()

    private init() {
        let unassigned = UInt8(UnicodeTables.categoryNames.count - 1)
        let flat = UnsafeMutablePointer<UInt8>.allocate(capacity: 0x110000)
        defer { flat.deallocate() }
        flat.initialize(repeating: unassigned, count: 0x110000)
        let runs = UnicodeTables.generalCategory
        var r = 0
        while r + 2 < runs.count {
            for cp in Int(runs[r])...Int(runs[r + 1]) { flat[cp] = UInt8(runs[r + 2]) }
            r += 3
        }
        let spaces = UnicodeTables.whitespace
        r = 0
        while r + 1 < spaces.count {
            for cp in Int(spaces[r])...Int(spaces[r + 1]) { flat[cp] |= Self.whitespaceBit }
            r += 2
        }
        // Blocks of 256 keys, deduplicated by content.
        var blockIndex: [[UInt8]: UInt16] = [:]
        var blocks: [UInt8] = []
        let s1 = UnsafeMutablePointer<UInt16>.allocate(capacity: 0x1100)
        for b in 0..<0x1100 {
            let block = Array(UnsafeBufferPointer(start: flat + (b << 8), count: 256))
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

    /// The key of `cp` (a valid scalar).
    @inline(__always)
    func key(_ cp: UInt32) -> Int {
        Int(stage2[Int(stage1[Int(cp >> 8)]) << 8 | Int(cp & 0xFF)])
    }
}
