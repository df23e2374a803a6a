import JSON

/// Why a record, a completion or a candidate pair made no pair. Every skip is counted under
/// exactly one of these, so the report's counts add up.
public enum SkipReason: String, Sendable, CaseIterable {
    /// A preference record with 0 or 1 completion.
    case fewerThanTwoCompletions = "fewer_than_2_completions"
    /// `binarized` on a record without exactly one chosen and one rejected label.
    case unlabelled
    /// A response that is empty or whitespace only.
    case emptyResponse = "empty_response"
    /// A score that is missing or NaN (strategies that rank by score).
    case missingScore = "missing_score"
    /// Chosen and rejected are the same text (up to whitespace).
    case identicalText = "identical_text"
    /// The score gap is below the minimum (by default: zero).
    case tie
    /// `binarized` where the labelled chosen response scored below the rejected one.
    case invertedScores = "inverted_scores"
}

/// A count per skip reason, without allocating (it is updated once per record).
public struct SkipTally: Sendable, Equatable {
    private var counts = (0, 0, 0, 0, 0, 0, 0)

    public init() {}

    public subscript(reason: SkipReason) -> Int {
        get {
            switch reason {
            case .fewerThanTwoCompletions: counts.0
            case .unlabelled: counts.1
            case .emptyResponse: counts.2
            case .missingScore: counts.3
            case .identicalText: counts.4
            case .tie: counts.5
            case .invertedScores: counts.6
            }
        }
        set {
            switch reason {
            case .fewerThanTwoCompletions: counts.0 = newValue
            case .unlabelled: counts.1 = newValue
            case .emptyResponse: counts.2 = newValue
            case .missingScore: counts.3 = newValue
            case .identicalText: counts.4 = newValue
            case .tie: counts.5 = newValue
            case .invertedScores: counts.6 = newValue
            }
        }
    }

    public static func == (a: SkipTally, b: SkipTally) -> Bool {
        SkipReason.allCases.allSatisfy { a[$0] == b[$0] }
    }

    public var total: Int { SkipReason.allCases.reduce(0) { $0 + self[$1] } }

    public static func += (a: inout SkipTally, b: SkipTally) {
        for r in SkipReason.allCases { a[r] += b[r] }
    }

    /// "tie 111, identical_text 4" (non-zero counts only), or "none".
    public var summary: String {
        let parts = SkipReason.allCases.filter { self[$0] > 0 }.map { "\($0.rawValue) \(self[$0])" }
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }

    public var json: JSONValue {
        .object(JSONObject(SkipReason.allCases.map { ($0.rawValue, .int(Int64(self[$0]))) }))
    }
}
