import ArgumentParser
import Foundation
import Store
import Tokenizer
import JSON

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

    @Option(help: "A tokenizer.json (or a model folder holding tokenizer.json and tokenizer_config.json).")
    var tokenizer: String?

    @Option(name: .customLong("train-bpe"), help: "Train a byte-level BPE tokenizer of this vocabulary size on the train split instead.")
    var trainBPE: Int?

    @Option(help: "Chat template: chatml, llama3, zephyr, or auto (from tokenizer_config.json).")
    var template: String = "auto"

    @Option(help: "Where the assistant header goes in pairs: trl (in the prompt) or alignment-handbook (in the scored response, as the DPO-Shift paper's pipeline).")
    var responseConvention: String = "trl"

    @Option(help: "Longest sequence in tokens (packed length for SFT; prompt + response for pairs).")
    var maxLength: Int = 1024

    @Option(help: "Longest prompt in tokens for pairs (default: half of --max-length).")
    var maxPromptLength: Int?

    @Option(help: "How to cut a too-long prompt: keep_end or keep_start.")
    var truncation: String = "keep_end"

    @Flag(inversion: .prefixedNo, help: "Pack SFT documents into sequences of exactly --max-length tokens.")
    var pack = true

    @Option(help: "SFT examples from: conversations, or chosen (the chosen side of the pairs).")
    var sftFrom: String = "conversations"

    @Option(help: "SFT loss on: assistant (answers only) or all tokens.")
    var lossOn: String = "assistant"

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    func validate() throws {
        if (tokenizer == nil) == (trainBPE == nil) { throw ValidationError("give exactly one of --tokenizer PATH and --train-bpe N") }
        if let n = trainBPE, n < 300 { throw ValidationError("--train-bpe needs a vocabulary of at least 300 (256 bytes + specials + merges)") }
        if ResponseConvention(rawValue: responseConvention) == nil { throw ValidationError("--response-convention must be trl or alignment-handbook") }
        if template != "auto", ChatTemplateFamily(rawValue: template) == nil { throw ValidationError("unknown --template '\(template)'; expected chatml, llama3, zephyr or auto") }
        if template == "auto", trainBPE != nil { throw ValidationError("--template auto needs a model's tokenizer_config.json; with --train-bpe name the template") }
        if TruncationMode(rawValue: truncation) == nil { throw ValidationError("--truncation must be keep_end or keep_start") }
        if TokenizeSettings.SFTSource(rawValue: sftFrom) == nil { throw ValidationError("--sft-from must be conversations or chosen") }
        if TokenizeSettings.LossOn(rawValue: lossOn) == nil { throw ValidationError("--loss-on must be assistant or all") }
        do { _ = try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let saved = catalog.layout.root.appendingPathComponent("tokenizer.json")
        let (tok, format) = try prepareTokenizer(catalog: catalog, saveTo: saved)
        let settings = TokenizeSettings(template: format, convention: ResponseConvention(rawValue: responseConvention)!,
                                        limits: try PreferenceLimits(maxLength: maxLength, maxPromptLength: maxPromptLength,
                                                                     mode: TruncationMode(rawValue: truncation)!),
                                        pack: pack, sftSource: .init(rawValue: sftFrom)!, lossOn: .init(rawValue: lossOn)!)
        let bar = ProgressBar(label: "tokenize", quiet: common.quiet)
        let job = TokenizeJob(catalog: catalog, tokenizer: tok, tokenizerSHA256: try SHA256.hex(ofFileAt: saved.path), settings: settings,
                              threads: threads ?? ProcessInfo.processInfo.activeProcessorCount)
        let report = try job.run { phase, done, total in bar.update(done: Double(done), total: Double(total), detail: phase) }
        bar.finish()
        print(common.json ? JSONWriter.string(report.json) : report.text)
    }

    /// Loads the given tokenizer or trains one on the train split; saves it in the workspace.
    private func prepareTokenizer(catalog: Catalog, saveTo saved: URL) throws -> (Tokenizer, ChatTemplate) {
        if let n = trainBPE {
            let format = ChatTemplate(family: ChatTemplateFamily(rawValue: template)!)
            let texts = try WorkspaceCorpus.trainTexts(catalog)
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
        if template == "auto" {
            let configURL = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
            do { format = try ChatTemplate(contentsOf: configURL) } catch { throw CLIError("--template auto: \(error); or pass --template chatml, llama3 or zephyr") }
        } else {
            format = ChatTemplate(family: ChatTemplateFamily(rawValue: template)!)
        }
        try FileManager.default.copyReplacing(url, to: saved)
        return (tok, format)
    }
}
