import GRDB
import JSON
import Store

/// `pref split`: assigns every record to train or test, replacing any previous split.
public enum Splitter {
    /// Rewrites the `splits` table and the 'split' settings in one transaction. When records
    /// change side, the pairs built on the old split are deleted (they would mix splits).
    public static func run(_ catalog: Catalog, settings: SplitSettings, progress: PairsProgressHandler? = nil) throws -> SplitReport {
        try catalog.bulkTransaction { db in
            let previous = try SettingsRow.read(db, key: "split").flatMap(SplitSettings.init(json:))
            let records = try RecordPrompts.load(db, progress: progress)
            guard !records.ids.isEmpty else {
                throw PairsError("the catalog has no records to split; run `pref ingest` first")
            }
            var report = SplitReport(settings: settings, previousSettings: previous, sources: try loadSources(db))
            let sides = assign(records, settings: settings, report: &report)
            try compareWithPrevious(db, records: records, sides: sides, report: &report)
            try write(db, records: records, sides: sides, progress: progress)
            if report.changedSide > 0 {
                report.pairsRemoved = try Int.fetchOne(db, sql: "SELECT count(*) FROM pairs") ?? 0
                try db.execute(sql: "DELETE FROM pairs")
                if report.pairsRemoved > 0 { try db.execute(sql: "DELETE FROM settings WHERE key = 'pairs'") }
            }
            try SettingsRow.write(db, key: "split", value: settings.json)
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

    static func loadSources(_ db: Database) throws -> [SplitReport.SourceCounts] {
        try Row.fetchAll(db, sql: "SELECT id, path, source_split FROM sources ORDER BY id").map {
            SplitReport.SourceCounts(sourceId: $0[0], path: $0[1], sourceSplit: $0[2])
        }
    }

    static func compareWithPrevious(_ db: Database, records: RecordPrompts, sides: [SplitName], report: inout SplitReport) throws {
        var old: [Int64: SplitName] = [:]
        let cursor = try Row.fetchCursor(db, sql: "SELECT record_id, split FROM splits")
        while let row = try cursor.next() {
            old[row[0]] = (row[1] as String) == "test" ? .test : .train
        }
        for (i, id) in records.ids.enumerated() {
            if let before = old[id] {
                if before != sides[i] { report.changedSide += 1 }
            } else {
                report.newlyAssigned += 1
            }
        }
    }

    static func write(_ db: Database, records: RecordPrompts, sides: [SplitName], progress: PairsProgressHandler?) throws {
        try db.execute(sql: "DELETE FROM splits")
        let insert = try RowInserter(db, sql: "INSERT INTO splits (record_id, split) VALUES (?, ?)")
        let ticker = ProgressTicker(phase: "writing split", total: records.ids.count, handler: progress)
        var boundSide: SplitName?
        for (i, id) in records.ids.enumerated() {
            if sides[i] != boundSide { insert.bind(2, sides[i].rawValue); boundSide = sides[i] }
            insert.bind(1, id)
            try insert.insert()
            ticker.tick(i + 1)
        }
    }
}
