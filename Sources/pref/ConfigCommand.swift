import ArgumentParser
import Foundation
import Train

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Training recipes: print the resolved settings of a run or of a recipe and flags.",
        subcommands: [Dump.self])

    struct Dump: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dump",
            abstract: "Print a resolved training config as YAML with TRL key names (every key, with where it came from).",
            discussion: """
            --run NAME alone prints the config.yaml that run was trained with. Otherwise the train \
            flags (with or without --config FILE) are resolved as pref train would, without \
            training. The output loads back with pref train --config.
            """)

        @OptionGroup var common: WorkspaceOptions
        @OptionGroup var flags: TrainFlagOptions

        func run() throws {
            let catalog = try common.openCatalog()
            // --run alone names a finished run; with other flags it is output_dir, as in pref train.
            guard let savedRun = flags.runName, flags.config == nil, try flags.values.settings().keys.allSatisfy({ $0 == .outputDir }) else {
                return print(try flags.resolve(catalog: catalog).yaml, terminator: "")
            }
            let named = catalog.layout.runs.appendingPathComponent(savedRun)
            let folder = RunFolder(FileManager.default.fileExists(atPath: named.path) ? named : URL(fileURLWithPath: savedRun))
            guard FileManager.default.fileExists(atPath: folder.url.path) else {
                throw CLIError("no run \(savedRun) in \(catalog.layout.runs.path) (nor a folder of that name)")
            }
            guard let text = try? String(contentsOf: folder.recipeURL, encoding: .utf8) else {
                throw CLIError("\(folder.recipeURL.path): missing; runs trained before recipes existed have none")
            }
            print(text, terminator: "")
        }
    }
}
