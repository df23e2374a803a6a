import ArgumentParser
import Foundation
import JSON
import Pairs
import Store

struct PairsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pairs",
        abstract: "Build preference pairs from the records' completions, replacing the previous pairs.",
        discussion: """
            Strategies: binarized (the record's chosen/rejected labels), best-vs-random, best-vs-worst, \
            best-vs-rest (Curry-DPO), all-pairs. Ties (gap below --min-gap; by default a zero gap), \
            missing or NaN scores, identical texts and empty responses never make a pair; every skip is \
            counted by reason. Curricula: none (seeded shuffle), gap (largest gap first), stages:N \
            (N gap-quantile stages, easiest first). Pairs inherit their record's split; run `pref split` first.
            """)

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput
    @Option(help: "binarized | best-vs-random | best-vs-worst | best-vs-rest | all-pairs") var strategy: String
    @Option(help: "Smallest score gap that makes a pair (default: any gap above 0).") var minGap: Double?
    @Option(help: "none | gap | stages:N") var curriculum = "none"
    @Option(help: "Seed for best-vs-random and the order of equally difficult pairs.") var seed = 42

    func validate() throws {
        _ = try settings()
    }

    func run() throws {
        let catalog = try common.openCatalog()
        let progress = common.progress()
        let report = try PairBuilder.run(catalog, settings: settings(), progress: progress.handler)
        progress.finish()
        output.print(text: report.text, json: report.json)
    }

    private func settings() throws -> PairSettings {
        do {
            return try PairSettings(strategy: PairStrategy(parsing: strategy), minGap: minGap,
                                    curriculum: Curriculum(parsing: curriculum), seed: seed)
        } catch let error as PairsError {
            throw ValidationError(error.description)
        }
    }
}
