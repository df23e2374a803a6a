/// Hashing and open-addressing tables for the encoder's hot path: no per-lookup allocation,
/// no String, keys compared as bytes.

/// A fast non-cryptographic hash of a byte string (8 bytes at a time, multiply-xorshift mix).
@inline(__always)
func hashBytes(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt64 {
    var h: UInt64 = 0x9E37_79B9_7F4A_7C15 &+ UInt64(count)
    let raw = UnsafeRawPointer(p)
    var i = 0
    while i + 8 <= count {
        h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        i += 8
    }
    if i < count {
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < count {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        h ^= h >> 29
    }
    return h &* 0x9E37_79B9_7F4A_7C15
}

@inline(__always)
func mixPair(_ key: UInt64) -> UInt64 {
    var h = key &* 0x9E37_79B9_7F4A_7C15
    h ^= h >> 32
    return h
}

/// Immutable map from byte strings to UInt32 (the vocabulary by raw bytes). Built once, then
/// read concurrently; storage is never mutated after `init`.
final class ByteStringMap: @unchecked Sendable {
    /// One slot: everything a probe compares in one cache line's reach (separate arrays cost a
    /// miss each per lookup). `offset` is the key's offset into `arena` + 1 (0 = empty).
    private struct Slot {
        var hash: UInt64 = 0
        var offset: Int32 = 0
        var length: Int32 = 0
        var value: UInt32 = 0
    }

    private let mask: Int
    private let slots: UnsafeMutablePointer<Slot>
    private let arena: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Later duplicates overwrite earlier ones.
    init(_ entries: [([UInt8], UInt32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(), count: capacity)
        let total = entries.reduce(0) { $0 + $1.0.count }
        let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        self.arena = arena
        let slots = self.slots, mask = self.mask
        var used = 0
        var distinct = 0
        for (key, value) in entries {
            let h = key.withUnsafeBufferPointer { hashBytes($0.baseAddress ?? UnsafePointer(arena), $0.count) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot].offset != 0 {
                if slots[slot].hash == h, Int(slots[slot].length) == key.count,
                   memcmpEqual(arena + Int(slots[slot].offset - 1), key) {
                    break
                }
                slot = (slot + 1) & mask
            }
            if slots[slot].offset == 0 {
                (arena + used).initialize(from: key, count: key.count)
                slots[slot] = Slot(hash: h, offset: Int32(used + 1), length: Int32(key.count))
                used += key.count
                distinct += 1
            }
            slots[slot].value = value
        }
        count = distinct
    }

    deinit {
        slots.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    func get(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        let h = hashBytes(p, n)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry.offset == 0 { return nil }
            if entry.hash == h && Int(entry.length) == n && equalBytes(arena + Int(entry.offset - 1), p, n) {
                return entry.value
            }
            slot = (slot + 1) & mask
        }
    }

    func get(_ key: [UInt8]) -> UInt32? {
        key.withUnsafeBufferPointer { get($0.baseAddress ?? UnsafePointer(arena), key.count) }
    }
}

@inline(__always)
func equalBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    var i = 0
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    while i + 8 <= n {
        if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
            return false
        }
        i += 8
    }
    while i < n {
        if a[i] != b[i] { return false }
        i += 1
    }
    return true
}

private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ key: [UInt8]) -> Bool {
    key.withUnsafeBufferPointer { b in b.isEmpty || equalBytes(a, b.baseAddress!, b.count) }
}

/// Immutable map from a pair of ids to (rank, merged id): the BPE merges.
final class MergeTable: @unchecked Sendable {
    private let mask: Int
    private let keys: UnsafeMutablePointer<UInt64>
    private let values: UnsafeMutablePointer<UInt64>
    private static let empty = UInt64.max

    /// `merges[i]` = (left, right, merged); rank = index. Later duplicates win, as in HF.
    init(_ merges: [(UInt32, UInt32, UInt32)]) {
        var capacity = 16
        while capacity < merges.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        keys = .allocate(capacity: capacity)
        keys.initialize(repeating: Self.empty, count: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        for (rank, (a, b, merged)) in merges.enumerated() {
            let key = UInt64(a) << 32 | UInt64(b)
            var slot = Int(truncatingIfNeeded: mixPair(key)) & mask
            while keys[slot] != Self.empty && keys[slot] != key { slot = (slot + 1) & mask }
            keys[slot] = key
            values[slot] = UInt64(rank) << 32 | UInt64(merged)
        }
    }

    deinit {
        keys.deallocate()
        values.deallocate()
    }

    /// `rank << 32 | merged`, or `UInt64.max` when the pair does not merge (so it sorts last).
    @inline(__always)
    func lookup(_ a: UInt32, _ b: UInt32) -> UInt64 {
        let key = UInt64(a) << 32 | UInt64(b)
        var slot = Int(truncatingIfNeeded: mixPair(key)) & mask
        while true {
            let k = keys[slot]
            if k == key { return values[slot] }
            if k == Self.empty { return UInt64.max }
            slot = (slot + 1) & mask
        }
    }
}
