import ArgumentParser

@main
struct Pref: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pref",
        abstract: "Preference-data pipelines and CPU training: ingest, split, pairs, tokenize, train, eval.",
        subcommands: [TrainCommand.self]
    )
}
