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

        var reports: [FileIngestReport] = []
        var failures: [String] = []
        for file in files {
            let bar = ProgressBar(label: (file as NSString).lastPathComponent, quiet: common.quiet)
            do {
                let report = try ingestor.ingest(path: file, options: options) { p in
                    bar.update(done: Double(p.bytesDone), total: Double(p.bytesTotal), detail: "\(p.records) records")
                }
                bar.finish()
                reports.append(report)
                if !common.json { print(Self.line(report)) }
            } catch {
                bar.finish()
                failures.append("\(error)")
                Console.error("\(error)")
            }
        }
        let elapsed = Date().timeIntervalSince(started)
        if common.json {
            print(JSONWriter.string(Self.summaryJSON(reports, failures: failures, elapsed: elapsed)))
        } else {
            print(Self.totals(reports, elapsed: elapsed))
        }
        let usable = reports.contains { $0.kept + $0.duplicates > 0 || $0.alreadyIngestedAs != nil }
        if !failures.isEmpty || !usable { throw ExitCode.failure }
    }

    static func line(_ r: FileIngestReport) -> String {
        let name = r.path
        if let previous = r.alreadyIngestedAs {
            return "\(name): already ingested (same sha256 as \(previous)); nothing to do"
        }
        var s = "\(name): format \(r.format)\(r.sourceSplit.map { ", split \($0)" } ?? "") — read \(r.read), kept \(r.kept), duplicates \(r.duplicates), quarantined \(r.quarantined)"
        if !r.quarantinedByReason.isEmpty {
            s += " (" + r.quarantinedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        s += String(format: " in %.2fs, %.1f MB/s", r.seconds, r.megabytesPerSecond)
        return s
    }

    static func totals(_ reports: [FileIngestReport], elapsed: Double) -> String {
        let bytes = reports.reduce(Int64(0)) { $0 + $1.bytes }
        let sum = { (f: (FileIngestReport) -> Int) in reports.reduce(0) { $0 + f($1) } }
        return String(format: "total: %d files, read %d, kept %d, duplicates %d, quarantined %d — %.2fs, %.1f MB/s",
                      reports.count, sum(\.read), sum(\.kept), sum(\.duplicates), sum(\.quarantined), elapsed,
                      elapsed > 0 ? Double(bytes) / 1_000_000 / elapsed : 0)
    }

    static func summaryJSON(_ reports: [FileIngestReport], failures: [String], elapsed: Double) -> JSONValue {
        let bytes = reports.reduce(Int64(0)) { $0 + $1.bytes }
        var o = JSONObject()
        o["files"] = .array(reports.map(\.json))
        o["errors"] = .array(failures.map(JSONValue.string))
        o["elapsed_s"] = .double((elapsed * 1000).rounded() / 1000)
        o["mb_per_s"] = .double(elapsed > 0 ? (Double(bytes) / 1_000_000 / elapsed * 10).rounded() / 10 : 0)
        return .object(o)
    }
}
