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
            --config FILE reads a recipe with TRL / alignment-handbook key names (recipes/*.yaml); \
            the flags given override it, and keys set by neither take TRL's defaults (without \
            --config, the defaults shown here). The resolved settings are saved as config.yaml in \
            the run folder; pref config dump prints them without training. \
            --benchmark N times N steps on random tokens instead (bench/train, bench/dpo).
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var flags: TrainFlagOptions
    @Option(help: "Benchmark N steps on random tokens instead of training.") var benchmark: Int?
    @Option(help: "Benchmark: sequence length.") var seqLen = 256
    @Option(help: "Benchmark: vocabulary size.") var vocabSize = 8192
    @Option(help: "DPO benchmark: prompt tokens.") var promptLength = 128
    @Option(help: "DPO benchmark: tokens per response.") var responseLength = 128

    func validate() throws {
        if flags.config == nil, flags.stage == .dpo, benchmark == nil, flags.from == nil {
            throw ValidationError("--stage dpo needs --from RUN_OR_HF_DIR (the SFT model)")
        }
        if let shift = flags.shift { do { _ = try LambdaSchedule(parsing: shift) } catch { throw ValidationError("--shift: \(error)") } }
    }

    func run() throws {
        if let steps = benchmark { return try runBenchmark(steps: steps) }
        let catalog = try common.openCatalog()
        let tokenizer = catalog.layout.root.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: tokenizer.path) else { throw CLIError("\(tokenizer.path): missing; run pref tokenize first") }
        let settings = try flags.settings(catalog: catalog)
        let progress = common.progress()
        do {
            try TrainingRun.run(settings, catalog: catalog, tokenizer: tokenizer, progress: progress.handler)
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
        progress.finish()
        print("run \(settings.run.url.lastPathComponent): model, tokenizer, run.json, config.yaml and metrics.jsonl in \(settings.run.url.path)")
    }

    private func runBenchmark(steps: Int) throws {
        let stage = flags.stage ?? .sft
        let model = flags.model ?? TrainingRecipe.prefDefault(.modelNameOrPath).stringValue!
        let threads = flags.threads ?? TrainingRecipe.prefDefault(.threads).intValue!
        let seed = flags.seed ?? UInt64(TrainingRecipe.prefDefault(.seed).intValue!)
        let batchTokens = flags.batchTokens ?? TrainingRecipe.prefDefault(.batchTokens).intValue!
        let pairsPerBatch = flags.pairsPerBatch ?? TrainingRecipe.prefDefault(.perDeviceTrainBatchSize, stage: .dpo).intValue!
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

/// The flags that set training (each also a recipe key), shared by `pref train` and
/// `pref config dump`. All optional: a flag not given leaves the recipe's value or the default.
struct TrainFlagOptions: ParsableArguments {
    @Option(help: "A recipe: YAML with TRL key names (learning_rate, beta, ...); flags override it.") var config: String?
    @Option(help: "sft or dpo (default: sft).") var stage: TrainingRunSettings.Stage?
    @Option(help: "SFT: tiny | small | CONFIG.json | HF model folder (default: tiny).") var model: String?
    @Option(name: .customLong("from"), help: "DPO: the starting model and reference: a run name of this workspace or an HF model folder.") var from: String?
    @Option(name: .customLong("run"), help: "Run name: output goes to WORKSPACE/runs/NAME (default: sft, or dpo-SHIFT).") var runName: String?
    @Option(help: "Epochs over the training data (default: 1).") var epochs: Int?
    @Option(help: "Stop after this many optimizer steps.") var maxSteps: Int?
    @Option(help: "Peak learning rate (default: 1e-3 for sft, 5e-6 for dpo).") var lr: Double?
    @Option(help: "Warmup as a fraction of the steps (default: 0.1).") var warmupRatio: Double?
    @Option(help: "cosine | linear | constant (default: cosine).") var lrSchedule: LearningRateSchedule.Decay?
    @Option(help: "AdamW weight decay on matrices (default: 0).") var weightDecay: Double?
    @Option(help: "Global gradient-norm clip, 0: off (default: 1).") var maxGradNorm: Double?
    @Option(help: "SFT: tokens per micro-batch, sequences × their length (default: 4096).") var batchTokens: Int?
    @Option(help: "TRL's per_device_train_batch_size: DPO pairs per micro-batch (default: 8); SFT sequences per micro-batch (default: from --batch-tokens).") var pairsPerBatch: Int?
    @Option(help: "Micro-batches per optimizer step (default: 1).") var gradAccum: Int?
    @Option(help: "DPO: β (default: 0.1).") var beta: Double?
    @Option(help: "DPO: λ schedule: none (DPO), fixed:L, linear-increase:MIN[:MAX], linear-decrease:MIN[:MAX] (default: none).") var shift: String?
    @Option(help: "DPO: cDPO label smoothing (default: 0).") var labelSmoothing: Double?
    @Option(help: "DPO: RPO weight of the NLL term on chosen responses.") var rpoAlpha: Double?
    @Flag(inversion: .prefixedNo, help: "DPO: Curry-DPO's iterative training: one round per curriculum stage, each with the previous round's model as reference.") var iterative: Bool?
    @Option(help: "DPO: the reference's log-probs of every pair before training (precompute; TRL's precompute_ref_log_probs), or of each batch when training or eval first reaches it (on-demand) (default: precompute).")
    var referenceLogps: ReferenceLogpsTiming?
    @Option(help: "Write train metrics every K steps, averaged over them (default: 1).") var loggingSteps: Int?
    @Option(help: "Evaluate the test split every K steps, 0: never (default: 50).") var evalEvery: Int?
    @Option(help: "Checkpoint every K steps, 0: never (default: 200).") var saveEvery: Int?
    @Option(help: "Seed for initialisation and data order (default: 42).") var seed: UInt64?
    @Option(help: "Threads (default: all cores).") var threads: Int?
    @Flag(inversion: .prefixedNo, help: "Continue from the newest checkpoint of the run.") var resume: Bool?

    var values: TrainFlags {
        var f = TrainFlags()
        f.stage = stage; f.model = model; f.from = from; f.run = runName; f.epochs = epochs; f.maxSteps = maxSteps
        f.lr = lr; f.warmupRatio = warmupRatio; f.lrSchedule = lrSchedule; f.weightDecay = weightDecay; f.maxGradNorm = maxGradNorm
        f.batchTokens = batchTokens; f.pairsPerBatch = pairsPerBatch; f.gradAccum = gradAccum; f.beta = beta; f.shift = shift
        f.labelSmoothing = labelSmoothing; f.rpoAlpha = rpoAlpha; f.iterative = iterative
        f.precomputeReference = referenceLogps.map { $0 == .precompute }; f.loggingSteps = loggingSteps
        f.evalEvery = evalEvery; f.saveEvery = saveEvery; f.seed = seed; f.threads = threads; f.resume = resume
        return f
    }

    /// The run's settings from the resolved recipe.
    func settings(catalog: Catalog) throws -> TrainingRunSettings {
        do { return try resolve(catalog: catalog).settings(runs: catalog.layout.runs) } catch let error as RecipeError {
            throw CLIError("\(error)")
        }
    }

    /// The recipe these flags (and --config) resolve to in this workspace.
    func resolve(catalog: Catalog) throws -> ResolvedRecipe {
        do {
            return try TrainingRecipe.resolve(config: config.map { URL(fileURLWithPath: $0) }, flags: values, catalog: catalog)
        } catch let error as RecipeError {
            throw CLIError("\(error)")
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
    }
}

/// When `pref train --stage dpo` computes the reference model's log-probs.
enum ReferenceLogpsTiming: String, ExpressibleByArgument, CaseIterable {
    case precompute
    case onDemand = "on-demand"
}
