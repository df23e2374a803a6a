import Core
import Foundation
import GRDB
import JSON
@testable import Store
import Testing
@testable import Tokenize
@testable import Tokenizer

/// The packer: chat rendering against transformers' apply_chat_template, the join rule,
/// truncation, packing, and `pref tokenize` end to end on a small catalog.
@Suite struct PackingTests {
    @Test func segmentsMarkAssistantAnswersOnly() throws {
        let conversation: [ChatMessage] = [.system("Be brief."), .user("Hi"), .assistant("Hello!"), .user("Bye"), .assistant("Bye!")]
        for family in ChatTemplateFamily.allCases {
            let template = ChatTemplate(family: family)
            let segments = try template.segments(conversation)
            #expect(segments.map(\.text).joined() == (try template.render(conversation)), "\(family)")
            let answers = try ["Hello!", "Bye!"].map { try template.render(prompt: [.user("x")], responses: [$0]).responses[0] }
            #expect(segments.filter(\.trainable).map(\.text) == answers, "\(family)")
        }
    }

    @Test func joinRulePiecesAddUpToTheWhole() throws {
        let tok = try Fixtures.tokenizer("gpt2")
        let encoder = SegmentEncoder(tokenizer: tok)
        let segments = [TextSegment("User: The quick bro", trainable: false), TextSegment("wn fox jumps", trainable: true)]
        let (ids, mask) = encoder.encode(segments)
        #expect(ids == tok.encode("User: The quick brown fox jumps", addSpecialTokens: false))
        // "User: The quick bro" is U s er : ĠThe Ġqui ck Ġbr o (9 tokens, a prefix of the whole);
        // "wn Ġfox Ġj um ps" (5) is the answer.
        #expect(mask == [Bool](repeating: false, count: 9) + [Bool](repeating: true, count: 5))
    }

    /// A token merged across the boundary goes to the later (trainable) piece: "…is th" + "e end"
    /// is The Ġanswer Ġis | Ġthe Ġ en d, so " the" is trained on although "th" came from the context.
    @Test func tokenStraddlingASegmentBoundaryIsTrainable() throws {
        let tok = try Fixtures.tokenizer("gpt2")
        let segments = [TextSegment("The answer is th", trainable: false), TextSegment("e end", trainable: true),
                        TextSegment(". More", trainable: false)]
        let (ids, mask) = SegmentEncoder(tokenizer: tok).encode(segments)
        #expect(ids == tok.encode("The answer is the end. More", addSpecialTokens: false))
        #expect(ids.map { tok.idToToken($0) ?? "?" } == ["The", "Ġanswer", "Ġis", "Ġthe", "Ġ", "en", "d", ".", "ĠM", "ore"])
        #expect(mask == [false, false, false, true, true, true, true, false, false, false])
    }

    @Test func truncationKeepsEverySideNonEmpty() throws {
        let limits = try PreferenceLimits(maxLength: 10, maxPromptLength: 4, mode: .keepEnd)
        let prompt: [UInt32] = Array(1...8), chosen: [UInt32] = Array(100...120), rejected: [UInt32] = [200, 201]
        let end = limits.apply(prompt: prompt, chosen: chosen, rejected: rejected)
        #expect(end.prompt == [5, 6, 7, 8])
        #expect(end.chosen == Array(100...105))
        #expect(end.rejected == [200, 201])
        #expect(end.truncated)
        let start = try PreferenceLimits(maxLength: 10, maxPromptLength: 4, mode: .keepStart).apply(prompt: prompt, chosen: chosen, rejected: rejected)
        #expect(start.prompt == [1, 2, 3, 4])
        // Fits: nothing is cut, even a prompt longer than maxPromptLength.
        let fits = limits.apply(prompt: [1, 2, 3, 4, 5], chosen: [9], rejected: [8, 7])
        #expect(fits.prompt.count == 5 && !fits.truncated)
        // Extreme limits still leave one token on each side.
        let tiny = try PreferenceLimits(maxLength: 2, maxPromptLength: 1).apply(prompt: prompt, chosen: chosen, rejected: rejected)
        #expect((tiny.prompt.count, tiny.chosen.count, tiny.rejected.count) == (1, 1, 1))
        #expect(throws: TokenizeError.self) { try PreferenceLimits(maxLength: 10, maxPromptLength: 10) }
    }

