/// The `pref train` flags a user gave (nil: not given), as recipe settings. Flags override the
/// recipe file, so each maps to the key it stands for, with the flag's name as the origin.
public struct TrainFlags: Sendable {
    public var stage: TrainingRunSettings.Stage?
    public var model: String?
    public var from: String?
    public var run: String?
    public var epochs: Int?
    public var maxSteps: Int?
    public var lr: Double?
    public var warmupRatio: Double?
    public var lrSchedule: LearningRateSchedule.Decay?
    public var weightDecay: Double?
    public var maxGradNorm: Double?
    public var batchTokens: Int?
    public var pairsPerBatch: Int?
    public var gradAccum: Int?
    public var beta: Double?
    public var shift: String?
    public var labelSmoothing: Double?
    public var rpoAlpha: Double?
    public var iterative: Bool?
    public var precomputeReference: Bool?
    public var loggingSteps: Int?
    public var evalEvery: Int?
    public var saveEvery: Int?
    public var seed: UInt64?
    public var threads: Int?
    public var resume: Bool?

    public init() {}

    /// The settings these flags make, checked like a file's values.
    public func settings() throws(RecipeError) -> [RecipeKey: RecipeSetting] {
        var out: [RecipeKey: RecipeSetting] = [:]
        func set(_ key: RecipeKey, _ value: RecipeValue?, _ flag: String) throws(RecipeError) {
            guard let value else { return }
            out[key] = RecipeSetting(try RecipeTyping.check(value, for: key, origin: .flag(flag)), .flag(flag))
        }
        try set(.stage, stage.map { .string($0.rawValue) }, "--stage")
        try set(.modelNameOrPath, model.map(RecipeValue.string), "--model")
        try set(.modelNameOrPath, from.map(RecipeValue.string), "--from")  // DPO's name for the model; wins over --model
        try set(.outputDir, run.map(RecipeValue.string), "--run")
        try set(.numTrainEpochs, epochs.map(RecipeValue.int), "--epochs")
        // HF's max_steps -1 (and any value ≤ 0 here) means no cap.
        try set(.maxSteps, maxSteps.map { $0 > 0 ? .int($0) : .null }, "--max-steps")
        try set(.learningRate, lr.map(RecipeValue.double), "--lr")
        try set(.warmupRatio, warmupRatio.map(RecipeValue.double), "--warmup-ratio")
        try set(.lrSchedulerType, lrSchedule.map { .string($0.rawValue) }, "--lr-schedule")
        try set(.weightDecay, weightDecay.map(RecipeValue.double), "--weight-decay")
        try set(.maxGradNorm, maxGradNorm.map(RecipeValue.double), "--max-grad-norm")
        try set(.batchTokens, batchTokens.map(RecipeValue.int), "--batch-tokens")
        try set(.perDeviceTrainBatchSize, pairsPerBatch.map(RecipeValue.int), "--pairs-per-batch")
        try set(.gradientAccumulationSteps, gradAccum.map(RecipeValue.int), "--grad-accum")
        try set(.beta, beta.map(RecipeValue.double), "--beta")
        try set(.labelSmoothing, labelSmoothing.map(RecipeValue.double), "--label-smoothing")
        try set(.rpoAlpha, rpoAlpha.map(RecipeValue.double), "--rpo-alpha")
        try set(.curriculum, iterative.map { .string($0 ? "iterative" : "single") }, iterative == false ? "--no-iterative" : "--iterative")
        try set(.precomputeRefLogProbs, precomputeReference.map(RecipeValue.bool), "--reference-logps")
        try set(.loggingSteps, loggingSteps.map(RecipeValue.int), "--logging-steps")
        // --eval-every / --save-every K: every K steps; 0 turns it off (HF's strategy "no").
        try set(.evalStrategy, evalEvery.map { .string($0 > 0 ? "steps" : "no") }, "--eval-every")
        try set(.evalSteps, evalEvery.map { $0 > 0 ? .int($0) : .null }, "--eval-every")
        try set(.saveStrategy, saveEvery.map { .string($0 > 0 ? "steps" : "no") }, "--save-every")
        try set(.saveSteps, saveEvery.flatMap { $0 > 0 ? .int($0) : nil }, "--save-every")
        if let seed {
            guard let value = Int(exactly: seed) else {
                throw .invalid(origin: .flag("--seed"), key: .seed, reason: "\(seed) is above \(Int.max)")
            }
            try set(.seed, .int(value), "--seed")
        }
        try set(.threads, threads.map(RecipeValue.int), "--threads")
        try set(.resumeFromCheckpoint, resume.map(RecipeValue.bool), resume == false ? "--no-resume" : "--resume")
        if let shift {
            for (key, value) in try Self.lambdaSettings(shift) { try set(key, value, "--shift") }
        }
        return out
    }

    /// `--shift` as the λ keys: `fixed:L` sets lambda_schedule and dpo_lambda; the linear
    /// schedules set lambda_schedule, dpo_lambda_min and dpo_lambda_max.
    static func lambdaSettings(_ text: String) throws(RecipeError) -> [(RecipeKey, RecipeValue)] {
        let schedule: LambdaSchedule
        do { schedule = try LambdaSchedule(parsing: text) } catch {
            throw .invalid(origin: .flag("--shift"), key: .lambdaSchedule, reason: "\(error)")
        }
        switch schedule {
        case .fixed(let l): return [(.lambdaSchedule, .string("fixed")), (.dpoLambda, .double(l))]
        case .linearIncrease(let lo, let hi):
            return [(.lambdaSchedule, .string("linear_increase")), (.dpoLambdaMin, .double(lo)), (.dpoLambdaMax, .double(hi))]
        case .linearDecrease(let lo, let hi):
            return [(.lambdaSchedule, .string("linear_decrease")), (.dpoLambdaMin, .double(lo)), (.dpoLambdaMax, .double(hi))]
        }
    }
}
