/// DPO-Shift's λ per optimizer step t of T (docs/DPO_SHIFT.md §1.3, the reference
/// implementation's `dpo_lambda_strategy`): fixed, linear increase
/// `λ_min + (λ_max − λ_min)·t/T`, or linear decrease `λ_max − (λ_max − λ_min)·t/T`.
/// λ = 1 is plain DPO.
public enum LambdaSchedule: Sendable, Equatable, CustomStringConvertible {
    case fixed(Double)
    case linearIncrease(min: Double, max: Double)
    case linearDecrease(min: Double, max: Double)

    /// λ at optimizer step `step` (0-based) of `totalSteps`.
    public func value(step: Int, totalSteps: Int) -> Double {
        let fraction = Double(step) / Double(max(1, totalSteps))
        switch self {
        case .fixed(let lambda): return lambda
        case .linearIncrease(let lo, let hi): return lo + (hi - lo) * fraction
        case .linearDecrease(let lo, let hi): return hi - (hi - lo) * fraction
        }
    }

    /// Parses `none`, `fixed:L`, `linear-increase:MIN[:MAX]`, `linear-decrease:MIN[:MAX]`
    /// (MAX defaults to 1).
    public init(parsing text: String) throws(TrainError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func number(_ i: Int) throws(TrainError) -> Double {
            guard i < parts.count, let v = Double(parts[i]), v.isFinite else {
                throw .invalidOption("--shift \(text): expected a number after \"\(parts[0]):\"")
            }
            return v
        }
        switch parts[0] {
        case "none" where parts.count == 1: self = .fixed(1)
        case "fixed" where parts.count == 2: self = .fixed(try number(1))
        case "linear-increase" where (2...3).contains(parts.count):
            self = .linearIncrease(min: try number(1), max: parts.count == 3 ? try number(2) : 1)
        case "linear-decrease" where (2...3).contains(parts.count):
            self = .linearDecrease(min: try number(1), max: parts.count == 3 ? try number(2) : 1)
        default:
            throw .invalidOption("--shift \(text): use none, fixed:L, linear-increase:MIN[:MAX] or linear-decrease:MIN[:MAX]")
        }
        if case .linearIncrease(let lo, let hi) = self, lo > hi { throw .invalidOption("--shift \(text): MIN is above MAX") }
        if case .linearDecrease(let lo, let hi) = self, lo > hi { throw .invalidOption("--shift \(text): MIN is above MAX") }
    }

    public var description: String {
        switch self {
        case .fixed(let l): l == 1 ? "none" : "fixed:\(l)"
        case .linearIncrease(let lo, let hi): "linear-increase:\(lo):\(hi)"
        case .linearDecrease(let lo, let hi): "linear-decrease:\(lo):\(hi)"
        }
    }
}
