import ArgumentParser
import Export
import Foundation
import Store

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the workspace's pairs, SFT conversations or tokenized shards as a Hugging Face dataset folder.",
        discussion: """
            The folder has the Hub layout `datasets` and TRL read: data/train-00000-of-0000N.parquet (or .jsonl), \
            data/test-…, and a README.md card whose `configs:` front matter names the splits. Rows keep the \
            curriculum order. Each Parquet file records pref's version and the settings that produced it in its \
            key-value metadata (pref.version, pref.settings). The export is built beside --to and moved into place \
            only when complete.
            """,
        subcommands: [ExportPairsCommand.self, ExportSFTCommand.self, ExportTokenizedCommand.self])
}

/// Options every export verb takes.
struct ExportDestination: ParsableArguments {
    @Option(help: "The folder to write (refused when it is not empty, unless --overwrite).")
    var to: String

    @Option(help: "parquet or jsonl.")
    var format: ExportFormat = .parquet

    @Option(help: "Rows per data file; a split with more rows is cut into several files.")
    var rowsPerFile = ExportOptions.defaultRowsPerFile

    @Flag(help: "Replace the contents of a non-empty --to folder.")
    var overwrite = false

    func validate() throws {
        if rowsPerFile < 1 { throw ValidationError("--rows-per-file must be at least 1") }
    }

    var options: ExportOptions {
        ExportOptions(directory: URL(fileURLWithPath: to), format: format, rowsPerFile: rowsPerFile, overwrite: overwrite)
    }
}

/// Runs one export and prints its report; library errors become exit 1 with their message.
private func export(_ common: WorkspaceOptions, _ output: JSONOutput, _ body: (Catalog, ProgressRenderer) throws -> ExportReport) throws {
    let catalog = try common.openCatalog()
    let progress = common.progress()
    let report: ExportReport
    do { report = try body(catalog, progress) } catch { progress.finish(); throw CLIError("\(error)") }
    progress.finish()
    output.print(text: report.text, json: report.json)
}

struct ExportPairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Preference pairs in TRL's conversational format: prompt, chosen, rejected as message lists, with scores, strategy, stage and reference log-probs.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @OptionGroup var destination: ExportDestination

    func run() throws {
        try export(common, output) { try Exporter.pairs($0, options: destination.options, progress: $1.handler) }
    }
}

struct ExportSFTCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sft",
        abstract: "SFT conversations in ultrachat_200k's layout: prompt, prompt_id, messages.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @OptionGroup var destination: ExportDestination

    @Option(name: .customLong("from"), help: "conversations (conversation records), or chosen (the chosen side of the pairs).")
    var source: SFTExampleSource = .conversations

    func run() throws {
        try export(common, output) { try Exporter.sft($0, from: source, options: destination.options, progress: $1.handler) }
    }
}

struct ExportTokenizedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenized",
        abstract: "The shards' token ids for trainers that skip tokenization.",
        discussion: """
            --kind pairs: prompt_ids, chosen_ids, rejected_ids (TRL's DataCollatorForPreference names), stage, truncated, \
            and ref_chosen_logps / ref_rejected_logps when stored. --kind sft: input_ids, assistant_masks (1 where the \
            loss counts), seq_lengths (the documents packed into the row).
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @OptionGroup var destination: ExportDestination

    @Option(help: "pairs or sft.")
    var kind: TokenizedKind = .pairs

    func run() throws {
        try export(common, output) { try Exporter.tokenized($0, kind: kind, options: destination.options, progress: $1.handler) }
    }
}

extension ExportFormat: ExpressibleByArgument {}
extension TokenizedKind: ExpressibleByArgument {}
