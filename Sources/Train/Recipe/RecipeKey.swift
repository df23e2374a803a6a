/// The keys a recipe may hold: TRL / alignment-handbook names where TRL has the setting,
/// pref's own names where it does not (`stage`, `dpo_lambda*`, `lambda_schedule`,
/// `curriculum`, `batch_tokens`, `threads`). `allCases` is the order `pref config dump` writes.
public enum RecipeKey: String, Sendable, CaseIterable, Comparable {
    // Model and run.
    case stage
    case modelNameOrPath = "model_name_or_path"
    case outputDir = "output_dir"
    case resumeFromCheckpoint = "resume_from_checkpoint"
    // Data (tokenize-time in pref: checked against the workspace).
    case maxLength = "max_length"
    case maxPromptLength = "max_prompt_length"
    case truncationMode = "truncation_mode"
    // Optimisation.
    case learningRate = "learning_rate"
    case numTrainEpochs = "num_train_epochs"
    case maxSteps = "max_steps"
    case perDeviceTrainBatchSize = "per_device_train_batch_size"
    case batchTokens = "batch_tokens"
    case gradientAccumulationSteps = "gradient_accumulation_steps"
    case lrSchedulerType = "lr_scheduler_type"
    case warmupRatio = "warmup_ratio"
    case weightDecay = "weight_decay"
    case maxGradNorm = "max_grad_norm"
    case seed
    // DPO / DPO-Shift.
    case lossType = "loss_type"
    case beta
    case labelSmoothing = "label_smoothing"
    case rpoAlpha = "rpo_alpha"
    case lambdaSchedule = "lambda_schedule"
    case dpoLambda = "dpo_lambda"
    case dpoLambdaMin = "dpo_lambda_min"
    case dpoLambdaMax = "dpo_lambda_max"
    case curriculum
    case precomputeRefLogProbs = "precompute_ref_log_probs"
    // Logging, evaluation, checkpoints.
    case loggingSteps = "logging_steps"
    case evalStrategy = "eval_strategy"
    case evalSteps = "eval_steps"
    case saveStrategy = "save_strategy"
    case saveSteps = "save_steps"
    case saveTotalLimit = "save_total_limit"
    // Machine.
    case threads

    /// What a key's value must be. `nullable` keys also take `null` (TRL's `None`).
    public enum Kind: Sendable, Equatable {
        case int, double, string, bool
        case choice([String])
    }

    public var kind: Kind {
        switch self {
        case .stage: .choice(["sft", "dpo"])
        case .modelNameOrPath, .outputDir: .string
        case .resumeFromCheckpoint, .precomputeRefLogProbs: .bool
        case .truncationMode: .choice(["keep_end", "keep_start"])
        case .learningRate, .warmupRatio, .weightDecay, .maxGradNorm, .beta, .labelSmoothing, .rpoAlpha,
             .dpoLambda, .dpoLambdaMin, .dpoLambdaMax: .double
        case .lrSchedulerType: .choice(["cosine", "linear", "constant"])
        // TRL's DPO loss, which DPO-Shift generalises; TRL's other types are not implemented.
        case .lossType: .choice(["sigmoid"])
        case .lambdaSchedule: .choice(["fixed", "linear_increase", "linear_decrease"])
        case .curriculum: .choice(["single", "iterative"])
        case .evalStrategy, .saveStrategy: .choice(["no", "steps"])
        case .maxLength, .maxPromptLength, .numTrainEpochs, .maxSteps, .perDeviceTrainBatchSize, .batchTokens,
             .gradientAccumulationSteps, .seed, .loggingSteps, .evalSteps, .saveSteps, .saveTotalLimit, .threads: .int
        }
    }

    /// Keys whose value may be `null`: "not set" (max_length: the workspace's; rpo_alpha: off;
    /// save_total_limit: keep every checkpoint; per_device_train_batch_size for SFT: use batch_tokens).
    public var nullable: Bool {
        switch self {
        case .maxLength, .maxPromptLength, .truncationMode, .maxSteps, .perDeviceTrainBatchSize, .rpoAlpha, .dpoLambdaMin,
             .evalSteps, .saveTotalLimit, .modelNameOrPath, .maxGradNorm: true
        default: false
        }
    }

    /// The expected type in words, for errors.
    public var expected: String {
        let base = switch kind {
        case .int: "an integer"
        case .double: "a number"
        case .string: "a string"
        case .bool: "true or false"
        case .choice(let values): "one of " + values.joined(separator: ", ")
        }
        return nullable ? base + " or null" : base
    }

    public static func < (a: RecipeKey, b: RecipeKey) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The known key nearest to an unknown one, when it is near enough to be a typo.
    public static func closest(to name: String) -> RecipeKey? {
        let scored = allCases.map { ($0, EditDistance.between(name.lowercased(), $0.rawValue)) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, best.0.rawValue.count / 3) ? best.0 : nil
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        guard !x.isEmpty, !y.isEmpty else { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
