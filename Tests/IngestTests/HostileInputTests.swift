import Foundation
import Testing
@testable import Ingest
import Store

/// Broken and hostile files: every outcome is quarantine rows or a clear file-level error,
/// never a crash, and the catalog stays consistent.
@Suite struct HostileInputTests {
    /// Deterministic xorshift so failures reproduce.
    struct SeededRandom: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
    }

    /// Ingests `bytes` as a file named `name`; returns the report or the file-level error.
    func ingest(_ bytes: [UInt8], name: String, into ws: TempWorkspace, _ options: Ingestor.Options = .init()) throws -> Result<FileIngestReport, IngestError> {
        let url = Paths.temporaryFile(name)
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        do {
            let r = try ws.ingest(url.path, options)
            #expect(r.read == r.kept + r.duplicates + r.quarantined, "counts must add up for \(name)")
            return .success(r)
        } catch let error as IngestError {
            #expect(!error.message.isEmpty)
            return .failure(error)
        }
    }

    func fixtureBytes(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: Paths.fixture(name)))) }

    @Test func truncatedFilesAtEveryCut() throws {
        let ws = try TempWorkspace()
        let full = try fixtureBytes("ultrafeedback_binarized.jsonl")
        // The empty file (cut at 0) reads nothing and is not an error at this level.
        let empty = try ingest([], name: "cut0.jsonl", into: ws, .init(format: .ultrafeedbackBinarized)).get()
        #expect((empty.read, empty.kept, empty.quarantined) == (0, 0, 0))
        var wholeLines: [Int: FileIngestReport] = [:]  // the complete lines before a cut, ingested alone
        for cut in stride(from: 101, to: full.count, by: 101) {
            let completeLines = full[..<cut].filter { $0 == 0x0A }.count
            let end = (full[..<cut].lastIndex(of: 0x0A) ?? -1) + 1
            if wholeLines[completeLines] == nil, end > 0 {
                wholeLines[completeLines] = try ingest(Array(full[..<end]), name: "whole\(end).jsonl", into: TempWorkspace(),
                                                       .init(format: .ultrafeedbackBinarized)).get()
            }
            // A cut file is never refused as a whole: every complete line is read, and the cut
            // line (none of the cuts lands on a line end) is read and quarantined, not lost.
            let result = try ingest(Array(full[..<cut]), name: "cut\(cut).jsonl", into: ws, .init(format: .ultrafeedbackBinarized))
            guard case .success(let r) = result else { Issue.record("cut at \(cut) refused: \(result)"); continue }
            #expect(full[cut - 1] != 0x0A)
            #expect(r.read == completeLines + 1, "cut at \(cut)")
            let whole = wholeLines[completeLines]
            #expect(r.quarantined == (whole?.quarantined ?? 0) + 1, "cut at \(cut)")
            #expect(r.kept + r.duplicates == (whole.map { $0.kept + $0.duplicates } ?? 0), "cut at \(cut)")
        }
        #expect(try ws.catalog.integrityProblems().isEmpty)
    }

    @Test(arguments: ["ultrafeedback_binarized.jsonl", "array_binarized.json", "binarized.jsonl.zst", "binarized_two_members.jsonl.gz", "ultrafeedback.jsonl"])
    func randomByteFlips(_ name: String) throws {
        let ws = try TempWorkspace()
        let original = try fixtureBytes(name)
        var rng = SeededRandom(state: 0x9E3779B97F4A7C15 ^ UInt64(name.utf8.count))
        var failures = 0
        for variant in 0..<60 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if case .failure = try ingest(bytes, name: "flip\(variant)-\(name)", into: ws) { failures += 1 }
        }
        #expect(try ws.catalog.integrityProblems().isEmpty)
        // Failed files wrote nothing: every source row has all its records accounted for.
        let inconsistent = try ws.count("""
            SELECT COUNT(*) FROM sources s WHERE records_kept != (SELECT COUNT(*) FROM records r WHERE r.source_id = s.id)
               OR quarantined != (SELECT COUNT(*) FROM quarantine q WHERE q.source_id = s.id)
            """)
        #expect(inconsistent == 0)
        #expect(try ws.count("SELECT COUNT(*) FROM sources") == 60 - failures)
    }

    @Test func fiftyMegabyteLineIsReadAndOversizedLinesAreQuarantined() throws {
        let big = String(repeating: "long answer ", count: 50_000_000 / 12)
        let row = #"{"prompt": "Q", "chosen": [{"content": "Q", "role": "user"}, {"content": "\#(big)", "role": "assistant"}], "rejected": [{"content": "Q", "role": "user"}, {"content": "short", "role": "assistant"}], "score_chosen": 9.0, "score_rejected": 1.0}"#
        let next = #"{"prompt": "Next", "chosen": [{"content": "Next", "role": "user"}, {"content": "a", "role": "assistant"}], "rejected": [{"content": "Next", "role": "user"}, {"content": "b", "role": "assistant"}], "score_chosen": 2.0, "score_rejected": 1.0}"#
        let bytes = Array((row + "\n" + next + "\n").utf8)

        let ws = try TempWorkspace()
        let r = try #require(try ingest(bytes, name: "big.jsonl", into: ws).get())
        #expect(r.kept == 2)
        #expect(try ws.count("SELECT MAX(LENGTH(text)) FROM completions") == big.count)

        var small = Ingestor.Options(format: .ultrafeedbackBinarized)
        small.maxRecordBytes = 1 << 20
        let limited = try TempWorkspace()
        let s = try #require(try ingest(bytes, name: "big-limited.jsonl", into: limited, small).get())
        #expect(s.kept == 1)
        #expect(s.quarantinedByReason == ["record_too_large": 1])
        let q = try #require(try limited.rows("SELECT position, byte_offset, excerpt FROM quarantine").first)
        #expect(q["position"] as Int == 1)
        #expect((q["excerpt"] as String).hasPrefix("{\"prompt\": \"Q\""))
    }

    @Test func deepNestingAndWrongTopLevelTypes() throws {
        let ws = try TempWorkspace()
        let good = try fixtureBytes("capybara_preferences.jsonl")
        let deep = Array((String(repeating: "[", count: 200_000) + "\n").utf8)
        let scalars = Array("42\n\"a string\"\nnull\n[1, 2]\n".utf8)
        let r = try #require(try ingest(good + deep + scalars, name: "hostile.jsonl", into: ws).get())
        #expect(r.quarantinedByReason["malformed_json"] == 1)
        #expect(r.quarantinedByReason["not_an_object"] == 4)
        #expect(r.kept == 4)

        // A JSON document of numbers has nothing to detect a format from: a file-level error.
        if case .success = try ingest(Array("[1, 2, 3]".utf8), name: "numbers.json", into: ws) {
            Issue.record("a file of numbers must not ingest")
        }
        // Deep nesting inside a JSON array element is cut and quarantined, not recursed into
        // (and not a file-level error: the array itself is well formed).
        let nestedArray = Array(("[" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "]").utf8)
        let n = try ingest(nestedArray, name: "nested.json", into: ws, .init(format: .capybara)).get()
        #expect((n.read, n.kept, n.quarantined) == (1, 0, 1))
        #expect(n.quarantinedByReason == ["malformed_json": 1])
        #expect(try ws.catalog.integrityProblems().isEmpty)
    }
}
