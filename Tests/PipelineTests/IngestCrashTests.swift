import Foundation
import Testing
import Store

/// SIGKILL in the middle of `pref ingest`, then a re-run, must give the same catalog as an
/// uninterrupted run: each file is one transaction.
@Suite(.enabled(if: Pref.binary != nil, "the pref executable is not built next to the test bundle"))
struct IngestCrashTests {
    /// A JSONL file big enough that the ingest transaction spills to the WAL before it ends.
    static func makeInput() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pref-crash-\(UUID().uuidString).jsonl")
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

    @Test func killedIngestThenRerunEqualsUninterruptedIngest() throws {
        let input = try Self.makeInput()
        defer { try? FileManager.default.removeItem(at: input) }
        let reference = PipelineWorkspace()
        let crashed = PipelineWorkspace()

        #expect(try Pref.run(["ingest", "--quiet", "--workspace", reference.root.path, input.path]).status == 0)
        let outcome = try Pref.run(["ingest", "--quiet", "--workspace", crashed.root.path, input.path],
                                   killWhen: { Pref.fileSize(crashed.root.appendingPathComponent("pref.sqlite-wal")) > 1 << 20 })
        #expect(outcome.killed, "the ingest finished before it could be killed; make the input larger")
        // After the kill: nothing of the file is visible, and the catalog is sound.
        let afterKill = try Catalog(workspace: crashed.root)
        #expect(try afterKill.integrityProblems().isEmpty)
        #expect(try afterKill.stats().sources.isEmpty)

        #expect(try Pref.run(["ingest", "--quiet", "--workspace", crashed.root.path, input.path]).status == 0)
        let expected = try reference.catalogDump()
        #expect(expected.count > 12_000)
        #expect(try crashed.catalogDump() == expected)
    }
}
