/// DPO-Shift on the model: chosen and rejected of a batch go through one forward pass, the
/// loss is taken on their summed response log-probs, and its gradient flows back through
/// those sums into every parameter.
public enum DPOStep {
    public struct Result: Sendable {
        public let output: DPOShiftLoss.Output
        /// Tokens that went through the model (both halves, padding included).
        public let tokens: Int
        public let logits: LogitTotals
    }

    /// Sums of per-token mean logits over the response tokens of each half, for TRL's
    /// `logits/chosen` and `logits/rejected` (the mean logit over response tokens and vocabulary).
    public struct LogitTotals: Sendable {
        public var chosen = 0.0, chosenTokens = 0.0, rejected = 0.0, rejectedTokens = 0.0

        public init() {}

        mutating func add(_ other: LogitTotals) {
            chosen += other.chosen; chosenTokens += other.chosenTokens
            rejected += other.rejected; rejectedTokens += other.rejectedTokens
        }

        /// Read off the model after a forward pass over chosen rows followed by rejected rows.
        static func read(_ model: LlamaModel, weights: [Float], rows: Int, chosenRows: Int) -> LogitTotals {
            let means = model.lastLogitMeans
            let length = rows > 0 ? weights.count / rows : 0
            var t = LogitTotals()
            for r in 0..<rows {
                for i in (r * length)..<((r + 1) * length) where weights[i] != 0 {
                    if r < chosenRows { t.chosen += Double(means[i]); t.chosenTokens += 1 } else { t.rejected += Double(means[i]); t.rejectedTokens += 1 }
                }
            }
            return t
        }

        var named: [(String, Double)] {
            [("logits/chosen", chosenTokens > 0 ? chosen / chosenTokens : .nan),
             ("logits/rejected", rejectedTokens > 0 ? rejected / rejectedTokens : .nan)]
        }
    }

    /// Adds this micro-batch's gradient into `model.gradients`, scaled by `weight` (for
    /// gradient accumulation: pairs in this micro-batch / pairs in the optimizer step).
    public static func accumulate(model: LlamaModel, batch: PreferenceBatch, loss: DPOShiftLoss, lambda: Double,
                                  weight: Double = 1) throws(TrainError) -> Result {
        let combined = try batch.concatenated()
        let tokenLogProbs = try model.forward(combined)
        let sums = SequenceLogProbs.sum(tokenLogProbs, weights: combined.lossWeights, rows: combined.rows)
        let pairs = batch.pairs
        let logits = LogitTotals.read(model, weights: combined.lossWeights, rows: combined.rows, chosenRows: pairs)
        let inputs = DPOShiftLoss.Inputs(
            policyChosen: Array(sums[0..<pairs]), policyRejected: Array(sums[pairs...]),
            referenceChosen: batch.referenceChosen, referenceRejected: batch.referenceRejected,
            chosenTokenCount: batch.chosen.weightSum)
        let output = try loss.evaluate(inputs, lambda: lambda)
        let sequenceGradients = (output.chosenGradients + output.rejectedGradients).map { Float($0 * weight) }
        try model.backward(tokenGradients: SequenceLogProbs.tokenGradients(
            sequenceGradients: sequenceGradients, weights: combined.lossWeights, rows: combined.rows))
        return Result(output: output, tokens: combined.tokenCount, logits: logits)
    }

    /// Summed response log-probs of both halves under `model` (no gradient): how the
    /// reference log-probs are computed before training.
    public static func sequenceLogProbs(model: LlamaModel, chosen: TokenBatch, rejected: TokenBatch) throws(TrainError)
        -> (chosen: [Double], rejected: [Double], logits: LogitTotals) {
        let length = max(chosen.length, rejected.length)
        let combined = try chosen.padded(to: length).stacked(with: rejected.padded(to: length))
        let sums = SequenceLogProbs.sum(try model.forward(combined, keepForBackward: false), weights: combined.lossWeights,
                                        rows: combined.rows)
        let logits = LogitTotals.read(model, weights: combined.lossWeights, rows: combined.rows, chosenRows: chosen.rows)
        return (Array(sums[0..<chosen.rows]), Array(sums[chosen.rows...]), logits)
    }
}
