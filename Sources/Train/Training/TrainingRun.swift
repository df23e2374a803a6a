import Core
import Foundation
import JSON
import Store
import Tokenizer

/// Everything `pref train` decides from its flags (or a recipe), for either stage.
public struct TrainingRunSettings: Sendable {
    public enum Stage: String, Sendable, CaseIterable { case sft, dpo }

    public var stage: Stage
    /// SFT: a preset, a config.json or an HF folder. DPO: the starting model and reference.
    public var model: String
    public var run: RunFolder
    public var training = TrainingOptions()
    /// SFT: tokens per micro-batch (rows × their length).
    public var batchTokens = 4096
    /// SFT: sequences per micro-batch (TRL's per_device_train_batch_size); nil: from batchTokens.
    public var sequencesPerBatch: Int?
    /// DPO: pairs per micro-batch.
    public var pairsPerBatch = 8
    public var loss = DPOShiftLoss(beta: 0.1)
    /// The λ schedule as given (`none`, `fixed:L`, …), for run.json.
    public var shift = "none"
    public var lambda = LambdaSchedule.fixed(1)
    /// Curry-DPO's iterative training: one round per curriculum stage.
    public var iterative = false
    /// DPO: compute every pair's reference log-probs before training (TRL's
    /// `precompute_ref_log_probs`); otherwise each batch's when training or eval first reaches it.
    public var precomputeReference = true
    public var threads = ProcessInfo.processInfo.activeProcessorCount
    public var resume = false
    /// The resolved recipe, written into the run folder as config.yaml.
    public var recipe: ResolvedRecipe?

    public init(stage: Stage, model: String, run: RunFolder) {
        self.stage = stage
        self.model = model
        self.run = run
    }
}

/// `pref train`: SFT, or DPO / DPO-Shift (optionally Curry-DPO's iterative rounds), on the
/// workspace's shards, writing an HF-style model folder with run.json beside it.
public enum TrainingRun {
    public static func run(_ settings: TrainingRunSettings, catalog: Catalog, tokenizer: URL,
                           progress: ProgressHandler? = nil) throws {
        if let recipe = settings.recipe { try settings.run.writeRecipe(recipe.yaml) }
        switch settings.stage {
        case .sft: try sft(settings, catalog: catalog, tokenizer: tokenizer, progress: progress)
        case .dpo: try dpo(settings, catalog: catalog, tokenizer: tokenizer, progress: progress)
        }
    }

    static func sft(_ s: TrainingRunSettings, catalog: Catalog, tokenizer: URL, progress: ProgressHandler?) throws {
        let probe = try ShardSFTBatches(catalog: catalog, split: "train", rows: 1)
        guard probe.exampleCount > 0 else {
            throw TrainError.invalidOption("the workspace has no SFT shards: run pref tokenize (with conversation records or --sft-from chosen)")
        }
        let rows = try s.sequencesPerBatch ?? max(1, s.batchTokens / max(1, probe.batch(at: 0).length + 1))
        let train = try ShardSFTBatches(catalog: catalog, split: "train", rows: rows)
        let test = try ShardSFTBatches(catalog: catalog, split: "test", rows: rows)
        let vocabulary: Int
        do { vocabulary = try Tokenizer(contentsOf: tokenizer).vocabSize } catch { throw TrainError.io("\(tokenizer.path): \(error)") }
        let net = try ModelSource.load(s.model, vocabSize: vocabulary, threads: s.threads, seed: s.training.seed)
        let trainer = try SFTTrainer(model: net, options: s.training, train: train, eval: test.batchCount > 0 ? test : nil,
                                     runDirectory: s.run.url, tokenizer: tokenizer, resume: s.resume)
        progress?(.note("sft", "\(net.parameterCount) parameters, \(train.exampleCount) sequences in \(train.batchCount) micro-batches of \(rows), "
            + "\(trainer.session.state.maxSteps) steps → \(s.run.url.path)"))
        if trainer.session.state.globalStep == 0, test.batchCount > 0 {
            progress?(.note("sft", String(format: "step 0 test loss %.4f", try trainer.evaluate())))
        }
        try trainer.run { progress?($0.progressEvent) }
        try Checkpoint.saveModelFiles(model: net, tokenizer: tokenizer, into: s.run.url)
        try s.run.write(RunInfo(stage: "sft"))
    }