    @Test func packerCutsAtExactLengthAndKeepsEveryToken() {
        var packer = SequencePacker(length: 5)
        packer.add(ids: [1, 2, 3], trainable: [false, true, true], record: 10)
        packer.add(ids: [4, 5, 6, 7, 8, 9], trainable: [false, false, true, true, true, true], record: 11)
        packer.add(ids: [10], trainable: [true], record: 12)
        packer.finish()
        let s = packer.drain()
        #expect(s.map(\.ids) == [[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]])
        #expect(s.map(\.documentLengths) == [[3, 2], [4, 1]])
        #expect(s[0].trainable == [false, true, true, false, false])
        #expect(s.map(\.firstRecord) == [10, 11])
    }
}

/// `TokenizeJob` on a small catalog: round trip, masks, determinism across thread counts.
@Suite struct TokenizeJobTests {
    final class Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-tokenize-\(UUID().uuidString)")
        let catalog: Catalog
        init() throws {
            catalog = try Catalog(workspace: root)
            let source = SourceFile(path: "t.jsonl", sha256: UUID().uuidString, format: "test", sizeBytes: 0, sourceSplit: nil)
            try catalog.ingestTransaction(source) { w in
                for i in 0..<60 {
                    try w.add(CanonicalRecord(kind: .conversation, prompt: [.user("Question \(i)? Tell me about the number \(i * 7).")],
                                              completions: [Completion(text: "The number \(i * 7) is \(i % 2 == 0 ? "even" : "odd").\(i % 5 == 0 ? " \u{0} NUL" : "") 🎲")]),
                              position: i, sourceSplit: i % 10 == 0 ? "test" : "train")
                    try w.add(CanonicalRecord(kind: .preference, prompt: [.system("Be exact."), .user("What is \(i) + \(i)?")],
                                              completions: [Completion(text: "\(i) + \(i) = \(2 * i).", score: 9, label: .chosen),
                                                            Completion(text: "\(i) + \(i) = \(2 * i + 1), I think, but I am not sure at all.", score: 2, label: .rejected)]),
                              position: 100 + i, sourceSplit: i % 10 == 0 ? "test" : "train")
                }
                try w.finish(recordsRead: 120)
            }
            try catalog.db.write { db in
                try db.execute(sql: "INSERT INTO splits SELECT id, CASE WHEN source_split = 'test' THEN 'test' ELSE 'train' END FROM records")
                try db.execute(sql: """
                    INSERT INTO pairs (record_id, chosen_id, rejected_id, strategy, score_gap, stage, curriculum_rank, split)
                    SELECT r.id, c.id, x.id, 'binarized', 7, 0, r.id, s.split FROM records r
                    JOIN completions c ON c.record_id = r.id AND c.label = 'chosen' JOIN completions x ON x.record_id = r.id AND x.label = 'rejected'
                    JOIN splits s ON s.record_id = r.id
                    """)
            }
        }
        deinit { try? FileManager.default.removeItem(at: root) }

        func run(_ settings: TokenizeSettings, threads: Int) throws -> TokenizeReport {
            let tok = try Fixtures.tokenizer("llama3")
            return try TokenizeJob(catalog: catalog, tokenizer: tok, tokenizerSHA256: "test", settings: settings, threads: threads).run()
        }

