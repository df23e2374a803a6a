import Foundation
import JSON
import Testing
@testable import Train

/// The loop's bookkeeping: every micro-batch is trained each epoch, HF's metric names, and a
/// resume that refuses other settings.
@Suite struct TrainingLoopTests {
    static func model() throws -> LlamaModel {
        let m = try LlamaModel(config: TrainerTests.config(), threads: 1)
        m.initializeParameters(seed: 11)
        return m
    }

    /// 5 micro-batches at accumulation 2: three steps per epoch (2, 2, then 1), as HF takes them.
    @Test func theLastMicroBatchesOfAnEpochMakeAShorterStep() throws {
        var options = TrainerTests.options(steps: 100, accumulation: 2)
        options.maxSteps = nil
        options.epochs = 2
        #expect(try options.totalSteps(batchCount: 5) == 6)
        let loop = try TrainingLoop(session: TrainingSession(model: try Self.model(), adamW: options.adamW,
                                                             schedule: LearningRateSchedule(peak: 1e-3, warmupRatio: 0, totalSteps: 6, decay: .constant),
                                                             maxGradNorm: nil, state: TrainerState(maxSteps: 6, seed: options.seed)),
                                    options: options, batchCount: 5, runDirectory: nil, tokenizer: nil, resume: false)
        var seen: [[Int]] = []
        try loop.run(steps: nil, step: { indices in
            seen.append(indices)
            return StepOutcome(loss: 1, tokens: indices.count)
        }, evaluate: nil, onEvent: { _ in })
        #expect(seen.map(\.count) == [2, 2, 1, 2, 2, 1])
        // Each epoch covers every micro-batch exactly once.
        #expect(Set(seen[0..<3].joined()) == Set(0..<5) && seen[0..<3].joined().count == 5)
        #expect(Set(seen[3..<6].joined()) == Set(0..<5) && seen[3..<6].joined().count == 5)
    }

    @Test func metricsUseHFNamesAndResumeRefusesOtherSettings() throws {
        let root = CheckpointTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let train = try PackedDocuments(documents: TrainerTests.documents(count: 40, seed: 3), rows: 2, length: 24)
        var options = TrainerTests.options(steps: 4)
        options.saveEvery = 2
        options.evalEvery = 2
        let run = root.appendingPathComponent("run")
        try SFTTrainer(model: try Self.model(), options: options, train: train, eval: train, runDirectory: run).run(steps: 2)
        let records = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let trainRecord = try #require(records.first { $0["split"]?.stringValue == "train" })
        #expect(trainRecord["learning_rate"]?.doubleValue != nil && trainRecord["lr"] == nil)
        let evalRecord = try #require(records.first { $0["split"]?.stringValue == "eval" })
        #expect(evalRecord["eval_loss"]?.doubleValue != nil && evalRecord["loss"] == nil)

        var otherSeed = options
        otherSeed.seed = 6
        let error = #expect(throws: TrainError.self) {
            try SFTTrainer(model: try Self.model(), options: otherSeed, train: train, runDirectory: run, resume: true)
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("seed 5 (now 6)"))
        var otherRate = options
        otherRate.learningRate = 1e-2
        #expect(throws: TrainError.self) {
            try SFTTrainer(model: try Self.model(), options: otherRate, train: train, runDirectory: run, resume: true)
        }
        // The same settings resume.
        let resumed = try SFTTrainer(model: try Self.model(), options: options, train: train, runDirectory: run, resume: true)
        #expect(resumed.session.state.globalStep == 2)
    }
}
