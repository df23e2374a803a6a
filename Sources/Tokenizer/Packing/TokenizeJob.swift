import Dispatch
import Foundation
import GRDB
import JSON
import Store

/// `pref tokenize`: renders split records and pairs with a chat template, tokenizes them,
/// and writes zstd shards indexed in the catalog. Deterministic (same workspace and
/// settings → same bytes, whatever the thread count) and resumable (shards already complete
/// under the same settings are kept; other settings start over).
public final class TokenizeJob {
    public static let examplesPerShard = 4096
    public static let sequencesPerShard = 1024
    static let chunkSize = 512

    private let catalog: Catalog
    private let tokenizer: Tokenizer
    private var settings: TokenizeSettings
    private let threads: Int
    private let encoder: SegmentEncoder
    private var report = TokenizeReport()
    private var complete: Set<String> = []

    public typealias Progress = @Sendable (_ phase: String, _ done: Int, _ total: Int) -> Void

    public init(catalog: Catalog, tokenizer: Tokenizer, tokenizerSHA256: String, settings: TokenizeSettings,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.catalog = catalog
        self.tokenizer = tokenizer
        self.settings = settings
        self.settings.tokenizerSHA256 = tokenizerSHA256
        self.threads = max(1, threads)
        encoder = SegmentEncoder(tokenizer: tokenizer)
    }

