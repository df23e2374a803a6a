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

    /// One slot holds all a probe reads, so a lookup costs one cache miss, not one per field
    /// (the chat path spends most of its encode time in these misses). `keyOffset` is the key's
    /// offset into `keys` + 1 (0 = empty slot).
    private struct Slot {
        var hash: UInt64 = 0
        var keyOffset: Int32 = 0
        var keyLength: Int32 = 0
        var idOffset: Int32 = 0
        var idCount: Int32 = 0
    }

    private let slots = UnsafeMutablePointer<Slot>.allocate(capacity: slotCount)
    private let keys = UnsafeMutablePointer<UInt8>.allocate(capacity: keyArenaSize)
    private let ids = UnsafeMutablePointer<UInt32>.allocate(capacity: idArenaSize)
    private var keysUsed = 0
    private var idsUsed = 0
    private var entries = 0

    init() {
        slots.initialize(repeating: Slot(), count: Self.slotCount)
    }

    deinit {
        slots.deallocate()
        keys.deallocate()
        ids.deallocate()
    }

    /// Appends the cached ids of the word to `out` and returns true, or returns false.
    @inline(__always)
    func append(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, to out: inout [UInt32]) -> Bool {
        var slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
        while true {
            let entry = slots[slot]
            if entry.keyOffset == 0 { return false }
            if entry.hash == h && Int(entry.keyLength) == n && equalBytes(keys + Int(entry.keyOffset - 1), p, n) {
                out.append(contentsOf: UnsafeBufferPointer(start: ids + Int(entry.idOffset), count: Int(entry.idCount)))
                return true
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, ids word: UnsafeBufferPointer<UInt32>) {
        if entries >= Self.maxEntries || keysUsed + n > Self.keyArenaSize || idsUsed + word.count > Self.idArenaSize {
            clear()
        }
        var slot = Int(truncatingIfNeeded: h) & (Self.slotCount - 1)
        while slots[slot].keyOffset != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        (keys + keysUsed).update(from: p, count: n)
        if let base = word.baseAddress, word.count > 0 { (ids + idsUsed).update(from: base, count: word.count) }
        slots[slot] = Slot(hash: h, keyOffset: Int32(keysUsed + 1), keyLength: Int32(n), idOffset: Int32(idsUsed),
                           idCount: Int32(word.count))
        keysUsed += n
        idsUsed += word.count
        entries += 1
    }

    func clear() {
        slots.update(repeating: Slot(), count: Self.slotCount)
        keysUsed = 0
        idsUsed = 0
        entries = 0
    }
}
