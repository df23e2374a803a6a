import Foundation

/// Linear warmup then cosine or linear decay, as transformers' `get_cosine_schedule_with_warmup`
/// and `get_linear_schedule_with_warmup`. `rate(at: t)` is the learning rate of optimizer step
/// t (0-based), so with warmup the first step runs at 0, exactly as in the HF Trainer.
public struct LearningRateSchedule: Sendable, Equatable {
    public enum Decay: String, Sendable, CaseIterable { case cosine, linear, constant }

    public var peak: Double
    public var warmupSteps: Int
    public var totalSteps: Int
    public var decay: Decay

    public init(peak: Double, warmupSteps: Int, totalSteps: Int, decay: Decay) {
        self.peak = peak
        self.warmupSteps = max(0, warmupSteps)
        self.totalSteps = max(1, totalSteps)
        self.decay = decay
    }

    /// HF's `warmup_ratio`: ceil(ratio × total) warmup steps.
    public init(peak: Double, warmupRatio: Double, totalSteps: Int, decay: Decay) {
        self.init(peak: peak, warmupSteps: Int((warmupRatio * Double(totalSteps)).rounded(.up)), totalSteps: totalSteps, decay: decay)
    }

    public func rate(at step: Int) -> Double { peak * multiplier(at: step) }

    func multiplier(at step: Int) -> Double {
        if step < warmupSteps { return Double(step) / Double(max(1, warmupSteps)) }
        let span = Double(max(1, totalSteps - warmupSteps))
        switch decay {
        case .constant:
            return 1
        case .linear:
            return max(0, Double(totalSteps - step) / span)
        case .cosine:
            let progress = Double(step - warmupSteps) / span
            return max(0, 0.5 * (1 + Foundation.cos(Double.pi * 2 * 0.5 * progress)))
        }
    }
}
