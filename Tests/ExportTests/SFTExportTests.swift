import Core
import Foundation
import Testing
@testable import Export
@testable import Store

/// `pref export sft`: ultrachat_200k's prompt, prompt_id, messages.
@Suite struct SFTExportTests {
    @Test func conversationsAreWholeMessageListsWithTheirPrompt() throws {
        let fixture = try ExportFixture.pipeline(test: 0.3)
        let out = fixture.output()
        let report = try Exporter.sft(fixture.catalog, options: ExportOptions(directory: out))
        #expect(report.columns == ["prompt", "prompt_id", "messages"])
        for split in ["train", "test"] {
            let expected = try fixture.expectedConversations(split: split)
            #expect(!expected.isEmpty, "the fixture has conversations on both sides")
            let rows = try ExportedFiles.rows(out, split: split)
            #expect(rows.count == expected.count)
            for (row, conversation) in zip(rows, expected) {
                let firstUser = conversation.prompt.first { $0.role == "user" }!.content
                #expect(ExportedFiles.messages(row["messages"]) == conversation.prompt + [.assistant(conversation.answer)])
                #expect(row["prompt"]?.stringValue == firstUser)
                #expect(row["prompt_id"]?.stringValue == conversation.promptId ?? SHA256.hex(of: firstUser))
            }
        }
    }

    @Test func chosenSideOfThePairsOncePerChosenAnswer() throws {
        let fixture = try ExportFixture.pipeline()
        let out = fixture.output()
        _ = try Exporter.sft(fixture.catalog, from: .chosen, options: ExportOptions(directory: out, format: .jsonl))
        let text = try String(contentsOf: out.appendingPathComponent("data/train-00000-of-00001.jsonl"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        // best-vs-rest repeats the chosen answer in each of a record's pairs; SFT takes it once.
        let pairs = try fixture.expectedPairs(split: "train")
        #expect(lines.count == Set(pairs.map(\.chosen)).count)
        #expect(lines.allSatisfy { $0.contains(#""content":"best answer "#) })
    }
}
