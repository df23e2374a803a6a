/// The scalar sets of one compiled regex (at most 64) as bits: `mask(cp)` has bit `k` set when
/// `cp` is in set `k`. ASCII is one table load; other scalars go through `CategoryTable`'s key
/// and, only inside the pattern's explicit non-ASCII ranges (CJK blocks, say), a binary search.
final class ClassMasks: @unchecked Sendable {
    private let ascii: UnsafeMutablePointer<UInt64>
    /// Per `CategoryTable` key: the sets whose categories or `\s` hold it (before negation).
    private let byKey: UnsafeMutablePointer<UInt64>
    private let negated: UInt64
    /// Disjoint non-ASCII intervals, sorted, with the sets whose explicit ranges cover them.
    private let intervals: [(lo: UInt32, hi: UInt32, mask: UInt64)]
    private let intervalLow: UInt32
    private let intervalHigh: UInt32
    private let table = CategoryTable.shared

    deinit {
        ascii.deallocate()
        byKey.deallocate()
    }

    init?(_ sets: [ScalarSet]) {
        guard sets.count <= 64 else { return nil }
        ascii = .allocate(capacity: 128)
        byKey = .allocate(capacity: CategoryTable.keyCount)
        var negated: UInt64 = 0
        for k in 0..<CategoryTable.keyCount {
            var mask: UInt64 = 0
            let category = k & 0x1F
            for (bit, set) in sets.enumerated() where category < UnicodeTables.categoryNames.count {
                if set.categories & (1 << UInt32(category)) != 0 || set.whitespace && k & Int(CategoryTable.whitespaceBit) != 0 {
                    mask |= 1 << UInt64(bit)
                }
            }
            byKey[k] = mask
        }
        for (bit, set) in sets.enumerated() where set.negated { negated |= 1 << UInt64(bit) }
        self.negated = negated
        for cp in 0..<UInt32(128) {
            let key = table.key(cp)
            var mask: UInt64 = 0
            for (bit, set) in sets.enumerated()
            where set.contains(cp, category: key & 0x1F, isSpace: key & Int(CategoryTable.whitespaceBit) != 0) {
                mask |= 1 << UInt64(bit)
            }
            ascii[Int(cp)] = mask
        }
        // Cut the non-ASCII part of every explicit range at every boundary, then give each piece
        // the sets that cover it.
        var bounds = Set<UInt32>()
        for set in sets {
            for r in set.ranges where r.upperBound >= 0x80 {
                bounds.insert(max(r.lowerBound, 0x80))
                bounds.insert(r.upperBound + 1)
            }
        }
        let cuts = bounds.sorted()
        var intervals: [(lo: UInt32, hi: UInt32, mask: UInt64)] = []
        for (lo, next) in zip(cuts, cuts.dropFirst()) {
            var mask: UInt64 = 0
            for (bit, set) in sets.enumerated() where set.ranges.contains(where: { $0.contains(lo) }) {
                mask |= 1 << UInt64(bit)
            }
            if mask != 0 { intervals.append((lo, next - 1, mask)) }
        }
        self.intervals = intervals
        intervalLow = intervals.first?.lo ?? UInt32.max
        intervalHigh = intervals.last?.hi ?? 0
    }

    /// The sets holding the scalar at `i` and its byte length.
    @inline(__always)
    func mask(_ p: UnsafePointer<UInt8>, _ i: Int) -> (UInt64, Int) {
        let b = p[i]
        if b < 0x80 { return (ascii[Int(b)], 1) }
        let (cp, n) = decodeScalar(p, i)
        var m = byKey[table.key(cp)]
        if cp >= intervalLow && cp <= intervalHigh { m |= rangeMask(cp) }
        return (m ^ negated, n)
    }

    private func rangeMask(_ cp: UInt32) -> UInt64 {
        var lo = 0
        var hi = intervals.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if intervals[mid].hi < cp { lo = mid + 1 } else { hi = mid }
        }
        return lo < intervals.count && intervals[lo].lo <= cp ? intervals[lo].mask : 0
    }
}
