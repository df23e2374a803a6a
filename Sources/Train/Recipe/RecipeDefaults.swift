import Foundation

/// Which defaults fill the keys nobody set. `pref train` without `--config` keeps pref's own
/// flag defaults; a recipe file is read as a TRL user expects, with TRL's defaults
/// (DPOConfig / SFTConfig over transformers' TrainingArguments) where they differ.
public enum RecipeProfile: String, Sendable {
    case pref, trl
}

enum RecipeDefaults {
    /// The default of `key` for `stage`; nil where it is worked out from other settings
    /// (output_dir, eval_steps) or read from the workspace (max_length and friends).
    static func value(_ key: RecipeKey, profile: RecipeProfile, stage: TrainingRunSettings.Stage) -> RecipeValue? {
        let trl = profile == .trl
        switch key {
        case .stage: return .string("sft")
        case .modelNameOrPath: return stage == .sft ? .string("tiny") : .null
        case .outputDir, .maxLength, .maxPromptLength, .truncationMode, .evalSteps: return nil
        case .resumeFromCheckpoint: return .bool(false)
        case .learningRate:
            switch (stage, trl) {
            case (.sft, false): return .double(1e-3)
            case (.dpo, false): return .double(5e-6)
            case (.sft, true): return .double(2e-5)
            case (.dpo, true): return .double(1e-6)
            }
        case .numTrainEpochs: return .int(trl ? 3 : 1)
        case .maxSteps: return .null
        // DPO: pairs per micro-batch (TRL's 8). SFT: unset, so batch_tokens decides.
        case .perDeviceTrainBatchSize: return stage == .dpo ? .int(8) : .null
        case .batchTokens: return .int(4096)
        case .gradientAccumulationSteps: return .int(1)
        case .lrSchedulerType: return .string(trl ? "linear" : "cosine")
        case .warmupRatio: return .double(trl ? 0 : 0.1)
        case .weightDecay: return .double(0)
        case .maxGradNorm: return .double(1)
        case .seed: return .int(42)
        case .lossType: return .string("sigmoid")
        case .beta: return .double(0.1)
        case .labelSmoothing: return .double(0)
        case .rpoAlpha: return .null
        case .lambdaSchedule: return .string("fixed")
        case .dpoLambda: return .double(1)
        case .dpoLambdaMin: return .null
        case .dpoLambdaMax: return .double(1)
        case .curriculum: return .string("single")
        // pref computes every pair's reference log-probs before DPO; TRL computes them per batch.
        case .precomputeRefLogProbs: return .bool(!trl)
        case .loggingSteps: return .int(trl ? 10 : 1)
        case .evalStrategy: return .string(trl ? "no" : "steps")
        case .saveStrategy: return .string("steps")
        case .saveSteps: return .int(trl ? 500 : 200)
        case .saveTotalLimit: return trl ? .null : .int(2)
        case .threads: return .int(ProcessInfo.processInfo.activeProcessorCount)
        }
    }

    /// pref's eval interval without `--config` (HF's is logging_steps when eval_strategy is steps).
    static let prefEvalSteps = 50
}
