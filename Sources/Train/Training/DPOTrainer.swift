import Foundation
import JSON

/// DPO-Shift settings (DPO_SHIFT.md): β, the λ schedule over optimizer steps (λ = 1 is DPO),
/// optional cDPO label smoothing and RPO NLL term, and the usual optimisation settings.
public struct DPOOptions: Sendable {
    public var epochs = 1
    public var maxSteps: Int?
    public var learningRate = 5e-7
    public var warmupRatio = 0.1
    public var decay: LearningRateSchedule.Decay = .cosine
    public var adamW = AdamWSettings()
    public var maxGradNorm: Double? = 1.0
    public var gradientAccumulation = 1
    public var seed: UInt64 = 42
    public var evalEvery: Int?
    public var saveEvery: Int?
    public var saveTotalLimit = 2
    public var loss = DPOShiftLoss()
    public var lambda: LambdaSchedule = .fixed(1)

    public init() {}
}

/// The DPO loop on the shards: pairs in curriculum order (stage by stage), chosen and
/// rejected of a micro-batch through one forward, λ taken per optimizer step t of T, TRL's
/// metric names in metrics.jsonl, periodic test-split evaluation and checkpoints.
public final class DPOTrainer: @unchecked Sendable {
    public let session: TrainingSession
    public let options: DPOOptions
    private let train: ShardPreferenceBatches
    private let eval: ShardPreferenceBatches?
    private let runDirectory: URL?
    private let tokenizer: URL?
    private let metrics: MetricsLog?
    private var elapsedBefore = 0.0

    public var model: LlamaModel { session.model }

    public init(model: LlamaModel, options: DPOOptions, train: ShardPreferenceBatches, eval: ShardPreferenceBatches?,
                runDirectory: URL?, tokenizer: URL?, resume: Bool = false, info: JSONObject = JSONObject()) throws(TrainError) {
        let stepsPerEpoch = train.batchCount / max(1, options.gradientAccumulation)
        guard stepsPerEpoch >= 1 else { throw .invalidOption("\(train.batchCount) micro-batches of pairs make no optimizer step") }
        let total = min(options.maxSteps ?? Int.max, options.epochs * stepsPerEpoch)
        let schedule = LearningRateSchedule(peak: options.learningRate, warmupRatio: options.warmupRatio, totalSteps: total, decay: options.decay)
        var runInfo = info
        runInfo["stage"] = .string("dpo")
        session = TrainingSession(model: model, adamW: options.adamW, schedule: schedule, maxGradNorm: options.maxGradNorm,
                                  state: TrainerState(maxSteps: total, seed: options.seed, info: runInfo))
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

    /// λ at optimizer step `step` (0-based) of this run.
    public func lambda(at step: Int) -> Double { options.lambda.value(step: step, totalSteps: session.state.maxSteps) }

    public func run(onEvent: (_ step: Int, _ total: Int, _ metrics: [(String, Double)]) -> Void = { _, _, _ in }) throws(TrainError) {
        let start = Date()
        var state = session.state
        let accumulation = options.gradientAccumulation
        let usable = (train.batchCount / accumulation) * accumulation
        while state.globalStep < state.maxSteps {
            if state.batchCursor + accumulation > usable {
                state.epoch += 1
                state.batchCursor = 0
            }
            let stepStart = Date()
            let lambda = self.lambda(at: state.globalStep)
            var batches: [PreferenceBatch] = []
            for i in 0..<accumulation {
                let b = try train.batch(at: state.batchCursor + i)
                guard let reference = b.reference else {
                    throw .invalidOption("reference log-probs are missing for some pairs; compute them first")
                }
                batches.append(try PreferenceBatch(chosen: b.chosen, rejected: b.rejected, referenceChosen: reference.chosen, referenceRejected: reference.rejected))
            }
            let pairs = batches.reduce(0) { $0 + $1.pairs }
            var outputs: [DPOMetrics] = []
            var tokens = 0
            for batch in batches {
                let result = try DPOStep.accumulate(model: model, batch: batch, loss: options.loss, lambda: lambda,
                                                    weight: Double(batch.pairs) / Double(pairs))
                outputs.append(result.output.metrics)
                tokens += result.tokens
            }
            state.batchCursor += accumulation
            session.state = state
            let (norm, rate) = session.step()
            state = session.state
            var named = Self.merge(outputs)
            let elapsed = elapsedBefore + Date().timeIntervalSince(start)
            named += [("lr", rate), ("grad_norm", norm), ("epoch", Double(state.epoch) + Double(state.batchCursor) / Double(max(1, usable))),
                      ("tokens_per_second", Double(tokens) / max(1e-9, Date().timeIntervalSince(stepStart))), ("elapsed", elapsed)]
            try log(step: state.globalStep, split: "train", named)
            onEvent(state.globalStep, state.maxSteps, named)
            let last = state.globalStep == state.maxSteps
            if let every = options.evalEvery, eval != nil, state.globalStep % every == 0 || last {
                let evalMetrics = try evaluate(lambda: lambda)
                try log(step: state.globalStep, split: "eval", evalMetrics.map { ("eval_" + $0.0, $0.1) })
            }
            if let runDirectory, let every = options.saveEvery, state.globalStep % every == 0 || last {
                session.state.info["elapsed_seconds"] = .double(elapsed)
                try session.save(to: runDirectory.appendingPathComponent("checkpoint-\(state.globalStep)"), tokenizer: tokenizer)
                rotateCheckpoints(in: runDirectory)
            }
        }
    }

    /// DPO metrics on the eval pairs under the current policy (no gradient).
    public func evaluate(lambda: Double) throws(TrainError) -> [(String, Double)] {
        guard let eval else { return [] }
        var outputs: [DPOMetrics] = []
        for index in 0..<eval.batchCount {
            let b = try eval.batch(at: index)
            guard let reference = b.reference else { throw .invalidOption("reference log-probs are missing for eval pairs") }
            let sums = try DPOStep.sequenceLogProbs(model: model, chosen: b.chosen, rejected: b.rejected)
            let inputs = DPOShiftLoss.Inputs(policyChosen: sums.chosen, policyRejected: sums.rejected, referenceChosen: reference.chosen,
                                             referenceRejected: reference.rejected, chosenTokenCount: b.chosen.weightSum)
            outputs.append(try options.loss.evaluate(inputs, lambda: lambda).metrics)
        }
        return Self.merge(outputs)
    }

    /// Means over all pairs of several micro-batches, in TRL's names.
    static func merge(_ parts: [DPOMetrics]) -> [(String, Double)] {
        let pairs = parts.reduce(0) { $0 + $1.rewardsChosen.count }
        guard pairs > 0, let first = parts.first else { return [] }
        var sums: [String: Double] = [:]
        for p in parts {
            for (name, value) in p.named { sums[name, default: 0] += value * Double(p.rewardsChosen.count) }
        }
        return first.named.map { ($0.0, $0.0 == "dpo_lambda" ? first.lambda : sums[$0.0, default: 0] / Double(pairs)) }
    }

    private func log(step: Int, split: String, _ values: [(String, Double)]) throws(TrainError) {
        var o = JSONObject([("step", .int(Int64(step))), ("split", .string(split))])
        for (k, v) in values { o[k] = .double(v) }
        try metrics?.write(o)
    }

    private func rotateCheckpoints(in directory: URL) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        let steps = names.compactMap { $0.hasPrefix("checkpoint-") ? Int($0.dropFirst("checkpoint-".count)) : nil }.sorted()
        for step in steps.dropLast(max(1, options.saveTotalLimit)) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("checkpoint-\(step)"))
        }
    }
}
