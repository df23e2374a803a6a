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
    private let mask: Int
    /// Per slot: key offset into `arena` + 1 (0 = empty), key length, value, hash.
    private let offsets: UnsafeMutablePointer<Int32>
    private let lengths: UnsafeMutablePointer<Int32>
    private let values: UnsafeMutablePointer<UInt32>
    private let hashes: UnsafeMutablePointer<UInt64>
    private let arena: UnsafeMutablePointer<UInt8>
    let count: Int

    /// Later duplicates overwrite earlier ones.
    init(_ entries: [([UInt8], UInt32)]) {
        var capacity = 16
        while capacity < entries.count * 2 { capacity <<= 1 }
        mask = capacity - 1
        offsets = .allocate(capacity: capacity)
        offsets.initialize(repeating: 0, count: capacity)
        lengths = .allocate(capacity: capacity)
        lengths.initialize(repeating: 0, count: capacity)
        values = .allocate(capacity: capacity)
        values.initialize(repeating: 0, count: capacity)
        hashes = .allocate(capacity: capacity)
        hashes.initialize(repeating: 0, count: capacity)
        let total = entries.reduce(0) { $0 + $1.0.count }
        let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: max(total, 1))
        self.arena = arena
        let offsets = self.offsets, lengths = self.lengths, values = self.values, hashes = self.hashes, mask = self.mask
        var used = 0
        var distinct = 0
        for (key, value) in entries {
            let h = key.withUnsafeBufferPointer { hashBytes($0.baseAddress ?? UnsafePointer(arena), $0.count) }
            var slot = Int(truncatingIfNeeded: h) & mask
            while offsets[slot] != 0 {
                if hashes[slot] == h, Int(lengths[slot]) == key.count,
                   memcmpEqual(arena + Int(offsets[slot] - 1), key) {
                    break
                }
                slot = (slot + 1) & mask
            }
            if offsets[slot] == 0 {
                (arena + used).initialize(from: key, count: key.count)
                offsets[slot] = Int32(used + 1)
                lengths[slot] = Int32(key.count)
                hashes[slot] = h
                used += key.count
                distinct += 1
            }
            values[slot] = value
        }
        count = distinct
    }

    deinit {
        offsets.deallocate()
        lengths.deallocate()
        values.deallocate()
        hashes.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    func get(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt32? {
        let h = hashBytes(p, n)
        var slot = Int(truncatingIfNeeded: h) & mask
        while offsets[slot] != 0 {
            if hashes[slot] == h && Int(lengths[slot]) == n && equalBytes(arena + Int(offsets[slot] - 1), p, n) {
                return values[slot]
            }
            slot = (slot + 1) & mask
        }
        return nil
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
