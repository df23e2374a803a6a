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
        let s = try catalog.stats()
        let pairs = try PairStatistics.read(catalog)
        if output.json {
            var o = Self.json(s)
            if case .object(var obj) = o { obj["pairs"] = pairs.json; o = .object(obj) }
            print(JSONWriter.string(o))
            return
        }
        print("workspace \(common.workspace)")
        print("sources: \(s.sources.count)")
        for src in s.sources {
            print("  \(src.path)\n    format \(src.format)\(src.sourceSplit.map { ", split \($0)" } ?? ""): read \(src.read), kept \(src.kept), duplicates \(src.duplicates), quarantined \(src.quarantined)")
        }
        let kinds = s.recordsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("records: \(s.recordsByKind.values.reduce(0, +))\(kinds.isEmpty ? "" : " (\(kinds))"), completions: \(s.completions)")
        if !s.quarantineByReason.isEmpty {
            print("quarantine: " + s.quarantineByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !s.recordsBySplit.isEmpty {
            print("split: " + s.recordsBySplit.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if pairs.pairs > 0 { print(pairs.text) }
        if !s.shards.isEmpty {
            print("shards: " + s.shards.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.examples) examples, \($0.value.tokens) tokens in \($0.value.shards) shards" }.joined(separator: "; "))
        }
    }

    static func json(_ s: CatalogStats) -> JSONValue {
        func counts(_ d: [String: Int]) -> JSONValue {
            .object(JSONObject(d.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))
        }
        var o = JSONObject()
        o["sources"] = .array(s.sources.map { src in
            .object(JSONObject([
                ("path", .string(src.path)), ("format", .string(src.format)), ("source_split", src.sourceSplit.map(JSONValue.string) ?? .null),
                ("read", .int(Int64(src.read))), ("kept", .int(Int64(src.kept))), ("duplicates", .int(Int64(src.duplicates))),
                ("quarantined", .int(Int64(src.quarantined))),
            ]))
        })
        o["records_by_kind"] = counts(s.recordsByKind)
        o["completions"] = .int(Int64(s.completions))
        o["quarantine_by_reason"] = counts(s.quarantineByReason)
        o["records_by_split"] = counts(s.recordsBySplit)
        o["shards"] = .object(JSONObject(s.shards.sorted { $0.key < $1.key }.map {
            ($0.key, .object(JSONObject([("examples", .int(Int64($0.value.examples))), ("tokens", .int(Int64($0.value.tokens))), ("shards", .int(Int64($0.value.shards)))])))
        }))
        return .object(o)
    }
}
