import ArgumentParser
import Foundation
import Ingest
import JSON

struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read dataset exports (JSONL, JSON, Parquet; .gz/.zst) into the workspace catalog.",
        discussion: "Bad records go to the quarantine with their reason; re-ingesting the same bytes does nothing.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    @Argument(help: "Files or folders of dataset files.")
    var paths: [String]

    @Option(help: "Dataset format: auto, \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
    var format: String = "auto"

    @Option(help: "Original split name for these files (default: read from the file name, e.g. test_prefs).")
    var split: String?

    @Option(help: "Worker threads for parsing (default: all cores).")
    var threads: Int?

    func validate() throws {
        if format != "auto", DatasetFormat(rawValue: format) == nil {
            throw ValidationError("unknown format '\(format)'; expected auto or one of \(DatasetFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func run() throws {
        let started = Date()
        let catalog = try common.openCatalog()
        let ingestor = Ingestor(catalog: catalog)
        var options = Ingestor.Options(format: DatasetFormat(rawValue: format), sourceSplit: split)
        if let threads { options.threads = max(1, threads) }
        let files: [String]
        do { files = try InputFiles.expand(paths) } catch { throw CLIError("\(error)") }

        var run = IngestRunReport()
        let progress = common.progress()
        for file in files {
            do {
                let report = try ingestor.ingest(path: file, options: options, progress: progress.handler)
                progress.finish()
                run.files.append(report)
                if !output.json { print(report.text) }
            } catch {
                progress.finish()
                run.failures.append("\(error)")
                Console.error("\(error)")
            }
        }
        run.seconds = Date().timeIntervalSince(started)
        output.print(text: run.text, json: run.json)
        if !run.succeeded { throw ExitCode.failure }
    }
}
