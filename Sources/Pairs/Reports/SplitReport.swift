import JSON

/// What `pref split` did: counts per source and split, how each record was placed, and
/// what it replaced.
public struct SplitReport: Sendable {
    public struct SourceCounts: Sendable, Equatable {
        public var sourceId: Int64
        public var path: String
        public var sourceSplit: String?
        public var train = 0
        public var test = 0
        public var records: Int { train + test }
    }

    public var settings: SplitSettings
    /// The settings of the split this run replaced; nil for a first split.
    public var previousSettings: SplitSettings?
    public var sources: [SourceCounts]
    public var train = 0
    public var test = 0
    /// Records that kept the split their source file carried.
    public var keptSourceSplit = 0
    /// Unsplit records whose prompt also appears in a split source: they follow it (test wins).
    public var followedPromptSourceSplit = 0
    /// Records placed by the prompt hash, and how many of those went to test.
    public var hashed = 0
    public var hashedTest = 0
    /// Prompts that the sources themselves put on both sides (kept as the sources say).
    public var straddlingSourcePrompts = 0
    /// Records whose side differs from the replaced split.
    public var changedSide = 0
    /// Records that had no side before (ingested after the previous split).
    public var newlyAssigned = 0
    /// Pairs deleted because the records under them changed side.
    public var pairsRemoved = 0

    public var records: Int { train + test }
    public var testFraction: Double { records == 0 ? 0 : Double(test) / Double(records) }

    /// Things the user asked for that the split could not give, each with what to do instead.
    public var warnings: [String] {
        var out: [String] = []
        if settings.testFraction > 0, test == 0, records > 0, keptSourceSplit > 0 {
            out.append("no record went to test: every source carries its own split (\(Set(sources.compactMap(\.sourceSplit)).sorted().joined(separator: ", "))), "
                + "which is kept by default; to hold out \(Format.percent(settings.testFraction)) of these records by prompt hash, "
                + "run `pref split --test \(settings.testFraction) --no-respect-source-splits`")
        }
        if straddlingSourcePrompts > 0 {
            out.append("\(straddlingSourcePrompts) prompts appear in both train and test source splits; they were kept as the sources say")
        }
        return out
    }

    public var text: String {
        var lines: [String] = []
        lines.append("split: target test fraction \(Format.percent(settings.testFraction)), seed \(settings.seed), "
            + (settings.respectSourceSplits ? "source splits respected" : "source splits ignored"))
        var table = TextTable(["source", "source split", "records", "train", "test"])
        for s in sources { table.add([s.path, s.sourceSplit ?? "-", "\(s.records)", "\(s.train)", "\(s.test)"]) }
        table.add(["total", "", "\(records)", "\(train)", "\(test)"])
        lines.append(table.render())
        lines.append("achieved test fraction: \(Format.percent(test, of: records)) of \(records) records")
        lines.append("placed by prompt hash: \(hashed) (\(hashedTest) test, \(Format.percent(hashedTest, of: hashed))); "
            + "kept their source's split: \(keptSourceSplit); followed their prompt's source split: \(followedPromptSourceSplit)")
        lines += warnings.map { "warning: " + $0 }
        if let previous = previousSettings {
            var line = "replaced the previous split (test \(Format.percent(previous.testFraction)), seed \(previous.seed), "
                + "source splits \(previous.respectSourceSplits ? "respected" : "ignored")): \(changedSide) records changed side"
            if newlyAssigned > 0 { line += ", \(newlyAssigned) newly assigned" }
            lines.append(line)
        } else if newlyAssigned < records {
            lines.append("replaced an existing split of unknown settings: \(changedSide) records changed side")
        }
        if pairsRemoved > 0 {
            lines.append("removed \(pairsRemoved) pairs built on the previous split; run `pref pairs` again")
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("settings", settings.json),
            ("previous_settings", previousSettings?.json ?? .null),
            ("records", .int(Int64(records))),
            ("train", .int(Int64(train))),
            ("test", .int(Int64(test))),
            ("test_fraction", .double(testFraction)),
            ("sources", .array(sources.map { s in
                .object(JSONObject([
                    ("source_id", .int(s.sourceId)), ("path", .string(s.path)),
                    ("source_split", s.sourceSplit.map { .string($0) } ?? .null),
                    ("records", .int(Int64(s.records))), ("train", .int(Int64(s.train))), ("test", .int(Int64(s.test))),
                ]))
            })),
            ("kept_source_split", .int(Int64(keptSourceSplit))),
            ("followed_prompt_source_split", .int(Int64(followedPromptSourceSplit))),
            ("hashed", .int(Int64(hashed))),
            ("hashed_test", .int(Int64(hashedTest))),
            ("straddling_source_prompts", .int(Int64(straddlingSourcePrompts))),
            ("changed_side", .int(Int64(changedSide))),
            ("newly_assigned", .int(Int64(newlyAssigned))),
            ("pairs_removed", .int(Int64(pairsRemoved))),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ]))
    }
}
