import Foundation

/// The optimizer side of a run, shared by SFT and DPO: AdamW, schedule, clipping, step
/// counter and checkpoints. A stage's loop accumulates gradients into `model.gradients`
/// and then calls `step()`.
public final class TrainingSession: @unchecked Sendable {
    public let model: LlamaModel
    public let optimizer: AdamW
    public let schedule: LearningRateSchedule
    public let maxGradNorm: Double?
    public var state: TrainerState

    public init(model: LlamaModel, adamW: AdamWSettings, schedule: LearningRateSchedule, maxGradNorm: Double?, state: TrainerState) {
        self.model = model
        optimizer = AdamW(layout: model.layout, settings: adamW)
        self.schedule = schedule
        self.maxGradNorm = maxGradNorm
        self.state = state
    }

    /// Clips the accumulated gradients, applies AdamW at this step's learning rate, clears
    /// the gradients and advances the step. Returns the norm before clipping and the rate used.
    public func step() -> (gradNorm: Double, learningRate: Double) {
        let norm = GradientClipping.clip(model.gradients, maxNorm: maxGradNorm, pool: model.pool)
        let rate = schedule.rate(at: state.globalStep)
        optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: rate, pool: model.pool)
        model.zeroGradients()
        state.globalStep += 1
        return (norm, rate)
    }

    /// Writes a checkpoint folder with weights, optimizer moments and trainer state.
    public func save(to folder: URL, tokenizer: URL? = nil) throws(TrainError) {
        try Checkpoint.save(model: model, optimizer: optimizer, state: state, tokenizer: tokenizer, to: folder)
    }

    /// Restores weights, moments and state from a checkpoint written by `save`.
    public func restore(from folder: URL) throws(TrainError) {
        let config = try Checkpoint.loadConfig(from: folder)
        guard config == model.config else { throw .invalidCheckpoint("\(folder.path): config differs from this run's model") }
        try Checkpoint.loadWeights(into: model, from: folder)
        try Checkpoint.loadOptimizer(optimizer, from: folder)
        state = try Checkpoint.loadState(from: folder)
        guard optimizer.step == state.globalStep else {
            throw .invalidCheckpoint("\(folder.path): optimizer step \(optimizer.step) but global_step \(state.globalStep)")
        }
        model.zeroGradients()
    }
}
