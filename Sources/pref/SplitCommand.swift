import ArgumentParser
import Foundation
import JSON
import Pairs
import Store

struct SplitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "split",
        abstract: "Assign every record to train or test by a stable hash of its prompt.",
        discussion: """
            Records with the same normalized prompt always land on the same side. The side depends only \
            on the prompt and the seed, so it does not change with ingest order or with what else is in \
            the catalog. Records from sources that carry a split name (test_prefs, test_sft, ...) keep it \
            unless --no-respect-source-splits is given. Re-running replaces the previous split; pairs built \
            on records that changed side are deleted.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @Option(name: .customLong("test"), help: "Fraction of records to put in test, between 0 and 1.") var testFraction: Double
    @Option(help: "Seed of the prompt hash.") var seed = 42
    @Flag(inversion: .prefixedNo, help: "Keep the split names that sources carry; divide only the unsplit sources.")
    var respectSourceSplits = true

    func validate() throws {
        guard testFraction.isFinite, (0...1).contains(testFraction) else {
            throw ValidationError("--test must be a fraction between 0 and 1, e.g. 0.05")
        }
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let settings = try SplitSettings(testFraction: testFraction, seed: seed, respectSourceSplits: respectSourceSplits)
        let progress = common.progress()
        let report = try Splitter.run(catalog, settings: settings, progress: progress.handler)
        progress.finish()
        output.print(text: report.text, json: report.json)
    }
}
