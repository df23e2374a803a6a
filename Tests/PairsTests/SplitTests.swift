import Core
import Foundation
import GRDB
@testable import Store
import Testing
@testable import Pairs

@Suite struct SplitTests {
    /// SplitMix64's published first output for state 0 (Steele et al.; also java.util.SplittableRandom).
    @Test func mixMatchesSplitMix64Reference() {
        #expect(Mix64.mix(0) == 0xE220_A839_7B1D_CDAF)
        #expect(Mix64.mix(0x9E37_79B9_7F4A_7C15) == 0x6E78_9E6A_A1B9_65F4)
    }

    @Test func sourceSplitNamesMapToTrainOrTest() {
        for name in ["test_prefs", "test_sft", "test", "TEST_gen"] { #expect(SplitName(sourceSplit: name) == .test) }
        for name in ["train_prefs", "train_sft", "train", "validation"] { #expect(SplitName(sourceSplit: name) == .train) }
    }

    @Test func sameSeedShuffledIngestGivesIdenticalAssignment() throws {
        let records = (0..<2000).map { scoredRecord("question \($0)", [Double($0 % 7), 3.5]) }
        let a = try CatalogFixture(), b = try CatalogFixture(), subset = try CatalogFixture()
        try a.ingest(records)
        // Another order, cut into three sources, and a catalog holding only some of the records.
        var rng = SplitMix64(seed: 2024)  // seeded: a failing order must reproduce
        let shuffled = records.shuffled(using: &rng)
        try b.ingest(Array(shuffled[..<700]))
        try b.ingest(Array(shuffled[700..<1500]))
        try b.ingest(Array(shuffled[1500...]))
        try subset.ingest(Array(shuffled[..<300]))
        let settings = try SplitSettings(testFraction: 0.2, seed: 7)
        for f in [a, b, subset] { _ = try Splitter.run(f.catalog, settings: settings) }
        let sa = try a.splitByPrompt(), sb = try b.splitByPrompt(), ss = try subset.splitByPrompt()
        #expect(sa.count == 2000)
        #expect(sa == sb)
        #expect(ss.allSatisfy { sa[$0.key] == $0.value })
        #expect(sa.values.contains("test") && sa.values.contains("train"))

        // A different seed moves prompts: the seed is part of the hash.
        _ = try Splitter.run(a.catalog, settings: SplitSettings(testFraction: 0.2, seed: 8))
        let moved = try a.splitByPrompt().filter { sa[$0.key] != $0.value }.count
        #expect(moved > 200)
    }

    @Test func duplicateAndRespacedPromptsLandTogether() throws {
        let f = try CatalogFixture()
        var records: [CanonicalRecord] = []
        for p in 0..<600 {
            records.append(scoredRecord("how do I sort \(p) items?", [1, 2]))
            records.append(scoredRecord("  how do I  sort \(p)\nitems? ", [4, 2]))  // same prompt, other spacing
            records.append(CanonicalRecord(kind: .conversation, prompt: [.user("how do I sort \(p) items?")],
                                           completions: [Completion(text: "SFT answer \(p)")]))
        }
        // Multi-turn prompts hash the whole conversation: a different first turn is another prompt.
        records.append(CanonicalRecord(kind: .preference, prompt: [.system("be brief"), .user("hi"), .assistant("hello"), .user("sort?")],
                                       completions: [Completion(text: "x", score: 1), Completion(text: "y", score: 2)]))
        try f.ingest(records)
        let report = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.3, seed: 1))
        let groups = try f.splitByPrompt()
        #expect(groups.count == 601)  // 600 prompts (3 records each) + the multi-turn one
        #expect(!groups.values.contains("both"))
        #expect(report.records == 1801)
    }

