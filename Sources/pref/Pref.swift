import ArgumentParser

@main
struct Pref: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pref",
        abstract: "Preference-data pipelines and CPU training: ingest, split, pairs, tokenize, train, eval.",
        subcommands: [IngestCommand.self, Cat.self, SplitCommand.self, PairsCommand.self, VerifyCommand.self, StatsCommand.self]
    )
}
