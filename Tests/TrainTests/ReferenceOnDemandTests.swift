import Foundation
import JSON
@testable import Store
import Testing
@testable import Train

/// Reference log-probs computed as training and eval reach them (TRL's
/// precompute_ref_log_probs=false), and eval without a reference.
@Suite struct ReferenceOnDemandTests {
    typealias Workspace = ShardTrainingTests.Workspace

    static func trainer(_ ws: Workspace, run: String, reference: ReferenceLogProbs?) throws -> DPOTrainer {
        var options = DPOOptions()
        options.training.learningRate = 1e-3
        options.training.maxSteps = 2
        options.training.saveEvery = 100
        options.lambda = try LambdaSchedule(parsing: "fixed:0.75")
        let train = try ShardPreferenceBatches(catalog: ws.catalog, split: "train", pairs: 4, shuffleWithinStages: 1)
        return try DPOTrainer(model: try ws.model(), options: options, train: train, eval: nil,
                              runDirectory: ws.root.appendingPathComponent("runs/\(run)"), tokenizer: nil, reference: reference)
    }

    static func losses(_ trainer: DPOTrainer) throws -> [Double] {
        var losses: [Double] = []
        try trainer.run { event in if case .step(let m) = event { losses.append(m.loss) } }
        return losses
    }

