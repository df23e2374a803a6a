import Foundation
import JSON

/// Supervised fine-tuning: cross-entropy on the weighted tokens, normalised by the weighted
/// tokens of the whole optimizer step (so accumulation equals one big batch).
public final class SFTTrainer: @unchecked Sendable {
    public let options: TrainingOptions
    private let loop: TrainingLoop
    private let train: any TokenBatchSource
    private let eval: (any TokenBatchSource)?

    public var session: TrainingSession { loop.session }
    public var model: LlamaModel { loop.session.model }

    /// `runDirectory` receives metrics.jsonl and checkpoint-N folders; when it already holds a
    /// checkpoint and `resume` is true, training continues from the newest one.
    public init(model: LlamaModel, options: TrainingOptions, train: any TokenBatchSource, eval: (any TokenBatchSource)? = nil,
                runDirectory: URL? = nil, tokenizer: URL? = nil, resume: Bool = false) throws(TrainError) {
        let total = try options.totalSteps(batchCount: train.batchCount)
        let schedule = LearningRateSchedule(peak: options.learningRate, warmupRatio: options.warmupRatio, totalSteps: total,
                                            decay: options.decay)
        let session = TrainingSession(model: model, adamW: options.adamW, schedule: schedule, maxGradNorm: options.maxGradNorm,
                                      state: TrainerState(maxSteps: total, seed: options.seed, info: JSONObject([("stage", .string("sft")), ("training", options.resumeFingerprint)])))
        loop = try TrainingLoop(session: session, options: options, batchCount: train.batchCount, runDirectory: runDirectory,
                                tokenizer: tokenizer, resume: resume)
        self.options = options
        self.train = train
        self.eval = eval
    }

    /// Micro-batch indices of `epoch` in training order.
    public func order(epoch: Int) -> [Int] { loop.order(epoch: epoch) }

    /// Trains until the run's last step, or for `steps` more optimizer steps when given.
    public func run(steps: Int? = nil, onEvent: (TrainingEvent) -> Void = { _ in }) throws(TrainError) {
        try loop.run(steps: steps, step: { indices throws(TrainError) in
            var batches: [TokenBatch] = []
            for i in indices { batches.append(try train.batch(at: i)) }
            let normalizer = batches.reduce(0) { $0 + $1.weightSum }
            var loss = 0.0
            if normalizer > 0 {
                for batch in batches { loss += try model.forwardBackwardCrossEntropy(batch, normalizer: normalizer) }
            }
            return StepOutcome(loss: loss, tokens: batches.reduce(0) { $0 + $1.tokenCount })
        }, evaluate: eval == nil ? nil : { () throws(TrainError) in [("loss", try self.evaluate())] }, onEvent: onEvent)
    }

    /// Token-weighted mean cross-entropy over the eval source.
    public func evaluate() throws(TrainError) -> Double {
        guard let eval else { return .nan }
        var total = 0.0, weight = 0.0
        for i in 0..<eval.batchCount {
            let batch = try eval.batch(at: i)
            let logProbs = try model.forward(batch, keepForBackward: false)
            for j in 0..<batch.tokenCount where batch.lossWeights[j] != 0 {
                total -= Double(batch.lossWeights[j]) * Double(logProbs[j])
                weight += Double(batch.lossWeights[j])
            }
        }
        return weight > 0 ? total / weight : .nan
    }
}
