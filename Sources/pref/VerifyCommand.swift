import ArgumentParser
import JSON
import Store

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-read every shard: file size and sha256, every zstd frame and its checksum, and the index's counts.",
        discussion: "Also checks the catalog itself (PRAGMA integrity_check, foreign keys). Exits 1 on any problem.")

    @OptionGroup var common: WorkspaceOptions
    @OptionGroup var output: JSONOutput

    func run() throws {
        let catalog = try common.openCatalog()
        let catalogProblems = try catalog.integrityProblems()
        let shards = try catalog.verifyShards()
        let problems = catalogProblems.map { "catalog: \($0)" } + shards.problems
        if output.json {
            print(JSONWriter.string(.object(JSONObject([
                ("shards", .int(Int64(shards.shards))), ("frames", .int(Int64(shards.frames))),
                ("examples", .int(Int64(shards.examples))), ("problems", .array(problems.map(JSONValue.string))),
                ("ok", .bool(problems.isEmpty)),
            ]))))
        } else {
            print("verified \(shards.shards) shards, \(shards.frames) frames, \(shards.examples) examples; catalog integrity \(catalogProblems.isEmpty ? "ok" : "FAILED")")
            for p in problems { print("problem: \(p)") }
            if problems.isEmpty { print("ok") }
        }
        if !problems.isEmpty { throw ExitCode.failure }
    }
}