    /// Each prompt's side is an independent draw, so the achieved fraction on n prompts has a
    /// standard deviation of sqrt(p(1-p)/n): 0.22 points for 5% on 10k, 0.07 on 100k.
    @Test func achievedFractionIsWithinHalfAPointOnTenThousandRecords() throws {
        let f = try CatalogFixture()
        try f.ingest((0..<10_000).map { scoredRecord("prompt number \($0)", [1, 0]) })
        for seed in [42, 0, 1, 2, 3] {
            let report = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.05, seed: seed))
            #expect(report.records == 10_000)
            #expect(abs(report.testFraction - 0.05) <= 0.005, "achieved \(report.testFraction) with seed \(seed)")
            #expect(report.hashed == 10_000 && report.hashedTest == report.test)
        }
    }

    @Test(arguments: [0.05, 0.1, 0.3, 0.5])
    func assignerHitsTheTargetAndSpreadsLikeIndependentDraws(target: Double) throws {
        let prefixes = (0..<100_000).map { Mix64.hexPrefix(SHA256.hex(of: "prompt \($0)"))! }
        var fractions: [Double] = []
        for seed in 0..<12 {
            let assigner = SplitAssigner(testFraction: target, seed: seed)
            let test = prefixes.reduce(0) { $0 + (assigner.split(promptHashPrefix: $1) == .test ? 1 : 0) }
            fractions.append(Double(test) / Double(prefixes.count))
        }
        let sigma = (target * (1 - target) / Double(prefixes.count)).squareRoot()
        #expect(fractions.allSatisfy { abs($0 - target) <= 0.005 }, "\(fractions)")
        let mean = fractions.reduce(0, +) / Double(fractions.count)
        let spread = (fractions.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(fractions.count - 1)).squareRoot()
        #expect(abs(mean - target) < 3 * sigma / Double(fractions.count).squareRoot() + 1e-12)
        #expect(spread > 0.4 * sigma && spread < 1.8 * sigma, "spread \(spread) vs sigma \(sigma)")
    }

    @Test func sourceSplitsAreKeptAndUnsplitCopiesFollowThem() throws {
        let f = try CatalogFixture()
        try f.ingest((0..<50).map { scoredRecord("train q \($0)", [1, 2]) }, path: "train_prefs.jsonl", sourceSplit: "train_prefs")
        try f.ingest((0..<20).map { scoredRecord("test q \($0)", [1, 2]) }, path: "test_prefs.jsonl", sourceSplit: "test_prefs")
        // An unsplit source (raw UltraFeedback) repeating 10 test prompts and 10 train prompts, plus 200 of its own.
        let raw = (0..<10).map { scoredRecord("test q \($0)", [5, 6, 7]) } + (0..<10).map { scoredRecord("train q \($0)", [5, 6, 7]) }
            + (0..<200).map { scoredRecord("raw q \($0)", [5, 6]) }
        try f.ingest(raw, path: "raw.jsonl")
        let report = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.25, seed: 5))
        #expect(report.keptSourceSplit == 70)
        #expect(report.followedPromptSourceSplit == 20)
        #expect(report.hashed == 200)
        #expect(report.sources.map(\.train) == [50, 0, 10 + (200 - report.hashedTest)])
        #expect(report.sources.map(\.test) == [0, 20, 10 + report.hashedTest])
        #expect(report.train + report.test == 290)
        #expect(!(try f.splitByPrompt()).values.contains("both"))
        #expect(report.text.contains("train_prefs.jsonl"))

        // Ignoring source splits hashes everything, including test_prefs records.
        let ignored = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.25, seed: 5, respectSourceSplits: false))
        #expect(ignored.hashed == 290 && ignored.keptSourceSplit == 0)
        #expect(ignored.sources[1].train > 0)
    }

    @Test func onlyTrainSourcesWarnAndSayHowToHoldOutATestSplit() throws {
        let f = try CatalogFixture()
        try f.ingest((0..<100).map { scoredRecord("train q \($0)", [1, 2]) }, path: "train_prefs.jsonl", sourceSplit: "train_prefs")
        let report = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.05))
        #expect(report.test == 0)
        #expect(report.warnings.count == 1)
        #expect(report.warnings.first?.contains("--no-respect-source-splits") == true)
        #expect(report.text.contains("warning: no record went to test"))
        // What the warning suggests gives the held-out fraction, and no warning.
        let fixed = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.05, respectSourceSplits: false))
        #expect(fixed.test > 0 && fixed.warnings.isEmpty)
        // A requested fraction of zero is not a surprise.
        #expect(try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0)).warnings.isEmpty)
    }

    @Test func rerunReplacesTheSplitSaysSoAndDropsStalePairs() throws {
        let f = try CatalogFixture()
        try f.ingest((0..<500).map { scoredRecord("q \($0)", [Double($0 % 5), 9]) })
        let first = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.1, seed: 1))
        #expect(first.previousSettings == nil && first.newlyAssigned == 500 && first.changedSide == 0)
        #expect(!first.text.contains("replaced"))
        let pairs = try PairBuilder.run(f.catalog, settings: PairSettings(strategy: .bestVsWorst))
        #expect(pairs.pairs == 500)

        let same = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.1, seed: 1))
        #expect(same.changedSide == 0 && same.pairsRemoved == 0 && same.previousSettings == first.settings)
        #expect(try f.catalog.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM pairs") } == 500)

        let second = try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.4, seed: 1))
        #expect(second.previousSettings?.testFraction == 0.1)
        #expect(second.changedSide > 0 && second.newlyAssigned == 0)
        #expect(second.pairsRemoved == 500)
        #expect(second.text.contains("replaced the previous split") && second.text.contains("removed 500 pairs"))
        #expect(try f.catalog.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM splits") } == 500)
        #expect(second.json["previous_settings"]?["test_fraction"]?.doubleValue == 0.1)
    }

    @Test func emptyCatalogAndBadFractionAreClearErrors() throws {
        let f = try CatalogFixture()
        #expect(throws: PairsError.self) { try Splitter.run(f.catalog, settings: SplitSettings(testFraction: 0.05)) }
        #expect(throws: PairsError.self) { try SplitSettings(testFraction: 1.5) }
        #expect(throws: PairsError.self) { try SplitSettings(testFraction: .nan) }
    }
}
