import Foundation
import Store

/// Micro-batches read from the token shards (`pref tokenize`) for the trainer. One reader
/// behind a lock serves the batches; each batch holds only its own examples.
enum ShardRows {
    /// One SFT example as a training row of `length`: inside each document, token i predicts
    /// token i+1, and the prediction counts when token i+1 carries the loss-mask bit; the
    /// last token of a document predicts nothing (documents never see each other).
    static func sftRow(ids: [Int32], mask: [Bool], documents: [Int], length: Int,
                       into inputs: inout [Int32], _ targets: inout [Int32], _ weights: inout [Float], _ docIds: inout [Int32]) {
        var position = 0
        for (d, count) in documents.enumerated() {
            for j in 0..<count {
                let i = position + j
                inputs.append(ids[i])
                docIds.append(Int32(d))
                if j + 1 < count {
                    targets.append(ids[i + 1])
                    weights.append(mask[i + 1] ? 1 : 0)
                } else {
                    targets.append(-1)
                    weights.append(0)
                }
            }
            position += count
        }
        for _ in position..<length {
            inputs.append(0); targets.append(-1); weights.append(0); docIds.append(-1)
        }
    }

    /// `prompt + response` as one row: the loss covers the predictions of response tokens.
    static func preferenceRows(prompt: [Int32], responses: [[Int32]]) throws(TrainError) -> TokenBatch {
        let length = responses.map { prompt.count + $0.count - 1 }.max() ?? 1
        var inputs: [Int32] = [], targets: [Int32] = [], weights: [Float] = [], docs: [Int32] = []
        for response in responses {
            let sequence = prompt + response
            for i in 0..<(sequence.count - 1) {
                inputs.append(sequence[i])
                targets.append(sequence[i + 1])
                weights.append(i + 1 >= prompt.count ? 1 : 0)
                docs.append(0)
            }
            for _ in (sequence.count - 1)..<length {
                inputs.append(0); targets.append(-1); weights.append(0); docs.append(1)
            }
        }
        return try TokenBatch(rows: responses.count, length: length, inputs: inputs, targets: targets, lossWeights: weights, documentIds: docs)
    }
}

/// SFT micro-batches of `rows` sequences from one split.
public final class ShardSFTBatches: TokenBatchSource, @unchecked Sendable {
    public let rows: Int
    private let ids: [Int64]
    private let reader: ShardReader
    private let lock = NSLock()

    public init(catalog: Catalog, split: String, rows: Int) throws(TrainError) {
        guard rows >= 1 else { throw .invalidOption("rows per batch must be at least 1") }
        self.rows = rows
        reader = ShardReader(catalog: catalog)
        do { ids = try reader.exampleIds(kind: .sft, split: split) } catch { throw .io("\(error)") }
    }

    public var exampleCount: Int { ids.count }
    public var batchCount: Int { (ids.count + rows - 1) / rows }

    public func batch(at index: Int) throws(TrainError) -> TokenBatch {
        let slice = ids[(index * rows)..<min(ids.count, (index + 1) * rows)]
        var examples: [(ids: [Int32], mask: [Bool], docs: [Int])] = []
        lock.lock()
        defer { lock.unlock() }
        for id in slice {
            guard case .sft(let tokens, let mask, let docs)? = try? reader.example(id) else {
                throw .io("SFT example \(id) cannot be read from its shard (run pref verify)")
            }
            examples.append((tokens, mask, docs))
        }
        let length = examples.map(\.ids.count).max() ?? 1
        var inputs: [Int32] = [], targets: [Int32] = [], weights: [Float] = [], docIds: [Int32] = []
        for e in examples {
            ShardRows.sftRow(ids: e.ids, mask: e.mask, documents: e.docs, length: length, into: &inputs, &targets, &weights, &docIds)
        }
        return try TokenBatch(rows: examples.count, length: length, inputs: inputs, targets: targets, lossWeights: weights, documentIds: docIds)
    }
}

