import Core
import Foundation
import GRDB
@testable import Store
import Testing
@testable import Pairs

@Suite struct PairBuilderTests {
    /// Four-response UltraFeedback-style records with known scores, plus awkward ones.
    static func mixedRecords() -> [CanonicalRecord] {
        var records = (0..<300).map { i in scoredRecord("question \(i)", [Double(i % 4) + 6, 5, Double(i % 3) + 4, 2]) }
        records.append(scoredRecord("one answer", [7]))
        records.append(scoredRecord("all tied", [7, 7, 7]))
        records.append(scoredRecord("no scores", [nil, nil]))
        records.append(scoredRecord("twins", [9, 3], texts: ["same  text", "same text"]))
        records.append(CanonicalRecord(kind: .conversation, prompt: [.user("chat")], completions: [Completion(text: "hi")]))
        return records
    }

    @Test func pairsNeedASplitFirst() throws {
        let f = try CatalogFixture()
        try f.ingest(Self.mixedRecords())
        let none = #expect(throws: StoreError.self) { try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .allPairs)) }
        #expect(none?.description.contains("run `pref split --test 0.05` first") == true)
        _ = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.2))
        try f.ingest([scoredRecord("late arrival", [1, 2])])
        let error = #expect(throws: StoreError.self) { try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .allPairs)) }
        #expect(error?.description.contains("1 records have no split") == true)
    }

    @Test(arguments: PairStrategy.allCases)
    func countsAddUpAndPairsKeepTheirRecordSplit(strategy: PairStrategy) throws {
        let f = try CatalogFixture()
        try f.ingest(Self.mixedRecords())
        _ = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.3, seed: 3))
        let report = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: strategy, curriculum: .stages(3)))
        #expect(report.preferenceRecords == 304 && report.conversationRecords == 1)
        #expect(report.preferenceRecords == report.recordsWithPairs + report.recordsWithoutPairs.total)
        #expect(report.recordsWithoutPairs[.fewerThanTwoCompletions] == 1)
        let stored = try f.catalog.db.read { db in
            try Row.fetchAll(db, sql: """
                SELECT p.split, s.split, c.record_id, x.record_id, p.record_id, p.curriculum_rank, p.stage FROM pairs p
                JOIN splits s ON s.record_id = p.record_id JOIN completions c ON c.id = p.chosen_id JOIN completions x ON x.id = p.rejected_id
                """)
        }
        #expect(stored.count == report.pairs && report.pairs == report.train + report.test)
        #expect(stored.allSatisfy { ($0[0] as String) == ($0[1] as String) })
        #expect(stored.allSatisfy { ($0[2] as Int64) == ($0[4] as Int64) && ($0[3] as Int64) == ($0[4] as Int64) })
        for split in ["train", "test"] {
            let ranks = stored.filter { ($0[0] as String) == split }.map { $0[5] as Int }.sorted()
            #expect(ranks == Array(0..<ranks.count))
        }
        switch strategy {
        case .binarized:
            #expect(report.pairs == 0 && report.recordsWithoutPairs[.unlabelled] == 303)
        case .bestVsRest:
            // Record i ties its best two when i % 4 == 0 and i % 3 == 2 (25 records); "all tied" adds 2.
            #expect(report.pairs == 300 * 3 - 25 && report.skippedCandidates[.tie] == 25 + 2)
            #expect(report.candidates == 300 * 3 + 2 + 1)
            #expect(report.recordsWithoutPairs[.missingScore] == 1 && report.recordsWithoutPairs[.identicalText] == 1)
            #expect(report.recordsWithoutPairs[.tie] == 1 && report.droppedCompletions[.missingScore] == 2)
        case .allPairs:
            #expect(report.candidates == 300 * 6 + 3 + 1)
        case .bestVsWorst, .bestVsRandom:
            #expect(report.candidates == 300 + 2)
        }
        #expect(report.candidates == report.pairs + report.skippedCandidates.total)
        // The rebuild runs without foreign-key checks; every reference must still hold, and checks are back on.
        #expect(try f.catalog.integrityProblems().isEmpty)
        #expect(try f.catalog.db.read { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
    }

    @Test func knownAnswersInTheCatalog() throws {
        let f = try CatalogFixture()
        try f.ingest([scoredRecord("q", [7, 9, 5, 8], texts: ["a", "b", "c", "d"])])
        _ = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0))
        _ = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .bestVsRest, curriculum: .gap))
        let rows = try f.pairRows().map { $0.split(separator: "|").dropFirst().prefix(5).joined(separator: "|") }
        #expect(rows == ["b|c|4.0|0|0", "b|a|2.0|0|1", "b|d|1.0|0|2"])
        let report = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .allPairs, minGap: 2, curriculum: .stages(2)))
        #expect(report.previousPairs == 3 && report.previousSettings?.strategy == .bestVsRest)
        #expect(report.text.contains("replaced the previous 3 pairs"))
        let all = try f.pairRows().map { $0.split(separator: "|").dropFirst().prefix(4).joined(separator: "|") }
        #expect(Set(all) == ["b|c|4.0|0", "d|c|3.0|0", "b|a|2.0|1", "a|c|2.0|1"])
    }

    @Test func rebuildingIsReproducibleAndIndependentOfIngestOrder() throws {
        let records = Self.mixedRecords()
        let a = try CatalogFixture(), b = try CatalogFixture()
        try a.ingest(records)
        try b.ingest(records.reversed())
        for f in [a, b] { _ = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.25, seed: 9)) }
        let settings = try PairSettings(strategy: .bestVsRandom, curriculum: .gap, seed: 5)
        _ = try PairBuilder.run(a.catalog, settings: settings)
        let first = try a.pairRows()
        _ = try PairBuilder.run(a.catalog, settings: settings)
        #expect(try a.pairRows() == first)
        _ = try PairBuilder.run(b.catalog, settings: settings)
        #expect(try b.pairRows() == first)
        _ = try PairBuilder.run(a.catalog, settings: PairSettings(strategy: .bestVsRandom, curriculum: .gap, seed: 6))
        #expect(try a.pairRows() != first)
    }

    @Test func statisticsCountPerStrategyStageSplitAndGap() throws {
        let f = try CatalogFixture()
        try f.ingest(Self.mixedRecords())
        _ = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.3, seed: 3))
        let report = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .bestVsRest, curriculum: .stages(3)))
        let stats = try PairStatistics.read(f.catalog, bins: 4)
        #expect(stats.pairs == report.pairs && stats.settings == report.settings)
        #expect(stats.groups.map(\.pairs) == report.stages.sorted { ($0.split, $0.stage) < ($1.split, $1.stage) }.map(\.pairs))
        #expect(Set(stats.groups.map(\.stage)) == [0, 1, 2])
        #expect(stats.gapHistogram.reduce(0) { $0 + $1.train + $1.test } == report.pairs)
        // Gaps run from 1 to 7: bins of width 2 (7/4 rounded up to a nice width): [0,2) [2,4) [4,6) [6,8).
        #expect(stats.gapHistogram.map(\.lower) == [0, 2, 4, 6])
        let known = try f.catalog.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pairs WHERE score_gap >= 2 AND score_gap < 4") }
        #expect(stats.gapHistogram[1].train + stats.gapHistogram[1].test == known)
        #expect(stats.text.contains("best-vs-rest") && stats.json["pairs"]?.intValue == report.pairs)
        #expect(try PairStatistics.read(CatalogFixture().catalog).text.contains("none yet"))
    }
}
