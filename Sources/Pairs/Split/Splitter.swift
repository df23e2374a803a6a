import Core
import JSON
import Store

/// `pref split`: assigns every record to train or test, replacing any previous split.
public enum Splitter {
    /// Rewrites the `splits` table and the 'split' settings in one transaction. When records
    /// change side, the pairs built on the old split are deleted (they would mix splits).
    public static func run(_ catalog: Catalog, settings: SplitSettings, progress: ProgressHandler? = nil) throws -> SplitReport {
        try catalog.bulkWrite { tx in
            let previous = try tx.settingValue(.split).flatMap(SplitSettings.init(json:))
            let records = try RecordPrompts.load(tx, progress: progress)
            guard !records.ids.isEmpty else {
                throw PairsError("the catalog has no records to split; run `pref ingest` first")
            }
            var report = SplitReport(settings: settings, previousSettings: previous, sources: try tx.sources().map {
                SplitReport.SourceCounts(sourceId: $0.id, path: $0.path, sourceSplit: $0.sourceSplit)
            })
            let sides = assign(records, settings: settings, report: &report)
            compareWithPrevious(try tx.splitAssignments(), records: records, sides: sides, report: &report)
            try write(tx, records: records, sides: sides, progress: progress)
            if report.changedSide > 0 {
                report.pairsRemoved = try tx.pairCount()
                try tx.removeAllPairs()
                if report.pairsRemoved > 0 { try tx.removeSetting(.pairs) }
            }
            try tx.setSetting(.split, settings.json)
            return report
        }
    }

    /// The side of each record, in `records` order, filling in the per-source and per-basis counts.
    static func assign(_ records: RecordPrompts, settings: SplitSettings, report: inout SplitReport) -> [SplitName] {
        let assigner = SplitAssigner(testFraction: settings.testFraction, seed: settings.seed)
        // Prompts that a split source already placed: an unsplit copy follows them, test winning,
        // so the same prompt never sits on both sides because one source was pre-split.
        var sourcePlaced: [PromptKey: (train: Bool, test: Bool)] = [:]
        if settings.respectSourceSplits {
            for i in records.ids.indices {
                guard let side = records.sourceSplits[i] else { continue }
                var seen = sourcePlaced[records.prompts[i], default: (false, false)]
                if side == .test { seen.test = true } else { seen.train = true }
                sourcePlaced[records.prompts[i]] = seen
            }
            report.straddlingSourcePrompts = sourcePlaced.values.reduce(0) { $0 + ($1.train && $1.test ? 1 : 0) }
        }
        let sourceIndex = Dictionary(uniqueKeysWithValues: report.sources.enumerated().map { ($1.sourceId, $0) })
        var sides = [SplitName](repeating: .train, count: records.ids.count)
        for i in records.ids.indices {
            let side: SplitName
            if settings.respectSourceSplits, let own = records.sourceSplits[i] {
                side = own
                report.keptSourceSplit += 1
            } else if let placed = sourcePlaced[records.prompts[i]] {
                side = placed.test ? .test : .train
                report.followedPromptSourceSplit += 1
            } else {
                side = assigner.split(promptHashPrefix: records.prompts[i].high)
                report.hashed += 1
                if side == .test { report.hashedTest += 1 }
            }
            sides[i] = side
            if side == .test { report.test += 1 } else { report.train += 1 }
            if let s = sourceIndex[records.sourceIds[i]] {
                if side == .test { report.sources[s].test += 1 } else { report.sources[s].train += 1 }
            }
        }
        return sides
    }

    static func compareWithPrevious(_ old: [Int64: String], records: RecordPrompts, sides: [SplitName], report: inout SplitReport) {
        for (i, id) in records.ids.enumerated() {
            if let before = old[id] {
                if before != sides[i].rawValue { report.changedSide += 1 }
            } else {
                report.newlyAssigned += 1
            }
        }
    }

    static func write(_ tx: CatalogTransaction, records: RecordPrompts, sides: [SplitName], progress: ProgressHandler?) throws {
        var writer = try tx.replaceSplits()
        let ticker = ProgressTicker(phase: "writing split", total: records.ids.count, unit: .records, handler: progress)
        for (i, id) in records.ids.enumerated() {
            try writer.add(recordId: id, split: sides[i].rawValue)
            ticker.tick(i + 1)
        }
    }
}
