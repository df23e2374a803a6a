import Foundation
import JSON
import Store

/// The current pair set at a glance, for `pref stats`: counts per strategy, stage and split,
/// and a histogram of score gaps per split.
public struct PairStatistics: Sendable {
    public struct Group: Sendable, Equatable {
        public var strategy: String
        public var stage: Int
        public var split: SplitName
        public var pairs: Int
    }

    /// Pairs whose gap lies in [lower, upper).
    public struct GapBin: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var train: Int
        public var test: Int
    }

    /// The settings the pairs were built with (nil when the catalog has none).
    public var settings: PairSettings?
    public var groups: [Group] = []
    public var gapHistogram: [GapBin] = []
    /// Pairs without a gap (binarized records with no scores), per split.
    public var unknownGapTrain = 0
    public var unknownGapTest = 0

    public var pairs: Int { groups.reduce(0) { $0 + $1.pairs } }

    /// Reads the statistics; `bins` is the most histogram bins (their width is rounded to 1, 2, 2.5 or 5 × 10^k).
    public static func read(_ catalog: Catalog, bins: Int = 10) throws -> PairStatistics {
        try catalog.read { tx in
            var stats = PairStatistics()
            stats.settings = try tx.settingValue(.pairs).flatMap(PairSettings.init(json:))
            stats.groups = try tx.pairGroups().map {
                Group(strategy: $0.strategy, stage: $0.stage, split: $0.split == "test" ? .test : .train, pairs: $0.pairs)
            }
            var gaps: [(gap: Double, test: Bool)] = []
            try tx.forEachPairGap { score, split in
                let test = split == "test"
                if let gap = score, gap.isFinite {
                    gaps.append((gap, test))
                } else if test {
                    stats.unknownGapTest += 1
                } else {
                    stats.unknownGapTrain += 1
                }
            }
            stats.gapHistogram = histogram(gaps, bins: max(1, bins))
            return stats
        }
    }

    static func histogram(_ gaps: [(gap: Double, test: Bool)], bins: Int) -> [GapBin] {
        guard let maxGap = gaps.map(\.gap).max() else { return [] }
        let width = niceWidth(max(maxGap, 1e-9) / Double(bins))
        let count = min(Int((maxGap / width).rounded(.down)) + 1, bins + 1)
        var out = (0..<count).map { GapBin(lower: Double($0) * width, upper: Double($0 + 1) * width, train: 0, test: 0) }
        for (gap, test) in gaps {
            let k = min(count - 1, max(0, Int((gap / width).rounded(.down))))
            if test { out[k].test += 1 } else { out[k].train += 1 }
        }
        return out
    }

    static func niceWidth(_ raw: Double) -> Double {
        let scale = pow(10, (log10(raw)).rounded(.down))
        return [1, 2, 2.5, 5, 10].map { $0 * scale }.first { $0 >= raw * (1 - 1e-12) } ?? 10 * scale
    }

    public var text: String {
        guard pairs > 0 else { return "pairs: none yet (run `pref pairs --strategy ...`)" }
        var lines = ["pairs: \(pairs)" + (settings.map { " (strategy \($0.strategy.rawValue), curriculum \($0.curriculum), seed \($0.seed))" } ?? "")]
        var table = TextTable(["strategy", "split", "stage", "pairs"])
        for g in groups { table.add([g.strategy, g.split.rawValue, "\(g.stage)", "\(g.pairs)"]) }
        lines.append(table.render())
        lines.append("score gap histogram:")
        var hist = TextTable(["gap", "train", "test"])
        for b in gapHistogram { hist.add(["[\(Format.number(b.lower)), \(Format.number(b.upper)))", "\(b.train)", "\(b.test)"]) }
        if unknownGapTrain + unknownGapTest > 0 { hist.add(["no score", "\(unknownGapTrain)", "\(unknownGapTest)"]) }
        lines.append(hist.render())
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("settings", settings?.json ?? .null),
            ("pairs", .int(Int64(pairs))),
            ("groups", .array(groups.map { g in
                .object(JSONObject([("strategy", .string(g.strategy)), ("split", .string(g.split.rawValue)),
                                    ("stage", .int(Int64(g.stage))), ("pairs", .int(Int64(g.pairs)))]))
            })),
            ("gap_histogram", .array(gapHistogram.map { b in
                .object(JSONObject([("lower", .double(b.lower)), ("upper", .double(b.upper)),
                                    ("train", .int(Int64(b.train))), ("test", .int(Int64(b.test)))]))
            })),
            ("unknown_gap", .object(JSONObject([("train", .int(Int64(unknownGapTrain))), ("test", .int(Int64(unknownGapTest)))]))),
        ]))
    }
}
