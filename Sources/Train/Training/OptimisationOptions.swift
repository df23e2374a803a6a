/// The optimisation settings SFT and DPO share, so one piece of code fills both from flags.
public protocol OptimisationOptions {
    var epochs: Int { get set }
    var maxSteps: Int? { get set }
    var warmupRatio: Double { get set }
    var decay: LearningRateSchedule.Decay { get set }
    var adamW: AdamWSettings { get set }
    var maxGradNorm: Double? { get set }
    var gradientAccumulation: Int { get set }
    var seed: UInt64 { get set }
    var evalEvery: Int? { get set }
    var saveEvery: Int? { get set }
}

extension SFTOptions: OptimisationOptions {}
extension DPOOptions: OptimisationOptions {}
