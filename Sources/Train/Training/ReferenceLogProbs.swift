import Core
import Foundation
import Store

/// The reference model's summed response log-probs of every preference example, computed
/// once before DPO and stored in the shard index, so training holds only the policy. The
/// work is resumable (examples that have values are skipped) and tied to the reference it
/// came from: another reference clears the stored values first.
public enum ReferenceLogProbs {
    public static func compute(model: LlamaModel, reference identity: String, catalog: Catalog, pairsPerBatch: Int,
                               progress: ProgressHandler? = nil) throws -> Int {
        if try catalog.setting(.reference)?.text != identity {
            try catalog.clearReferenceLogps()
            try catalog.setSetting(.reference, text: identity)
        }
        var computed = 0
        let batches = try ["train", "test"].map { try ShardPreferenceBatches(catalog: catalog, split: $0, pairs: pairsPerBatch) }
        let total = batches.reduce(0) { $0 + $1.exampleIds.count }
        var done = 0
        for source in batches {
            for index in 0..<source.batchCount {
                let batch = try source.batch(at: index)
                done += source.ids(of: index).count
                if batch.reference != nil { continue }
                let sums = try DPOStep.sequenceLogProbs(model: model, chosen: batch.chosen, rejected: batch.rejected)
                let ids = Array(source.ids(of: index))
                try catalog.setReferenceLogps((0..<ids.count).map { (ids[$0], sums.chosen[$0], sums.rejected[$0]) })
                computed += ids.count
                progress?(ProgressEvent(phase: "reference log-probs", done: done, total: total, unit: .pairs))
            }
        }
        return computed
    }
}
