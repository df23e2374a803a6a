import ArgumentParser
import Foundation
import JSON
import Store
import Tokenizer
import Train

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Llama-architecture model on the CPU on the workspace's shards: SFT, then DPO / DPO-Shift.",
        discussion: """
            --stage sft trains on the SFT shards (loss on the masked tokens) and evaluates the test split. \
            --stage dpo starts from --from (a run of this workspace or an HF model folder), computes the \
            reference log-probs of every pair once (stored in the shard index), then trains with \
            −log σ(β(Δ_w − λ·Δ_l)); --shift none is DPO (λ = 1). Output: WORKSPACE/runs/NAME with \
            config.json, model.safetensors, tokenizer.json, checkpoint-N folders and metrics.jsonl. \
            --benchmark N times N steps on random tokens instead (bench/train, bench/dpo).
            """)

    @OptionGroup var common: WorkspaceOptions
    @Option(help: "sft or dpo.") var stage = "sft"
    @Option(help: "SFT: tiny | small | CONFIG.json | HF model folder.") var model = "tiny"
    @Option(name: .customLong("from"), help: "DPO: the starting model and reference: a run name of this workspace or an HF model folder.") var from: String?
    @Option(name: .customLong("run"), help: "Run name: output goes to WORKSPACE/runs/NAME.") var runName: String?
    @Option(help: "Epochs over the training data.") var epochs = 1
    @Option(help: "Stop after this many optimizer steps.") var maxSteps: Int?
    @Option(help: "Peak learning rate (default: 1e-3 for sft, 5e-6 for dpo).") var lr: Double?
    @Option(help: "Warmup as a fraction of the steps.") var warmupRatio = 0.1
    @Option(help: "cosine | linear | constant.") var lrSchedule = "cosine"
    @Option(help: "AdamW weight decay on matrices.") var weightDecay = 0.0
    @Option(help: "Global gradient-norm clip (0: off).") var maxGradNorm = 1.0
    @Option(help: "SFT: tokens per micro-batch (sequences × their length).") var batchTokens = 4096
    @Option(help: "DPO: pairs per micro-batch.") var pairsPerBatch = 8
    @Option(help: "Micro-batches per optimizer step.") var gradAccum = 1
    @Option(help: "DPO: β.") var beta = 0.1
    @Option(help: "DPO: λ schedule: none (DPO), fixed:L, linear-increase:MIN[:MAX], linear-decrease:MIN[:MAX].") var shift = "none"
    @Option(help: "DPO: cDPO label smoothing.") var labelSmoothing = 0.0
    @Option(help: "DPO: RPO weight of the NLL term on chosen responses.") var rpoAlpha: Double?
    @Flag(help: "DPO: Curry-DPO's iterative training: one round per curriculum stage, each with the previous round's model as reference.") var iterative = false
    @Option(help: "Evaluate the test split every K steps.") var evalEvery = 50
    @Option(help: "Checkpoint every K steps.") var saveEvery = 200
    @Option(help: "Seed for initialisation and data order.") var seed: UInt64 = 42
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Continue from the newest checkpoint of the run.") var resume = false
    @Option(help: "Benchmark N steps on random tokens instead of training.") var benchmark: Int?
    @Option(help: "Benchmark: sequence length.") var seqLen = 256
    @Option(help: "Benchmark: vocabulary size.") var vocabSize = 8192
    @Option(help: "DPO benchmark: prompt tokens.") var promptLength = 128
    @Option(help: "DPO benchmark: tokens per response.") var responseLength = 128

    func validate() throws {
        guard stage == "sft" || stage == "dpo" else { throw ValidationError("--stage must be sft or dpo") }
        guard LearningRateSchedule.Decay(rawValue: lrSchedule) != nil else { throw ValidationError("--lr-schedule: cosine, linear or constant") }
        if stage == "dpo", benchmark == nil, from == nil { throw ValidationError("--stage dpo needs --from RUN_OR_HF_DIR (the SFT model)") }
        do { _ = try LambdaSchedule(parsing: shift == "none" ? "fixed:1" : shift) } catch { throw ValidationError("--shift: \(error)") }
    }

    func run() throws {
        if let steps = benchmark { return try runBenchmark(steps: steps) }
        let catalog = try common.openCatalog()
        let tokenizerURL = catalog.layout.root.appendingPathComponent("tokenizer.json")
        let tokenizer: Tokenizer
        do { tokenizer = try Tokenizer(contentsOf: tokenizerURL) } catch { throw CLIError("\(tokenizerURL.path): \(error) (run pref tokenize first)") }
        let name = runName ?? (stage == "sft" ? "sft" : "dpo-\(shift.replacingOccurrences(of: ":", with: "-"))")
        let runDirectory = catalog.layout.runs.appendingPathComponent(name)
        let progress = TrainProgress(enabled: !common.quiet)
        do {
            if stage == "sft" {
                try trainSFT(catalog: catalog, tokenizer: tokenizer, tokenizerURL: tokenizerURL, runDirectory: runDirectory, progress: progress)
            } else {
                try trainDPO(catalog: catalog, tokenizerURL: tokenizerURL, runDirectory: runDirectory, progress: progress)
            }
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
        progress.finish()
        print("run \(name): model, tokenizer and metrics.jsonl in \(runDirectory.path)")
    }

    /// The settings SFT and DPO share, from the flags.
    private func trainingOptions(defaultLearningRate: Double) -> TrainingOptions {
        var options = TrainingOptions()
        options.epochs = epochs
        options.maxSteps = maxSteps
        options.learningRate = lr ?? defaultLearningRate
        options.warmupRatio = warmupRatio
        options.decay = LearningRateSchedule.Decay(rawValue: lrSchedule)!
        options.adamW = AdamWSettings(weightDecay: weightDecay)
        options.maxGradNorm = maxGradNorm > 0 ? maxGradNorm : nil
        options.gradientAccumulation = gradAccum
        options.seed = seed
        options.evalEvery = evalEvery
        options.saveEvery = saveEvery
        return options
    }

    private func trainSFT(catalog: Catalog, tokenizer: Tokenizer, tokenizerURL: URL, runDirectory: URL, progress: TrainProgress) throws {
        let probe = try ShardSFTBatches(catalog: catalog, split: "train", rows: 1)
        guard probe.exampleCount > 0 else { throw CLIError("the workspace has no SFT shards: run pref tokenize (with conversation records or --sft-from chosen)") }
        let length = try probe.batch(at: 0).length + 1
        let rows = max(1, batchTokens / max(1, length))
        let train = try ShardSFTBatches(catalog: catalog, split: "train", rows: rows)
        let test = try ShardSFTBatches(catalog: catalog, split: "test", rows: rows)
        let net = try ModelSource.load(model, vocabSize: tokenizer.vocabSize, threads: threads, seed: seed)
        let trainer = try SFTTrainer(model: net, options: trainingOptions(defaultLearningRate: 1e-3), train: train, eval: test.batchCount > 0 ? test : nil,
                                     runDirectory: runDirectory, tokenizer: tokenizerURL, resume: resume)
        progress.line("pref train sft: \(net.parameterCount) parameters, \(train.exampleCount) sequences in \(train.batchCount) micro-batches of \(rows), \(trainer.session.state.maxSteps) steps → \(runDirectory.path)")
        if trainer.session.state.globalStep == 0, test.batchCount > 0 {
            progress.line(String(format: "step 0 test loss %.4f", try trainer.evaluate()))
        }
        try trainer.run { event in progress.report(event) }
        try Checkpoint.saveModelFiles(model: net, into: runDirectory)
        try FileManager.default.copyReplacing(tokenizerURL, to: runDirectory.appendingPathComponent("tokenizer.json"))
    }

    private func trainDPO(catalog: Catalog, tokenizerURL: URL, runDirectory: URL, progress: TrainProgress) throws {
        let start = RunLocator.modelFolder(from!, workspace: catalog.layout)
        guard iterative else {
            return try dpoRound(catalog: catalog, from: start, stage: nil, tokenizerURL: tokenizerURL, runDirectory: runDirectory, progress: progress)
        }
        let stages = try ShardPreferenceBatches(catalog: catalog, split: "train", pairs: pairsPerBatch).stages()
        var reference = start
        for stage in stages {
            let round = runDirectory.appendingPathComponent("round-\(stage)")
            progress.line("Curry-DPO round for stage \(stage), reference \(reference.path)")
            try dpoRound(catalog: catalog, from: reference, stage: stage, tokenizerURL: tokenizerURL, runDirectory: round, progress: progress)
            reference = round
        }
        // The last round's model is the run's model.
        for file in ["config.json", "model.safetensors", "tokenizer.json"] {
            try FileManager.default.copyReplacing(reference.appendingPathComponent(file), to: runDirectory.appendingPathComponent(file))
        }
    }

    /// One DPO training from `from` (also the reference), on every stage or on one.
    private func dpoRound(catalog: Catalog, from start: URL, stage: Int?, tokenizerURL: URL, runDirectory: URL, progress: TrainProgress) throws {
        let reference = try ModelSource.load(start.path, vocabSize: 0, threads: threads, seed: seed)
        let identity = try RunLocator.identity(of: start)
        progress.line("reference log-probs from \(start.path)")
        let computed = try ReferenceLogProbs.compute(model: reference, reference: identity, catalog: catalog, pairsPerBatch: pairsPerBatch) { done, total in
            progress.status("reference log-probs \(done)/\(total)")
        }
        progress.line("reference log-probs: \(computed) pairs computed (the rest were stored)")
        let train = try ShardPreferenceBatches(catalog: catalog, split: "train", pairs: pairsPerBatch, shuffleWithinStages: seed, stage: stage)
        let test = try ShardPreferenceBatches(catalog: catalog, split: "test", pairs: pairsPerBatch)
        guard train.batchCount > 0 else { throw CLIError("the workspace has no preference shards\(stage.map { " in stage \($0)" } ?? ""): run pref pairs and pref tokenize") }
        var options = DPOOptions()
        options.training = trainingOptions(defaultLearningRate: 5e-6)
        options.loss = DPOShiftLoss(beta: beta, labelSmoothing: labelSmoothing, rpoAlpha: rpoAlpha)
        options.lambda = try LambdaSchedule(parsing: shift == "none" ? "fixed:1" : shift)
        // The policy starts as a copy of the reference.
        let policy = try ModelSource.load(start.path, vocabSize: 0, threads: threads, seed: seed)
        let info = JSONObject([("from", .string(start.path)), ("shift", .string(shift)), ("beta", .double(beta)),
                               ("stage", stage.map { .int(Int64($0)) } ?? .null)])
        let trainer = try DPOTrainer(model: policy, options: options, train: train, eval: test.batchCount > 0 ? test : nil,
                                     runDirectory: runDirectory, tokenizer: tokenizerURL, resume: resume, info: info)
        progress.line("pref train dpo: λ \(options.lambda), β \(beta), \(train.exampleIds.count) pairs, \(trainer.session.state.maxSteps) steps → \(runDirectory.path)")
        try trainer.run { event in
            guard case .step(let m) = event else { return progress.report(event) }
            let get = { (k: String) in m.extra.first { $0.0 == k }?.1 ?? .nan }
            progress.status(String(format: "step %d/%d  loss %.4f  acc %.2f  margin %.3f  λ %.3f  %.0f tok/s", m.step, m.maxSteps, m.loss,
                                   get("rewards/accuracies"), get("rewards/margins"), get("dpo_lambda"), m.tokensPerSecond))
        }
        try Checkpoint.saveModelFiles(model: policy, into: runDirectory)
        try FileManager.default.copyReplacing(tokenizerURL, to: runDirectory.appendingPathComponent("tokenizer.json"))
        try Data("{\"reference\": \(JSONWriter.string(.string(start.path)))}\n".utf8).write(to: runDirectory.appendingPathComponent("reference.json"))
    }

    private func runBenchmark(steps: Int) throws {
        let loaded = try ModelSource.load(model, vocabSize: vocabSize, threads: threads, seed: seed)
        let rows = max(1, batchTokens / seqLen)
        let result = stage == "dpo"
            ? try Performance.benchmarkDPO(model: loaded, pairs: pairsPerBatch, promptLength: promptLength, responseLength: responseLength, steps: steps)
            : try Performance.benchmarkTraining(model: loaded, rows: rows, length: seqLen, steps: steps)
        let peak = Performance.sgemmPeak(pool: WorkerPool(threads: threads))
        print(String(format: "{\"parameters\": %d, \"tokens_per_step\": %d, \"tokens_per_second\": %.1f, \"median_step_seconds\": %.4f, \"flops_per_second\": %.4e, \"sgemm_peak_flops_per_second\": %.4e, \"fraction_of_sgemm_peak\": %.3f, \"peak_rss_bytes\": %d, \"threads\": %d}",
                     result.parameters, result.tokensPerStep, result.tokensPerSecond, result.stepSeconds.sorted()[result.stepSeconds.count / 2],
                     result.flopsPerSecond, peak, result.flopsPerSecond / peak, result.peakResidentBytes, threads))
    }
}

