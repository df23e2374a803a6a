import Foundation
import JSON
import Store
import Testing
@testable import Train

/// `pref eval`'s numbers on hand-made log-probs, each expected value written out as arithmetic.
@Suite struct EvaluationTests {
    /// Four pairs, β = 0.5. Per pair: chosen log-prob / tokens, reference chosen, rejected, reference rejected.
    ///   pair 0: -2 / 2,   ref -3;    rejected -4, ref -3   → margin 0.5·((−2+3) − (−4+3)) = 0.5·2  =  1
    ///   pair 1: -8 / 2,   ref -5;    rejected -5, ref -6   → margin 0.5·((−8+5) − (−5+6)) = 0.5·−4 = −2
    ///   pair 2: -1.5 / 3, ref -1.5;  rejected -2, ref -1   → margin 0.5·(0 − (−1))        = 0.5
    ///   pair 3: -1 / 1,   ref -1;    rejected -2, ref -2   → margin 0 (a tie is not a correct ranking)
    static func result() -> EvaluationResult {
        var r = EvaluationResult(run: "hand", split: "test", beta: 0.5)
        r.pairs = 4
        r.chosenLogps = [-2, -8, -1.5, -1]
        r.chosenTokens = [2, 2, 3, 1]
        r.referenceChosen = [-3, -5, -1.5, -1]
        r.rejectedLogps = [-4, -5, -2, -2]
        r.rejectedTokens = [4, 1, 2, 5]
        r.referenceRejected = [-3, -6, -1, -2]
        return r
    }

    static func expectEqual(_ a: Double, _ b: Double, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(label): \(a) vs \(b)", sourceLocation: sourceLocation)
    }

    @Test func marginsAndRewardAccuracy() {
        let r = Self.result()
        #expect(r.margins == [1, -2, 0.5, 0])
        #expect(r.rewardAccuracy == 2.0 / 4)
        #expect(r.chosenShift == [1, -3, 0, 0])
        #expect(r.rejectedShift == [-1, 1, -1, 0])
    }

    /// Both aggregations of perplexity on the chosen responses, which differ a lot here.
    @Test func perplexityTokenWeightedAndMeanPerResponse() {
        let r = Self.result()
        // exp(−Σ log p / Σ tokens) = exp(12.5 / 8).
        Self.expectEqual(r.chosenPerplexityTokenWeighted, exp((2 + 8 + 1.5 + 1) / (2 + 2 + 3 + 1)), "token-weighted")
        // Mean of exp(−log p / tokens) per response = (e^1 + e^4 + e^0.5 + e^1) / 4.
        Self.expectEqual(r.chosenPerplexityMeanPerResponse, (exp(1) + exp(4) + exp(0.5) + exp(1)) / 4, "mean per response")
        #expect(r.chosenPerplexityMeanPerResponse > 3 * r.chosenPerplexityTokenWeighted)
    }