    /// On demand, a run fills exactly the batches it trains on, and its losses equal those of a
    /// run on precomputed values (both references are the same model).
    @Test func onDemandTrainingEqualsPrecomputedAndStoresOnlyWhatItUsed() throws {
        let ws = try Workspace()
        let onDemand = try ReferenceLogProbs(model: try ws.model(), identity: "ref", catalog: ws.catalog)
        let lazyLosses = try Self.losses(try Self.trainer(ws, run: "lazy", reference: onDemand))
        let train = try ShardPreferenceBatches(catalog: ws.catalog, split: "train", pairs: 4, shuffleWithinStages: 1)
        // Two steps of one micro-batch each: 8 of the 16 train pairs, none of the test pairs.
        #expect(try train.missingReferences() == 8)
        #expect(try ShardPreferenceBatches(catalog: ws.catalog, split: "test", pairs: 4).missingReferences() == 4)
        #expect(try train.batch(at: 0).reference != nil && train.batch(at: 1).reference != nil && train.batch(at: 2).reference == nil)

        #expect(try onDemand.precompute(pairsPerBatch: 4) == 12)
        let eagerLosses = try Self.losses(try Self.trainer(ws, run: "eager", reference: nil))
        #expect(lazyLosses.count == 2 && eagerLosses.count == 2)
        for (a, b) in zip(lazyLosses, eagerLosses) { #expect(abs(a - b) < 1e-9) }
        // The first step starts at policy = reference.
        #expect(abs(lazyLosses[0] - log(2)) < 1e-4)
    }

    @Test func withoutReferenceValuesAndNoFillerTrainingFails() throws {
        let ws = try Workspace()
        let trainer = try Self.trainer(ws, run: "none", reference: nil)
        #expect(throws: TrainError.self) { try trainer.run() }
    }

    /// Eval without a reference: perplexities and log-probs, no reward figures, none in
    /// eval.json, and the result reads back the same.
    @Test func evalWithoutReferenceHasPerplexityOnly() throws {
        let ws = try Workspace()
        let model = try ws.model()
        let plain = try Evaluation.run(model: model, reference: .none, catalog: ws.catalog, split: "test", name: "m", beta: .nan, pairsPerBatch: 3)
        let against = try Evaluation.run(model: model, reference: .model(model), catalog: ws.catalog, split: "test", name: "m", beta: 0.1, pairsPerBatch: 3)
        #expect(!plain.hasReference && against.hasReference)
        #expect(plain.chosenLogps == against.chosenLogps && plain.chosenTokens == against.chosenTokens)
        #expect(plain.chosenPerplexityTokenWeighted == against.chosenPerplexityTokenWeighted)
        let names = plain.summary.map(\.0)
        #expect(names.contains("perplexity_chosen_token_weighted") && names.contains("perplexity_chosen_mean_per_response"))
        #expect(!names.contains { $0.hasPrefix("rewards/") } && against.summary.map(\.0).contains("rewards/accuracies"))
        let json = plain.json
        #expect(json["beta"] == .null && json["pairs"]?.arrayValue?.first?["margin"] == nil)
        let back = try EvaluationResult(json: JSONParser.parse(JSONWriter.string(json)))
        #expect(!back.hasReference && back.chosenLogps == plain.chosenLogps && back.pairs == plain.pairs)
    }

    /// A run's eval fills the test references it lacks with the model its run.json names, and
    /// refuses when that model's files changed since.
    @Test func evalOfARunComputesMissingReferencesWithItsOwnReference() throws {
        let ws = try Workspace()
        let referenceFolder = ws.root.appendingPathComponent("reference")
        let reference = try ws.model()
        try Checkpoint.saveModelFiles(model: reference, tokenizer: nil, into: referenceFolder)
        let identity = try RunLocator.identity(of: referenceFolder)
        let run = RunFolder(ws.root.appendingPathComponent("runs/dpo"))
        try FileManager.default.createDirectory(at: run.url, withIntermediateDirectories: true)
        try run.write(RunInfo(stage: "dpo", beta: 0.1, shift: "none", referencePath: referenceFolder.path, referenceIdentity: identity))

        let (resolved, _) = try EvaluationReference.resolve(for: run, explicit: nil, catalog: ws.catalog, split: "test", threads: 1)
        guard case .stored(let filler?) = resolved else { Issue.record("expected stored values with a filler, got \(resolved)"); return }
        let result = try Evaluation.run(model: try ws.model(seed: 9), reference: .stored(filler), catalog: ws.catalog, split: "test", name: "dpo",
                                        beta: 0.1, pairsPerBatch: 3)
        let direct = try Evaluation.run(model: try ws.model(seed: 9), reference: .model(reference), catalog: ws.catalog, split: "test", name: "dpo",
                                        beta: 0.1, pairsPerBatch: 3)
        for (a, b) in zip(result.referenceChosen + result.referenceRejected, direct.referenceChosen + direct.referenceRejected) {
            #expect(abs(a - b) < 1e-9)
        }
        #expect(try ShardPreferenceBatches(catalog: ws.catalog, split: "test", pairs: 3).missingReferences() == 0)
        // All stored now: no model needed.
        let (again, _) = try EvaluationReference.resolve(for: run, explicit: nil, catalog: ws.catalog, split: "test", threads: 1)
        guard case .stored(nil) = again else { Issue.record("expected the stored values alone, got \(again)"); return }

        // Another reference's values in the index: refused, with --ref as the way out.
        try ws.catalog.setSetting(.reference, text: "another model")
        #expect(throws: TrainError.self) { try EvaluationReference.resolve(for: run, explicit: nil, catalog: ws.catalog, split: "test", threads: 1) }
    }

    @Test func aFolderWithoutRunInfoHasNoReferenceUnlessOneIsGiven() throws {
        let ws = try Workspace()
        let folder = ws.root.appendingPathComponent("hf-model")
        try Checkpoint.saveModelFiles(model: try ws.model(), tokenizer: nil, into: folder)
        let (none, _) = try EvaluationReference.resolve(for: RunFolder(folder), explicit: nil, catalog: ws.catalog, split: "test", threads: 1)
        guard case .none = none else { Issue.record("expected no reference, got \(none)"); return }
        let (given, _) = try EvaluationReference.resolve(for: RunFolder(folder), explicit: folder, catalog: ws.catalog, split: "test", threads: 1)
        guard case .model = given else { Issue.record("expected a model reference, got \(given)"); return }
    }
}
