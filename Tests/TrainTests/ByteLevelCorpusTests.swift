import Foundation
import Testing
@testable import Train

@Suite struct ByteLevelCorpusTests {
    @Test func readsConversationsAndReportsBadLines() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("corpus-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: url) }
        let lines = [
            #"{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hé"}]}"#,
            #"{"text": "plain"}"#,
            "not json",
            #"{"other": 1}"#,
            "",
        ]
        try Data(lines.joined(separator: "\n").utf8).write(to: url)
        let corpus = try ByteLevelCorpus(jsonl: url)
        #expect(corpus.documents.count == 2)
        #expect(corpus.documents[0] == [ByteLevelCorpus.bos] + "<|user|>\nhi\n<|assistant|>\nhé\n".utf8.map { Int32($0) } + [ByteLevelCorpus.eos])
        #expect(corpus.documents[1] == [256, 112, 108, 97, 105, 110, 257])
        #expect(corpus.skipped.map(\.line) == [3, 4])
        let (train, test) = corpus.split(testFraction: 0.5)
        #expect(train.count == 1 && test.count == 1)
    }

    @Test func readsTheBundledUltraFeedbackSample() throws {
        let url = Fixtures.url("../shared/data/ultrafeedback_binarized/test_prefs.jsonl")
        guard FileManager.default.fileExists(atPath: url.path) else {
            print("skipped: \(url.path) is absent (shared data folder not checked out)")
            return
        }
        let corpus = try ByteLevelCorpus(jsonl: url)
        #expect(corpus.documents.count == 200 && corpus.skipped.isEmpty)
        #expect(corpus.documents.allSatisfy { $0.first == ByteLevelCorpus.bos && $0.last == ByteLevelCorpus.eos })
        #expect(corpus.documents.allSatisfy { doc in doc.dropFirst().dropLast().allSatisfy { $0 < 256 } })
    }
}
