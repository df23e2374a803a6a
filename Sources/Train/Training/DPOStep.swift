/// DPO-Shift on the model: chosen and rejected of a batch go through one forward pass, the
/// loss is taken on their summed response log-probs, and its gradient flows back through
/// those sums into every parameter.
public enum DPOStep {
    public struct Result: Sendable {
        public let output: DPOShiftLoss.Output
        /// Tokens that went through the model (both halves, padding included).
        public let tokens: Int
    }

    /// Adds this micro-batch's gradient into `model.gradients`, scaled by `weight` (for
    /// gradient accumulation: pairs in this micro-batch / pairs in the optimizer step).
    public static func accumulate(model: LlamaModel, batch: PreferenceBatch, loss: DPOShiftLoss, lambda: Double,
                                  weight: Double = 1) throws(TrainError) -> Result {
        let combined = try batch.concatenated()
        let tokenLogProbs = try model.forward(combined)
        let sums = SequenceLogProbs.sum(tokenLogProbs, weights: combined.lossWeights, rows: combined.rows)
        let pairs = batch.pairs
        let inputs = DPOShiftLoss.Inputs(
            policyChosen: Array(sums[0..<pairs]), policyRejected: Array(sums[pairs...]),
            referenceChosen: batch.referenceChosen, referenceRejected: batch.referenceRejected,
            chosenTokenCount: batch.chosen.weightSum)
        let output = try loss.evaluate(inputs, lambda: lambda)
        let sequenceGradients = (output.chosenGradients + output.rejectedGradients).map { Float($0 * weight) }
        try model.backward(tokenGradients: SequenceLogProbs.tokenGradients(
            sequenceGradients: sequenceGradients, weights: combined.lossWeights, rows: combined.rows))
        return Result(output: output, tokens: combined.tokenCount)
    }

    /// Summed response log-probs of both halves under `model` (no gradient): how the
    /// reference log-probs are computed before training.
    public static func sequenceLogProbs(model: LlamaModel, chosen: TokenBatch, rejected: TokenBatch) throws(TrainError)
        -> (chosen: [Double], rejected: [Double]) {
        let length = max(chosen.length, rejected.length)
        let combined = try chosen.padded(to: length).stacked(with: rejected.padded(to: length))
        let sums = SequenceLogProbs.sum(try model.forward(combined, keepForBackward: false), weights: combined.lossWeights,
                                        rows: combined.rows)
        return (Array(sums[0..<chosen.rows]), Array(sums[chosen.rows...]))
    }
}
