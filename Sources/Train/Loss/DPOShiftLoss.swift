import Foundation

/// The DPO-Shift objective per pair (docs/DPO_SHIFT.md §1.2, TRL's sigmoid loss with λ):
///
///     z = β·[(log π(y_w|x) − log π_ref(y_w|x)) − λ·(log π(y_l|x) − log π_ref(y_l|x))]
///     loss = −(1 − ε)·log σ(z) − ε·log σ(−z)          (ε: cDPO label smoothing, 0 by default)
///
/// averaged over pairs, plus α·NLL on the chosen responses when RPO's α is set (TRL ≥ 0.10:
/// `losses + rpo_alpha * nll_loss`, the NLL being the mean over all chosen response tokens).
/// Log-probs are per-sequence sums over response tokens. λ = 1 is standard DPO.
public struct DPOShiftLoss: Sendable, Equatable {
    public var beta: Double
    public var labelSmoothing: Double
    public var rpoAlpha: Double?

    public init(beta: Double = 0.1, labelSmoothing: Double = 0, rpoAlpha: Double? = nil) {
        self.beta = beta
        self.labelSmoothing = labelSmoothing
        self.rpoAlpha = rpoAlpha
    }

    /// Per-sequence log-probs of one batch of pairs, under the policy and the reference.
    public struct Inputs: Sendable {
        public var policyChosen: [Double]
        public var policyRejected: [Double]
        public var referenceChosen: [Double]
        public var referenceRejected: [Double]
        /// Response tokens of the chosen sequences (the RPO NLL's denominator).
        public var chosenTokenCount: Double

        public init(policyChosen: [Double], policyRejected: [Double], referenceChosen: [Double], referenceRejected: [Double],
                    chosenTokenCount: Double) {
            self.policyChosen = policyChosen
            self.policyRejected = policyRejected
            self.referenceChosen = referenceChosen
            self.referenceRejected = referenceRejected
            self.chosenTokenCount = chosenTokenCount
        }
    }

    public struct Output: Sendable {
        /// The batch loss (mean over pairs, plus the RPO term).
        public let loss: Double
        /// ∂loss/∂ policy log π(y_w|x) and ∂loss/∂ log π(y_l|x), per pair.
        public let chosenGradients: [Double]
        public let rejectedGradients: [Double]
        public let metrics: DPOMetrics
    }

    public func evaluate(_ x: Inputs, lambda: Double) throws(TrainError) -> Output {
        let n = x.policyChosen.count
        guard n > 0, x.policyRejected.count == n, x.referenceChosen.count == n, x.referenceRejected.count == n else {
            throw .invalidBatch("DPO inputs need the same number (> 0) of chosen and rejected log-probs for policy and reference")
        }
        guard beta > 0, (0...0.5).contains(labelSmoothing) else {
            throw .invalidOption("beta must be positive and label smoothing in [0, 0.5]")
        }
        var loss = 0.0
        var dChosen = [Double](repeating: 0, count: n), dRejected = [Double](repeating: 0, count: n)
        var rewardsChosen = [Double](repeating: 0, count: n), rewardsRejected = [Double](repeating: 0, count: n)
        let eps = labelSmoothing
        for i in 0..<n {
            let chosenRatio = x.policyChosen[i] - x.referenceChosen[i]
            let rejectedRatio = x.policyRejected[i] - x.referenceRejected[i]
            let z = beta * (chosenRatio - lambda * rejectedRatio)
            loss += -(1 - eps) * Self.logSigmoid(z) - eps * Self.logSigmoid(-z)
            // d/dz [−(1−ε) log σ(z) − ε log σ(−z)] = −(1−ε) σ(−z) + ε σ(z)
            let dz = (-(1 - eps) * Self.sigmoid(-z) + eps * Self.sigmoid(z)) / Double(n)
            dChosen[i] = dz * beta
            dRejected[i] = -dz * beta * lambda
            rewardsChosen[i] = beta * chosenRatio
            rewardsRejected[i] = beta * rejectedRatio
        }
        loss /= Double(n)
        var nll: Double?
        if let alpha = rpoAlpha {
            guard x.chosenTokenCount > 0 else { throw .invalidBatch("RPO needs at least one chosen response token") }
            let value = -x.policyChosen.reduce(0, +) / x.chosenTokenCount
            nll = value
            loss += alpha * value
            for i in 0..<n { dChosen[i] -= alpha / x.chosenTokenCount }
        }
        let metrics = DPOMetrics(loss: loss, rewardsChosen: rewardsChosen, rewardsRejected: rewardsRejected,
                                 logpsChosen: x.policyChosen, logpsRejected: x.policyRejected, lambda: lambda, nllLoss: nll)
        return Output(loss: loss, chosenGradients: dChosen, rejectedGradients: dRejected, metrics: metrics)
    }

    /// log σ(z) without overflow for large |z|.
    static func logSigmoid(_ z: Double) -> Double { z >= 0 ? -Foundation.log1p(Foundation.exp(-z)) : z - Foundation.log1p(Foundation.exp(z)) }
    static func sigmoid(_ z: Double) -> Double { z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z)) }
}

/// TRL's DPO metrics for a batch. Rewards are β·(log π − log π_ref) without λ, so accuracy
/// and margins mean the same for every λ.
public struct DPOMetrics: Sendable, Equatable {
    public let loss: Double
    public let rewardsChosen: [Double]
    public let rewardsRejected: [Double]
    public let logpsChosen: [Double]
    public let logpsRejected: [Double]
    public let lambda: Double
    public let nllLoss: Double?

    /// `(name, value)` in TRL's spelling: loss, rewards/chosen, rewards/rejected,
    /// rewards/accuracies, rewards/margins, logps/chosen, logps/rejected, dpo_lambda (and
    /// nll_loss with RPO).
    public var named: [(String, Double)] {
        func mean(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
        let accuracy = zip(rewardsChosen, rewardsRejected).map { $0 > $1 ? 1.0 : 0.0 }
        let margins = zip(rewardsChosen, rewardsRejected).map { $0 - $1 }
        var out: [(String, Double)] = [
            ("loss", loss), ("rewards/chosen", mean(rewardsChosen)), ("rewards/rejected", mean(rewardsRejected)),
            ("rewards/accuracies", mean(accuracy)), ("rewards/margins", mean(margins)),
            ("logps/chosen", mean(logpsChosen)), ("logps/rejected", mean(logpsRejected)), ("dpo_lambda", lambda),
        ]
        if let nllLoss { out.append(("nll_loss", nllLoss)) }
        return out
    }

    public func value(_ name: String) -> Double? { named.first { $0.0 == name }?.1 }
}
