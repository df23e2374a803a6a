import Foundation
import Testing

/// SIGKILL during `pref tokenize`, then a re-run: `pref verify` is clean and the shards are
/// byte-identical to an uninterrupted run's.
@Suite(.enabled(if: Pref.binary != nil, "the pref executable is not built next to the test bundle"))
struct TokenizeCrashTests {
    func prepare(_ ws: PipelineWorkspace) throws {
        let demo = Pref.packageRoot.appendingPathComponent("demo/data/prefs_binarized.jsonl").path
        let chat = Pref.packageRoot.appendingPathComponent("demo/data/sft_chat.jsonl").path
        #expect(try Pref.run(["ingest", "--quiet", "--workspace", ws.root.path, demo, chat]).status == 0)
        #expect(try Pref.run(["split", "--quiet", "--workspace", ws.root.path, "--test", "0.05"]).status == 0)
        #expect(try Pref.run(["pairs", "--quiet", "--workspace", ws.root.path, "--strategy", "binarized"]).status == 0)
    }

    func tokenize(_ ws: PipelineWorkspace, killWhen: (() -> Bool)? = nil) throws -> (status: Int32, killed: Bool) {
        // Short packed sequences make several SFT shards, so a kill can land between them.
        let tokenizer = Pref.packageRoot.appendingPathComponent("fixtures/tokenizer/llama3.tokenizer.json").path
        return try Pref.run(["tokenize", "--quiet", "--workspace", ws.root.path, "--tokenizer", tokenizer, "--template", "llama3",
                             "--max-length", "24"], killWhen: killWhen)
    }

    @Test func killedTokenizeThenRerunEqualsUninterruptedRun() throws {
        let reference = PipelineWorkspace(), crashed = PipelineWorkspace()
        try prepare(reference)
        try prepare(crashed)
        #expect(try tokenize(reference).status == 0)
        let expected = try reference.shardFiles()
        #expect(expected.count >= 4)

        let outcome = try tokenize(crashed) {
            (try? crashed.shardFiles().keys.filter { !$0.hasPrefix(".") }.count) ?? 0 >= 2
        }
        #expect(outcome.killed, "tokenize finished before it could be killed")
        #expect(try tokenize(crashed).status == 0)
        #expect(try Pref.run(["verify", "--quiet", "--workspace", crashed.root.path]).status == 0)
        #expect(try crashed.shardFiles() == expected)

        // A flipped byte in a shard is caught by pref verify.
        let name = try #require(expected.keys.sorted().first)
        var bytes = try #require(expected[name])
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: crashed.shards.appendingPathComponent(name))
        #expect(try Pref.run(["verify", "--quiet", "--workspace", crashed.root.path]).status == 1)
    }
}