/// Preference pairs of one split, `pairs` per micro-batch, in curriculum order (stages
/// first to last; within a stage, the seeded shuffle of `seed` when given).
public final class ShardPreferenceBatches: @unchecked Sendable {
    public let pairs: Int
    public let exampleIds: [Int64]
    private let reader: ShardReader
    private let lock = NSLock()

    /// `stage` keeps only that curriculum stage (Curry-DPO's iterative rounds).
    public init(catalog: Catalog, split: String, pairs: Int, shuffleWithinStages seed: UInt64? = nil, stage: Int? = nil) throws(TrainError) {
        guard pairs >= 1 else { throw .invalidOption("pairs per batch must be at least 1") }
        self.pairs = pairs
        reader = ShardReader(catalog: catalog)
        do {
            var ordered = try reader.exampleIds(kind: .preference, split: split)
            if let stage {
                let r = reader
                ordered = try ordered.filter { try r.info($0).stage == stage }
            }
            guard let seed else { exampleIds = ordered; return }
            var byStage: [(stage: Int, ids: [Int64])] = []
            for id in ordered {
                let stage = try reader.info(id).stage
                if byStage.last?.stage == stage { byStage[byStage.count - 1].ids.append(id) } else { byStage.append((stage, [id])) }
            }
            exampleIds = byStage.flatMap { ShardReader.shuffled($0.ids, seed: seed &+ UInt64($0.stage)) }
        } catch { throw .io("\(error)") }
    }

    public var batchCount: Int { (exampleIds.count + pairs - 1) / pairs }

    /// The curriculum stages present, in consumption order.
    public func stages() throws(TrainError) -> [Int] {
        lock.lock()
        defer { lock.unlock() }
        var out: [Int] = []
        for id in exampleIds {
            guard let stage = try? reader.info(id).stage else { throw .io("example \(id) is not in the index") }
            if out.last != stage { out.append(stage) }
        }
        return out
    }

    /// How many pairs have no stored reference log-probs yet.
    public func missingReferences() throws(TrainError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        var missing = 0
        for id in exampleIds {
            guard let info = try? reader.info(id) else { throw .io("example \(id) is not in the index") }
            if info.refChosenLogp == nil || info.refRejectedLogp == nil { missing += 1 }
        }
        return missing
    }

    public func ids(of index: Int) -> ArraySlice<Int64> {
        exampleIds[(index * pairs)..<min(exampleIds.count, (index + 1) * pairs)]
    }

    /// Chosen and rejected rows of a batch, and the stored reference log-probs (nil when
    /// any pair has none yet).
    public func batch(at index: Int) throws(TrainError) -> (chosen: TokenBatch, rejected: TokenBatch, reference: (chosen: [Double], rejected: [Double])?) {
        var chosenRows: [TokenBatch] = [], rejectedRows: [TokenBatch] = []
        var refChosen: [Double] = [], refRejected: [Double] = []
        var complete = true
        lock.lock()
        defer { lock.unlock() }
        for id in ids(of: index) {
            guard case .preference(let prompt, let chosen, let rejected)? = try? reader.example(id), let info = try? reader.info(id) else {
                throw .io("preference example \(id) cannot be read from its shard (run pref verify)")
            }
            chosenRows.append(try ShardRows.preferenceRows(prompt: prompt, responses: [chosen]))
            rejectedRows.append(try ShardRows.preferenceRows(prompt: prompt, responses: [rejected]))
            if let c = info.refChosenLogp, let r = info.refRejectedLogp { refChosen.append(c); refRejected.append(r) } else { complete = false }
        }
        let chosen = try Self.stack(chosenRows), rejected = try Self.stack(rejectedRows)
        return (chosen, rejected, complete ? (refChosen, refRejected) : nil)
    }

    /// Rows of different lengths, right-padded to the longest and stacked.
    static func stack(_ rows: [TokenBatch]) throws(TrainError) -> TokenBatch {
        let length = rows.map(\.length).max() ?? 1
        var out = try rows[0].padded(to: length)
        for row in rows.dropFirst() { out = try out.stacked(with: try row.padded(to: length)) }
        return out
    }
}
