import Testing
@testable import Pairs

@Suite struct CurriculumTests {
    @Test func gapOrdersEasyToHard() {
        let gaps: [Double?] = [1, 4, 3, 3, nil, 2, 1]
        let keys: [UInt64] = [5, 9, 8, 2, 1, 7, 3]
        let p = CurriculumOrder.place(gaps: gaps, tieKeys: keys, curriculum: .gap)
        // 4 first; the two 3s by key (index 3 has key 2); then 2; the 1s by key; unknown last.
        #expect(p.ranks == [5, 0, 2, 1, 6, 3, 4])
        #expect(p.stages == [0, 0, 0, 0, 0, 0, 0])
    }

    @Test func stageBoundariesKeepEqualGapsTogether() {
        let gaps: [Double?] = [4, 3, 3, 2, 1, 1]
        let p = CurriculumOrder.place(gaps: gaps, tieKeys: [6, 5, 4, 3, 2, 1], curriculum: .stages(3))
        #expect(p.stages == [0, 0, 0, 1, 2, 2])
        // Within a stage, pairs go in seeded order; stages go in order.
        #expect(p.ranks == [2, 1, 0, 3, 5, 4])

        let two = CurriculumOrder.place(gaps: [4, 3, 2, 1, nil], tieKeys: [1, 2, 3, 4, 5], curriculum: .stages(2))
        #expect(two.stages == [0, 0, 1, 1, 1])
        let single = CurriculumOrder.place(gaps: [5, 5, 5], tieKeys: [1, 2, 3], curriculum: .stages(4))
        #expect(single.stages == [0, 0, 0])
    }

    @Test func curryDPOEasyMediumHardOnFourResponses() throws {
        // Best-vs-rest on records scored R1 > R2 > R3 > R4 with gaps 3, 2, 1 gives Curry-DPO's
        // (R1,R4) easy, (R1,R3) medium, (R1,R2) hard.
        let rules = PairRules(settings: try PairSettings(strategy: .bestVsRest, curriculum: .stages(3)))
        var gaps: [Double?] = [], which: [Int] = []
        for _ in 0..<10 {
            for p in try rules.pair(facts([5, 4, 3, 2])).pairs { gaps.append(p.gap); which.append(p.rejected) }
        }
        let placed = CurriculumOrder.place(gaps: gaps, tieKeys: gaps.indices.map { UInt64($0 * 7919 % 31) }, curriculum: .stages(3))
        for (i, rejected) in which.enumerated() { #expect(placed.stages[i] == 3 - rejected) }
    }

    @Test func noneIsASeededPermutation() {
        let keys: [UInt64] = [30, 10, 20]
        let p = CurriculumOrder.place(gaps: [1, 2, 3], tieKeys: keys, curriculum: .none)
        #expect(p.ranks == [2, 0, 1] && p.stages == [0, 0, 0])
        #expect(CurriculumOrder.place(gaps: [], tieKeys: [], curriculum: .stages(3)).ranks.isEmpty)
    }
}
