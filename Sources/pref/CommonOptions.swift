import ArgumentParser
import Foundation
import JSON
import Store

/// Options every verb takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: "Workspace directory (catalog, shards, runs).")
    var workspace: String = "./pref-workspace"

    @Flag(name: .long, help: "No progress output on stderr.")
    var quiet = false

    /// The renderer of the libraries' progress events for this run.
    func progress() -> ProgressRenderer { ProgressRenderer(quiet: quiet) }

    var workspaceURL: URL { URL(fileURLWithPath: workspace) }

    func openCatalog() throws -> Catalog {
        do { return try Catalog(workspace: workspaceURL) } catch { throw CLIError("\(error)") }
    }
}

/// `--json`, for the verbs that print a JSON summary.
struct JSONOutput: ParsableArguments {
    @Flag(name: .long, help: "Print a machine-readable JSON summary on stdout instead of text.")
    var json = false

    /// Prints a report as JSON or as its text.
    func print(text: String, json value: @autoclosure () -> JSONValue) {
        Swift.print(json ? JSONWriter.string(value()) : text)
    }
}

/// A failure already explained to the user; exits with status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Console {
    static func error(_ message: String) { FileHandle.standardError.write(Data("error: \(message)\n".utf8)) }
    static func warning(_ message: String) { FileHandle.standardError.write(Data("warning: \(message)\n".utf8)) }
    static func note(_ message: String) { FileHandle.standardError.write(Data("\(message)\n".utf8)) }
}