    public func run(progress: Progress? = nil) throws -> TokenizeReport {
        let started = Date()
        guard try catalog.db.read({ try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM splits") ?? 0 }) > 0 else {
            throw TokenizerError("the workspace has no train/test split yet: run `pref split` first")
        }
        settings.upstream = [try catalog.setting("split"), try catalog.setting("pairs")]
            .map { $0.map { "\($0.json)@\($0.updatedAt)" } ?? "-" }.joined(separator: " | ")
        let fingerprint = JSONWriter.string(settings.json)
        if try catalog.setting("tokenize")?.json != fingerprint {
            report.startedOver = try !catalog.completeShardNames().isEmpty
            try catalog.removeAllShards()
            try catalog.setSetting("tokenize", json: fingerprint)
        }
        complete = try catalog.completeShardNames()
        for split in ["train", "test"] {
            try tokenizeSFT(split: split, progress: progress)
        }
        for split in ["train", "test"] {
            try tokenizePreferences(split: split, progress: progress)
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    // MARK: - SFT

    private struct SFTRow { var recordId: Int64; var sourceId: Int64; var messages: [Message] }

    private func tokenizeSFT(split: String, progress: Progress?) throws {
        var part = TokenizeReport.Part(kind: "sft", split: split)
        let ids = try sftIds(split: split)
        var packer = SequencePacker(length: settings.limits.maxLength)
        var pending: [ShardExample] = []
        var shardIndex = 0
        for chunkStart in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = Array(ids[chunkStart..<min(ids.count, chunkStart + Self.chunkSize)])
            let rows = try sftRows(chunk)
            let docs = timed(\.bpeSeconds) { parallelMap(rows) { row in try? self.sftDocument(row) } }
            for (row, doc) in zip(rows, docs) {
                guard let doc, !doc.ids.isEmpty else { part.skipped["render_failed_or_empty", default: 0] += 1; continue }
                part.documents += 1
                if settings.pack {
                    packer.add(ids: doc.ids, trainable: doc.trainable, record: row.recordId)
                } else {
                    let cut = min(doc.ids.count, settings.limits.maxLength)
                    if cut < doc.ids.count { part.truncated += 1 }
                    pending.append(.sft(split: split, ids: doc.ids[..<cut].map { Int32(bitPattern: $0) }, lossMask: Array(doc.trainable[..<cut]),
                                        documentLengths: [cut], recordId: row.recordId, sourceId: row.sourceId, truncated: cut < doc.ids.count))
                }
            }
            if settings.pack {
                for s in packer.drain() { pending.append(packed(s, split: split)) }
            }
            while pending.count >= (settings.pack ? Self.sequencesPerShard : Self.examplesPerShard) {
                let size = settings.pack ? Self.sequencesPerShard : Self.examplesPerShard
                try writeShard(kind: .sft, split: split, index: shardIndex, Array(pending.prefix(size)), into: &part)
                pending.removeFirst(size)
                shardIndex += 1
            }
            progress?("sft \(split)", min(ids.count, chunkStart + Self.chunkSize), ids.count)
        }
        if settings.pack {
            packer.finish()
            for s in packer.drain() { pending.append(packed(s, split: split)) }
        }
        if !pending.isEmpty { try writeShard(kind: .sft, split: split, index: shardIndex, pending, into: &part) }
        if part.documents > 0 || !part.skipped.isEmpty { report.parts.append(part) }
    }

    private func packed(_ s: SequencePacker.Sequence, split: String) -> ShardExample {
        .sft(split: split, ids: s.ids.map { Int32(bitPattern: $0) }, lossMask: s.trainable, documentLengths: s.documentLengths,
             recordId: s.firstRecord)
    }

    /// Ids and loss flags of one conversation: BOS once at the start when the tokenizer has
    /// one and the template did not write it; loss on assistant answers (or on everything).
    private func sftDocument(_ row: SFTRow) throws -> (ids: [UInt32], trainable: [Bool]) {
        var (ids, trainable) = encoder.encode(try settings.template.segments(row.messages))
        if let bos = tokenizer.specialTokens.bos, ids.first != bos {
            ids.insert(bos, at: 0)
            trainable.insert(false, at: 0)
        }
        if settings.lossOn == .all { trainable = [Bool](repeating: true, count: ids.count) }
        return (ids, trainable)
    }

    private func sftIds(split: String) throws -> [Int64] {
        try catalog.db.read { db in
            switch settings.sftSource {
            case .conversations:
                return try Int64.fetchAll(db, sql: """
                    SELECT r.id FROM records r JOIN splits s ON s.record_id = r.id
                    WHERE r.kind = 'conversation' AND s.split = ? ORDER BY r.id
                    """, arguments: [split])
            case .chosen:
                // One example per distinct chosen completion (best-vs-rest repeats the chosen).
                return try Int64.fetchAll(db, sql: "SELECT MIN(id) FROM pairs WHERE split = ? GROUP BY chosen_id ORDER BY MIN(id)",
                                          arguments: [split])
            }
        }
    }

    private func sftRows(_ ids: [Int64]) throws -> [SFTRow] {
        let list = ids.map(String.init).joined(separator: ",")
        let sql = switch settings.sftSource {
        case .conversations: """
            SELECT r.id AS rid, r.source_id, r.prompt_json, c.text FROM records r
            JOIN completions c ON c.record_id = r.id AND c.idx = 0 WHERE r.id IN (\(list)) ORDER BY r.id
            """
        case .chosen: """
            SELECT r.id AS rid, r.source_id, r.prompt_json, c.text FROM pairs p JOIN records r ON r.id = p.record_id
            JOIN completions c ON c.id = p.chosen_id WHERE p.id IN (\(list)) ORDER BY p.id
            """
        }
        return try catalog.db.read { db in
            try Array(Row.fetchCursor(db, sql: sql).map { row in
                SFTRow(recordId: row["rid"], sourceId: row["source_id"],
                       messages: try Self.messages(row["prompt_json"]) + [.assistant(try row.text(named: "text") ?? "")])
            })
        }
    }

    // MARK: - Preferences

    private struct PairRow {
        var pairId: Int64, recordId: Int64, sourceId: Int64, stage: Int, rank: Int
        var prompt: [Message], chosen: String, rejected: String
    }

    private func tokenizePreferences(split: String, progress: Progress?) throws {
        var part = TokenizeReport.Part(kind: "preference", split: split)
        let ids = try catalog.db.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM pairs WHERE split = ? ORDER BY curriculum_rank, id", arguments: [split])
        }
        var pending: [ShardExample] = []
        var shardIndex = 0
        for chunkStart in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = Array(ids[chunkStart..<min(ids.count, chunkStart + Self.chunkSize)])
            let rows = try pairRows(chunk)
            let encoded = timed(\.bpeSeconds) { parallelMap(rows) { row in try? self.preferenceExample(row, split: split) } }
            for example in encoded {
                part.documents += 1
                guard let example else { part.skipped["render_failed", default: 0] += 1; continue }
                switch example {
                case .skipped(let reason): part.skipped[reason, default: 0] += 1
                case .example(let e):
                    if e.truncated { part.truncated += 1 }
                    pending.append(e)
                }
            }
            while pending.count >= Self.examplesPerShard {
                try writeShard(kind: .preference, split: split, index: shardIndex, Array(pending.prefix(Self.examplesPerShard)), into: &part)
                pending.removeFirst(Self.examplesPerShard)
                shardIndex += 1
            }
            progress?("pairs \(split)", min(ids.count, chunkStart + Self.chunkSize), ids.count)
        }
        if !pending.isEmpty { try writeShard(kind: .preference, split: split, index: shardIndex, pending, into: &part) }
        if part.documents > 0 { report.parts.append(part) }
    }

    private enum PreferenceOutcome { case example(ShardExample), skipped(String) }

