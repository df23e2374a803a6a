/// Stage and consumption rank of each pair of one split.
public enum CurriculumOrder {
    public struct Placement: Sendable, Equatable {
        public var stages: [Int]
        /// 0-based order in which the trainer reads the pairs.
        public var ranks: [Int]
    }

    /// `gaps[i]` is pair i's score gap (nil: unknown, treated as hardest), `tieKeys[i]` a
    /// seeded key that orders pairs the curriculum does not tell apart.
    ///
    /// - `none`: one stage, ranked by the seeded key (a reproducible shuffle).
    /// - `gap`: one stage, largest gap first; equal gaps in seeded order.
    /// - `stages(n)`: stage k holds the k-th n-quantile of gaps, largest first. A pair's stage
    ///   is ⌊n · (number of pairs with a strictly larger gap) / (pairs with a known gap)⌋, so
    ///   equal gaps always share a stage; unknown gaps go to the last stage. Within a stage
    ///   pairs are in seeded order, as a trainer samples them.
    public static func place(gaps: [Double?], tieKeys: [UInt64], curriculum: Curriculum) -> Placement {
        precondition(gaps.count == tieKeys.count, "one tie key per pair")
        let n = gaps.count
        var stages = [Int](repeating: 0, count: n)
        var order = Array(0..<n)
        switch curriculum {
        case .none:
            order.sort { (tieKeys[$0], $0) < (tieKeys[$1], $1) }
        case .gap:
            order.sort { byGap($0, $1, gaps, tieKeys) }
        case .stages(let count):
            order.sort { byGap($0, $1, gaps, tieKeys) }
            let known = gaps.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
            var runStart = 0
            for (position, i) in order.enumerated() {
                guard let g = gaps[i] else { stages[i] = count - 1; continue }
                if position > 0, let previous = gaps[order[position - 1]], previous != g { runStart = position }
                stages[i] = min(count - 1, runStart * count / max(known, 1))
            }
            order.sort { (stages[$0], tieKeys[$0], $0) < (stages[$1], tieKeys[$1], $1) }
        }
        var ranks = [Int](repeating: 0, count: n)
        for (rank, i) in order.enumerated() { ranks[i] = rank }
        return Placement(stages: stages, ranks: ranks)
    }

    /// Larger gap first, unknown gaps last, then the seeded key.
    private static func byGap(_ a: Int, _ b: Int, _ gaps: [Double?], _ keys: [UInt64]) -> Bool {
        switch (gaps[a], gaps[b]) {
        case let (ga?, gb?) where ga != gb: return ga > gb
        case (nil, _?): return false
        case (_?, nil): return true
        default: return (keys[a], a) < (keys[b], b)
        }
    }
}
