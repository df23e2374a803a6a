import Foundation
import JSON

/// DPO-Shift training: λ follows its schedule over the run's optimizer steps (t = steps
/// taken, T = total steps), micro-batches are weighted by their share of the step's pairs,
/// and each step logs TRL's metrics.
public final class DPOTrainer: @unchecked Sendable {
    public let options: TrainingOptions
    public let loss: DPOShiftLoss
    public let shift: LambdaSchedule
    private let loop: TrainingLoop
    private let train: any PreferenceBatchSource
    private let eval: (any PreferenceBatchSource)?

    public var session: TrainingSession { loop.session }
    public var model: LlamaModel { loop.session.model }

    public init(model: LlamaModel, options: TrainingOptions, loss: DPOShiftLoss, shift: LambdaSchedule,
                train: any PreferenceBatchSource, eval: (any PreferenceBatchSource)? = nil,
                runDirectory: URL? = nil, tokenizer: URL? = nil, resume: Bool = false) throws(TrainError) {
        let total = try options.totalSteps(batchCount: train.batchCount)
        let schedule = LearningRateSchedule(peak: options.learningRate, warmupRatio: options.warmupRatio, totalSteps: total,
                                            decay: options.decay)
        let info = JSONObject([("stage", .string("dpo")), ("shift", .string(shift.description)), ("beta", .double(loss.beta))])
        let session = TrainingSession(model: model, adamW: options.adamW, schedule: schedule, maxGradNorm: options.maxGradNorm,
                                      state: TrainerState(maxSteps: total, seed: options.seed, info: info))
        loop = try TrainingLoop(session: session, options: options, batchCount: train.batchCount, runDirectory: runDirectory,
                                tokenizer: tokenizer, resume: resume)
        self.options = options
        self.loss = loss
        self.shift = shift
        self.train = train
        self.eval = eval
    }

    /// λ for the next optimizer step.
    public var currentLambda: Double { shift.value(step: session.state.globalStep, totalSteps: session.state.maxSteps) }

    public func run(steps: Int? = nil, onEvent: (TrainingEvent) -> Void = { _ in }) throws(TrainError) {
        try loop.run(steps: steps, step: { indices throws(TrainError) in
            var batches: [PreferenceBatch] = []
            for i in indices { batches.append(try train.batch(at: i)) }
            let pairs = Double(batches.reduce(0) { $0 + $1.pairs })
            let lambda = currentLambda
            var results: [DPOStep.Result] = []
            for batch in batches {
                results.append(try DPOStep.accumulate(model: model, batch: batch, loss: loss, lambda: lambda,
                                                      weight: Double(batch.pairs) / pairs))
            }
            let metrics = DPOMetrics(merging: results.map(\.output.metrics), loss: results.reduce(0) {
                $0 + $1.output.loss * Double($1.output.metrics.rewardsChosen.count) / pairs
            })
            return StepOutcome(loss: metrics.loss, tokens: results.reduce(0) { $0 + $1.tokens }, metrics: metrics.named)
        }, evaluate: eval == nil ? nil : { () throws(TrainError) in try self.evaluate().named }, onEvent: onEvent)
    }

    /// DPO-Shift loss and metrics over every pair of the eval source, at the current λ.
    public func evaluate() throws(TrainError) -> DPOMetrics {
        guard let eval else { throw .invalidOption("no evaluation pairs") }
        var inputs = DPOShiftLoss.Inputs(policyChosen: [], policyRejected: [], referenceChosen: [], referenceRejected: [],
                                         chosenTokenCount: 0)
        for i in 0..<eval.batchCount {
            let batch = try eval.batch(at: i)
            let logProbs = try DPOStep.sequenceLogProbs(model: model, chosen: batch.chosen, rejected: batch.rejected)
            inputs.policyChosen += logProbs.chosen
            inputs.policyRejected += logProbs.rejected
            inputs.referenceChosen += batch.referenceChosen
            inputs.referenceRejected += batch.referenceRejected
            inputs.chosenTokenCount += batch.chosen.weightSum
        }
        return try loss.evaluate(inputs, lambda: currentLambda).metrics
    }
}

extension DPOMetrics {
    /// Per-pair values of several micro-batches pooled into one set of metrics.
    init(merging parts: [DPOMetrics], loss: Double) {
        let nll = parts.compactMap(\.nllLoss)
        self.init(loss: loss, rewardsChosen: parts.flatMap(\.rewardsChosen), rewardsRejected: parts.flatMap(\.rewardsRejected),
                  logpsChosen: parts.flatMap(\.logpsChosen), logpsRejected: parts.flatMap(\.logpsRejected),
                  lambda: parts.first?.lambda ?? 1, nllLoss: nll.isEmpty ? nil : nll.reduce(0, +) / Double(nll.count))
    }
}
