import Foundation
import Store
import Testing
@testable import Train

/// Curry-DPO's iterative training through `TrainingRun`: one round per curriculum stage, each
/// round's reference the previous round's model, the last round's model the run's.
@Suite struct CurryDPOTests {
    @Test func roundsChainTheirReferencesAndEvalRefusesAStaleReference() throws {
        let ws = try ShardTrainingTests.Workspace()
        let tokenizer = ws.root.appendingPathComponent("tokenizer.json")
        try ws.tokenizer.save(to: tokenizer)
        let start = ws.root.appendingPathComponent("start")
        try Checkpoint.saveModelFiles(model: try ws.model(), tokenizer: tokenizer, into: start)

        var settings = TrainingRunSettings(stage: .dpo, model: start.path, run: RunFolder(ws.root.appendingPathComponent("runs/curry")))
        settings.iterative = true
        settings.pairsPerBatch = 4
        settings.training.learningRate = 1e-3
        settings.training.maxSteps = 2
        settings.training.saveEvery = 100  // one checkpoint, at the end of each round
        settings.threads = 1
        let rounds = Counter()
        try TrainingRun.run(settings, catalog: ws.catalog, tokenizer: tokenizer) { event in
            if event.phase == "curry-dpo", event.message != nil { rounds.increment() }
        }
        #expect(rounds.value == 2)

        let round0 = RunFolder(settings.run.url.appendingPathComponent("round-0"))
        let round1 = RunFolder(settings.run.url.appendingPathComponent("round-1"))
        #expect(try round0.info?.referencePath == start.path)
        #expect(try round1.info?.referencePath == round0.url.path)
        #expect(try round1.info?.referenceIdentity == RunLocator.identity(of: round0.url))
        // Each round trains on its own stage only.
        #expect(try round0.latestTrainerState()?.info["curriculum_stage"]?.intValue == 0)
        #expect(try round1.latestTrainerState()?.info["curriculum_stage"]?.intValue == 1)
        // The run's model is the last round's; its reference is where the rounds started.
        #expect(try RunLocator.identity(of: settings.run.url) == RunLocator.identity(of: round1.url))
        #expect(try settings.run.info?.referenceIdentity == RunLocator.identity(of: start))

        // The shard index now holds round 0's log-probs: right for round 1, stale for the run.
        try Evaluation.checkStoredReference(catalog: ws.catalog, run: round1)
        let error = #expect(throws: TrainError.self) { try Evaluation.checkStoredReference(catalog: ws.catalog, run: settings.run) }
        #expect("\(error.map { "\($0)" } ?? "")".contains("pass --ref \(start.path)"))
    }
}

/// Counts events from a @Sendable progress handler.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