    static func dpo(_ s: TrainingRunSettings, catalog: Catalog, tokenizer: URL, progress: ProgressHandler?) throws {
        let start = RunLocator.modelFolder(s.model, workspace: catalog.layout)
        guard s.iterative else {
            return try dpoRound(s, from: start, stage: nil, into: s.run, catalog: catalog, tokenizer: tokenizer, progress: progress)
        }
        // Curry-DPO: each curriculum stage in turn, the previous round's model as reference.
        let stages = try ShardPreferenceBatches(catalog: catalog, split: "train", pairs: s.pairsPerBatch).stages()
        var reference = start
        for (n, stage) in stages.enumerated() {
            let round = RunFolder(s.run.url.appendingPathComponent("round-\(stage)"))
            progress?(.note("curry-dpo", "round \(n + 1) of \(stages.count): stage \(stage), reference \(reference.path)"))
            try dpoRound(s, from: reference, stage: stage, into: round, catalog: catalog, tokenizer: tokenizer, progress: progress)
            reference = round.url
        }
        try s.run.copyModelFiles(from: reference)
        var info = try RunFolder(reference).info ?? RunInfo(stage: "dpo")
        info.referencePath = start.path
        info.referenceIdentity = try RunLocator.identity(of: start)
        try s.run.write(info)
    }

    /// One DPO training from `start` (also its reference), on every stage or on one.
    static func dpoRound(_ s: TrainingRunSettings, from start: URL, stage: Int?, into run: RunFolder, catalog: Catalog, tokenizer: URL,
                         progress: ProgressHandler?) throws {
        let reference = try ModelSource.load(start.path, vocabSize: 0, threads: s.threads, seed: s.training.seed)
        let identity = try RunLocator.identity(of: start)
        let referenceLogps = try ReferenceLogProbs(model: reference, identity: identity, catalog: catalog)
        if s.precomputeReference {
            let computed = try referenceLogps.precompute(pairsPerBatch: s.pairsPerBatch, progress: progress)
            progress?(.note("reference log-probs", "\(computed) pairs computed with \(start.path) (the rest were stored)"))
        }
        let train = try ShardPreferenceBatches(catalog: catalog, split: "train", pairs: s.pairsPerBatch,
                                               shuffleWithinStages: s.training.seed, stage: stage)
        let test = try ShardPreferenceBatches(catalog: catalog, split: "test", pairs: s.pairsPerBatch)
        guard train.batchCount > 0 else {
            throw TrainError.invalidOption("the workspace has no preference shards\(stage.map { " in stage \($0)" } ?? ""): run pref pairs and pref tokenize")
        }
        var options = DPOOptions()
        options.training = s.training
        options.loss = s.loss
        options.lambda = s.lambda
        // The policy starts as a copy of the reference.
        let policy = try ModelSource.load(start.path, vocabSize: 0, threads: s.threads, seed: s.training.seed)
        let info = JSONObject([("from", .string(start.path)), ("shift", .string(s.shift)), ("beta", .double(s.loss.beta)),
                               ("curriculum_stage", stage.map { .int(Int64($0)) } ?? .null)])
        let trainer = try DPOTrainer(model: policy, options: options, train: train, eval: test.batchCount > 0 ? test : nil,
                                     runDirectory: run.url, tokenizer: tokenizer, resume: s.resume, info: info,
                                     reference: referenceLogps)
        progress?(.note("dpo", "λ \(options.lambda), β \(s.loss.beta), \(train.exampleIds.count) pairs, "
            + "\(trainer.session.state.maxSteps) steps → \(run.url.path)"))
        try trainer.run { progress?($0.progressEvent) }
        try Checkpoint.saveModelFiles(model: policy, tokenizer: tokenizer, into: run.url)
        try run.write(RunInfo(stage: "dpo", beta: s.loss.beta, shift: s.shift, referencePath: start.path, referenceIdentity: identity))
    }
}

extension TrainingEvent {
    /// The event as the one progress type the command line renders.
    public var progressEvent: ProgressEvent {
        switch self {
        case .step(let m):
            var figures: [ProgressEvent.Figure] = [.init("loss", m.loss)]
            for name in ["rewards/accuracies", "rewards/margins", "dpo_lambda"] {
                if let v = m.extra.first(where: { $0.0 == name })?.1 { figures.append(.init(name, v)) }
            }
            figures += [.init("learning_rate", m.learningRate), .init("grad_norm", m.gradNorm), .init("tokens/s", m.tokensPerSecond.rounded())]
            return ProgressEvent(phase: "train", done: m.step, total: m.maxSteps, unit: .steps, figures: figures)
        case .evaluation(let step, let loss):
            return .note("eval", String(format: "step %d eval_loss %.4f", step, loss))
        case .checkpoint(let url):
            return .note("checkpoint", "saved \(url.lastPathComponent)")
        }
    }
}
