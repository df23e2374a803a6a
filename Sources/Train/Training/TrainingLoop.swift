import Foundation
import JSON

/// Settings every stage shares, with the HF TrainingArguments meaning.
public struct TrainingOptions: Sendable {
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
    /// Evaluate every this many optimizer steps (and at the end).
    public var evalEvery: Int?
    /// Save `checkpoint-N` every this many steps (and at the end) when a run directory is given.
    public var saveEvery: Int?
    /// Write the train metrics every this many optimizer steps (HF `logging_steps`), averaged
    /// over the steps since the last line, and at the run's last step.
    public var loggingSteps: Int = 1
    /// Keep at most this many `checkpoint-N` folders (HF `save_total_limit`).
    public var saveTotalLimit: Int = 2

    public init() {}

    /// Optimizer steps of a run over `batchCount` micro-batches per epoch. As in HF's Trainer,
    /// an epoch whose micro-batches do not divide by the accumulation ends with a shorter step,
    /// so every micro-batch is trained on.
    public func totalSteps(batchCount: Int) throws(TrainError) -> Int {
        guard gradientAccumulation >= 1 else { throw .invalidOption("gradient accumulation must be at least 1") }
        guard epochs >= 1 else { throw .invalidOption("epochs must be at least 1") }
        guard batchCount >= 1 else { throw .invalidOption("there are no micro-batches to train on") }
        let perEpoch = (batchCount + gradientAccumulation - 1) / gradientAccumulation
        return min(maxSteps ?? Int.max, epochs * perEpoch)
    }

    /// What a resumed run must share with the run that saved the checkpoint.
    var resumeFingerprint: JSONValue {
        .object(JSONObject([
            ("epochs", .int(Int64(epochs))), ("max_steps", maxSteps.map { .int(Int64($0)) } ?? .null),
            ("learning_rate", .double(learningRate)), ("warmup_ratio", .double(warmupRatio)), ("lr_scheduler_type", .string(decay.rawValue)),
            ("gradient_accumulation_steps", .int(Int64(gradientAccumulation))), ("seed", .int(Int64(bitPattern: seed))),
            ("weight_decay", .double(adamW.weightDecay)), ("max_grad_norm", maxGradNorm.map(JSONValue.double) ?? .null),
        ]))
    }
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
    /// Stage-specific metrics with TRL's names (DPO: rewards/chosen, …, dpo_lambda).
    public let extra: [(String, Double)]
}

/// SFT's name for the shared settings.
public typealias SFTOptions = TrainingOptions

public enum TrainingEvent: Sendable {
    case step(StepMetrics)
    /// Held-out loss (the full set of evaluation metrics goes to metrics.jsonl).
    case evaluation(step: Int, loss: Double)
    case checkpoint(URL)
}

/// What one optimizer step's micro-batches produced.
public struct StepOutcome: Sendable {
    public let loss: Double
    public let tokens: Int
    public let metrics: [(String, Double)]

    public init(loss: Double, tokens: Int, metrics: [(String, Double)] = []) {
        self.loss = loss
        self.tokens = tokens
        self.metrics = metrics
    }
}

/// The loop SFT and DPO share: a seeded per-epoch order of micro-batch indices, groups of
/// `gradientAccumulation` micro-batches per optimizer step, `metrics.jsonl`, periodic
/// evaluation and checkpoints, and exact resume from the newest `checkpoint-N`.
final class TrainingLoop: @unchecked Sendable {
    let session: TrainingSession
    let options: TrainingOptions
    let batchCount: Int
    /// False keeps the micro-batches in their given order every epoch (DPO curricula).
    let shuffle: Bool
    private let runDirectory: URL?
    private let tokenizer: URL?
    private let metrics: MetricsLog?
    private var elapsedBefore: Double = 0

