import Store

/// One completion as the pair rules see it.
public struct CompletionFacts: Sendable, Equatable {
    /// nil for a missing score; NaN and infinities also count as missing.
    public var score: Double?
    public var label: Completion.Label?
    public var text: TextFingerprint

    public init(score: Double?, label: Completion.Label? = nil, text: TextFingerprint) {
        self.score = score
        self.label = label
        self.text = text
    }

    var usableScore: Double? { score.flatMap { $0.isFinite ? $0 : nil } }
}

/// A pair within one record: indices into the record's completions.
public struct PairCandidate: Sendable, Equatable {
    public var chosen: Int
    public var rejected: Int
    /// chosen score minus rejected score; nil when `binarized` had no scores to compare.
    public var gap: Double?

    public init(chosen: Int, rejected: Int, gap: Double?) {
        self.chosen = chosen
        self.rejected = rejected
        self.gap = gap
    }
}

/// What happened to one record: its candidate pairs made or skipped, the completions set
/// aside, and, when it made no pair at all, why.
public struct RecordOutcome: Sendable, Equatable {
    public var pairs = 0
    public var skippedCandidates = SkipTally()
    public var droppedCompletions = SkipTally()
    public var noPairReason: SkipReason?

    public init() {}
    public var candidates: Int { pairs + skippedCandidates.total }
}

/// The strategies as pure functions of a record's completions, so they can be checked on
/// hand-made records without a catalog.
public struct PairRules: Sendable {
    public let settings: PairSettings
    private let randomKey: UInt64

    public init(settings: PairSettings) {
        self.settings = settings
        randomKey = Mix64.seedKey(settings.seed, salt: 0x5241_4E44_4F4D_0000)  // "RANDOM"
    }

    /// Calls `emit` for each pair of the record. `recordKey` (64 bits of the record's content
    /// hash) seeds `best-vs-random`; `identical(i, j)` says whether two responses have the
    /// same text; `scratch` is reused between records to avoid allocating.
    public func pair(
        _ completions: UnsafeBufferPointer<CompletionFacts>, recordKey: UInt64, scratch: inout [Int],
        identical: (Int, Int) throws -> Bool, emit: (PairCandidate) throws -> Void
    ) throws -> RecordOutcome {
        var outcome = RecordOutcome()
        if completions.count < 2 {
            outcome.noPairReason = .fewerThanTwoCompletions
            return outcome
        }
        func judge(_ result: (candidate: PairCandidate, skip: SkipReason?)) throws {
            let (candidate, reason) = result
            if let reason {
                outcome.skippedCandidates[reason] += 1
                if outcome.pairs == 0, outcome.noPairReason == nil { outcome.noPairReason = reason }
            } else {
                outcome.pairs += 1
                outcome.noPairReason = nil
                try emit(candidate)
            }
        }
        if settings.strategy == .binarized {
            guard let (c, r) = labelledPair(completions) else {
                outcome.noPairReason = .unlabelled
                return outcome
            }
            try judge(judgeLabelled(completions, chosen: c, rejected: r, identical: identical))
            return outcome
        }
        // Score strategies: set aside what cannot be ranked, then pick pairs among the rest.
        scratch.removeAll(keepingCapacity: true)
        for i in 0..<completions.count {
            if completions[i].text.isEmpty {
                outcome.droppedCompletions[.emptyResponse] += 1
            } else if completions[i].usableScore == nil {
                outcome.droppedCompletions[.missingScore] += 1
            } else {
                scratch.append(i)
            }
        }
        guard scratch.count >= 2 else {
            outcome.noPairReason = outcome.droppedCompletions[.emptyResponse] > 0 ? .emptyResponse : .missingScore
            return outcome
        }
        let scores = { (i: Int) -> Double in completions[i].usableScore ?? 0 }
        func ranked(_ a: Int, _ b: Int) throws -> (PairCandidate, SkipReason?) {
            let (hi, lo) = scores(a) >= scores(b) ? (a, b) : (b, a)
            let candidate = PairCandidate(chosen: hi, rejected: lo, gap: scores(hi) - scores(lo))
            if try identical(hi, lo) { return (candidate, .identicalText) }
            return (candidate, settings.clears(candidate.gap ?? 0) ? nil : .tie)
        }
        // Best: highest score, earliest on ties.
        var best = scratch[0]
        for i in scratch where scores(i) > scores(best) { best = i }
        switch settings.strategy {
        case .binarized:
            break
        case .bestVsRest:
            for i in scratch where i != best { try judge(ranked(best, i)) }
        case .bestVsWorst:
            var worst = -1
            for i in scratch where i != best && (worst < 0 || scores(i) < scores(worst)) { worst = i }
            try judge(ranked(best, worst))
        case .bestVsRandom:
            let draw = Int(Mix64.mix(recordKey ^ randomKey) % UInt64(scratch.count - 1))
            var k = 0
            for i in scratch where i != best {
                if k == draw { try judge(ranked(best, i)); break }
                k += 1
            }
        case .allPairs:
            for a in 0..<scratch.count {
                for b in (a + 1)..<scratch.count { try judge(ranked(scratch[a], scratch[b])) }
            }
        }
        return outcome
    }

    /// The indices of the one chosen and the one rejected completion, if labelled so.
    private func labelledPair(_ completions: UnsafeBufferPointer<CompletionFacts>) -> (Int, Int)? {
        var chosen: Int?, rejected: Int?
        for (i, c) in completions.enumerated() {
            switch c.label {
            case .chosen?: if chosen != nil { return nil } else { chosen = i }
            case .rejected?: if rejected != nil { return nil } else { rejected = i }
            case nil: continue
            }
        }
        guard let chosen, let rejected else { return nil }
        return (chosen, rejected)
    }

    /// The labels decide; scores, when both are present, must agree with them by the minimum gap.
    private func judgeLabelled(
        _ completions: UnsafeBufferPointer<CompletionFacts>, chosen c: Int, rejected r: Int, identical: (Int, Int) throws -> Bool
    ) throws -> (PairCandidate, SkipReason?) {
        var candidate = PairCandidate(chosen: c, rejected: r, gap: nil)
        if completions[c].text.isEmpty || completions[r].text.isEmpty { return (candidate, .emptyResponse) }
        if try identical(c, r) { return (candidate, .identicalText) }
        guard let sc = completions[c].usableScore, let sr = completions[r].usableScore else {
            // Unscored labelled pairs (ShareGPT-style) stand on their labels, unless a gap was asked for.
            return (candidate, settings.minGap == nil ? nil : .missingScore)
        }
        let gap = sc - sr
        candidate.gap = gap
        if gap < 0 { return (candidate, .invertedScores) }
        return (candidate, settings.clears(gap) ? nil : .tie)
    }
}

extension PairRules {
    /// The same rules on an array, comparing texts by fingerprint: for tests and small inputs.
    public func pair(_ completions: [CompletionFacts], recordKey: UInt64 = 0) throws -> (pairs: [PairCandidate], outcome: RecordOutcome) {
        var pairs: [PairCandidate] = []
        var scratch: [Int] = []
        let outcome = try completions.withUnsafeBufferPointer { buffer in
            try pair(buffer, recordKey: recordKey, scratch: &scratch,
                     identical: { buffer[$0].text == buffer[$1].text }, emit: { pairs.append($0) })
        }
        return (pairs, outcome)
    }
}