    @Test func summaryNamesAndValues() throws {
        let summary = Dictionary(uniqueKeysWithValues: Self.result().summary)
        #expect(Self.result().summary.map(\.0) == [
            "pairs", "perplexity_chosen_token_weighted", "perplexity_chosen_mean_per_response",
            "logps/chosen_mean", "logps/rejected_mean", "logps/chosen_per_token_mean", "rewards/accuracies",
            "rewards/margins_mean", "rewards/margins_median", "rewards/margins_std", "rewards/margins_p10", "rewards/margins_p90",
            "logps/chosen_change_vs_reference_mean", "logps/rejected_change_vs_reference_mean", "logps/chosen_increased_fraction",
        ])
        let expected: [String: Double] = [
            "pairs": 4,
            "rewards/accuracies": 0.5,
            "rewards/margins_mean": (1 - 2 + 0.5 + 0) / 4,
            // Sorted margins −2, 0, 0.5, 1; numpy's linear quantile at (n−1)·q.
            "rewards/margins_median": (0 + 0.5) / 2,                  // position 1.5
            "rewards/margins_p10": -2 * 0.7 + 0 * 0.3,                // position 0.3
            "rewards/margins_p90": 0.5 * 0.3 + 1 * 0.7,               // position 2.7
            // Population std around −0.125: deviations 1.125, −1.875, 0.625, 0.125.
            "rewards/margins_std": ((1.125 * 1.125 + 1.875 * 1.875 + 0.625 * 0.625 + 0.125 * 0.125) / 4).squareRoot(),
            "logps/chosen_mean": (-2 - 8 - 1.5 - 1) / 4,
            "logps/rejected_mean": (-4 - 5 - 2 - 2) / 4,
            "logps/chosen_per_token_mean": (-1 - 4 - 0.5 - 1) / 4,
            "logps/chosen_change_vs_reference_mean": (1 - 3 + 0 + 0) / 4,
            "logps/rejected_change_vs_reference_mean": (-1 + 1 - 1 + 0) / 4,
            "logps/chosen_increased_fraction": 1.0 / 4,
        ]
        for (key, value) in expected { Self.expectEqual(try #require(summary[key], "\(key)"), value, key) }
    }

    /// eval.json holds every per-pair number, and reading it back gives the same results.
    @Test func evalJSONRoundTrips() throws {
        let r = Self.result()
        let back = try EvaluationResult(json: r.json)
        #expect(back.run == "hand" && back.split == "test" && back.beta == 0.5 && back.pairs == 4)
        #expect(back.chosenLogps == r.chosenLogps && back.rejectedLogps == r.rejectedLogps)
        #expect(back.chosenTokens == r.chosenTokens && back.rejectedTokens == r.rejectedTokens)
        #expect(back.referenceChosen == r.referenceChosen && back.referenceRejected == r.referenceRejected)
        #expect(back.margins == r.margins)
        #expect(r.json["pairs"]?.arrayValue?[1]["margin"]?.doubleValue == -2)
        #expect(r.json["summary"]?["rewards/accuracies"]?.doubleValue == 0.5)
    }

    /// `pref eval`'s files: eval.json (which reads back to the same numbers) and three figures.
    @Test func writeProducesEvalJSONAndFigures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pref-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let written = try Evaluation.write([Self.result()], to: directory)
        #expect(written.map(\.lastPathComponent) == ["eval.json", "logps.svg", "logps_chosen.svg", "reward_margin.svg"])
        let back = try EvaluationResult(json: JSONParser.parse(Array(Data(contentsOf: written[0]))))
        #expect(back.margins == [1, -2, 0.5, 0] && back.chosenTokens == [2, 2, 3, 1] && back.rewardAccuracy == 0.5)
        for (svg, title) in zip(written.dropFirst(), ["Log-probability of chosen and rejected responses (test split)", "log p(chosen)",
                                                      "Reward margin β·(Δ_w − Δ_l)"]) {
            let text = try String(contentsOf: svg, encoding: .utf8)
            #expect(text.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\"") && text.hasSuffix("</svg>\n"), "\(svg.lastPathComponent)")
            #expect(text.contains(">\(title)</text>"), "\(svg.lastPathComponent)")
        }
        // Two runs compared: no eval.json, the figures only.
        var other = Self.result()
        other.run = "other"
        #expect(try Evaluation.write([Self.result(), other], to: directory.appendingPathComponent("compare")).map(\.lastPathComponent)
                == ["logps.svg", "logps_chosen.svg", "reward_margin.svg"])
    }

    @Test func noPairsGiveNaNWhichEvalJSONWritesAsNull() {
        let empty = EvaluationResult(run: "e", split: "test", beta: 0.1)
        #expect(empty.rewardAccuracy.isNaN && empty.chosenPerplexityMeanPerResponse.isNaN)
        #expect(empty.json["summary"]?["rewards/accuracies"] == .null)
    }

    /// Token counts per row are the summed loss weights of that row only.
    @Test func rowWeightsCountEachRowsResponseTokens() throws {
        let batch = try TokenBatch(rows: 3, length: 4, inputs: [Int32](repeating: 1, count: 12), targets: [Int32](repeating: 1, count: 12),
                                   lossWeights: [0, 1, 1, 0, /**/ 0, 0, 0, 1, /**/ 1, 1, 1, 1])
        #expect(Evaluation.rowWeights(batch) == [2, 1, 4])
    }

    /// On real shards, against itself as the reference: every margin is 0 (accuracy 0), and the
    /// token counts are the chosen and rejected response lengths stored in the shards.
    @Test func evaluationOfAModelAgainstItselfOnShards() throws {
        let ws = try ShardTrainingTests.Workspace()
        let model = try ws.model()
        let result = try Evaluation.run(model: model, reference: .model(model), catalog: ws.catalog, split: "test", name: "self", beta: 0.1, pairsPerBatch: 3)
        let source = try ShardPreferenceBatches(catalog: ws.catalog, split: "test", pairs: 3)
        #expect(result.pairs == 4 && source.exampleIds.count == 4)
        #expect(result.margins == [0, 0, 0, 0])
        #expect(result.rewardAccuracy == 0)
        let reader = ShardReader(catalog: ws.catalog)
        var chosenLengths: [Double] = [], rejectedLengths: [Double] = []
        for id in source.exampleIds {
            guard case .preference(_, let c, let r) = try reader.example(id) else { Issue.record("example \(id) is not a pair"); continue }
            chosenLengths.append(Double(c.count))
            rejectedLengths.append(Double(r.count))
        }
        #expect(result.chosenTokens == chosenLengths && result.rejectedTokens == rejectedLengths)
        #expect(result.chosenLogps.allSatisfy { $0 < 0 && $0.isFinite })
        Self.expectEqual(result.chosenPerplexityTokenWeighted, exp(-result.chosenLogps.reduce(0, +) / chosenLengths.reduce(0, +)), "token-weighted")
    }
}
