import Foundation
import JSON
import Testing
@testable import Train

@Suite struct TrainerTests {
    /// A tiny corpus with structure a model can learn: counting sequences with a random start.
    static func documents(count: Int, seed: UInt64) -> [[Int32]] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { _ in
            let start = Int32(random.next() % 20), length = 5 + Int(random.next() % 20)
            return (0..<length).map { (start + Int32($0)) % 40 }
        }
    }

    static func config() -> ModelConfig {
        ModelConfig(vocabSize: 40, hiddenSize: 32, intermediateSize: 64, numHiddenLayers: 2, numAttentionHeads: 4,
                    numKeyValueHeads: 2, tieWordEmbeddings: true)
    }

    static func options(steps: Int, accumulation: Int = 1) -> SFTOptions {
        var o = SFTOptions()
        o.maxSteps = steps
        o.epochs = 100
        o.learningRate = 3e-3
        o.warmupRatio = 0.2
        o.gradientAccumulation = accumulation
        o.adamW = AdamWSettings(weightDecay: 0.01)
        o.seed = 5
        return o
    }

    @Test func seededInitialisationIsReproducibleAndHasTheConfiguredScale() throws {
        let a = try LlamaModel(config: Self.config(), threads: 1), b = try LlamaModel(config: Self.config(), threads: 1)
        a.initializeParameters(seed: 3)
        b.initializeParameters(seed: 3)
        #expect(a.parameters.array == b.parameters.array)
        b.initializeParameters(seed: 4)
        #expect(a.parameters.array != b.parameters.array)
        let q = a.layout.tensor(named: "model.layers.0.self_attn.q_proj.weight")!
        let values = a.parameters.slice(offset: q.offset, count: q.count).map(Double.init)
        let mean = values.reduce(0, +) / Double(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(mean) < 0.003 && abs(std - 0.02) < 0.002, "mean \(mean) std \(std)")
        let norm = a.layout.tensor(named: "model.norm.weight")!
        #expect(a.parameters.slice(offset: norm.offset, count: norm.count).allSatisfy { $0 == 1 })
    }

    @Test func learningRateSchedulesMatchTransformers() throws {
        let golden = try Fixtures.json("fixtures/model/schedules.json")
        for decay in [LearningRateSchedule.Decay.cosine, .linear] {
            let schedule = LearningRateSchedule(peak: golden["peak"]!.doubleValue!, warmupSteps: golden["warmup_steps"]!.intValue!,
                                                totalSteps: golden["total_steps"]!.intValue!, decay: decay)
            let expected = golden["rates"]![decay.rawValue]!.doubles
            for (t, rate) in expected.enumerated() {
                #expect(abs(schedule.rate(at: t) - rate) <= 1e-15, "\(decay) step \(t)")
            }
        }
        #expect(LearningRateSchedule(peak: 1, warmupRatio: 0.1, totalSteps: 477, decay: .cosine).warmupSteps == 48)
    }

    @Test func packingKeepsDocumentsApartAndPadsWithZeroWeight() throws {
        let docs: [[Int32]] = [[1, 2, 3, 4], [5, 6], [7, 8, 9, 10, 11, 12, 13]]
        let source = try PackedDocuments(documents: docs, rows: 2, length: 5)
        #expect(source.batchCount == 1)
        #expect(source.predictionCount == 3 + 1 + 6)
        let batch = try source.batch(at: 0)
        #expect(batch.inputs == [1, 2, 3, 5, 7, 8, 9, 10, 11, 12])
        #expect(batch.targets == [2, 3, 4, 6, 8, 9, 10, 11, 12, 13])
        // The third document is cut at the row end; its second piece starts over at position 0.
        #expect(batch.positions == [0, 1, 2, 0, 0, 0, 1, 2, 3, 4])
        #expect(batch.documentStarts == [0, 0, 0, 3, 4, 0, 0, 0, 0, 0])
        let tail = try PackedDocuments(documents: [[1, 2, 3]], rows: 1, length: 4).batch(at: 0)
        #expect(tail.lossWeights == [1, 1, 0, 0])
        #expect(tail.documentIds[2] != tail.documentIds[1])
    }

    @Test func sftLowersTheLossOnLearnableData() throws {
        let model = try LlamaModel(config: Self.config(), threads: 2)
        model.initializeParameters(seed: 1)
        let train = try PackedDocuments(documents: Self.documents(count: 64, seed: 1), rows: 4, length: 32)
        let eval = try PackedDocuments(documents: Self.documents(count: 16, seed: 2), rows: 4, length: 32)
        let trainer = try SFTTrainer(model: model, options: Self.options(steps: 60), train: train, eval: eval)
        let before = try trainer.evaluate()
        var losses: [Double] = []
        try trainer.run { if case .step(let m) = $0 { losses.append(m.loss) } }
        let after = try trainer.evaluate()
        #expect(losses.count == 60)
        #expect(before > 3.5 && after < 0.6 * before, "eval loss \(before) → \(after)")
    }

    /// Two micro-batches accumulated equal one step on both stacked into one batch.
    @Test func gradientAccumulationEqualsTheCombinedBatch() throws {
        let source = try PackedDocuments(documents: Self.documents(count: 24, seed: 9), rows: 2, length: 16)
        let a = try source.batch(at: 0), b = try source.batch(at: 1)
        let model = try LlamaModel(config: Self.config(), threads: 2)
        model.initializeParameters(seed: 2)
        let normalizer = a.weightSum + b.weightSum
        let lossA = try model.forwardBackwardCrossEntropy(a, normalizer: normalizer)
        let lossB = try model.forwardBackwardCrossEntropy(b, normalizer: normalizer)
        let accumulated = model.gradients.array
        model.zeroGradients()
        let lossAB = try model.forwardBackwardCrossEntropy(try a.stacked(with: b), normalizer: normalizer)
        #expect(abs(lossA + lossB - lossAB) <= 1e-5 * lossAB)
        expectClose(accumulated, model.gradients.array, relative: 1e-4, "accumulated vs combined gradients")
    }

    /// Stopping after 3 steps, saving, and resuming in a fresh trainer gives bit-identical
    /// parameters and moments to an uninterrupted 6-step run (same thread count).
    @Test func resumeIsBitExact() throws {
        let root = CheckpointTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let train = try PackedDocuments(documents: Self.documents(count: 40, seed: 3), rows: 2, length: 24)
        var options = Self.options(steps: 6, accumulation: 2)
        options.saveEvery = 3

        func freshModel() throws -> LlamaModel {
            let m = try LlamaModel(config: Self.config(), threads: 2)
            m.initializeParameters(seed: 11)
            return m
        }
        let straight = try SFTTrainer(model: try freshModel(), options: options, train: train)
        try straight.run()

        let runDirectory = root.appendingPathComponent("run")
        let first = try SFTTrainer(model: try freshModel(), options: options, train: train, runDirectory: runDirectory)
        try first.run(steps: 3)
        let second = try SFTTrainer(model: try freshModel(), options: options, train: train, runDirectory: runDirectory, resume: true)
        #expect(second.session.state.globalStep == 3)
        try second.run()
        #expect(second.session.state.globalStep == 6)
        #expect(second.model.parameters.array.map(\.bitPattern) == straight.model.parameters.array.map(\.bitPattern))
        #expect(second.session.optimizer.secondMoment.array.map(\.bitPattern) == straight.session.optimizer.secondMoment.array.map(\.bitPattern))
        let (a, b) = (second.session.state, straight.session.state)
        #expect(a.globalStep == b.globalStep && a.epoch == b.epoch && a.batchCursor == b.batchCursor)
        // metrics.jsonl carries all six steps once.
        let lines = try String(contentsOf: runDirectory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
            .split(separator: "\n").filter { $0.contains("\"train\"") }
        #expect(lines.count == 6)
        #expect(RunFolder(runDirectory).latestCheckpoint?.lastPathComponent == "checkpoint-6")
    }
}
