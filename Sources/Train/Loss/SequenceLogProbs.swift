/// Per-sequence summed log-probabilities over masked tokens (TRL's `get_batch_logps`): the
/// quantity DPO compares between policy and reference.
public enum SequenceLogProbs {
    /// Σ_t weight[r, t] · logp[r, t] for each row r.
    /// Summed in Double and kept in Double: a response of thousands of tokens sums to
    /// hundreds of nats, where Float's resolution would already shift DPO's margins.
    public static func sum(_ tokenLogProbs: [Float], weights: [Float], rows: Int) -> [Double] {
        let length = rows > 0 ? tokenLogProbs.count / rows : 0
        return (0..<rows).map { r in
            var total = 0.0
            for t in 0..<length where weights[r * length + t] != 0 {
                total += Double(weights[r * length + t]) * Double(tokenLogProbs[r * length + t])
            }
            return total
        }
    }

    /// The backward of `sum`: ∂L/∂logp[r, t] = ∂L/∂sum[r] · weight[r, t].
    public static func tokenGradients(sequenceGradients: [Float], weights: [Float], rows: Int) -> [Float] {
        let length = rows > 0 ? weights.count / rows : 0
        var out = [Float](repeating: 0, count: weights.count)
        for r in 0..<rows {
            for t in 0..<length { out[r * length + t] = sequenceGradients[r] * weights[r * length + t] }
        }
        return out
    }
}
