import Foundation
import JSON

/// Supervised fine-tuning settings, with the HF TrainingArguments meaning.
public struct SFTOptions: Sendable {
    public var epochs: Int = 1
    /// Caps the number of optimizer steps (HF `max_steps`); nil runs all epochs.
    public var maxSteps: Int?
    public var learningRate: Double = 2e-5
    public var warmupRatio: Double = 0.1
    public var decay: LearningRateSchedule.Decay = .cosine
    public var adamW = AdamWSettings()
    public var maxGradNorm: Double? = 1.0
    public var gradientAccumulation: Int = 1
    public var seed: UInt64 = 42
    /// Evaluate on the eval source every this many optimizer steps (and at the end).
    public var evalEvery: Int?
    /// Save `checkpoint-N` every this many steps (and at the end) when a run directory is given.
    public var saveEvery: Int?
    /// Keep at most this many `checkpoint-N` folders (HF `save_total_limit`).
    public var saveTotalLimit: Int = 2

    public init() {}
}

public struct StepMetrics: Sendable {
    public let step: Int
    public let maxSteps: Int
    public let epoch: Double
    public let loss: Double
    public let learningRate: Double
    public let gradNorm: Double
    public let tokens: Int
    public let tokensPerSecond: Double
    public let elapsed: Double
}

public enum TrainingEvent: Sendable {
    case step(StepMetrics)
    case evaluation(step: Int, loss: Double)
    case checkpoint(URL)
}

/// The SFT loop: seeded per-epoch order over the source's micro-batches, gradient
/// accumulation with the loss normalised by the tokens of the whole optimizer step,
/// periodic evaluation and checkpoints, exact resume.
public final class SFTTrainer: @unchecked Sendable {
    public let session: TrainingSession
    public let options: SFTOptions
    private let train: any TokenBatchSource
    private let eval: (any TokenBatchSource)?
    private let runDirectory: URL?
    private let tokenizer: URL?
    private let metrics: MetricsLog?
    private var elapsedBefore: Double = 0

    public var model: LlamaModel { session.model }

