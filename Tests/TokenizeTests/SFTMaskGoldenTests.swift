import Foundation
import GRDB
import JSON
import Core
@testable import Store
import Testing
@testable import Tokenize
@testable import Tokenizer

/// pref's SFT loss masks against transformers' assistant-token masks
/// (scripts/sft-mask-golden.py: `apply_chat_template(..., return_assistant_tokens_mask=True)`
/// with ChatML templates that mark assistant turns with `{% generation %}`).
///
/// The conventions differ by one token per assistant turn: pref trains on the whole end-of-turn
/// marker `<|im_end|>\n`, while the usual generation block stops after `<|im_end|>`. So pref's
/// mask equals the golden mask of the block that holds the newline (`eot_inside`), and adds
/// exactly the newline after each assistant `<|im_end|>` to the usual one (`eot_outside`).
@Suite struct SFTMaskGoldenTests {
    struct Golden {
        var name: String
        var messages: [ChatMessage]
        var text: String
        var ids: [UInt32]
        var eotOutside: [Bool]
        var eotInside: [Bool]
    }

    static let names = ["one_turn", "system_and_three_turns", "answer_starts_with_newline", "unicode_and_empty_answer"]

    static func goldens() throws -> [Golden] {
        try Fixtures.jsonLines("sft-masks.golden.jsonl").map { record in
            func mask(_ key: String) throws -> [Bool] {
                try #require(record["masks"]?[key]?.arrayValue).map { try #require($0.intValue) == 1 }
            }
            let messages = try #require(record["messages"]?.arrayValue).map {
                ChatMessage(role: try #require($0["role"]?.stringValue), content: try #require($0["content"]?.stringValue))
            }
            return Golden(name: try #require(record["name"]?.stringValue), messages: messages, text: try #require(record["text"]?.stringValue),
                          ids: Fixtures.ids(record["ids"]), eotOutside: try mask("eot_outside"), eotInside: try mask("eot_inside"))
        }
    }

    static func golden(_ name: String) throws -> Golden { try #require(try goldens().first { $0.name == name }) }

    /// What the packer does for one conversation (TokenizeJob.sftDocument): chatml segments,
    /// encoded under the join rule.
    static func packerIdsAndMask(_ messages: [ChatMessage], _ tokenizer: Tokenizer) throws -> (ids: [UInt32], trainable: [Bool]) {
        SegmentEncoder(tokenizer: tokenizer).encode(try ChatTemplate(family: .chatml).segments(messages))
    }

    @Test func everyGoldenConversationIsTested() throws {
        #expect(try Self.goldens().map(\.name) == Self.names)
    }

    @Test(arguments: names)
    func packerMaskEqualsTheBlockHoldingTheWholeEndOfTurnMarker(_ name: String) throws {
        let golden = try Self.golden(name)
        let tokenizer = try Fixtures.tokenizer("qwen2")
        let segments = try ChatTemplate(family: .chatml).segments(golden.messages)
        #expect(segments.map(\.text).joined() == golden.text, "same rendered text as the Jinja template")
        let (ids, trainable) = try Self.packerIdsAndMask(golden.messages, tokenizer)
        #expect(ids == golden.ids)
        #expect(trainable == golden.eotInside)
    }

    /// The exact relation to the usual `{% generation %}…<|im_end|>{% endgeneration %}\n` block.
    @Test(arguments: names)
    func packerMaskAddsOnlyTheNewlineAfterEachAssistantEndOfTurn(_ name: String) throws {
        let golden = try Self.golden(name)
        let tokenizer = try Fixtures.tokenizer("qwen2")
        let (ids, trainable) = try Self.packerIdsAndMask(golden.messages, tokenizer)
        try #require(ids == golden.ids && trainable.count == golden.eotOutside.count)
        let newline = try #require(tokenizer.tokenToId("Ċ")), imEnd = try #require(tokenizer.tokenToId("<|im_end|>"))
        #expect(!zip(trainable, golden.eotOutside).contains { !$0 && $1 }, "pref trains on every token transformers marks")
        let extra = trainable.indices.filter { trainable[$0] && !golden.eotOutside[$0] }
        #expect(extra.count == golden.messages.filter { $0.role == "assistant" }.count)
        for i in extra {
            #expect(i > 0 && ids[i] == newline && ids[i - 1] == imEnd && golden.eotOutside[i - 1], "position \(i)")
        }
    }

    /// The same masks come out of `pref tokenize` (TokenizeJob, unpacked) for the conversations
    /// stored as records: the prompt is every turn before the last answer.
    @Test func tokenizeJobWritesTheGoldenMasks() throws {
        let goldens = try Self.goldens()
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-sft-masks-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let catalog = try Catalog(workspace: root)
        let source = SourceFile(path: "masks.jsonl", sha256: UUID().uuidString, format: "test", sizeBytes: 0, sourceSplit: nil)
        try catalog.ingestTransaction(source) { w in
            for (i, g) in goldens.enumerated() {
                let answer = try #require(g.messages.last)
                try #require(answer.role == "assistant")
                let prompt = g.messages.dropLast().map { Message(role: $0.role, content: $0.content) }
                try #require(try w.add(CanonicalRecord(kind: .conversation, prompt: prompt,
                                                       completions: [Completion(text: answer.content)]),
                                       position: i, sourceSplit: "train"))
            }
            try w.finish(recordsRead: goldens.count)
        }
        try catalog.db.write { try $0.execute(sql: "INSERT INTO splits SELECT id, 'train' FROM records") }
        let settings = TokenizeSettings(template: ChatTemplate(family: .chatml), limits: try PreferenceLimits(maxLength: 512), pack: false)
        _ = try TokenizeJob(catalog: catalog, tokenizer: try Fixtures.tokenizer("qwen2"), tokenizerSHA256: "t", settings: settings, threads: 1).run()
        let reader = ShardReader(catalog: catalog)
        let ids = try reader.exampleIds(kind: .sft, split: "train")
        #expect(ids.count == goldens.count)
        let positions = try catalog.db.read { try Dictionary(uniqueKeysWithValues: Row.fetchAll($0, sql: "SELECT id, position FROM records").map { ($0[0] as Int64, $0[1] as Int) }) }
        for id in ids {
            let recordId = try #require(try reader.info(id).recordId)
            let golden = goldens[try #require(positions[recordId])]
            guard case .sft(let tokens, let mask, let docs) = try reader.example(id) else { Issue.record("example \(id) is not SFT"); continue }
            #expect(tokens.map { UInt32($0) } == golden.ids, "\(golden.name)")
            #expect(mask == golden.eotInside, "\(golden.name)")
            #expect(docs == [golden.ids.count])
        }
    }
}
