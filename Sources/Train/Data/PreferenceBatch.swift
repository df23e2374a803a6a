/// A batch of preference pairs for DPO: row i of `chosen` is prompt+chosen response of pair
/// i, row i of `rejected` is prompt+rejected response; loss weights mark the response tokens
/// (targets), so the prompt and padding are excluded from the summed log-probs. The
/// reference model's summed response log-probs come precomputed (stored in the index).
public struct PreferenceBatch: Sendable {
    public let chosen: TokenBatch
    public let rejected: TokenBatch
    public let referenceChosen: [Double]
    public let referenceRejected: [Double]

    public var pairs: Int { chosen.rows }

    /// Rows of different lengths are padded (weight 0, a padding document) to the longer one
    /// so both halves go through the model as one batch.
    public init(chosen: TokenBatch, rejected: TokenBatch, referenceChosen: [Double], referenceRejected: [Double]) throws(TrainError) {
        guard chosen.rows == rejected.rows else {
            throw .invalidBatch("\(chosen.rows) chosen rows but \(rejected.rows) rejected rows")
        }
        guard referenceChosen.count == chosen.rows, referenceRejected.count == chosen.rows else {
            throw .invalidBatch("reference log-probs: \(referenceChosen.count)/\(referenceRejected.count) values for \(chosen.rows) pairs")
        }
        let length = max(chosen.length, rejected.length)
        self.chosen = try chosen.padded(to: length)
        self.rejected = try rejected.padded(to: length)
        self.referenceChosen = referenceChosen
        self.referenceRejected = referenceRejected
    }

    /// Chosen rows first, then rejected: the single forward pass of TRL's `concatenated_forward`.
    public func concatenated() throws(TrainError) -> TokenBatch { try chosen.stacked(with: rejected) }
}

extension TokenBatch {
    /// Right-pads every row to `length` with weight-0 tokens in a document of their own.
    public func padded(to newLength: Int) throws(TrainError) -> TokenBatch {
        guard newLength > length else { return self }
        var inputs: [Int32] = [], targets: [Int32] = [], weights: [Float] = [], docs: [Int32] = []
        let extra = newLength - length
        for r in 0..<rows {
            let range = (r * length)..<((r + 1) * length)
            inputs += self.inputs[range]; targets += self.targets[range]
            weights += lossWeights[range]; docs += documentIds[range]
            let padDocument = (documentIds[range].max() ?? 0) &+ 1
            inputs += [Int32](repeating: 0, count: extra); targets += [Int32](repeating: -1, count: extra)
            weights += [Float](repeating: 0, count: extra); docs += [Int32](repeating: padDocument, count: extra)
        }
        return try TokenBatch(rows: rows, length: newLength, inputs: inputs, targets: targets, lossWeights: weights, documentIds: docs)
    }
}
