import Foundation
import JSON

/// DPO-Shift settings (DPO_SHIFT.md): β, the λ schedule over optimizer steps (λ = 1 is DPO),
/// optional cDPO label smoothing and RPO NLL term, and the shared optimisation settings.
public struct DPOOptions: Sendable {
    public var training = TrainingOptions()
    public var loss = DPOShiftLoss()
    public var lambda: LambdaSchedule = .fixed(1)

    public init() {}
}

/// DPO on the shards, on the loop SFT uses: pairs in curriculum order (stage by stage, the
/// order `ShardPreferenceBatches` gives, never reshuffled), chosen and rejected of a
/// micro-batch through one forward, λ taken per optimizer step t of T, TRL's metric names,
/// periodic test-split evaluation and checkpoints, exact resume.
public final class DPOTrainer: @unchecked Sendable {
    public let options: DPOOptions
    private let loop: TrainingLoop
    private let train: ShardPreferenceBatches
    private let eval: ShardPreferenceBatches?
    /// Computes (and stores) reference log-probs for pairs that have none; without it they
    /// must all have been precomputed.
    private let reference: ReferenceLogProbs?

    public var session: TrainingSession { loop.session }
    public var model: LlamaModel { loop.session.model }

    public init(model: LlamaModel, options: DPOOptions, train: ShardPreferenceBatches, eval: ShardPreferenceBatches?,
                runDirectory: URL?, tokenizer: URL?, resume: Bool = false, info: JSONObject = JSONObject(),
                reference: ReferenceLogProbs? = nil) throws(TrainError) {
        let t = options.training
        let total = try t.totalSteps(batchCount: train.batchCount)
        let schedule = LearningRateSchedule(peak: t.learningRate, warmupRatio: t.warmupRatio, totalSteps: total, decay: t.decay)
        var runInfo = info
        runInfo["stage"] = .string("dpo")
        runInfo["training"] = t.resumeFingerprint
        runInfo["lambda"] = .string(options.lambda.description)
        runInfo["beta"] = .double(options.loss.beta)
        let session = TrainingSession(model: model, adamW: t.adamW, schedule: schedule, maxGradNorm: t.maxGradNorm,
                                      state: TrainerState(maxSteps: total, seed: t.seed, info: runInfo))
        loop = try TrainingLoop(session: session, options: t, batchCount: train.batchCount, shuffle: false,
                                runDirectory: runDirectory, tokenizer: tokenizer, resume: resume)
        self.options = options
        self.train = train
        self.eval = eval
        self.reference = reference
    }

    /// The reference log-probs of batch `index`: stored, or computed now when allowed.
    private func referenceValues(_ source: ShardPreferenceBatches, _ index: Int,
                                 _ b: (chosen: TokenBatch, rejected: TokenBatch, reference: (chosen: [Double], rejected: [Double])?))
        throws(TrainError) -> (chosen: [Double], rejected: [Double]) {
        if let stored = b.reference { return stored }
        guard let reference else { throw .invalidOption("reference log-probs are missing for some pairs; compute them first") }
        return try reference.values(source: source, index: index, batch: b)
    }

    /// λ at optimizer step `step` (0-based) of this run.
    public func lambda(at step: Int) -> Double { options.lambda.value(step: step, totalSteps: session.state.maxSteps) }

    public func run(steps: Int? = nil, onEvent: (TrainingEvent) -> Void = { _ in }) throws(TrainError) {
        try loop.run(steps: steps, step: { indices throws(TrainError) in
            let lambda = self.lambda(at: session.state.globalStep)
            var batches: [PreferenceBatch] = []
            for i in indices {
                let b = try train.batch(at: i)
                let reference = try referenceValues(train, i, b)
                batches.append(try PreferenceBatch(chosen: b.chosen, rejected: b.rejected, referenceChosen: reference.chosen,
                                                   referenceRejected: reference.rejected))
            }
            let pairs = batches.reduce(0) { $0 + $1.pairs }
            var outputs: [DPOMetrics] = []
            var tokens = 0
            var logits = DPOStep.LogitTotals()
            for batch in batches {
                let result = try DPOStep.accumulate(model: model, batch: batch, loss: options.loss, lambda: lambda,
                                                    weight: Double(batch.pairs) / Double(pairs))
                outputs.append(result.output.metrics)
                logits.add(result.logits)
                tokens += result.tokens
            }
            let metrics = Self.merge(outputs) + logits.named
            return StepOutcome(loss: metrics.first { $0.0 == "loss" }?.1 ?? .nan, tokens: tokens, metrics: metrics)
        }, evaluate: eval == nil ? nil : { () throws(TrainError) in
            // Evaluation after step t reports λ(t), the value the next step trains with, as the reference implementation logs it.
            try self.evaluate(lambda: self.lambda(at: self.session.state.globalStep)).map { ("eval_" + $0.0, $0.1) }
        }, onEvent: onEvent)
    }

    /// DPO metrics on the eval pairs under the current policy (no gradient).
    public func evaluate(lambda: Double) throws(TrainError) -> [(String, Double)] {
        guard let eval else { return [] }
        var outputs: [DPOMetrics] = []
        var logits = DPOStep.LogitTotals()
        for index in 0..<eval.batchCount {
            let b = try eval.batch(at: index)
            let reference = try referenceValues(eval, index, b)
            let sums = try DPOStep.sequenceLogProbs(model: model, chosen: b.chosen, rejected: b.rejected)
            let inputs = DPOShiftLoss.Inputs(policyChosen: sums.chosen, policyRejected: sums.rejected, referenceChosen: reference.chosen,
                                             referenceRejected: reference.rejected, chosenTokenCount: b.chosen.weightSum)
            outputs.append(try options.loss.evaluate(inputs, lambda: lambda).metrics)
            logits.add(sums.logits)
        }
        return Self.merge(outputs) + logits.named
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
}
