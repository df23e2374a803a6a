import Foundation

/// Every recipe key with its value and origin, after flags, file and defaults.
public struct ResolvedRecipe: Sendable, Equatable {
    public let values: [RecipeKey: RecipeSetting]

    public subscript(key: RecipeKey) -> RecipeValue { values[key]?.value ?? .null }

    func int(_ key: RecipeKey) -> Int? { self[key].intValue }
    func double(_ key: RecipeKey) -> Double? { self[key].doubleValue }
    func string(_ key: RecipeKey) -> String? { self[key].stringValue }
    func origin(_ key: RecipeKey) -> RecipeOrigin { values[key]?.origin ?? .defaulted }

    public var stage: TrainingRunSettings.Stage { TrainingRunSettings.Stage(rawValue: string(.stage) ?? "sft") ?? .sft }

    /// The λ schedule the λ keys describe.
    func lambda() throws(RecipeError) -> LambdaSchedule {
        let maximum = double(.dpoLambdaMax) ?? 1
        func minimum() throws(RecipeError) -> Double {
            guard let value = double(.dpoLambdaMin) else {
                throw .invalid(origin: origin(.lambdaSchedule), key: .dpoLambdaMin, reason: "\(string(.lambdaSchedule) ?? "") needs dpo_lambda_min (and dpo_lambda_max, default 1.0)")
            }
            guard value <= maximum else {
                throw .invalid(origin: origin(.dpoLambdaMin), key: .dpoLambdaMin, reason: "\(value) is above dpo_lambda_max \(maximum)")
            }
            return value
        }
        switch string(.lambdaSchedule) {
        case "linear_increase": return .linearIncrease(min: try minimum(), max: maximum)
        case "linear_decrease": return .linearDecrease(min: try minimum(), max: maximum)
        default: return .fixed(double(.dpoLambda) ?? 1)
        }
    }

    /// Range checks TRL's argument classes make, with the key and origin to fix.
    func validate() throws(RecipeError) {
        func require(_ key: RecipeKey, _ ok: (RecipeValue) -> Bool, _ what: String) throws(RecipeError) {
            guard ok(self[key]) else { throw .invalid(origin: origin(key), key: key, reason: "\(self[key]) is out of range: \(what)") }
        }
        let positive: (RecipeValue) -> Bool = { $0 == .null || ($0.intValue ?? 0) >= 1 }
        for key in [RecipeKey.numTrainEpochs, .perDeviceTrainBatchSize, .batchTokens, .gradientAccumulationSteps, .loggingSteps,
                    .evalSteps, .saveSteps, .saveTotalLimit, .threads] {
            try require(key, positive, "must be at least 1")
        }
        try require(.maxSteps, { $0 == .null || ($0.intValue ?? 0) != 0 }, "use a positive number of steps, or -1 / null for no cap")
        try require(.seed, { ($0.intValue ?? -1) >= 0 }, "must be 0 or more")
        try require(.learningRate, { ($0.doubleValue ?? -1) >= 0 }, "must be 0 or more")
        try require(.warmupRatio, { (0...1).contains($0.doubleValue ?? -1) }, "must be between 0 and 1")
        try require(.weightDecay, { ($0.doubleValue ?? -1) >= 0 }, "must be 0 or more")
        try require(.beta, { ($0.doubleValue ?? 0) > 0 }, "must be above 0")
        try require(.labelSmoothing, { (0...0.5).contains($0.doubleValue ?? -1) }, "must be between 0 and 0.5 (cDPO)")
        if stage == .dpo, self[.modelNameOrPath] == .null {
            throw .invalid(origin: origin(.modelNameOrPath), key: .modelNameOrPath,
                           reason: "stage dpo needs the starting model (and reference): a run of this workspace or an HF model folder (--from)")
        }
        // SFT: the batch is either sequences (TRL) or tokens (pref); both given is ambiguous.
        if stage == .sft, self[.perDeviceTrainBatchSize] != .null, origin(.perDeviceTrainBatchSize) != .defaulted, origin(.batchTokens) != .defaulted {
            throw .invalid(origin: origin(.batchTokens), key: .batchTokens,
                           reason: "per_device_train_batch_size (\(origin(.perDeviceTrainBatchSize))) already sets the SFT micro-batch; give one of the two")
        }
        _ = try lambda()
    }
}

extension LambdaSchedule {
    /// The schedule as `--shift` writes it (MAX left out when it is 1), for run.json and run names.
    var shiftText: String {
        switch self {
        case .fixed(let l): l == 1 ? "none" : "fixed:\(l)"
        case .linearIncrease(let lo, let hi): hi == 1 ? "linear-increase:\(lo)" : "linear-increase:\(lo):\(hi)"
        case .linearDecrease(let lo, let hi): hi == 1 ? "linear-decrease:\(lo)" : "linear-decrease:\(lo):\(hi)"
        }
    }
}
