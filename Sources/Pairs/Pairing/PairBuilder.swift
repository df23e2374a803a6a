import Core
import Store

/// `pref pairs`: rebuilds the `pairs` table from the records, their completions and the
/// current split, in one transaction.
public enum PairBuilder {
    public static func run(_ catalog: Catalog, settings: PairSettings, progress: ProgressHandler? = nil) throws -> PairReport {
        try catalog.bulkWrite { tx in
            try tx.requireSplit()
            var report = PairReport(settings: settings)
            report.previousSettings = try tx.settingValue(.pairs).flatMap(PairSettings.init(json:))
            report.previousPairs = try tx.pairCount()
            report.conversationRecords = try tx.conversationRecordCount()
            let input = try PairInput.load(tx, progress: progress)
            report.preferenceRecords = input.recordIds.count
            report.completions = input.completionIds.count
            var built = try build(tx, input: input, settings: settings, report: &report, progress: progress)
            placeAndSummarise(&built, input: input, settings: settings, report: &report)
            try write(tx, built, input: input, settings: settings, progress: progress)
            try tx.setSetting(.pairs, settings.json)
            return report
        }
    }

    /// The pairs in record order, before the curriculum places them.
    struct BuiltPairs {
        var record: [Int] = []
        var chosen: [Int64] = []
        var rejected: [Int64] = []
        var gap: [Double?] = []
        var tieKey: [UInt64] = []
        var stage: [Int] = []
        var rank: [Int] = []
    }

    static func build(_ tx: CatalogTransaction, input: PairInput, settings: PairSettings, report: inout PairReport,
                      progress: ProgressHandler?) throws -> BuiltPairs {
        let rules = PairRules(settings: settings)
        let orderKey = Mix64.seedKey(settings.seed, salt: 0x4F52_4445_5200_0000)  // "ORDER"
        var out = BuiltPairs()
        var scratch: [Int] = []
        let ticker = ProgressTicker(phase: "pairing records", total: input.recordIds.count, unit: .records, handler: progress)
        try input.facts.withUnsafeBufferPointer { facts in
            for r in input.recordIds.indices {
                let range = input.completionStart[r]..<input.completionStart[r + 1]
                let completions = UnsafeBufferPointer(rebasing: facts[range])
                let outcome = try rules.pair(
                    completions, recordKey: input.recordKeys[r], scratch: &scratch,
                    identical: { a, b in
                        guard completions[a].text == completions[b].text else { return false }
                        return try sameText(tx, input.completionIds[range.lowerBound + a], input.completionIds[range.lowerBound + b])
                    },
                    emit: { p in
                        out.record.append(r)
                        out.chosen.append(input.completionIds[range.lowerBound + p.chosen])
                        out.rejected.append(input.completionIds[range.lowerBound + p.rejected])
                        out.gap.append(p.gap)
                        out.tieKey.append(Mix64.mix(input.recordKeys[r] ^ orderKey ^ Mix64.mix(UInt64(p.chosen) << 32 | UInt64(p.rejected))))
                    })
                if let reason = outcome.noPairReason { report.recordsWithoutPairs[reason] += 1 } else { report.recordsWithPairs += 1 }
                report.skippedCandidates += outcome.skippedCandidates
                report.droppedCompletions += outcome.droppedCompletions
                ticker.tick(r + 1)
            }
        }
        return out
    }

    /// Confirms a fingerprint match on the full texts.
    static func sameText(_ tx: CatalogTransaction, _ a: Int64, _ b: Int64) throws -> Bool {
        let texts = try tx.completionTexts([a, b])
        return texts.count == 2 && TextFingerprint.normalizedEqual(texts[0], texts[1])
    }

    /// Runs the curriculum per split and fills the report's split and stage counts.
    static func placeAndSummarise(_ built: inout BuiltPairs, input: PairInput, settings: PairSettings, report: inout PairReport) {
        built.stage = [Int](repeating: 0, count: built.record.count)
        built.rank = [Int](repeating: 0, count: built.record.count)
        for split in SplitName.allCases {
            let members = built.record.indices.filter { input.recordSplits[built.record[$0]] == split }
            let placement = CurriculumOrder.place(
                gaps: members.map { built.gap[$0] }, tieKeys: members.map { built.tieKey[$0] }, curriculum: settings.curriculum)
            var byStage: [Int: PairReport.StageSummary] = [:]
            for (k, i) in members.enumerated() {
                built.stage[i] = placement.stages[k]
                built.rank[i] = placement.ranks[k]
                var s = byStage[placement.stages[k]] ?? .init(split: split, stage: placement.stages[k], pairs: 0, unknownGap: 0)
                s.pairs += 1
                if let g = built.gap[i] {
                    s.minGap = min(s.minGap ?? g, g)
                    s.maxGap = max(s.maxGap ?? g, g)
                } else {
                    s.unknownGap += 1
                }
                byStage[placement.stages[k]] = s
            }
            report.stages += byStage.keys.sorted().compactMap { byStage[$0] }
            if split == .test { report.test = members.count } else { report.train = members.count }
        }
    }

    /// Replaces the pairs table; rows go in consumption order (train, then test, by rank), so
    /// the same inputs and settings always give the same rows.
    static func write(_ tx: CatalogTransaction, _ built: BuiltPairs, input: PairInput, settings: PairSettings,
                      progress: ProgressHandler?) throws {
        var writer = try tx.replacePairs(strategy: settings.strategy.rawValue)
        let order = built.record.indices.sorted {
            (input.recordSplits[built.record[$0]], built.rank[$0]) < (input.recordSplits[built.record[$1]], built.rank[$1])
        }
        let ticker = ProgressTicker(phase: "writing pairs", total: order.count, unit: .pairs, handler: progress)
        for (n, i) in order.enumerated() {
            try writer.add(PairRecord(recordId: input.recordIds[built.record[i]], chosenId: built.chosen[i], rejectedId: built.rejected[i],
                                      scoreGap: built.gap[i], stage: built.stage[i], curriculumRank: built.rank[i],
                                      split: input.recordSplits[built.record[i]].rawValue))
            ticker.tick(n + 1)
        }
    }
}
