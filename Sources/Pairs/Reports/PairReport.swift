import JSON

/// What `pref pairs` did. Two ledgers add up: preference records = with pairs + without
/// (by reason), and candidate pairs = pairs + skipped (by reason). Completions set aside
/// before pairing (empty, unscored) are counted separately.
public struct PairReport: Sendable {
    public struct StageSummary: Sendable, Equatable {
        public var split: SplitName
        public var stage: Int
        public var pairs: Int
        public var minGap: Double?
        public var maxGap: Double?
        public var unknownGap: Int
    }

    public var settings: PairSettings
    /// Settings and size of the pair set this run replaced (nil / 0 when there was none).
    public var previousSettings: PairSettings?
    public var previousPairs = 0
    public var conversationRecords = 0
    public var preferenceRecords = 0
    public var recordsWithPairs = 0
    public var recordsWithoutPairs = SkipTally()
    public var completions = 0
    public var droppedCompletions = SkipTally()
    public var skippedCandidates = SkipTally()
    public var train = 0
    public var test = 0
    public var stages: [StageSummary] = []

    public var pairs: Int { train + test }
    public var candidates: Int { pairs + skippedCandidates.total }

    public var text: String {
        var lines: [String] = []
        let gapRule = settings.minGap.map { "min gap \(Format.number($0))" } ?? "min gap > 0"
        lines.append("pairs: strategy \(settings.strategy.rawValue), \(gapRule), curriculum \(settings.curriculum), seed \(settings.seed)")
        lines.append("preference records: \(preferenceRecords) = \(recordsWithPairs) with pairs + \(recordsWithoutPairs.total) without "
            + "(\(recordsWithoutPairs.summary))")
        if conversationRecords > 0 { lines.append("conversation records (SFT, never paired): \(conversationRecords)") }
        if settings.strategy != .binarized {
            lines.append("completions: \(completions); set aside before pairing: \(droppedCompletions.summary)")
        }
        lines.append("candidate pairs: \(candidates) = \(pairs) pairs + \(skippedCandidates.total) skipped (\(skippedCandidates.summary))")
        lines.append("pairs: \(pairs) (train \(train), test \(test))")
        var table = TextTable(["split", "stage", "pairs", "gap min", "gap max", "no gap"])
        for s in stages {
            table.add([s.split.rawValue, "\(s.stage)", "\(s.pairs)", s.minGap.map(Format.number) ?? "-",
                       s.maxGap.map(Format.number) ?? "-", "\(s.unknownGap)"])
        }
        if !stages.isEmpty { lines.append(table.render()) }
        if previousPairs > 0 || previousSettings != nil {
            let what = previousSettings.map { "strategy \($0.strategy.rawValue), curriculum \($0.curriculum)" } ?? "unknown settings"
            lines.append("replaced the previous \(previousPairs) pairs (\(what)); pairs are rebuilt from scratch on every run")
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("settings", settings.json),
            ("previous_settings", previousSettings?.json ?? .null),
            ("previous_pairs", .int(Int64(previousPairs))),
            ("conversation_records", .int(Int64(conversationRecords))),
            ("preference_records", .int(Int64(preferenceRecords))),
            ("records_with_pairs", .int(Int64(recordsWithPairs))),
            ("records_without_pairs", recordsWithoutPairs.json),
            ("completions", .int(Int64(completions))),
            ("dropped_completions", droppedCompletions.json),
            ("candidates", .int(Int64(candidates))),
            ("skipped_candidates", skippedCandidates.json),
            ("pairs", .int(Int64(pairs))),
            ("train", .int(Int64(train))),
            ("test", .int(Int64(test))),
            ("stages", .array(stages.map { s in
                .object(JSONObject([
                    ("split", .string(s.split.rawValue)), ("stage", .int(Int64(s.stage))), ("pairs", .int(Int64(s.pairs))),
                    ("min_gap", s.minGap.map { .double($0) } ?? .null), ("max_gap", s.maxGap.map { .double($0) } ?? .null),
                    ("unknown_gap", .int(Int64(s.unknownGap))),
                ]))
            })),
        ]))
    }
}