    /// Prompt, chosen and rejected ids under the join rule (the prompt is the prefix both
    /// whole texts share), BOS at the start of the prompt,
    /// cut by the limits with no side left empty.
    private func preferenceExample(_ row: PairRow, split: String) throws -> PreferenceOutcome {
        let text = try settings.template.render(prompt: row.prompt, responses: [row.chosen, row.rejected], convention: settings.convention)
        let ids = tokenizer.encode(prompt: text.prompt, responses: text.responses)
        var prompt = ids.prompt
        let chosen = ids.responses[0], rejected = ids.responses[1]
        if let bos = tokenizer.specialTokens.bos, prompt.first != bos { prompt.insert(bos, at: 0) }
        guard !prompt.isEmpty else { return .skipped("empty_prompt_after_tokenization") }
        guard !chosen.isEmpty, !rejected.isEmpty else { return .skipped("empty_response_after_tokenization") }
        let cut = settings.limits.apply(prompt: prompt, chosen: chosen, rejected: rejected)
        return .example(ShardExample(kind: .preference, split: split, segments: [cut.prompt, cut.chosen, cut.rejected],
                                     recordId: row.recordId, pairId: row.pairId, sourceId: row.sourceId, stage: row.stage,
                                     curriculumRank: row.rank, truncated: cut.truncated))
    }

    private func pairRows(_ ids: [Int64]) throws -> [PairRow] {
        let list = ids.map(String.init).joined(separator: ",")
        return try catalog.db.read { db in
            try Array(Row.fetchCursor(db, sql: """
                SELECT p.id AS pid, p.record_id, r.source_id, p.stage, p.curriculum_rank, r.prompt_json,
                       cc.text AS chosen, rc.text AS rejected
                FROM pairs p JOIN records r ON r.id = p.record_id
                JOIN completions cc ON cc.id = p.chosen_id JOIN completions rc ON rc.id = p.rejected_id
                WHERE p.id IN (\(list)) ORDER BY p.curriculum_rank, p.id
                """).map { row in
                PairRow(pairId: row["pid"], recordId: row["record_id"], sourceId: row["source_id"], stage: row["stage"],
                        rank: row["curriculum_rank"], prompt: try Self.messages(row["prompt_json"]),
                        chosen: try row.text(named: "chosen") ?? "", rejected: try row.text(named: "rejected") ?? "")
            })
        }
    }

    // MARK: - Shared

    private func writeShard(kind: ShardExample.Kind, split: String, index: Int, _ examples: [ShardExample], into part: inout TokenizeReport.Part) throws {
        let name = String(format: "%@-%@-%05d.zst", kind.rawValue, split, index)
        part.examples += examples.count
        part.tokens += examples.reduce(0) { $0 + $1.tokenCount }
        if kind == .sft {
            part.trainableTokens += examples.reduce(0) { $0 + $1.segments[0].filter { $0 & ShardExample.lossMaskBit != 0 }.count }
        }
        part.shards += 1
        if complete.contains(name) {
            part.shardsResumed += 1
            let bytes = try catalog.db.read { try Row.fetchOne($0, sql: "SELECT bytes FROM shards WHERE name = ?", arguments: [name]) }
            part.bytes += bytes?["bytes"] ?? 0
            part.uncompressedBytes += Int64(examples.reduce(0) { $0 + $1.valueCount } * 4)
            return
        }
        try FileManager.default.createDirectory(at: catalog.layout.shards, withIntermediateDirectories: true)
        let url = catalog.layout.shards.appendingPathComponent(name)
        let written = try timed(\.compressSeconds) { try ShardFile.write(examples, to: url) }
        try timed(\.sqliteSeconds) { try catalog.indexShard(name: name, kind: kind, split: split, written: written, examples: examples) }
        part.bytes += written.bytes
        part.uncompressedBytes += written.uncompressedBytes
    }

    private func timed<T>(_ field: WritableKeyPath<TokenizeReport, Double>, _ body: () throws -> T) rethrows -> T {
        let t0 = Date()
        defer { report[keyPath: field] += Date().timeIntervalSince(t0) }
        return try body()
    }

    /// Maps in parallel over `threads` workers, keeping order.
    private func parallelMap<T, R>(_ items: [T], _ f: @escaping (T) -> R) -> [R] {
        let n = items.count
        let workers = min(threads, max(1, n / 16))
        if workers <= 1 { return items.map(f) }
        nonisolated(unsafe) let out = UnsafeMutableBufferPointer<R>.allocate(capacity: n)
        nonisolated(unsafe) let input = items
        nonisolated(unsafe) let fn = f
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for i in (n * w / workers)..<(n * (w + 1) / workers) { (out.baseAddress! + i).initialize(to: fn(input[i])) }
        }
        let result = Array(out)
        _ = out.deinitialize()
        out.deallocate()
        return result
    }

    static func messages(_ json: String) throws -> [Message] {
        guard let items = try JSONParser.parse(json).arrayValue else { throw TokenizerError("prompt_json is not an array") }
        return items.map { Message(role: $0["role"]?.stringValue ?? "user", content: $0["content"]?.stringValue ?? "") }
    }
}
