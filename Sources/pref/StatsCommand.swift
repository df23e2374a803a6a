import ArgumentParser
import JSON
import Pairs
import Store

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "Show what the workspace holds: sources, records, quarantine, splits, pairs.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    func run() throws {
        let catalog = try common.openCatalog()
        let stats = try catalog.stats()
        let pairs = try PairStatistics.read(catalog)
        if output.json {
            var o = stats.json.objectValue ?? JSONObject()
            o["pairs"] = pairs.json
            return print(JSONWriter.string(.object(o)))
        }
        print("workspace \(common.workspace)")
        print(stats.text)
        if pairs.pairs > 0 { print(pairs.text) }
    }
}
