/// How a too-long preference example is cut (TRL's `truncation_mode`, applied to the prompt).
public enum TruncationMode: String, Sendable, CaseIterable {
    /// Keep the end of the prompt (the latest turns): TRL's default.
    case keepEnd = "keep_end"
    /// Keep the beginning of the prompt.
    case keepStart = "keep_start"
}

/// Length limits of a preference example. The prompt keeps at most `maxPromptLength`
/// tokens and at least one; each response keeps what `maxLength` leaves after the prompt,
/// and at least one token, because `maxPromptLength < maxLength`. So no side is ever cut to
/// nothing — the failure TRL v0.9.6 showed on long Capybara prompts (DPO_SHIFT.md).
public struct PreferenceLimits: Sendable, Equatable {
    public var maxLength: Int
    public var maxPromptLength: Int
    public var mode: TruncationMode

    public init(maxLength: Int, maxPromptLength: Int? = nil, mode: TruncationMode = .keepEnd) throws {
        let prompt = maxPromptLength ?? maxLength / 2
        guard maxLength >= 2 else { throw TokenizeError("--max-length must be at least 2, got \(maxLength)") }
        guard prompt >= 1, prompt < maxLength else {
            throw TokenizeError("--max-prompt-length must be between 1 and max-length − 1 (\(maxLength - 1)), got \(prompt)")
        }
        self.maxLength = maxLength
        self.maxPromptLength = prompt
        self.mode = mode
    }

    /// The cut example, and whether anything was cut. Inputs must be non-empty.
    public func apply(prompt: [UInt32], chosen: [UInt32], rejected: [UInt32]) -> (prompt: [UInt32], chosen: [UInt32], rejected: [UInt32], truncated: Bool) {
        precondition(!prompt.isEmpty && !chosen.isEmpty && !rejected.isEmpty)
        var p = prompt
        if p.count > maxPromptLength {
            p = mode == .keepEnd ? Array(p.suffix(maxPromptLength)) : Array(p.prefix(maxPromptLength))
        }
        // Only cut the prompt when prompt + the longer response does not fit.
        if prompt.count + max(chosen.count, rejected.count) <= maxLength { p = prompt }
        let room = maxLength - p.count
        let c = Array(chosen.prefix(room))
        let r = Array(rejected.prefix(room))
        let truncated = p.count != prompt.count || c.count != chosen.count || r.count != rejected.count
        return (p, c, r, truncated)
    }
}
