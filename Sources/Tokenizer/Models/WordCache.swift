/// A bounded map from a pre-token's bytes to its BPE ids, owned by one encoder at a time
/// (see `EncoderScratch`). When full it is cleared, which keeps memory fixed and costs only
/// re-merging words that come back.
final class WordCache {
    private static let slotCount = 1 << 17
    private static let maxEntries = slotCount / 2
    private static let keyArenaSize = 1 << 22
    private static let idArenaSize = 1 << 20
    /// Longer words are not cached (HF's limit).
    static let maxWordLength = 256

    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount)
    /// Key offset + 1 (0 = empty slot).
    private let keyOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
    private let keyLengths = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
    private let idOffsets = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
    private let idCounts = UnsafeMutablePointer<Int32>.allocate(capacity: slotCount)
    private let keys = UnsafeMutablePointer<UInt8>.allocate(capacity: keyArenaSize)
    private let ids = UnsafeMutablePointer<UInt32>.allocate(capacity: idArenaSize)
    private var keysUsed = 0
    private var idsUsed = 0
    private var entries = 0

    init() {
        keyOffsets.initialize(repeating: 0, count: Self.slotCount)
    }

    deinit {
        hashes.deallocate()
        keyOffsets.deallocate()
        keyLengths.deallocate()
        idOffsets.deallocate()
        idCounts.deallocate()
        keys.deallocate()
        ids.deallocate()
    }

    /// Appends the cached ids of the word to `out` and returns true, or returns false.
    @inline(__always)
    func append(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, to out: inout [UInt32]) -> Bool {
        var slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
        while keyOffsets[slot] != 0 {
            if hashes[slot] == h && Int(keyLengths[slot]) == n && equalBytes(keys + Int(keyOffsets[slot] - 1), p, n) {
                let start = ids + Int(idOffsets[slot])
                out.append(contentsOf: UnsafeBufferPointer(start: start, count: Int(idCounts[slot])))
                return true
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
        return false
    }

    func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ids word: UnsafeBufferPointer<UInt32>) {
        if entries >= Self.maxEntries || keysUsed + n > Self.keyArenaSize || idsUsed + word.count > Self.idArenaSize {
            clear()
        }
        var slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
        while keyOffsets[slot] != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        (keys + keysUsed).update(from: p, count: n)
        if let base = word.baseAddress, word.count > 0 { (ids + idsUsed).update(from: base, count: word.count) }
        hashes[slot] = h
        keyOffsets[slot] = Int32(keysUsed + 1)
        keyLengths[slot] = Int32(n)
        idOffsets[slot] = Int32(idsUsed)
        idCounts[slot] = Int32(word.count)
        keysUsed += n
        idsUsed += word.count
        entries += 1
    }

    func clear() {
        keyOffsets.update(repeating: 0, count: Self.slotCount)
        keysUsed = 0
        idsUsed = 0
        entries = 0
    }
}
