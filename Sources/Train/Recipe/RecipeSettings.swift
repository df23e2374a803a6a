import Foundation

extension ResolvedRecipe {
    /// The run's settings, each key with TRL's meaning. `runs` is the workspace's runs folder:
    /// an output_dir that is a bare name is a run there, one with a slash is a path (TRL's).
    public func settings(runs: URL) throws(RecipeError) -> TrainingRunSettings {
        let output = string(.outputDir) ?? "run"
        let folder = output.contains("/") ? URL(fileURLWithPath: output) : runs.appendingPathComponent(output)
        var s = TrainingRunSettings(stage: stage, model: string(.modelNameOrPath) ?? "", run: RunFolder(folder))
        s.training.epochs = int(.numTrainEpochs)!
        s.training.maxSteps = int(.maxSteps).flatMap { $0 > 0 ? $0 : nil }
        s.training.learningRate = double(.learningRate)!
        s.training.warmupRatio = double(.warmupRatio)!
        s.training.decay = LearningRateSchedule.Decay(rawValue: string(.lrSchedulerType)!)!
        s.training.adamW = AdamWSettings(weightDecay: double(.weightDecay)!)
        // HF clips only when max_grad_norm > 0.
        s.training.maxGradNorm = double(.maxGradNorm).flatMap { $0 > 0 ? $0 : nil }
        s.training.gradientAccumulation = int(.gradientAccumulationSteps)!
        s.training.seed = UInt64(int(.seed)!)
        s.training.loggingSteps = int(.loggingSteps)!
        s.training.evalEvery = string(.evalStrategy) == "steps" ? int(.evalSteps) : nil
        s.training.saveEvery = string(.saveStrategy) == "steps" ? int(.saveSteps) : nil
        s.training.saveTotalLimit = int(.saveTotalLimit) ?? Int.max  // null: keep every checkpoint (HF)
        s.batchTokens = int(.batchTokens)!
        switch stage {
        case .dpo: s.pairsPerBatch = int(.perDeviceTrainBatchSize)!
        case .sft: s.sequencesPerBatch = int(.perDeviceTrainBatchSize)
        }
        s.loss = DPOShiftLoss(beta: double(.beta)!, labelSmoothing: double(.labelSmoothing)!, rpoAlpha: double(.rpoAlpha))
        s.lambda = try lambda()
        s.shift = s.lambda.shiftText
        s.iterative = string(.curriculum) == "iterative"
        s.precomputeReference = self[.precomputeRefLogProbs].boolValue ?? true
        s.threads = int(.threads)!
        s.resume = self[.resumeFromCheckpoint].boolValue ?? false
        s.recipe = self
        return s
    }
}