    /// `runDirectory` receives metrics.jsonl and checkpoint-N folders; when it already holds a
    /// checkpoint and `resume` is true, training continues from the newest one.
    public init(model: LlamaModel, options: SFTOptions, train: any TokenBatchSource, eval: (any TokenBatchSource)? = nil,
                runDirectory: URL? = nil, tokenizer: URL? = nil, resume: Bool = false) throws(TrainError) {
        guard options.gradientAccumulation >= 1 else { throw .invalidOption("gradient accumulation must be at least 1") }
        guard options.epochs >= 1 else { throw .invalidOption("epochs must be at least 1") }
        let stepsPerEpoch = train.batchCount / options.gradientAccumulation
        guard stepsPerEpoch >= 1 else {
            throw .invalidOption("\(train.batchCount) micro-batches make no optimizer step at gradient accumulation \(options.gradientAccumulation)")
        }
        let total = min(options.maxSteps ?? Int.max, options.epochs * stepsPerEpoch)
        let schedule = LearningRateSchedule(peak: options.learningRate, warmupRatio: options.warmupRatio, totalSteps: total,
                                            decay: options.decay)
        session = TrainingSession(model: model, adamW: options.adamW, schedule: schedule, maxGradNorm: options.maxGradNorm,
                                  state: TrainerState(maxSteps: total, seed: options.seed, info: JSONObject([("stage", .string("sft"))])))
        self.options = options
        self.train = train
        self.eval = eval
        self.runDirectory = runDirectory
        self.tokenizer = tokenizer
        var resumed = false
        if let runDirectory {
            do { try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true) } catch {
                throw .io("\(runDirectory.path): cannot create run folder: \(error.localizedDescription)")
            }
            if resume, let latest = TrainingSession.latestCheckpoint(in: runDirectory) {
                try session.restore(from: latest)
                elapsedBefore = session.state.info["elapsed_seconds"]?.doubleValue ?? 0
                resumed = true
            }
            metrics = try MetricsLog(url: runDirectory.appendingPathComponent("metrics.jsonl"), append: resumed)
        } else {
            metrics = nil
        }
    }

    /// Batch indices of `epoch` in training order.
    public func order(epoch: Int) -> [Int] {
        var random = SeededRandom(seed: options.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var indices = Array(0..<train.batchCount)
        for i in stride(from: indices.count - 1, to: 0, by: -1) {
            indices.swapAt(i, Int(random.next() % UInt64(i + 1)))
        }
        return indices
    }

    /// Trains until `maxSteps`, or for `steps` more optimizer steps when given.
    public func run(steps: Int? = nil, onEvent: (TrainingEvent) -> Void = { _ in }) throws(TrainError) {
        let start = Date()
        var state = session.state
        let stop = min(state.maxSteps, steps.map { state.globalStep + $0 } ?? Int.max)
        let accumulation = options.gradientAccumulation
        let usable = (train.batchCount / accumulation) * accumulation
        var currentOrder = order(epoch: state.epoch)
        while state.globalStep < stop {
            if state.batchCursor + accumulation > usable {
                state.epoch += 1
                state.batchCursor = 0
                currentOrder = order(epoch: state.epoch)
            }
            let stepStart = Date()
            var batches: [TokenBatch] = []
            for i in 0..<accumulation { batches.append(try train.batch(at: currentOrder[state.batchCursor + i])) }
            let normalizer = batches.reduce(0) { $0 + $1.weightSum }
            var loss = 0.0
            if normalizer > 0 {
                for batch in batches { loss += try model.forwardBackwardCrossEntropy(batch, normalizer: normalizer) }
            }
            state.batchCursor += accumulation
            session.state = state
            let (norm, rate) = session.step()
            state = session.state
            let tokens = batches.reduce(0) { $0 + $1.tokenCount }
            let elapsed = elapsedBefore + Date().timeIntervalSince(start)
            let metric = StepMetrics(
                step: state.globalStep, maxSteps: state.maxSteps,
                epoch: Double(state.epoch) + Double(state.batchCursor) / Double(max(1, usable)),
                loss: loss, learningRate: rate, gradNorm: norm, tokens: tokens,
                tokensPerSecond: Double(tokens) / max(1e-9, Date().timeIntervalSince(stepStart)), elapsed: elapsed)
            try metrics?.write(JSONObject([
                ("step", .int(Int64(metric.step))), ("epoch", .double(metric.epoch)), ("split", .string("train")),
                ("loss", .double(loss)), ("lr", .double(rate)), ("grad_norm", .double(norm)),
                ("tokens_per_second", .double(metric.tokensPerSecond)), ("elapsed", .double(elapsed)),
            ]))
            onEvent(.step(metric))
            let last = state.globalStep == stop
            if let every = options.evalEvery, eval != nil, state.globalStep % every == 0 || last {
                let evalLoss = try evaluate()
                try metrics?.write(JSONObject([
                    ("step", .int(Int64(state.globalStep))), ("split", .string("eval")), ("loss", .double(evalLoss)),
                    ("elapsed", .double(elapsedBefore + Date().timeIntervalSince(start))),
                ]))
                onEvent(.evaluation(step: state.globalStep, loss: evalLoss))
            }
            if let runDirectory, let every = options.saveEvery, state.globalStep % every == 0 || last {
                session.state.info["elapsed_seconds"] = .double(elapsedBefore + Date().timeIntervalSince(start))
                let folder = runDirectory.appendingPathComponent("checkpoint-\(state.globalStep)")
                try session.save(to: folder, tokenizer: tokenizer)
                try rotateCheckpoints(in: runDirectory)
                onEvent(.checkpoint(folder))
            }
        }
    }

    /// Token-weighted mean cross-entropy over the eval source.
    public func evaluate() throws(TrainError) -> Double {
        guard let eval else { return .nan }
        var total = 0.0, weight = 0.0
        for i in 0..<eval.batchCount {
            let batch = try eval.batch(at: i)
            let logProbs = try model.forward(batch)
            for j in 0..<batch.tokenCount where batch.lossWeights[j] != 0 {
                total -= Double(batch.lossWeights[j]) * Double(logProbs[j])
                weight += Double(batch.lossWeights[j])
            }
        }
        return weight > 0 ? total / weight : .nan
    }

    private func rotateCheckpoints(in directory: URL) throws(TrainError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let steps = names.compactMap { $0.hasPrefix("checkpoint-") ? Int($0.dropFirst("checkpoint-".count)) : nil }.sorted()
        for step in steps.dropLast(max(1, options.saveTotalLimit)) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("checkpoint-\(step)"))
        }
    }
}
