import Foundation

/// AdamW hyperparameters with PyTorch's names and defaults (TRL/HF use betas (0.9, 0.999)).
public struct AdamWSettings: Sendable, Equatable {
    public var beta1: Double
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: Double

    public init(beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8, weightDecay: Double = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }
}

/// AdamW (decoupled weight decay, bias correction) computed in the operation order of
/// `torch.optim.AdamW(foreach=False)`, so a step matches PyTorch to float rounding. Weight
/// decay applies only to matrices, as in the HF Trainer's parameter groups.
public final class AdamW: @unchecked Sendable {
    public let settings: AdamWSettings
    public let layout: ParameterLayout
    /// First moment (`exp_avg`), same layout as the parameters.
    public let firstMoment: FloatBuffer
    /// Second moment (`exp_avg_sq`).
    public let secondMoment: FloatBuffer
    /// Number of updates taken so far.
    public private(set) var step: Int = 0

    public init(layout: ParameterLayout, settings: AdamWSettings) {
        self.layout = layout
        self.settings = settings
        firstMoment = FloatBuffer(count: layout.totalCount)
        secondMoment = FloatBuffer(count: layout.totalCount)
    }

    /// Restores a saved state (moments are copied in by the checkpoint loader).
    public func restore(step: Int) { self.step = step }

    public func update(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Double, pool: WorkerPool) {
        step += 1
        let s = settings
        let stepSize = Float(learningRate / (1 - Foundation.pow(s.beta1, Double(step))))
        let correction2Root = Float((1 - Foundation.pow(s.beta2, Double(step))).squareRoot())
        let decayFactor = Float(1 - learningRate * s.weightDecay)
        let b1 = Float(1 - s.beta1), beta2 = Float(s.beta2), b2 = Float(1 - s.beta2), eps = Float(s.epsilon)
        let p = parameters.pointer, g = gradients.pointer, m = firstMoment.pointer, v = secondMoment.pointer
        for tensor in layout.tensors {
            let decays = tensor.decays && s.weightDecay != 0
            pool.forRanges(tensor.count, minimumChunk: 4096) { _, range in
                for i in (tensor.offset + range.lowerBound)..<(tensor.offset + range.upperBound) {
                    if decays { p[i] *= decayFactor }
                    let gi = g[i]
                    m[i] += b1 * (gi - m[i])
                    v[i] = v[i] * beta2 + b2 * gi * gi
                    let denominator = v[i].squareRoot() / correction2Root + eps
                    p[i] -= stepSize * (m[i] / denominator)
                }
            }
        }
    }
}

/// Global L2-norm gradient clipping as `torch.nn.utils.clip_grad_norm_`: returns the norm
/// before clipping and scales by max/(norm + 1e-6) when that is below 1.
public enum GradientClipping {
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Double?, pool: WorkerPool) -> Double {
        let partial = UnsafeMutableBufferPointer<Double>.allocate(capacity: pool.slots)
        defer { partial.deallocate() }
        partial.initialize(repeating: 0)
        let g = gradients.pointer
        pool.forRanges(gradients.count, minimumChunk: 1 << 14) { slot, range in
            var sum = 0.0
            for i in range { sum += Double(g[i]) * Double(g[i]) }
            partial[slot] += sum
        }
        let norm = partial.reduce(0, +).squareRoot()
        if let maxNorm, maxNorm > 0 {
            let coefficient = Float(min(1, maxNorm / (norm + 1e-6)))
            pool.forRanges(gradients.count, minimumChunk: 1 << 14) { _, range in
                for i in range { g[i] *= coefficient }
            }
        }
        return norm
    }
}