/// Progress on stderr: a rewritten status line on a terminal, plain lines otherwise.
final class TrainProgress {
    let enabled: Bool
    let terminal = isatty(2) == 1
    init(enabled: Bool) { self.enabled = enabled }

    func line(_ text: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data(((terminal ? "\r\u{1B}[K" : "") + text + "\n").utf8))
    }

    func report(_ event: TrainingEvent) {
        guard enabled else { return }
        switch event {
        case .step(let m):
            let text = String(format: "step %d/%d  loss %.4f  lr %.2e  grad %.2f  %.0f tok/s  %.0fs", m.step, m.maxSteps, m.loss,
                              m.learningRate, m.gradNorm, m.tokensPerSecond, m.elapsed)
            if terminal { FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8)) } else if m.step % 10 == 0 { line(text) }
        case .evaluation(let step, let loss): line(String(format: "step %d test loss %.4f", step, loss))
        case .checkpoint(let url): line("saved \(url.lastPathComponent)")
        }
    }

    /// A status line rewritten in place on a terminal (every 10th call printed otherwise).
    private var statusCalls = 0
    func status(_ text: String) {
        guard enabled else { return }
        statusCalls += 1
        if terminal { FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8)) } else if statusCalls % 10 == 0 { line(text) }
    }

    func finish() { if enabled && terminal { FileHandle.standardError.write(Data("\n".utf8)) } }
}
