import Core
import Foundation
import Store

/// The reference model's summed response log-probs of the preference examples, kept in the
/// shard index so that training holds only the policy and every later run reuses them. They
/// are tied to the reference they came from: claiming the index for another reference
/// clears the stored values first.
///
/// Two ways to fill them, as TRL's `precompute_ref_log_probs` offers: all at once before
/// training (`precompute`), or batch by batch as training and eval reach pairs that have
/// none yet (`values`), which is what makes a short run on a large model affordable.
public final class ReferenceLogProbs: @unchecked Sendable {
    public let model: LlamaModel
    public let identity: String
    private let catalog: Catalog

    public init(model: LlamaModel, identity: String, catalog: Catalog) throws {
        if try catalog.setting(.reference)?.text != identity {
            try catalog.clearReferenceLogps()
            try catalog.setSetting(.reference, text: identity)
        }
        self.model = model
        self.identity = identity
        self.catalog = catalog
    }

    /// The reference log-probs of batch `index` of `source` (`batch` is what
    /// `source.batch(at: index)` returned): the stored ones, else computed now and stored.
    public func values(source: ShardPreferenceBatches, index: Int,
                       batch: (chosen: TokenBatch, rejected: TokenBatch, reference: (chosen: [Double], rejected: [Double])?))
        throws(TrainError) -> (chosen: [Double], rejected: [Double]) {
        if let stored = batch.reference { return stored }
        let sums = try DPOStep.sequenceLogProbs(model: model, chosen: batch.chosen, rejected: batch.rejected)
        let ids = Array(source.ids(of: index))
        do {
            try catalog.setReferenceLogps((0..<ids.count).map { (ids[$0], sums.chosen[$0], sums.rejected[$0]) })
        } catch {
            throw .io("storing reference log-probs: \(error)")
        }
        return (sums.chosen, sums.rejected)
    }

    /// Fills every pair of `splits` that has no value yet; the number computed. Resumable.
    public func precompute(splits: [String] = ["train", "test"], pairsPerBatch: Int, progress: ProgressHandler? = nil) throws -> Int {
        let sources = try splits.map { try ShardPreferenceBatches(catalog: catalog, split: $0, pairs: pairsPerBatch) }
        let total = sources.reduce(0) { $0 + $1.exampleIds.count }
        var done = 0, computed = 0
        for source in sources {
            for index in 0..<source.batchCount {
                let batch = try source.batch(at: index)
                done += source.ids(of: index).count
                if batch.reference != nil { continue }
                _ = try values(source: source, index: index, batch: batch)
                computed += source.ids(of: index).count
                progress?(ProgressEvent(phase: "reference log-probs", done: done, total: total, unit: .pairs))
            }
        }
        return computed
    }

    /// Claims the index for `identity` and fills every train and test pair.
    public static func compute(model: LlamaModel, reference identity: String, catalog: Catalog, pairsPerBatch: Int,
                               progress: ProgressHandler? = nil) throws -> Int {
        try ReferenceLogProbs(model: model, identity: identity, catalog: catalog).precompute(pairsPerBatch: pairsPerBatch, progress: progress)
    }
}
