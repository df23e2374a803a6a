/// Open-addressing map from an id pair (`left << 32 | right`) to a count, for the trainer.
struct PairCounts {
    private var keys: [UInt64]
    private var values: [Int64]
    private var mask: Int
    private(set) var count = 0
    private static let empty = UInt64.max

    init(capacity: Int = 1 << 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int64](repeating: 0, count: size)
        mask = size - 1
    }

    subscript(pair: UInt64) -> Int64 {
        var slot = Int(truncatingIfNeeded: mixPair(pair)) & mask
        while true {
            let k = keys[slot]
            if k == pair { return values[slot] }
            if k == Self.empty { return 0 }
            slot = (slot + 1) & mask
        }
    }

    mutating func add(_ pair: UInt64, _ amount: Int64) {
        var slot = Int(truncatingIfNeeded: mixPair(pair)) & mask
        while true {
            let k = keys[slot]
            if k == pair { values[slot] += amount; return }
            if k == Self.empty { break }
            slot = (slot + 1) & mask
        }
        keys[slot] = pair
        values[slot] = amount
        count += 1
        if count * 2 > keys.count { grow() }
    }

    private mutating func grow() {
        let oldKeys = keys, oldValues = values
        let size = keys.count * 2
        keys = [UInt64](repeating: Self.empty, count: size)
        values = [Int64](repeating: 0, count: size)
        mask = size - 1
        for (k, v) in zip(oldKeys, oldValues) where k != Self.empty {
            var slot = Int(truncatingIfNeeded: mixPair(k)) & mask
            while keys[slot] != Self.empty { slot = (slot + 1) & mask }
            keys[slot] = k
            values[slot] = v
        }
    }
}
