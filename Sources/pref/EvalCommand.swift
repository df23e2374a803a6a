import ArgumentParser
import Foundation
import JSON
import Store
import Train

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a run on the test pairs: perplexity on chosen responses, log-prob and reward-margin distributions.",
        discussion: """
            The reference is the one the shards' reference log-probs came from (the DPO run's starting model), or \\
            --ref RUN. Writes WORKSPACE/runs/RUN/eval/eval.json and SVG histograms in the DPO-Shift paper's style.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @Option(name: .customLong("run"), help: "The run (or HF model folder) to evaluate.") var runName: String
    @Option(name: .customLong("ref"), help: "Reference run or model folder (default: the stored reference log-probs).") var reference: String?
    @Option(help: "Split of the pairs to evaluate.") var split = "test"
    @Option(help: "β for the rewards (default: the run's).") var beta: Double?
    @Option(help: "Pairs per forward pass.") var pairsPerBatch = 8
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let catalog = try common.openCatalog()
        let folder = RunLocator.modelFolder(runName, workspace: catalog.layout)
        let result: EvaluationResult
        do {
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: threads, seed: 0)
            var ref: LlamaModel?
            if let reference {
                ref = try ModelSource.load(RunLocator.modelFolder(reference, workspace: catalog.layout).path, vocabSize: 0, threads: threads, seed: 0)
            }
            guard let runBeta = try beta ?? RunFolder(folder).trainedBeta() else {
                throw CLIError("\(folder.path) records no β (no run.json or checkpoint state): pass --beta")
            }
            let progress = common.progress()
            result = try Evaluation.run(model: model, reference: ref, catalog: catalog, split: split, name: runName, beta: runBeta,
                                        pairsPerBatch: pairsPerBatch, progress: progress.handler)
            progress.finish()
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
        let outDir = folder.appendingPathComponent("eval")
        let files = try Evaluation.write([result], to: outDir)
        if output.json {
            print(JSONWriter.string(.object(JSONObject(result.summary.map { ($0.0, $0.1.isFinite ? .double($0.1) : .null) }))))
        } else {
            print("eval of \(runName) on \(result.pairs) \(split) pairs (β \(result.beta)):")
            for (k, v) in result.summary { print("  " + k.padding(toLength: 42, withPad: " ", startingAt: 0) + String(format: "%.4f", v)) }
            print("wrote " + files.map(\.path).joined(separator: ", "))
        }
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the eval results of several runs in one table, and overlay their distributions.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var format: JSONOutput
    @Argument(help: "Runs with an eval/eval.json (run pref eval first).") var runs: [String]
    @Option(help: "Folder for the overlaid figures (default: WORKSPACE/compare).") var output: String?

    func run() throws {
        let catalog = try common.openCatalog()
        var results: [EvaluationResult] = []
        for run in runs {
            let url = RunLocator.modelFolder(run, workspace: catalog.layout).appendingPathComponent("eval/eval.json")
            guard let data = FileManager.default.contents(atPath: url.path) else { throw CLIError("\(url.path): missing; run pref eval --run \(run)") }
            do { results.append(try EvaluationResult(json: try JSONParser.parse(Array(data)))) } catch { throw CLIError("\(url.path): \(error)") }
        }
        let columns = ["perplexity_chosen_token_weighted", "perplexity_chosen_mean_per_response", "rewards/accuracies", "rewards/margins_mean",
                       "logps/chosen_mean", "logps/rejected_mean", "logps/chosen_change_vs_reference_mean"]
        let short = ["ppl(tok)", "ppl(resp)", "acc", "margin", "logp_w", "logp_l", "Δlogp_w"]
        let width = max(8, runs.map(\.count).max() ?? 8)
        if format.json {
            print(JSONWriter.string(.object(JSONObject(results.map { r in
                (r.run, .object(JSONObject(r.summary.map { ($0.0, $0.1.isFinite ? .double($0.1) : .null) })))
            }))))
        } else {
            print("run".padding(toLength: width, withPad: " ", startingAt: 0) + short.map { "  " + $0.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined())
            for r in results {
                let values = Dictionary(r.summary, uniquingKeysWith: { a, _ in a })
                print(r.run.padding(toLength: width, withPad: " ", startingAt: 0)
                      + columns.map { "  " + String(format: "%-10.4f", values[$0] ?? .nan) }.joined())
            }
        }
        let dir = output.map { URL(fileURLWithPath: $0) } ?? catalog.layout.root.appendingPathComponent("compare")
        let files = try Evaluation.write(results, to: dir)
        if !format.json { print("figures: " + files.map(\.path).joined(separator: ", ")) }
    }
}
