#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The distinct values of one column chunk, in first-seen order, with an open-addressing
/// hash table from value bytes to dictionary index. Values are compared by their PLAIN bytes,
/// which is value equality for every physical type (floats by bit pattern, as Arrow does).
struct DictionaryBuilder {
    private(set) var values: LeafValues
    /// Slot → dictionary index + 1 (0: empty). The capacity is a power of two, kept at most
    /// half full.
    private var slots: [Int32]
    private var hashes: [UInt64] = []

    init(physicalType: PhysicalType, typeLength: Int) {
        values = LeafValues(physicalType: physicalType, typeLength: typeLength)
        slots = [Int32](repeating: 0, count: 1024)
    }

    var count: Int { values.count }

    /// The size of the dictionary page's PLAIN body.
    var plainSize: Int { values.bytes.count + (values.isVariableWidth ? 4 * values.count : 0) }

    /// The index of `value`, added if new.
    mutating func index(of value: UnsafeRawBufferPointer) -> UInt32 {
        let hash = Self.hash(value)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry == 0 { break }
            let index = Int(entry - 1)
            if hashes[index] == hash && equals(index, value) { return UInt32(index) }
            slot = (slot + 1) & mask
        }
        let index = values.count
        values.append(value)
        hashes.append(hash)
        slots[slot] = Int32(index + 1)
        if values.count * 2 > slots.count { grow() }
        return UInt32(index)
    }

    private func equals(_ index: Int, _ value: UnsafeRawBufferPointer) -> Bool {
        let range = values.range(index)
        guard range.count == value.count else { return false }
        if value.isEmpty { return true }
        return values.bytes.withUnsafeBytes { memcmp($0.baseAddress! + range.lowerBound, value.baseAddress!, value.count) == 0 }
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// A fast non-cryptographic hash: eight bytes at a time, multiply-xor mixing.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let k: UInt64 = 0x9E37_79B9_7F4A_7C15
        var h = UInt64(bytes.count) &* k
        var i = 0
        while i + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ word) &* k
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < bytes.count {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* k
        h ^= h >> 32
        return h &* 0xBF58_476D_1CE4_E5B9 ^ (h >> 31)
    }
}
