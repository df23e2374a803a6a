import ArgumentParser
import Foundation
import JSON
import Store
import Train

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure a run or a model on the test pairs: perplexity on chosen responses, log-prob and reward-margin distributions.",
        discussion: """
            The reference is the run's own (its stored log-probs; those missing are computed with the model run.json \
            names), or --ref RUN. A model folder without run.json (--model) gets perplexity and log-probs only, unless \
            --ref is given. Writes FOLDER/eval/eval.json and SVG histograms in the DPO-Shift paper's style.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @Option(name: .customLong("run"), help: "The run (or HF model folder) to evaluate.") var runName: String?
    @Option(name: .customLong("model"), help: "An HF model folder to evaluate (same as --run with a path).") var modelFolder: String?
    @Option(name: .customLong("ref"), help: "Reference run or model folder, computed now (default: the run's own reference).") var reference: String?
    @Option(help: "Split of the pairs to evaluate.") var split = "test"
    @Option(help: "β for the rewards (default: the run's).") var beta: Double?
    @Option(help: "Pairs per forward pass.") var pairsPerBatch = 8
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (runName == nil) != (modelFolder == nil) else { throw ValidationError("give --run NAME or --model DIR (one of them)") }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let name = runName ?? modelFolder ?? ""
        let folder = RunLocator.modelFolder(name, workspace: catalog.layout)
        let result: EvaluationResult
        do {
            let model = try ModelSource.load(folder.path, vocabSize: 0, threads: threads, seed: 0)
            let explicit = reference.map { RunLocator.modelFolder($0, workspace: catalog.layout) }
            let (ref, description) = try EvaluationReference.resolve(for: RunFolder(folder), explicit: explicit, catalog: catalog,
                                                                     split: split, threads: threads)
            if !common.quiet { Console.note(description) }
            var runBeta = try beta ?? RunFolder(folder).trainedBeta()
            if case .none = ref { runBeta = runBeta ?? .nan }
            guard let runBeta else { throw CLIError("\(folder.path) records no β (no run.json or checkpoint state): pass --beta") }
            let progress = common.progress()
            result = try Evaluation.run(model: model, reference: ref, catalog: catalog, split: split, name: name, beta: runBeta,
                                        pairsPerBatch: pairsPerBatch, progress: progress.handler)
            progress.finish()
        } catch let error as TrainError {
            throw CLIError("\(error)")
        }
        let outDir = folder.appendingPathComponent("eval")
        let files = try Evaluation.write([result], to: outDir)
        output.print(text: result.text + "\nwrote " + files.map(\.path).joined(separator: ", "), json: result.summaryJSON)
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
        let comparison = EvaluationComparison(results)
        let dir = output.map { URL(fileURLWithPath: $0) } ?? catalog.layout.root.appendingPathComponent("compare")
        let files = try Evaluation.write(results, to: dir)
        format.print(text: comparison.text + "\nfigures: " + files.map(\.path).joined(separator: ", "), json: comparison.json)
    }
}
