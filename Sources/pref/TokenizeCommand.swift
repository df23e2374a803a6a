import ArgumentParser
import Core
import Foundation
import Jinja
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

    @Option(help: "Chat template: auto (the model's own: tokenizer_config.json or chat_template.jinja), or a built-in family: chatml, llama3, zephyr.")
    var template: TemplateChoice = .auto

    @Option(help: "A Jinja chat template file to use instead of the model's.")
    var chatTemplate: String?

    @Option(help: "The date strftime_now renders (YYYY-MM-DD; default: the date of the workspace's first tokenize).")
    var date: String?

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
        if case .auto = template, trainBPE != nil, chatTemplate == nil { throw ValidationError("--template auto needs a model's tokenizer_config.json; with --train-bpe name the template") }
        if let date, JinjaDate(isoDate: date) == nil { throw ValidationError("--date must be a date as YYYY-MM-DD, got \(date)") }
        do { _ = try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let progress = common.progress()
        let source: TokenizerSetup.Source = trainBPE.map { .trainBPE(vocabSize: $0) } ?? .file(URL(fileURLWithPath: tokenizer ?? ""))
        let choice = chatTemplate.map { TemplateChoice.file(URL(fileURLWithPath: $0)) } ?? template
        let setup = try TokenizerSetup(source: source, template: choice, date: date.flatMap(JinjaDate.init(isoDate:)), catalog: catalog,
                                       progress: progress.handler)
        let settings = TokenizeSettings(template: setup.template, convention: responseConvention,
                                        limits: try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength, mode: truncation),
                                        pack: pack, sftSource: sftFrom, lossOn: lossOn)
        let job = TokenizeJob(catalog: catalog, tokenizer: setup.tokenizer, tokenizerSHA256: try SHA256.hex(ofFileAt: setup.saved.path),
                              settings: settings, threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let report = try job.run(progress: progress.handler)
        progress.finish()
        output.print(text: report.text, json: report.json)
    }
}

extension TemplateChoice: ExpressibleByArgument {
    public init?(argument: String) {
        if argument == "auto" { self = .auto } else if let f = ChatTemplateFamily(rawValue: argument) { self = .family(f) } else { return nil }
    }

    public static var allValueStrings: [String] { ["auto"] + ChatTemplateFamily.allCases.map(\.rawValue) }
}

extension ResponseConvention: ExpressibleByArgument {}
extension TruncationMode: ExpressibleByArgument {}
extension TokenizeSettings.SFTSource: ExpressibleByArgument {}
extension TokenizeSettings.LossOn: ExpressibleByArgument {}
