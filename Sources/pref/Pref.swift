import ArgumentParser
import Foundation

@main
struct Pref: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pref",
        abstract: "Preference-data pipelines and CPU training: ingest, split, pairs, tokenize, train, eval.",
        subcommands: [IngestCommand.self, Cat.self, SplitCommand.self, PairsCommand.self, TokenizeCommand.self, VerifyCommand.self, InspectCommand.self, StatsCommand.self, TokenizerCommand.self, ExportCommand.self, TrainCommand.self, ConfigCommand.self, EvalCommand.self, ScoreCommand.self, CompareCommand.self, GenerateCommand.self, ModelCommand.self]
    )

    /// Exit codes per DESIGN.md: 0 ok, 1 failure (explained on stderr), 2 bad usage.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            Console.error(error.description)
            Foundation.exit(1)
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
