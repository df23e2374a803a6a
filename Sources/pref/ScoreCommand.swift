import ArgumentParser
import Foundation
import JSON
import Tokenizer
import Train

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Log-probability of each conversation's last assistant message under a model, with its chat template.",
        discussion: "Each line of MESSAGES.jsonl is a JSON list of {role, content}; each output line is {\"logp\": Σ log p, \"tokens\": n, \"ppl\": exp(−logp/n)}, or {\"error\": ...}.")

    @OptionGroup var common: WorkspaceOptions
    @Option(help: "An HF model folder (config.json, weights, tokenizer.json, its chat template).") var model: String
    @Option(help: "A Jinja chat template file instead of the model's.") var chatTemplate: String?
    @Option(help: "Threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Argument(help: "Messages file (JSON Lines), or - for standard input.") var file: String

    func run() throws {
        let folder = URL(fileURLWithPath: model)
        let scorer: Scorer
        do {
            scorer = Scorer(model: try ModelSource.load(folder.path, vocabSize: 0, threads: threads, seed: 0),
                            tokenizer: try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json")),
                            template: try ChatTemplate(modelFolder: folder, override: chatTemplate.map { URL(fileURLWithPath: $0) }))
        } catch { throw CLIError("\(folder.path): \(error)") }
        for (n, line) in TextFiles.lines(try TextFiles.read(path: file)).enumerated() where !line.isEmpty {
            print(JSONWriter.string(scorer.score(line: line, number: n + 1)))
        }
    }
}
