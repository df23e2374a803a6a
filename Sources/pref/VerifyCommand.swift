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
        let report = try common.openCatalog().verify()
        output.print(text: report.text, json: report.json)
        if !report.isClean { throw ExitCode.failure }
    }
}
