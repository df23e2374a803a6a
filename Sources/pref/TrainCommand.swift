import ArgumentParser
import Foundation
import Train

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a Llama-architecture model on the CPU (SFT; DPO-Shift benchmark).",
        discussion: """
            Until the tokenized shards are wired in, --text-jsonl FILE is the developer data path: \
            conversations (messages/chosen/text) tokenized one byte per token (vocabulary 258), \
            the last --test-fraction held out for evaluation. --benchmark N times N steps on random \
            tokens instead and prints tokens/s, FLOP/s against the sgemm peak, and peak memory;             with --stage dpo it times DPO-Shift steps on random pairs (--pairs, --prompt-length, --response-length).
            """)

    @Option(help: "Training stage: sft (dpo: --benchmark only, for now).") var stage = "sft"
    @Option(help: "tiny | small | CONFIG.json | HF model folder.") var model = "tiny"
    @Option(help: "Workspace folder.") var workspace = "./pref-workspace"
    @Option(name: .customLong("run"), help: "Run name: output goes to WORKSPACE/runs/NAME.") var runName = "sft"
    @Option(help: "Conversations (JSONL) for the byte-level developer path.") var textJsonl: String?
    @Option(help: "Held-out fraction of the documents.") var testFraction = 0.05
    @Option(help: "Epochs over the training data.") var epochs = 1
    @Option(help: "Stop after this many optimizer steps.") var maxSteps: Int?
    @Option(help: "Peak learning rate.") var lr = 1e-3
    @Option(help: "Warmup as a fraction of the steps.") var warmupRatio = 0.05
    @Option(help: "cosine | linear | constant.") var lrSchedule = "cosine"
    @Option(help: "AdamW weight decay on matrices.") var weightDecay = 0.0
    @Option(help: "Global gradient-norm clip (0: off).") var maxGradNorm = 1.0
    @Option(help: "Tokens per micro-batch (rows × sequence length).") var batchTokens = 4096
    @Option(help: "Sequence length.") var seqLen = 256
    @Option(help: "Micro-batches per optimizer step.") var gradAccum = 1
    @Option(help: "Evaluate every K steps.") var evalEvery = 50
    @Option(help: "Checkpoint every K steps.") var saveEvery = 200
    @Option(help: "Seed for initialisation and data order.") var seed: UInt64 = 42
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Flag(help: "Continue from the newest checkpoint of the run.") var resume = false
    @Option(help: "Benchmark N steps on random tokens instead of training.") var benchmark: Int?
    @Option(help: "DPO benchmark: pairs per step.") var pairs = 8
    @Option(help: "DPO benchmark: prompt tokens.") var promptLength = 128
    @Option(help: "DPO benchmark: tokens per response.") var responseLength = 128
    @Flag(help: "No progress output.") var quiet = false

    func validate() throws {
        guard stage == "sft" || (stage == "dpo" && benchmark != nil) else {
            throw ValidationError("--stage \(stage): sft, or dpo with --benchmark (DPO training is wired to the shards separately)")
        }
        guard batchTokens >= seqLen, seqLen > 0 else { throw ValidationError("--batch-tokens must be at least --seq-len") }
        guard LearningRateSchedule.Decay(rawValue: lrSchedule) != nil else { throw ValidationError("--lr-schedule: cosine, linear or constant") }
        guard benchmark != nil || textJsonl != nil else {
            throw ValidationError("no training data: pass --text-jsonl FILE (the shard reader is not wired in yet) or --benchmark N")
        }
    }

    func run() throws {
        let rows = batchTokens / seqLen
        if let steps = benchmark {
            let loaded = try ModelSource.load(model, vocabSize: 8192, threads: threads, seed: seed)
            let result = stage == "dpo"
                ? try Performance.benchmarkDPO(model: loaded, pairs: pairs, promptLength: promptLength, responseLength: responseLength, steps: steps)
                : try Performance.benchmarkTraining(model: loaded, rows: rows, length: seqLen, steps: steps)
            let peak = Performance.sgemmPeak(pool: WorkerPool(threads: threads))
            print(String(format: "{\"parameters\": %d, \"tokens_per_step\": %d, \"tokens_per_second\": %.1f, \"median_step_seconds\": %.4f, \"flops_per_second\": %.4e, \"sgemm_peak_flops_per_second\": %.4e, \"fraction_of_sgemm_peak\": %.3f, \"peak_rss_bytes\": %d, \"threads\": %d}",
                         result.parameters, result.tokensPerStep, result.tokensPerSecond, result.stepSeconds.sorted()[result.stepSeconds.count / 2],
                         result.flopsPerSecond, peak, result.flopsPerSecond / peak, result.peakResidentBytes, threads))
            return
        }
        let corpus = try ByteLevelCorpus(jsonl: URL(fileURLWithPath: textJsonl!))
        let (trainDocs, testDocs) = corpus.split(testFraction: testFraction)
        let train = try PackedDocuments(documents: trainDocs, rows: rows, length: seqLen)
        let test = try PackedDocuments(documents: testDocs, rows: rows, length: seqLen)
        let net = try ModelSource.load(model, vocabSize: ByteLevelCorpus.vocabSize, threads: threads, seed: seed)
        var options = SFTOptions()
        options.epochs = epochs
        options.maxSteps = maxSteps
        options.learningRate = lr
        options.warmupRatio = warmupRatio
        options.decay = LearningRateSchedule.Decay(rawValue: lrSchedule)!
        options.adamW = AdamWSettings(weightDecay: weightDecay)
        options.maxGradNorm = maxGradNorm > 0 ? maxGradNorm : nil
        options.gradientAccumulation = gradAccum
        options.seed = seed
        options.evalEvery = evalEvery
        options.saveEvery = saveEvery
        let runDirectory = URL(fileURLWithPath: workspace).appendingPathComponent("runs").appendingPathComponent(runName)
        let trainer = try SFTTrainer(model: net, options: options, train: train, eval: test, runDirectory: runDirectory, resume: resume)
        let progress = TrainProgress(enabled: !quiet)
        progress.line("pref train: \(net.parameterCount) parameters, \(train.predictionCount) training tokens, \(trainer.session.state.maxSteps) steps → \(runDirectory.path)")
        if trainer.session.state.globalStep == 0 {
            let initial = try trainer.evaluate()
            progress.line(String(format: "step 0 test loss %.4f", initial))
        }
        try trainer.run { event in progress.report(event) }
        try Checkpoint.saveModelFiles(model: net, into: runDirectory)
        progress.finish()
        print("trained \(trainer.session.state.globalStep) steps; model and metrics.jsonl in \(runDirectory.path)")
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

    func finish() { if enabled && terminal { FileHandle.standardError.write(Data("\n".utf8)) } }
}
