import Core
import Foundation
import GRDB
import JSON
import Testing
@testable import Ingest
@testable import Store

/// Each dataset layout on the hand-made fixtures (scripts/ingest-fixtures.py): the detected
/// format, the counts, every quarantine reason, and the canonical records' content.
@Suite struct FormatFixtureTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String
        var format: DatasetFormat
        var read: Int, kept: Int, duplicates: Int
        var reasons: [String: Int]
        var testDescription: String { file }
    }

    @Test(arguments: [
        Expected(file: "ultrafeedback_binarized.jsonl", format: .ultrafeedbackBinarized, read: 19, kept: 8, duplicates: 1, reasons: [
            "empty_prompt": 1, "invalid_utf8": 1, "malformed_json": 1, "missing_field": 1, "nan_score": 1, "not_an_object": 1,
            "null_score": 1, "prompt_id_mismatch": 1, "prompt_mismatch": 1, "prefix_mismatch": 1]),
        Expected(file: "ultrafeedback.jsonl", format: .ultrafeedback, read: 8, kept: 3, duplicates: 0, reasons: [
            "empty_prompt": 1, "missing_field": 1, "nan_score": 1, "no_completions": 1, "wrong_type": 1]),
        Expected(file: "capybara_preferences.jsonl", format: .capybaraPreferences, read: 6, kept: 4, duplicates: 0,
                 reasons: ["unknown_role": 1, "wrong_type": 1]),
        Expected(file: "capybara.jsonl", format: .capybara, read: 3, kept: 1, duplicates: 0, reasons: ["empty_prompt": 1, "wrong_type": 1]),
        Expected(file: "ultrachat.jsonl", format: .ultrachat, read: 4, kept: 2, duplicates: 0, reasons: ["no_assistant_turn": 1, "wrong_type": 1]),
        Expected(file: "ultrachat_200k.jsonl", format: .ultrachat200k, read: 2, kept: 1, duplicates: 0, reasons: ["no_assistant_turn": 1]),
        Expected(file: "sharegpt.jsonl", format: .sharegpt, read: 3, kept: 2, duplicates: 0, reasons: ["unknown_role": 1]),
        Expected(file: "array_binarized.json", format: .ultrafeedbackBinarized, read: 3, kept: 3, duplicates: 0, reasons: [:]),
    ])
    func detectsAndCounts(_ e: Expected) throws {
        let ws = try TempWorkspace()
        let r = try ws.ingest(Paths.fixture(e.file))
        #expect(r.format == e.format.rawValue)
        #expect((r.read, r.kept, r.duplicates, r.quarantined) == (e.read, e.kept, e.duplicates, e.reasons.values.reduce(0, +)))
        #expect(r.quarantinedByReason == e.reasons)
        #expect(r.read == r.kept + r.duplicates + r.quarantined)
        #expect(try ws.count("SELECT COUNT(*) FROM records") == e.kept)
        #expect(try ws.count("SELECT COUNT(*) FROM quarantine") == r.quarantined)
    }

    @Test(arguments: ["binarized.jsonl.zst", "binarized_two_members.jsonl.gz"])
    func compressedFilesMatchThePlainOne(_ name: String) throws {
        let plain = try TempWorkspace()
        let compressed = try TempWorkspace()
        let a = try plain.ingest(Paths.fixture("ultrafeedback_binarized.jsonl"))
        let b = try compressed.ingest(Paths.fixture(name))
        #expect((a.read, a.kept, a.duplicates, a.quarantinedByReason) == (b.read, b.kept, b.duplicates, b.quarantinedByReason))
        let sql = "SELECT position || prompt_json || content_hash FROM records ORDER BY position"
        #expect(try plain.rows(sql).map { $0[0] as String } == compressed.rows(sql).map { $0[0] as String })
    }

    @Test func binarizedQuirksAreKeptVerbatim() throws {
        let ws = try TempWorkspace()
        _ = try ws.ingest(Paths.fixture("ultrafeedback_binarized.jsonl"))
        func completions(_ prompt: String) throws -> [Row] {
            try ws.rows("""
                SELECT c.text, c.score, c.label FROM completions c JOIN records r ON r.id = c.record_id
                WHERE r.prompt_json LIKE ? ORDER BY c.idx
                """, ["%\(prompt)%"])
        }
        let tie = try completions("Name a prime number.")
        #expect(tie.map { $0["score"] as Double } == [7.0, 7.0])
        #expect(tie.map { $0["label"] as String } == ["chosen", "rejected"])
        let identical = try completions("great film")
        #expect(identical.map { $0["text"] as String } == ["positive", "positive"])
        #expect(try completions("Say nothing.").first?["text"] as String? == "")
        #expect(try completions("Windows line endings?").first?["text"] as String? == "Line one\r\nLine two")
        #expect(try completions("Emoji please").first?["text"] as String? == "Here: 😀🚀 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢")
        let ids = try ws.rows("SELECT prompt_json, prompt_id FROM records")
        for row in ids {
            let prompt = try JSONParser.parse(row["prompt_json"] as String)
            let text = try #require(prompt.arrayValue?.first?["content"]?.stringValue)
            #expect(row["prompt_id"] as String == SHA256.hex(of: text))
        }
    }

    /// U+0000 is legal JSON (`\u0000`); it must survive into the catalog and back out,
    /// not cut the text short where a C string would end.
    @Test func textsKeepNULCharacters() throws {
        let ws = try TempWorkspace()
        let file = Paths.temporaryFile("nul.jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let line = #"{"prompt": "a\u0000b", "chosen": [{"role": "user", "content": "a\u0000b"}, {"role": "assistant", "content": "x\u0000y"}], "#
            + #""rejected": [{"role": "user", "content": "a\u0000b"}, {"role": "assistant", "content": "\u0000"}], "score_chosen": 5, "score_rejected": 1}"#
        try Data((line + "\n").utf8).write(to: file)
        let report = try ws.ingest(file.path)
        #expect(report.kept == 1)
        let bytes = try ws.rows("SELECT length(CAST(text AS BLOB)) FROM completions ORDER BY idx").map { $0[0] as Int }
        #expect(bytes == [3, 1])
        let texts = try ws.catalog.db.read { db in
            try Array(Row.fetchCursor(db, sql: "SELECT text FROM completions ORDER BY idx").map { try $0.text(atIndex: 0) })
        }
        #expect(texts == ["x\u{0}y", "\u{0}"])
    }

    @Test func quarantineRowsSayWhereAndWhy() throws {
        let ws = try TempWorkspace()
        _ = try ws.ingest(Paths.fixture("ultrafeedback_binarized.jsonl"))
        let rows = try ws.rows("SELECT position, byte_offset, field, reason, detail, excerpt FROM quarantine ORDER BY position")
        let byReason = Dictionary(uniqueKeysWithValues: rows.map { ($0["reason"] as String, $0) })
        let malformed = try #require(byReason["malformed_json"])
        #expect(malformed["position"] as Int == 17)
        #expect((malformed["detail"] as String).contains("unexpected end of input"))
        #expect((malformed["excerpt"] as String).hasPrefix("{\"prompt\": \"truncated\""))
        let utf8 = try #require(byReason["invalid_utf8"])
        #expect(utf8["position"] as Int == 18)
        // byte_offset is exact: the line's start for a problem with a field, the failing byte
        // for a parse error (the 0xC3 whose continuation byte is missing; where input ran out).
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("ultrafeedback_binarized.jsonl"))))
        let lineStarts = [0] + bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
        #expect(utf8["byte_offset"] as Int == bytes[lineStarts[17]...].firstIndex(of: 0xC3))
        #expect(malformed["byte_offset"] as Int == lineStarts[17] - 1)
        for row in rows where !["invalid_utf8", "malformed_json"].contains(row["reason"] as String) {
            #expect(row["byte_offset"] as Int == lineStarts[(row["position"] as Int) - 1], "\(row["reason"] as String)")
        }
        #expect(byReason["null_score"]?["field"] as String? == "score_chosen")
        #expect(byReason["missing_field"]?["field"] as String? == "score_rejected")
        #expect(byReason["nan_score"]?["field"] as String? == "score_rejected")
        #expect(byReason["prefix_mismatch"]?["field"] as String? == "rejected")
    }

    @Test func ultraFeedbackRawKeepsCompletionOrderModelsAndRatings() throws {
        let ws = try TempWorkspace()
        _ = try ws.ingest(Paths.fixture("ultrafeedback.jsonl"))
        let haiku = try ws.rows("""
            SELECT c.model, c.score, c.ratings_json, c.text, r.origin FROM completions c JOIN records r ON r.id = c.record_id
            WHERE r.prompt_json LIKE '%haiku%' ORDER BY c.idx
            """)
        // Completion order and each completion's own model, not the sorted `models` list.
        #expect(haiku.map { $0["model"] as String } == ["gpt-4", "alpaca-7b", "vicuna-33b", "starchat"])
        #expect(haiku.map { $0["score"] as Double } == [8.0, 3.5, 7.0, 1.0])
        #expect(haiku.first?["origin"] as String? == "evol_instruct")
        let first = try JSONParser.parse(haiku[0]["ratings_json"] as String)
        #expect(first["honesty"] == .null)  // "N/A"
        #expect(first["helpfulness"] == .int(5))
        #expect(first["fine_grained_score"] == .double(4.667))
        let second = try JSONParser.parse(haiku[1]["ratings_json"] as String)
        #expect(second["instruction_following"] == .int(0))  // the out-of-range "0" is kept
        #expect(haiku[3]["text"] as String == "")

        // Older vintage: list-of-struct annotations, null overall score, computed fine-grained mean.
        let prime = try ws.rows("""
            SELECT c.model, c.score, c.ratings_json FROM completions c JOIN records r ON r.id = c.record_id
            WHERE r.prompt_json LIKE '%17 prime%' ORDER BY c.idx
            """)
        #expect(prime.map { $0["model"] as String } == ["b", "a"])
        #expect(prime[0]["score"] as Double? == 9.0)
        #expect(prime[1]["score"] as Double? == nil)
        let listy = try JSONParser.parse(prime[1]["ratings_json"] as String)
        #expect(listy["helpfulness"] == .int(1))
        #expect(listy["honesty"] == .null)
        #expect(listy["fine_grained_score"] == .double(1.0))
    }

    @Test func conversationsSplitAtTheLastAnswer() throws {
        let ws = try TempWorkspace()
        _ = try ws.ingest(Paths.fixture("capybara_preferences.jsonl"))
        _ = try ws.ingest(Paths.fixture("ultrachat.jsonl"))
        _ = try ws.ingest(Paths.fixture("sharegpt.jsonl"))
        _ = try ws.ingest(Paths.fixture("capybara.jsonl"))
        func record(_ like: String) throws -> (prompt: [Message], completions: [Row], kind: String) {
            let r = try #require(try ws.rows("SELECT id, kind, prompt_json FROM records WHERE prompt_json LIKE ?", ["%\(like)%"]).first)
            let prompt = try #require(try JSONParser.parse(r["prompt_json"] as String).arrayValue).map {
                Message(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "")
            }
            let completions = try ws.rows("SELECT text, score, model, label FROM completions WHERE record_id = ? ORDER BY idx", [r["id"] as Int64])
            return (prompt, completions, r["kind"])
        }
        // Capybara-Preferences: multi-turn with a system turn; the prefix is the prompt.
        let capy = try record("You are helpful.")
        #expect(capy.prompt.map(\.role) == ["system", "user", "assistant", "user", "assistant", "user"])
        #expect(capy.completions.map { $0["text"] as String } == ["Great answer", "Weak answer"])
        #expect(capy.completions.map { $0["score"] as Double } == [5, 2])
        #expect(capy.completions.first?["model"] as String? == "teknium/OpenHermes-2.5-Mistral-7B")
        // Odd-length UltraChat: the unanswered last question is dropped.
        let odd = try record("Odd length")
        #expect(odd.kind == "conversation")
        #expect(odd.prompt == [.user("Odd length")])
        #expect(odd.completions.map { $0["text"] as String } == ["answer"])
        let joke = try record("Tell me a joke")
        #expect(joke.prompt.map(\.role) == ["user", "assistant", "user"])
        // ShareGPT with chosen/rejected turns is a preference record.
        let pick = try record("Pick one")
        #expect(pick.kind == "preference")
        #expect(pick.completions.map { $0["label"] as String } == ["chosen", "rejected"])
        #expect(try record("Capital of France").prompt.first == .system("Be brief."))
        // LDJnr/Capybara input/output pairs.
        #expect(try record("And 3+3?").completions.first?["text"] as String? == "6")
    }

    @Test func reIngestingTheSameBytesIsANoOp() throws {
        let ws = try TempWorkspace()
        let first = try ws.ingest(Paths.fixture("capybara_preferences.jsonl"))
        let before = try ws.contentDump()
        let second = try ws.ingest(Paths.fixture("capybara_preferences.jsonl"))
        #expect(first.alreadyIngestedAs == nil)
        #expect(second.alreadyIngestedAs == first.path)
        #expect(try ws.contentDump() == before)
        #expect(try ws.count("SELECT COUNT(*) FROM sources") == 1)
    }

    /// The digest is computed while the records are read, or first when a source of the same
    /// size exists; either way the stored sha256 is the file's, and same-size files with
    /// different bytes are both ingested.
    @Test func storedDigestIsTheFilesSha256() throws {
        let ws = try TempWorkspace()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Paths.fixture("capybara_preferences.jsonl"))))
        let original = Paths.temporaryFile("a.jsonl"), sameSize = Paths.temporaryFile("b.jsonl")
        defer { for f in [original, sameSize] { try? FileManager.default.removeItem(at: f) } }
        try Data(bytes).write(to: original)
        let digestA = { var h = SHA256(); h.update(bytes); return h.finalizeHex() }()
        let i = try #require(bytes.firstIndex(of: UInt8(ascii: "0")))  // "question 0" becomes "question 9"
        bytes[i] = UInt8(ascii: "9")
        try Data(bytes).write(to: sameSize)
        let digestB = { var h = SHA256(); h.update(bytes); return h.finalizeHex() }()
        let a = try ws.ingest(original.path), b = try ws.ingest(sameSize.path)
        #expect(a.alreadyIngestedAs == nil && b.alreadyIngestedAs == nil)
        #expect(try ws.rows("SELECT sha256 FROM sources ORDER BY id").map { $0[0] as String } == [digestA, digestB])
    }

    @Test func forcedFormatThatDoesNotFitQuarantinesEverything() throws {
        let ws = try TempWorkspace()
        let r = try ws.ingest(Paths.fixture("ultrachat.jsonl"), .init(format: .ultrafeedback))
        #expect(r.kept == 0)
        #expect(r.quarantinedByReason["missing_field"] == 4)
    }

    @Test func undetectableFileIsAFileLevelErrorThatWritesNothing() throws {
        let url = Paths.temporaryFile("mystery.jsonl")
        try Data("{\"foo\": 1}\n{\"bar\": 2}\n".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let ws = try TempWorkspace()
        #expect(throws: IngestError.self) { try ws.ingest(url.path) }
        #expect(try ws.count("SELECT COUNT(*) FROM sources") == 0)
    }

    @Test func splitNamesComeFromHubFileNames() {
        #expect(SourceSplitName.infer(path: "/d/train_prefs-00000-of-00001.parquet") == "train_prefs")
        #expect(SourceSplitName.infer(path: "data/test_sft-00000-of-00001-f7dfac4afe5b93f4.parquet") == "test_sft")
        #expect(SourceSplitName.infer(path: "default/train/0000.parquet") == "train")
        #expect(SourceSplitName.infer(path: "x/test_prefs.jsonl.gz") == "test_prefs")
        #expect(SourceSplitName.infer(path: "CapybaraPure_Decontaminated.jsonl") == nil)
        #expect(SourceSplitName.infer(path: "evol_instruct.jsonl") == nil)
    }
}
