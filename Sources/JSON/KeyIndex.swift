/// Finds the keys an object already has by their UTF-8 bytes, so that parsing resolves
/// duplicate keys as Python's `json` does: keys are the same when their code points are. A
/// `[String: Int]` would also equate canonically equivalent keys, and hashes slowly: it
/// normalizes every non-ASCII key, and a byte-level vocabulary has tens of thousands.
struct KeyIndex {
    private struct Slot {
        var hash: UInt64 = 0
        var position: Int32 = -1
    }

    private var slots: [Slot]
    private let mask: Int

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    /// Where `key` already is among `keys`; if nowhere, records it at `next` and returns nil.
    mutating func position(of key: String, in keys: [String], orInsertAt next: Int) -> Int? {
        let h = Self.hash(key)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot].position >= 0 {
            let at = Int(slots[slot].position)
            if slots[slot].hash == h && keys[at].utf8.elementsEqual(key.utf8) { return at }
            slot = (slot + 1) & mask
        }
        slots[slot] = Slot(hash: h, position: Int32(next))
        return nil
    }

    /// FNV-1a over the bytes, then a multiply-xorshift so the low bits (the slot) mix well.
    static func hash(_ key: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        h = (h ^ (h >> 32)) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 29)
    }
}
