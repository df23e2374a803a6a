import Foundation
import Store

/// Where an eval's reference log-probs come from.
public enum EvaluationReference: Sendable {
    /// None: perplexity and log-probs only, no rewards.
    case none
    /// Computed with this model (e.g. another run as the baseline); nothing is stored.
    case model(LlamaModel)
    /// The shard index's values; those missing are computed and stored with the filler's
    /// model, or are an error without one.
    case stored(ReferenceLogProbs?)

    /// The reference for evaluating `run`: `explicit` when given; else the run's own
    /// reference (run.json's): its stored log-probs, refused when they came from another
    /// model, and the missing ones computed with that model; none for a folder that records
    /// no reference (an HF model). The text says which, for the user.
    public static func resolve(for run: RunFolder, explicit: URL?, catalog: Catalog, split: String, threads: Int) throws
        -> (reference: EvaluationReference, description: String) {
        if let explicit {
            let model = try ModelSource.load(explicit.path, vocabSize: 0, threads: threads, seed: 0)
            return (.model(model), "reference \(explicit.path), computed now")
        }
        guard let info = try run.info, let identity = info.referenceIdentity else {
            return (.none, "no reference (the folder has no run.json naming one): perplexity and log-probs only; pass --ref for rewards")
        }
        let missing = try ShardPreferenceBatches(catalog: catalog, split: split, pairs: 1).missingReferences()
        if try catalog.setting(.reference)?.text != nil || missing == 0 {
            try Evaluation.checkStoredReference(catalog: catalog, run: run)
        }
        guard missing > 0 else { return (.stored(nil), "reference log-probs stored in the shard index (\(info.referencePath ?? identity))") }
        guard let path = info.referencePath, FileManager.default.fileExists(atPath: path) else {
            throw TrainError.invalidOption("\(missing) \(split) pairs have no stored reference log-probs and \(run.url.lastPathComponent)'s reference "
                + "(\(info.referencePath ?? "unknown path")) is not there to compute them: pass --ref")
        }
        guard try RunLocator.identity(of: URL(fileURLWithPath: path)) == identity else {
            throw TrainError.invalidOption("\(path) changed since \(run.url.lastPathComponent) was trained against it: pass --ref")
        }
        let model = try ModelSource.load(path, vocabSize: 0, threads: threads, seed: 0)
        return (.stored(try ReferenceLogProbs(model: model, identity: identity, catalog: catalog)),
                "reference \(path): \(missing) pairs computed now and stored, the rest stored")
    }
}
