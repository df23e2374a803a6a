import GRDB
import Store

/// `pref pairs`: rebuilds the `pairs` table from the records, their completions and the
/// current split, in one transaction.
public enum PairBuilder {
    public static func run(_ catalog: Catalog, settings: PairSettings, progress: PairsProgressHandler? = nil) throws -> PairReport {
        try catalog.bulkTransaction { db in
            try requireSplit(db)
            var report = PairReport(settings: settings)
            report.previousSettings = try SettingsRow.read(db, key: "pairs").flatMap(PairSettings.init(json:))
            report.previousPairs = try Int.fetchOne(db, sql: "SELECT count(*) FROM pairs") ?? 0
            report.conversationRecords = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE kind = 'conversation'") ?? 0
            let input = try PairInput.load(db, progress: progress)
            report.preferenceRecords = input.recordIds.count
            report.completions = input.completionIds.count
            var built = try build(db, input: input, settings: settings, report: &report, progress: progress)
            placeAndSummarise(&built, input: input, settings: settings, report: &report)
            try write(db, built, input: input, settings: settings, progress: progress)
            try SettingsRow.write(db, key: "pairs", value: settings.json)
            return report
        }
    }

    static func requireSplit(_ db: Database) throws {
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM splits") ?? 0 > 0 else {
            throw PairsError("no train/test split yet: run `pref split --test 0.05` before `pref pairs`")
        }
        let unsplit = try Int.fetchOne(db, sql: "SELECT count(*) FROM records WHERE id NOT IN (SELECT record_id FROM splits)") ?? 0
        guard unsplit == 0 else {
            throw PairsError("\(unsplit) records have no split (ingested after the last `pref split`); run `pref split` again, then `pref pairs`")
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

    static func build(_ db: Database, input: PairInput, settings: PairSettings, report: inout PairReport,
                      progress: PairsProgressHandler?) throws -> BuiltPairs {
        let rules = PairRules(settings: settings)
        let orderKey = Mix64.seedKey(settings.seed, salt: 0x4F52_4445_5200_0000)  // "ORDER"
        var out = BuiltPairs()
        var scratch: [Int] = []
        let ticker = ProgressTicker(phase: "pairing records", total: input.recordIds.count, handler: progress)
        try input.facts.withUnsafeBufferPointer { facts in
            for r in input.recordIds.indices {
                let range = input.completionStart[r]..<input.completionStart[r + 1]
                let completions = UnsafeBufferPointer(rebasing: facts[range])
                let outcome = try rules.pair(
                    completions, recordKey: input.recordKeys[r], scratch: &scratch,
                    identical: { a, b in
                        guard completions[a].text == completions[b].text else { return false }
                        return try sameText(db, input.completionIds[range.lowerBound + a], input.completionIds[range.lowerBound + b])
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
    static func sameText(_ db: Database, _ a: Int64, _ b: Int64) throws -> Bool {
        let texts = try Array(Row.fetchCursor(db, sql: "SELECT text FROM completions WHERE id IN (?, ?) ORDER BY id", arguments: [a, b])
            .compactMap { try $0.text(atIndex: 0) })
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
    static func write(_ db: Database, _ built: BuiltPairs, input: PairInput, settings: PairSettings,
                      progress: PairsProgressHandler?) throws {
        try db.execute(sql: "DELETE FROM pairs")
        let insert = try RowInserter(db, sql: """
            INSERT INTO pairs (record_id, chosen_id, rejected_id, strategy, score_gap, stage, curriculum_rank, split)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let order = built.record.indices.sorted {
            (input.recordSplits[built.record[$0]], built.rank[$0]) < (input.recordSplits[built.record[$1]], built.rank[$1])
        }
        insert.bind(4, settings.strategy.rawValue)
        let ticker = ProgressTicker(phase: "writing pairs", total: order.count, handler: progress)
        var boundSplit: SplitName?
        for (n, i) in order.enumerated() {
            let split = input.recordSplits[built.record[i]]
            if split != boundSplit { insert.bind(8, split.rawValue); boundSplit = split }
            insert.bind(1, input.recordIds[built.record[i]])
            insert.bind(2, built.chosen[i])
            insert.bind(3, built.rejected[i])
            insert.bind(5, built.gap[i])
            insert.bind(6, built.stage[i])
            insert.bind(7, built.rank[i])
            try insert.insert()
            ticker.tick(n + 1)
        }
    }
}