    init(session: TrainingSession, options: TrainingOptions, batchCount: Int, shuffle: Bool = true, runDirectory: URL?, tokenizer: URL?,
         resume: Bool) throws(TrainError) {
        self.session = session
        self.options = options
        self.batchCount = batchCount
        self.shuffle = shuffle
        self.runDirectory = runDirectory
        self.tokenizer = tokenizer
        guard let runDirectory else {
            metrics = nil
            return
        }
        do { try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true) } catch {
            throw .io("\(runDirectory.path): cannot create run folder: \(error.localizedDescription)")
        }
        var resumed = false
        if resume, let latest = RunFolder(runDirectory).latestCheckpoint {
            let planned = session.state
            try session.restore(from: latest)
            try Self.checkResumable(saved: session.state, planned: planned, checkpoint: latest)
            elapsedBefore = session.state.info["elapsed_seconds"]?.doubleValue ?? 0
            resumed = true
        }
        metrics = try MetricsLog(url: runDirectory.appendingPathComponent("metrics.jsonl"), append: resumed)
    }

    /// Refuses to resume a checkpoint made with other settings: its step count, seed or
    /// schedule would silently change the run.
    static func checkResumable(saved: TrainerState, planned: TrainerState, checkpoint: URL) throws(TrainError) {
        var differences: [String] = []
        if saved.seed != planned.seed { differences.append("seed \(saved.seed) (now \(planned.seed))") }
        if saved.maxSteps != planned.maxSteps { differences.append("max steps \(saved.maxSteps) (now \(planned.maxSteps))") }
        for key in ["training", "lambda", "beta", "stage", "curriculum_stage"] where saved.info[key] != nil && saved.info[key] != planned.info[key] {
            let was = saved.info[key].map { JSONWriter.string($0) } ?? "none"
            let now = planned.info[key].map { JSONWriter.string($0) } ?? "none"
            differences.append("\(key) \(was) (now \(now))")
        }
        guard differences.isEmpty else {
            throw .invalidCheckpoint("\(checkpoint.path) was saved with " + differences.joined(separator: ", ")
                + ": resume with the same flags, or start a new run")
        }
    }

    /// Micro-batch indices of `epoch` in training order.
    func order(epoch: Int) -> [Int] {
        guard shuffle else { return Array(0..<batchCount) }
        var random = SeededRandom(seed: options.seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
        var indices = Array(0..<batchCount)
        for i in stride(from: indices.count - 1, to: 0, by: -1) {
            indices.swapAt(i, Int(random.next() % UInt64(i + 1)))
        }
        return indices
    }

    /// Runs until `maxSteps`, or `steps` more optimizer steps. `step` receives the indices of
    /// the step's micro-batches and accumulates their gradients into the model.
    func run(steps: Int?, step: ([Int]) throws(TrainError) -> StepOutcome,
             evaluate: (() throws(TrainError) -> [(String, Double)])?,
             onEvent: (TrainingEvent) -> Void) throws(TrainError) {
        let start = Date()
        func elapsed() -> Double { elapsedBefore + Date().timeIntervalSince(start) }
        let stop = min(session.state.maxSteps, steps.map { session.state.globalStep + $0 } ?? Int.max)
        let accumulation = options.gradientAccumulation
        var currentOrder = order(epoch: session.state.epoch)
        var window = MetricsWindow()
        while session.state.globalStep < stop {
            if session.state.batchCursor >= batchCount {
                session.state.epoch += 1
                session.state.batchCursor = 0
                currentOrder = order(epoch: session.state.epoch)
            }
            let stepStart = Date()
            let cursor = session.state.batchCursor
            let end = min(batchCount, cursor + accumulation)  // the epoch's last step may be shorter
            let outcome = try step(Array(currentOrder[cursor..<end]))
            session.state.batchCursor = end
            let (norm, rate) = session.step()
            let seconds = max(1e-9, Date().timeIntervalSince(stepStart))
            let state = session.state
            let metric = StepMetrics(
                step: state.globalStep, maxSteps: state.maxSteps,
                epoch: Double(state.epoch) + Double(state.batchCursor) / Double(max(1, batchCount)),
                loss: outcome.loss, learningRate: rate, gradNorm: norm, tokens: outcome.tokens,
                tokensPerSecond: Double(outcome.tokens) / seconds, elapsed: elapsed(),
                extra: outcome.metrics)
            window.add(metric, metrics: outcome.metrics, seconds: seconds)
            if state.globalStep % max(1, options.loggingSteps) == 0 || state.globalStep == stop {
                try metrics?.write(window.record(last: metric))
                window = MetricsWindow()
            }
            onEvent(.step(metric))

            let last = state.globalStep == stop
            if let every = options.evalEvery, let evaluate, state.globalStep % every == 0 || last {
                let results = try evaluate()
                var evalRecord = JSONObject([("step", .int(Int64(state.globalStep))), ("split", .string("eval"))])
                // HF's evaluation metrics carry the `eval_` prefix.
                for (name, value) in results { evalRecord[name.hasPrefix("eval_") ? name : "eval_" + name] = .double(value) }
                evalRecord["elapsed"] = .double(elapsed())
                try metrics?.write(evalRecord)
                onEvent(.evaluation(step: state.globalStep, loss: results.first { $0.0 == "loss" || $0.0 == "eval_loss" }?.1 ?? .nan))
            }
            if let runDirectory, let every = options.saveEvery, state.globalStep % every == 0 || last {
                session.state.info["elapsed_seconds"] = .double(elapsed())
                let run = RunFolder(runDirectory)
                let folder = run.checkpoint(step: state.globalStep)
                try session.save(to: folder, tokenizer: tokenizer)
                run.rotateCheckpoints(keep: options.saveTotalLimit)
                onEvent(.checkpoint(folder))
            }
        }
    }
}
