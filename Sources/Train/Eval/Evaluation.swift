import Core
import Foundation
import JSON
import Store

/// `pref eval`: the paper's measurements on the test pairs. For every pair, the summed and
/// per-token response log-probs of chosen and rejected under the model; from them perplexity
/// on chosen responses (two ways, labelled). With a reference's log-probs also reward
/// accuracy and margins (rewards are β·(log π − log π_ref), without λ) and the change of the
/// chosen log-prob against the reference (likelihood displacement).
public struct EvaluationResult: Sendable {
    public var run: String
    public var split: String
    public var beta: Double
    public var pairs: Int
    public var chosenLogps: [Double] = []
    public var rejectedLogps: [Double] = []
    public var chosenTokens: [Double] = []
    public var rejectedTokens: [Double] = []
    /// Empty when the eval had no reference.
    public var referenceChosen: [Double] = []
    public var referenceRejected: [Double] = []

    public var hasReference: Bool { pairs > 0 && referenceChosen.count == pairs && referenceRejected.count == pairs }

    public var margins: [Double] {
        guard hasReference else { return [] }
        return (0..<pairs).map { beta * ((chosenLogps[$0] - referenceChosen[$0]) - (rejectedLogps[$0] - referenceRejected[$0])) }
    }
    /// exp(−Σ log p / Σ tokens) over every chosen response token.
    public var chosenPerplexityTokenWeighted: Double { exp(-chosenLogps.reduce(0, +) / max(1, chosenTokens.reduce(0, +))) }
    /// The mean over responses of each response's own perplexity.
    public var chosenPerplexityMeanPerResponse: Double {
        pairs == 0 ? .nan : (0..<pairs).map { exp(-chosenLogps[$0] / max(1, chosenTokens[$0])) }.reduce(0, +) / Double(pairs)
    }
    public var rewardAccuracy: Double { hasReference ? Double(margins.filter { $0 > 0 }.count) / Double(pairs) : .nan }
    public var chosenShift: [Double] { hasReference ? (0..<pairs).map { chosenLogps[$0] - referenceChosen[$0] } : [] }
    public var rejectedShift: [Double] { hasReference ? (0..<pairs).map { rejectedLogps[$0] - referenceRejected[$0] } : [] }

    /// The figures; those that need a reference only when the eval had one.
    public var summary: [(String, Double)] {
        var figures: [(String, Double)] = [
            ("pairs", Double(pairs)),
            ("perplexity_chosen_token_weighted", chosenPerplexityTokenWeighted),
            ("perplexity_chosen_mean_per_response", chosenPerplexityMeanPerResponse),
            ("logps/chosen_mean", Distribution(chosenLogps).mean), ("logps/rejected_mean", Distribution(rejectedLogps).mean),
            ("logps/chosen_per_token_mean", Distribution((0..<pairs).map { chosenLogps[$0] / max(1, chosenTokens[$0]) }).mean),
        ]
        guard hasReference || pairs == 0 else { return figures }
        let margin = Distribution(margins)
        figures += [
            ("rewards/accuracies", rewardAccuracy),
            ("rewards/margins_mean", margin.mean), ("rewards/margins_median", margin.median), ("rewards/margins_std", margin.std),
            ("rewards/margins_p10", margin.p10), ("rewards/margins_p90", margin.p90),
            ("logps/chosen_change_vs_reference_mean", Distribution(chosenShift).mean),
            ("logps/rejected_change_vs_reference_mean", Distribution(rejectedShift).mean),
            ("logps/chosen_increased_fraction", pairs == 0 ? .nan : Double(chosenShift.filter { $0 > 0 }.count) / Double(pairs)),
        ]
        return figures
    }

    public var json: JSONValue {
        var summaryObject = JSONObject()
        for (k, v) in summary { summaryObject[k] = v.isFinite ? .double(v) : .null }
        let margins = margins
        let perPair: [JSONValue] = (0..<pairs).map { i in
            var pair = JSONObject([
                ("logp_chosen", .double(chosenLogps[i])), ("logp_rejected", .double(rejectedLogps[i])),
                ("tokens_chosen", .int(Int64(chosenTokens[i]))), ("tokens_rejected", .int(Int64(rejectedTokens[i]))),
            ])
            if hasReference {
                pair["ref_logp_chosen"] = .double(referenceChosen[i])
                pair["ref_logp_rejected"] = .double(referenceRejected[i])
                pair["margin"] = .double(margins[i])
            }
            return .object(pair)
        }
        return .object(JSONObject([("run", .string(run)), ("split", .string(split)), ("beta", beta.isFinite ? .double(beta) : .null),
                                   ("summary", .object(summaryObject)), ("pairs", .array(perPair))]))
    }

    /// Reads an eval.json written by `json`.
    public init(json: JSONValue) throws(TrainError) {
        guard let items = json["pairs"]?.arrayValue, let run = json["run"]?.stringValue else { throw .invalidOption("eval.json: no pairs") }
        self.run = run
        split = json["split"]?.stringValue ?? "test"
        beta = json["beta"]?.doubleValue ?? .nan
        pairs = items.count
        for p in items {
            chosenLogps.append(p["logp_chosen"]?.doubleValue ?? .nan)
            rejectedLogps.append(p["logp_rejected"]?.doubleValue ?? .nan)
            chosenTokens.append(p["tokens_chosen"]?.doubleValue ?? 0)
            rejectedTokens.append(p["tokens_rejected"]?.doubleValue ?? 0)
            if let c = p["ref_logp_chosen"]?.doubleValue, let r = p["ref_logp_rejected"]?.doubleValue {
                referenceChosen.append(c)
                referenceRejected.append(r)
            }
        }
        if referenceChosen.count != pairs { referenceChosen = []; referenceRejected = [] }
    }