        func shardBytes() throws -> [String: Data] {
            let dir = catalog.layout.shards
            var out: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) { out[name] = try Data(contentsOf: dir.appendingPathComponent(name)) }
            return out
        }
    }

    @Test func roundTripDecodesToTheRenderedTemplate() throws {
        let ws = try Workspace()
        let settings = TokenizeSettings(template: ChatTemplate(family: .llama3), limits: try PreferenceLimits(maxLength: 512), pack: false)
        let report = try ws.run(settings, threads: 2)
        #expect(report.parts.map(\.examples).reduce(0, +) == 120)
        let tok = try Fixtures.tokenizer("llama3")
        let reader = ShardReader(catalog: ws.catalog)
        for id in try reader.exampleIds(kind: .sft, split: "train") {
            guard case .sft(let ids, let mask, let docs) = try reader.example(id) else { Issue.record("kind"); continue }
            let info = try reader.info(id)
            let record = try ws.catalog.db.read { db in
                try Row.fetchCursor(db, sql: "SELECT r.prompt_json, c.text FROM records r JOIN completions c ON c.record_id = r.id WHERE r.id = ?",
                                    arguments: [info.recordId]).map { ($0["prompt_json"] as String, try $0.text(named: "text")) }.next()
            }
            let (prompt, text) = try #require(record)
            let messages = try CanonicalRecord.messages(fromJSON: prompt).chatMessages + [.assistant(try #require(text))]
            let rendered = try ChatTemplate(family: .llama3).segments(messages)
            #expect(tok.decode(ids.map { UInt32($0) }) == rendered.map(\.text).joined())
            // The loss covers exactly the answer and its end-of-turn marker.
            let trained = zip(ids, mask).filter { $0.1 }.map { UInt32($0.0) }
            #expect(tok.decode(trained) == rendered.filter(\.trainable).map(\.text).joined())
            #expect(docs == [ids.count])
        }
        for id in try reader.exampleIds(kind: .preference, split: "test") {
            guard case .preference(let p, let c, let r) = try reader.example(id) else { Issue.record("kind"); continue }
            let pairId = try reader.info(id).pairId
            let pair = try ws.catalog.db.read { db in
                try Row.fetchOne(db, sql: """
                    SELECT r.prompt_json, cc.text AS c, rc.text AS r FROM pairs p JOIN records r ON r.id = p.record_id
                    JOIN completions cc ON cc.id = p.chosen_id JOIN completions rc ON rc.id = p.rejected_id WHERE p.id = ?
                    """, arguments: [pairId])
            }
            let row = try #require(pair)
            let text = try ChatTemplate(family: .llama3).render(prompt: try CanonicalRecord.messages(fromJSON: row["prompt_json"]).chatMessages, responses: [row["c"], row["r"]])
            #expect(tok.decode((p + c).map { UInt32($0) }) == text.prompt + text.responses[0])
            #expect(tok.decode((p + r).map { UInt32($0) }) == text.prompt + text.responses[1])
            #expect(tok.decode(p.map { UInt32($0) }) == text.prompt)
        }
        #expect(try ws.catalog.verifyShards().isClean)
    }

    @Test func packedShardsAreIdenticalAcrossRunsAndThreadCounts() throws {
        let settings = TokenizeSettings(template: ChatTemplate(family: .llama3), limits: try PreferenceLimits(maxLength: 64, maxPromptLength: 16), pack: true)
        let a = try Workspace(), b = try Workspace()
        let ra = try a.run(settings, threads: 1)
        _ = try b.run(settings, threads: 2)
        #expect(try a.shardBytes() == b.shardBytes())
        #expect(!(try a.shardBytes()).isEmpty)
        // Packed sequences are exactly 64 tokens but the last; documents are all there.
        let reader = ShardReader(catalog: a.catalog)
        let ids = try reader.exampleIds(kind: .sft, split: "train")
        var total = 0
        for (i, id) in ids.enumerated() {
            guard case .sft(let tokens, _, let docs) = try reader.example(id) else { Issue.record("example \(id) is not SFT"); continue }
            if i < ids.count - 1 { #expect(tokens.count == 64) }
            #expect(docs.reduce(0, +) == tokens.count)
            total += tokens.count
        }
        #expect(total == ra.parts.first { $0.kind == "sft" && $0.split == "train" }?.tokens)
        // Tight limits truncate pairs, and every side keeps at least one token.
        let prefs = try #require(ra.parts.first { $0.kind == "preference" && $0.split == "train" })
        var truncated = 0
        for id in try reader.exampleIds(kind: .preference, split: "train") {
            guard case .preference(let p, let c, let r) = try reader.example(id) else { Issue.record("example \(id) is not a pair"); continue }
            #expect(!p.isEmpty && !c.isEmpty && !r.isEmpty)
            #expect(p.count + max(c.count, r.count) <= 64)
            // A cut pair shows its cut: the prompt at its limit, or the longer response filling the rest.
            if try reader.info(id).truncated {
                truncated += 1
                #expect(p.count == 16 || p.count + max(c.count, r.count) == 64)
            }
        }
        #expect(truncated > 0 && prefs.truncated == truncated)
        // Same settings again: everything resumes, nothing is rewritten.
        let again = try a.run(settings, threads: 2)
        #expect(again.parts.allSatisfy { $0.shardsResumed == $0.shards })
        #expect(!again.startedOver)
        let other = TokenizeSettings(template: ChatTemplate(family: .llama3), limits: try PreferenceLimits(maxLength: 128), pack: true)
        #expect(try a.run(other, threads: 2).startedOver)
    }
}
