import ArgumentParser
import Core
import Foundation
import JSON
import Store
import Tokenize
import Tokenizer

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Render split records and pairs with a chat template, tokenize, and write zstd shards indexed in the catalog.",
        discussion: """
            SFT examples come from conversation records (or the chosen side of pairs with --sft-from chosen), \
            preference examples from the pairs. Re-running with the same settings resumes; other settings rebuild. \
            The tokenizer used is saved as tokenizer.json in the workspace.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    @Option(help: "A tokenizer.json (or a model folder holding tokenizer.json and tokenizer_config.json).")
    var tokenizer: String?

    @Option(name: .customLong("train-bpe"), help: "Train a byte-level BPE tokenizer of this vocabulary size on the train split instead.")
    var trainBPE: Int?

    @Option(help: "Chat template: chatml, llama3, zephyr, or auto (from tokenizer_config.json).")
    var template: TemplateChoice = .auto

    @Option(help: "Where the assistant header goes in pairs: trl (in the prompt) or alignment-handbook (in the scored response, as the DPO-Shift paper's pipeline).")
    var responseConvention: ResponseConvention = .trl

    @Option(help: "Longest sequence in tokens (packed length for SFT; prompt + response for pairs).")
    var maxLength: Int = 1024

    @Option(help: "Longest prompt in tokens for pairs (default: half of --max-length).")
    var maxPromptLength: Int?

    @Option(help: "How to cut a too-long prompt: keep_end or keep_start.")
    var truncation: TruncationMode = .keepEnd

    @Flag(inversion: .prefixedNo, help: "Pack SFT documents into sequences of exactly --max-length tokens.")
    var pack = true

    @Option(help: "SFT examples from: conversations, or chosen (the chosen side of the pairs).")
    var sftFrom: TokenizeSettings.SFTSource = .conversations

    @Option(help: "SFT loss on: assistant (answers only) or all tokens.")
    var lossOn: TokenizeSettings.LossOn = .assistant

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if (tokenizer == nil) == (trainBPE == nil) { throw ValidationError("give exactly one of --tokenizer PATH and --train-bpe N") }
        if let n = trainBPE, n < 300 { throw ValidationError("--train-bpe needs a vocabulary of at least 300 (256 bytes + specials + merges)") }
        if case .auto = template, trainBPE != nil { throw ValidationError("--template auto needs a model's tokenizer_config.json; with --train-bpe name the template") }
        do { _ = try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let saved = catalog.layout.root.appendingPathComponent("tokenizer.json")
        let (tok, format) = try prepareTokenizer(catalog: catalog, saveTo: saved)
        let settings = TokenizeSettings(template: format, convention: responseConvention,
                                        limits: try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength, mode: truncation),
                                        pack: pack, sftSource: sftFrom, lossOn: lossOn)
        let progress = common.progress()
        let job = TokenizeJob(catalog: catalog, tokenizer: tok, tokenizerSHA256: try SHA256.hex(ofFileAt: saved.path), settings: settings,
                              threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let report = try job.run(progress: progress.handler)
        progress.finish()
        output.print(text: report.text, json: report.json)
    }

    /// Loads the given tokenizer or trains one on the train split; saves it in the workspace.
    private func prepareTokenizer(catalog: Catalog, saveTo saved: URL) throws -> (Tokenizer, ChatTemplate) {
        if let n = trainBPE, case .family(let family) = template {
            let format = ChatTemplate(family: family)
            let texts = try catalog.trainSplitTexts()
            if !common.quiet { Console.note("training a \(n)-token BPE on \(texts.count) train-split texts") }
            let trainer = try BPETrainer(options: BPETrainingOptions(vocabSize: n, specialTokens: format.family.specialTokens))
            trainer.feed(texts)
            let tok = try trainer.train()
            try tok.save(to: saved)
            return (tok, format)
        }
        var url = URL(fileURLWithPath: tokenizer!)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            url = url.appendingPathComponent("tokenizer.json")
        }
        let tok: Tokenizer
        do { tok = try Tokenizer(contentsOf: url) } catch { throw CLIError("\(url.path): \(error)") }
        let format: ChatTemplate
        switch template {
        case .auto:
            let configURL = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
            do { format = try ChatTemplate(contentsOf: configURL) } catch { throw CLIError("--template auto: \(error); or pass --template chatml, llama3 or zephyr") }
        case .family(let family):
            format = ChatTemplate(family: family)
        }
        try FileManager.default.copyReplacing(url, to: saved)
        return (tok, format)
    }
}

/// `--template`: a family by name, or `auto` to read it from the model's tokenizer_config.json.
enum TemplateChoice: ExpressibleByArgument {
    case auto
    case family(ChatTemplateFamily)

    init?(argument: String) {
        if argument == "auto" { self = .auto } else if let f = ChatTemplateFamily(rawValue: argument) { self = .family(f) } else { return nil }
    }

    static var allValueStrings: [String] { ["auto"] + ChatTemplateFamily.allCases.map(\.rawValue) }
}

extension ResponseConvention: ExpressibleByArgument {}
extension TruncationMode: ExpressibleByArgument {}
extension TokenizeSettings.SFTSource: ExpressibleByArgument {}
extension TokenizeSettings.LossOn: ExpressibleByArgument {}
