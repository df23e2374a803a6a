import Dispatch
import Foundation
import Core
import JSON
import Store
import Tokenizer

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

    public init(catalog: Catalog, tokenizer: Tokenizer, tokenizerSHA256: String, settings: TokenizeSettings,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.catalog = catalog
        self.tokenizer = tokenizer
        self.settings = settings
        self.settings.tokenizerSHA256 = tokenizerSHA256
        self.threads = max(1, threads)
        encoder = SegmentEncoder(tokenizer: tokenizer)
    }

    public func run(progress: ProgressHandler? = nil) throws -> TokenizeReport {
        let started = Date()
        try catalog.requireSplit()
        settings.upstream = [try catalog.setting(.split), try catalog.setting(.pairs)]
            .map { $0.map { "\($0.text)@\($0.updatedAt)" } ?? "-" }.joined(separator: " | ")
        let fingerprint = JSONWriter.string(settings.json)
        if try catalog.setting(.tokenize)?.text != fingerprint {
            report.startedOver = try !catalog.completeShardNames().isEmpty
            try catalog.removeAllShards()
            try catalog.setSetting(.tokenize, text: fingerprint)
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

    private func tokenizeSFT(split: String, progress: ProgressHandler?) throws {
        var part = TokenizeReport.Part(kind: "sft", split: split)
        let ids = try catalog.sftExampleIds(split: split, from: settings.sftSource)
        var packer = SequencePacker(length: settings.limits.maxLength)
        var pending: [ShardExample] = []
        var shardIndex = 0
        for chunkStart in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = Array(ids[chunkStart..<min(ids.count, chunkStart + Self.chunkSize)])
            let rows = try catalog.sftRows(chunk, from: settings.sftSource)
            let docs = timed(\.bpeSeconds) { parallelMap(rows) { row in Result { try self.sftDocument(row) } } }
            for (row, outcome) in zip(rows, docs) {
                guard case .success(let doc) = outcome, !doc.ids.isEmpty else {
                    part.skipped[Self.skipReason(outcome.failure), default: 0] += 1
                    continue
                }
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
            progress?(ProgressEvent(phase: "sft \(split)", done: min(ids.count, chunkStart + Self.chunkSize), total: ids.count, unit: .examples))
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
        var (ids, trainable) = encoder.encode(try settings.template.segments(row.messages.chatMessages))
        if let bos = tokenizer.specialTokens.bos, ids.first != bos {
            ids.insert(bos, at: 0)
            trainable.insert(false, at: 0)
        }
        if settings.lossOn == .all { trainable = [Bool](repeating: true, count: ids.count) }
        return (ids, trainable)
    }

    // MARK: - Preferences

    private func tokenizePreferences(split: String, progress: ProgressHandler?) throws {
        var part = TokenizeReport.Part(kind: "preference", split: split)
        let ids = try catalog.pairIds(split: split)
        var pending: [ShardExample] = []
        var shardIndex = 0
        for chunkStart in stride(from: 0, to: ids.count, by: Self.chunkSize) {
            let chunk = Array(ids[chunkStart..<min(ids.count, chunkStart + Self.chunkSize)])
            let rows = try catalog.pairRows(chunk)
            let encoded = timed(\.bpeSeconds) { parallelMap(rows) { row in Result { try self.preferenceExample(row, split: split) } } }
            for outcome in encoded {
                part.documents += 1
                guard case .success(let example) = outcome else { part.skipped[Self.skipReason(outcome.failure), default: 0] += 1; continue }
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
            progress?(ProgressEvent(phase: "pairs \(split)", done: min(ids.count, chunkStart + Self.chunkSize), total: ids.count, unit: .pairs))
        }
        if !pending.isEmpty { try writeShard(kind: .preference, split: split, index: shardIndex, pending, into: &part) }
        if part.documents > 0 { report.parts.append(part) }
    }

    private enum PreferenceOutcome { case example(ShardExample), skipped(String) }

    /// Why an example was left out: the template raised for this conversation (transformers
    /// raises too; the rest of the run goes on), rendering failed, or nothing was left.
    static func skipReason(_ error: (any Error)?) -> String {
        switch error {
        case nil: "empty_after_tokenization"
        case let e as ChatTemplateError: if case .raised = e { "template_raised" } else { "render_failed" }
        default: "render_failed"
        }
    }

    /// Prompt, chosen and rejected ids under the join rule (the prompt is the prefix both
    /// whole texts share), BOS at the start of the prompt,
    /// cut by the limits with no side left empty.
    private func preferenceExample(_ row: PairRow, split: String) throws -> PreferenceOutcome {
        let text = try settings.template.render(prompt: row.prompt.chatMessages, responses: [row.chosen, row.rejected], convention: settings.convention)
        let ids = tokenizer.encode(prompt: text.prompt, responses: text.responses)
        var prompt = ids.prompt
        let chosen = ids.responses[0], rejected = ids.responses[1]
        if let bos = tokenizer.specialTokens.bos, prompt.first != bos { prompt.insert(bos, at: 0) }
        guard !prompt.isEmpty else { return .skipped("empty_prompt_after_tokenization") }
        guard !chosen.isEmpty, !rejected.isEmpty else { return .skipped("empty_response_after_tokenization") }
        let cut = settings.limits.apply(prompt: prompt, chosen: chosen, rejected: rejected)
        return .example(ShardExample(kind: .preference, split: split, segments: [cut.prompt, cut.chosen, cut.rejected],
                                     recordId: row.recordId, pairId: row.pairId, sourceId: row.sourceId, stage: row.stage,
                                     curriculumRank: row.curriculumRank, truncated: cut.truncated))
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
            part.bytes += try catalog.shardBytes(name: name) ?? 0
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
}

extension Result {
    var failure: Failure? { if case .failure(let e) = self { e } else { nil } }
}
