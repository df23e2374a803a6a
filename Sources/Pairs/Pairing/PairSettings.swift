import JSON

/// How a record's completions become (chosen, rejected) pairs.
public enum PairStrategy: String, Sendable, CaseIterable {
    /// The record's own chosen/rejected labels (ultrafeedback_binarized, Capybara-Preferences).
    case binarized
    /// Best by score against one other drawn at random (how ultrafeedback_binarized was made).
    case bestVsRandom = "best-vs-random"
    case bestVsWorst = "best-vs-worst"
    /// Curry-DPO: the top response against each other response, one pair each.
    case bestVsRest = "best-vs-rest"
    /// Every pair of responses whose score gap reaches the minimum.
    case allPairs = "all-pairs"

    public init(parsing text: String) throws {
        guard let s = PairStrategy(rawValue: text) else {
            throw PairsError("unknown strategy '\(text)'; expected one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = s
    }
}

/// The order in which the trainer consumes a split's pairs.
public enum Curriculum: Sendable, Equatable, CustomStringConvertible {
    /// A seeded shuffle: no difficulty order.
    case none
    /// Easy (largest score gap) to hard, one stage.
    case gap
    /// N stages by gap quantile, easiest first (Curry-DPO's easy/medium/hard is `stages(3)`).
    case stages(Int)

    public init(parsing text: String) throws {
        switch text {
        case "none": self = .none
        case "gap": self = .gap
        default:
            guard text.hasPrefix("stages:"), let n = Int(text.dropFirst("stages:".count)), n >= 1, n <= 1000 else {
                throw PairsError("unknown curriculum '\(text)'; expected none, gap or stages:N with 1 <= N <= 1000")
            }
            self = .stages(n)
        }
    }

    public var description: String {
        switch self {
        case .none: "none"
        case .gap: "gap"
        case .stages(let n): "stages:\(n)"
        }
    }
}

/// What `pref pairs` was asked to do; stored in `settings` under 'pairs'.
public struct PairSettings: Sendable, Equatable {
    public var strategy: PairStrategy
    /// Smallest score gap that makes a pair; nil means any gap above zero.
    public var minGap: Double?
    public var curriculum: Curriculum
    public var seed: Int

    public init(strategy: PairStrategy, minGap: Double? = nil, curriculum: Curriculum = .none, seed: Int = 42) throws {
        if let g = minGap, !(g.isFinite && g > 0) {
            throw PairsError("--min-gap must be a positive number (ties never make a pair), got \(g)")
        }
        self.strategy = strategy
        self.minGap = minGap
        self.curriculum = curriculum
        self.seed = seed
    }

    /// Whether a (chosen - rejected) score gap is large enough to be a preference.
    @inline(__always)
    func clears(_ gap: Double) -> Bool {
        if let minGap { gap >= minGap } else { gap > 0 }
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("strategy", .string(strategy.rawValue)),
            ("min_gap", minGap.map { .double($0) } ?? .null),
            ("curriculum", .string(curriculum.description)),
            ("seed", .int(Int64(seed))),
        ]))
    }

    init?(json: JSONValue) {
        guard let s = json["strategy"]?.stringValue.flatMap(PairStrategy.init(rawValue:)),
              let c = json["curriculum"]?.stringValue.flatMap({ try? Curriculum(parsing: $0) }),
              let seed = json["seed"]?.intValue,
              let settings = try? PairSettings(strategy: s, minGap: json["min_gap"]?.doubleValue, curriculum: c, seed: seed)
        else { return nil }
        self = settings
    }
}
