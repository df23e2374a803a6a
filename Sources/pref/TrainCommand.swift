import ArgumentParser
import Foundation
import Store
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
    @Option(help: "sft or dpo.") var stage: TrainingRunSettings.Stage = .sft
    @Option(help: "SFT: tiny | small | CONFIG.json | HF model folder.") var model = "tiny"
    @Option(name: .customLong("from"), help: "DPO: the starting model and reference: a run name of this workspace or an HF model folder.") var from: String?
    @Option(name: .customLong("run"), help: "Run name: output goes to WORKSPACE/runs/NAME.") var runName: String?
    @Option(help: "Epochs over the training data.") var epochs = 1
    @Option(help: "Stop after this many optimizer steps.") var maxSteps: Int?
    @Option(help: "Peak learning rate (default: 1e-3 for sft, 5e-6 for dpo).") var lr: Double?
    @Option(help: "Warmup as a fraction of the steps.") var warmupRatio = 0.1
    @Option(help: "cosine | linear | constant.") var lrSchedule: LearningRateSchedule.Decay = .cosine
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
    @Option(help: "DPO: reference log-probs of every pair before training (precompute), or of each batch when first reached (on-demand).")
    var referenceLogps: ReferenceLogpsTiming = .precompute
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
        if stage == .dpo, benchmark == nil, from == nil { throw ValidationError("--stage dpo needs --from RUN_OR_HF_DIR (the SFT model)") }
        do { _ = try LambdaSchedule(parsing: shift) } catch { throw ValidationError("--shift: \(error)") }
    }

    func run() throws {
        if let steps = benchmark { return try runBenchmark(steps: steps) }
        let catalog = try common.openCatalog()
        let tokenizer = catalog.layout.root.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizer.path) else { throw CLIError("\(tokenizer.path): missing; run pref tokenize first") }
        let name = runName ?? (stage == .sft ? "sft" : "dpo-\(shift.replacingOccurrences(of: ":", with: "-"))")
        let settings = try runSettings(run: RunFolder(catalog.layout.runs.appendingPathComponent(name)))
        let progress = common.progress()
        do {
            try TrainingRun.run(settings, catalog: catalog, tokenizer: tokenizer, progress: progress.handler)
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
        progress.finish()
        print("run \(name): model, tokenizer, run.json and metrics.jsonl in \(settings.run.url.path)")
    }

    /// The run's settings, from the flags.
    private func runSettings(run: RunFolder) throws -> TrainingRunSettings {
        var s = TrainingRunSettings(stage: stage, model: stage == .sft ? model : from ?? model, run: run)
        s.training.epochs = epochs
        s.training.maxSteps = maxSteps
        s.training.learningRate = lr ?? (stage == .sft ? 1e-3 : 5e-6)
        s.training.warmupRatio = warmupRatio
        s.training.decay = lrSchedule
        s.training.adamW = AdamWSettings(weightDecay: weightDecay)
        s.training.maxGradNorm = maxGradNorm > 0 ? maxGradNorm : nil
        s.training.gradientAccumulation = gradAccum
        s.training.seed = seed
        s.training.evalEvery = evalEvery
        s.training.saveEvery = saveEvery
        s.batchTokens = batchTokens
        s.pairsPerBatch = pairsPerBatch
        s.loss = DPOShiftLoss(beta: beta, labelSmoothing: labelSmoothing, rpoAlpha: rpoAlpha)
        s.shift = shift
        s.lambda = try LambdaSchedule(parsing: shift)
        s.iterative = iterative
        s.precomputeReference = referenceLogps == .precompute
        s.threads = threads
        s.resume = resume
        return s
    }

    private func runBenchmark(steps: Int) throws {
        let loaded = try ModelSource.load(model, vocabSize: vocabSize, threads: threads, seed: seed)
        let rows = max(1, batchTokens / seqLen)
        let result = stage == .dpo
            ? try Performance.benchmarkDPO(model: loaded, pairs: pairsPerBatch, promptLength: promptLength, responseLength: responseLength, steps: steps)
            : try Performance.benchmarkTraining(model: loaded, rows: rows, length: seqLen, steps: steps)
        let peak = Performance.sgemmPeak(pool: WorkerPool(threads: threads))
        print(String(format: "{\"parameters\": %ld, \"tokens_per_step\": %ld, \"tokens_per_second\": %.1f, \"median_step_seconds\": %.4f, \"flops_per_second\": %.4e, \"sgemm_peak_flops_per_second\": %.4e, \"fraction_of_sgemm_peak\": %.3f, \"peak_rss_bytes\": %ld, \"threads\": %ld}",
                     result.parameters, result.tokensPerStep, result.tokensPerSecond, result.stepSeconds.sorted()[result.stepSeconds.count / 2],
                     result.flopsPerSecond, peak, result.flopsPerSecond / peak, result.peakResidentBytes, threads))
    }
}

extension TrainingRunSettings.Stage: ExpressibleByArgument {}
extension LearningRateSchedule.Decay: ExpressibleByArgument {}

/// When `pref train --stage dpo` computes the reference model's log-probs.
enum ReferenceLogpsTiming: String, ExpressibleByArgument, CaseIterable {
    case precompute
    case onDemand = "on-demand"
}
