import Foundation
import Testing
@testable import Ingest
import Store

/// SIGKILL in the middle of `pref ingest`, then a re-run, must give the same catalog as an
/// uninterrupted run: each file is one transaction.
@Suite(.enabled(if: PrefBinary.url != nil, "the pref executable is not built next to the test bundle"))
struct CrashSafetyTests {
    /// A JSONL file big enough that the ingest transaction spills to the WAL before it ends.
    static func makeInput() throws -> URL {
        let url = Paths.temporaryFile("crash.jsonl")
        var text = ""
        let filler = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 40)
        for i in 0..<6000 {
            let p = "Question number \(i)?"
            text += #"{"prompt": "\#(p)", "chosen": [{"content": "\#(p)", "role": "user"}, {"content": "Answer \#(i). \#(filler)", "role": "assistant"}], "rejected": [{"content": "\#(p)", "role": "user"}, {"content": "Wrong \#(i). \#(filler)", "role": "assistant"}], "score_chosen": 8.0, "score_rejected": 3.0}"# + "\n"
            if i % 500 == 0 { text += "not json at line \(i)\n" }
        }
        try Data(text.utf8).write(to: url)
        return url
    }

    func run(_ workspace: URL, _ input: URL, killWhenWALExceeds: Int? = nil) throws -> (status: Int32, killed: Bool) {
        let process = Process()
        process.executableURL = PrefBinary.url
        process.arguments = ["ingest", "--quiet", "--workspace", workspace.path, input.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        var killed = false
        if let limit = killWhenWALExceeds {
            let wal = workspace.appendingPathComponent("pref.sqlite-wal").path
            while process.isRunning {
                let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
                if size > limit {
                    kill(process.processIdentifier, SIGKILL)
                    killed = true
                    break
                }
                usleep(2_000)
            }
        }
        process.waitUntilExit()
        return (process.terminationStatus, killed)
    }

    @Test func killedIngestThenRerunEqualsUninterruptedIngest() throws {
        let input = try Self.makeInput()
        defer { try? FileManager.default.removeItem(at: input) }
        let reference = try TempWorkspace()
        let crashed = try TempWorkspace()

        #expect(try run(reference.root, input).status == 0)
        let outcome = try run(crashed.root, input, killWhenWALExceeds: 1 << 20)
        #expect(outcome.killed, "the ingest finished before it could be killed; make the input larger")
        // After the kill: nothing of the file is visible, and the catalog is sound.
        let afterKill = try Catalog(workspace: crashed.root)
        #expect(try afterKill.integrityProblems().isEmpty)
        #expect(try afterKill.stats().sources.isEmpty)

        #expect(try run(crashed.root, input).status == 0)
        let expected = try reference.contentDump()
        #expect(expected.count > 12_000)
        #expect(try TempWorkspace.dump(of: crashed.root) == expected)
    }
}

extension TempWorkspace {
    /// The content dump of another process's workspace, opened fresh.
    static func dump(of root: URL) throws -> [String] {
        let ws = try TempWorkspace(openingExisting: root)
        return try ws.contentDump()
    }
}

enum PrefBinary {
    /// `pref`, built by `swift build` / `swift test` into the same folder as the test bundle.
    static let url: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("pref")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()
}