    public init(run: String, split: String, beta: Double) {
        self.run = run
        self.split = split
        self.beta = beta
        pairs = 0
    }
}

public enum Evaluation {
    /// Refuses the stored reference log-probs when they came from another model than the one
    /// `run` was trained against (after iterative Curry-DPO they are the last round's, not the
    /// SFT model's); `--ref` recomputes them instead.
    public static func checkStoredReference(catalog: Catalog, run: RunFolder) throws {
        guard let expected = try run.info?.referenceIdentity else { return }
        let stored = try catalog.setting(.reference)?.text
        guard stored == expected else {
            let from = try run.info?.referencePath ?? "its reference"
            throw TrainError.invalidOption("the log-probs stored in the shard index come from another model than \(run.url.lastPathComponent)'s reference (\(from)); "
                + "pass --ref \(from) to compute them from that model")
        }
    }

    /// Log-probs of every pair of `split` under `model`, with the reference's when one is given.
    public static func run(model: LlamaModel, reference: EvaluationReference, catalog: Catalog, split: String, name: String, beta: Double,
                           pairsPerBatch: Int = 8, progress: ProgressHandler? = nil) throws -> EvaluationResult {
        let source = try ShardPreferenceBatches(catalog: catalog, split: split, pairs: pairsPerBatch)
        guard !source.exampleIds.isEmpty else { throw TrainError.invalidOption("no \(split) pairs in the shards: run pref pairs and pref tokenize first") }
        if case .stored(nil) = reference, try source.missingReferences() > 0 {
            throw TrainError.invalidOption("the shards hold no reference log-probs for some \(split) pairs; pass --ref or train DPO first")
        }
        var result = EvaluationResult(run: name, split: split, beta: beta)
        for index in 0..<source.batchCount {
            let b = try source.batch(at: index)
            let policy = try DPOStep.sequenceLogProbs(model: model, chosen: b.chosen, rejected: b.rejected)
            switch reference {
            case .none:
                break
            case .model(let other):
                let sums = try DPOStep.sequenceLogProbs(model: other, chosen: b.chosen, rejected: b.rejected)
                result.referenceChosen += sums.chosen
                result.referenceRejected += sums.rejected
            case .stored(let filler):
                let values: (chosen: [Double], rejected: [Double])
                if let filler {
                    values = try filler.values(source: source, index: index, batch: b)
                } else if let stored = b.reference {
                    values = stored
                } else {
                    throw TrainError.invalidOption("pairs of \(split) batch \(index) lost their reference log-probs during the eval")
                }
                result.referenceChosen += values.chosen
                result.referenceRejected += values.rejected
            }
            result.chosenLogps += policy.chosen
            result.rejectedLogps += policy.rejected
            result.chosenTokens += Self.rowWeights(b.chosen)
            result.rejectedTokens += Self.rowWeights(b.rejected)
            result.pairs += policy.chosen.count
            progress?(ProgressEvent(phase: "eval", done: result.pairs, total: source.exampleIds.count, unit: .pairs))
        }
        return result
    }

    static func rowWeights(_ batch: TokenBatch) -> [Double] {
        (0..<batch.rows).map { r in batch.lossWeights[(r * batch.length)..<((r + 1) * batch.length)].reduce(0) { $0 + Double($1) } }
    }

    /// eval.json and the paper-style figures, written into `directory`.
    public static func write(_ results: [EvaluationResult], to directory: URL) throws -> [URL] {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        if results.count == 1 {
            let json = directory.appendingPathComponent("eval.json")
            try Data((JSONWriter.string(results[0].json) + "\n").utf8).write(to: json)
            written.append(json)
        }
        let single = results.count == 1
        let figures: [(String, SVGHistogram)] = [
            ("logps.svg", SVGHistogram(title: "Log-probability of chosen and rejected responses (\(results[0].split) split)", xLabel: "log p(y|x)",
                                       series: results.flatMap { r in
                                           [SVGHistogram.Series(label: single ? "chosen" : "\(r.run) chosen", values: r.chosenLogps),
                                            SVGHistogram.Series(label: single ? "rejected" : "\(r.run) rejected", values: r.rejectedLogps)]
                                       })),
            ("logps_chosen.svg", SVGHistogram(title: "log p(chosen)", xLabel: "log p(y_w|x)",
                                              series: results.map { .init(label: $0.run, values: $0.chosenLogps) })),
            ("reward_margin.svg", SVGHistogram(title: "Reward margin β·(Δ_w − Δ_l)", xLabel: "margin",
                                               series: results.map { .init(label: $0.run, values: $0.margins) })),
        ]
        for (name, figure) in figures {
            let url = directory.appendingPathComponent(name)
            try Data(figure.render().utf8).write(to: url)
            written.append(url)
        }
        return written
    }
}
