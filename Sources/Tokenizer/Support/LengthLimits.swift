import JSON

/// The `truncation` and `padding` sections of a tokenizer.json, which HF's `encode` applies to
/// every call when a file sets them (most model files leave both null).
struct LengthLimits: Sendable, Equatable {
    var maxLength: Int?
    var truncateLeft = false
    var padLength: Int?  // nil with padding on: pad to the sequence's own length (BatchLongest)
    var padding = false
    var padToMultipleOf: Int?
    var padId: UInt32 = 0
    var padLeft = false

    init() {}

    init(truncation: JSONValue?, padding paddingJSON: JSONValue?) throws(TokenizerError) {
        if let t = truncation, !t.isNull {
            guard let max = t["max_length"]?.intValue, max >= 0 else { throw .invalid("truncation.max_length", "expected a length") }
            // OnlySecond never truncates a single sequence.
            if t["strategy"]?.stringValue != "OnlySecond" { maxLength = max }
            truncateLeft = t["direction"]?.stringValue == "Left"
        }
        if let p = paddingJSON, !p.isNull {
            padding = true
            // Padding allocates what the file asks for, so lengths are bounded.
            let limit = 1 << 24
            if let fixed = p["strategy"]?["Fixed"] {
                guard let n = fixed.intValue, (0...limit).contains(n) else {
                    throw .invalid("padding.strategy.Fixed", "expected a length up to \(limit)")
                }
                padLength = n
            }
            if let multiple = p["pad_to_multiple_of"], !multiple.isNull {
                guard let n = multiple.intValue, (0...limit).contains(n) else {
                    throw .invalid("padding.pad_to_multiple_of", "expected a length up to \(limit)")
                }
                padToMultipleOf = n
            }
            guard let id32 = UInt32(exactly: p["pad_id"]?.intValue ?? 0) else {
                throw .invalid("padding.pad_id", "expected a token id")
            }
            padId = id32
            padLeft = p["direction"]?.stringValue == "Left"
        }
    }

    /// Truncation before the post-processor adds its `added` tokens.
    func truncate(_ ids: inout [UInt32], added: Int) {
        guard let maxLength else { return }
        let keep = max(0, maxLength - added)
        guard ids.count > keep else { return }
        ids = truncateLeft ? Array(ids.suffix(keep)) : Array(ids.prefix(keep))
    }

    func pad(_ ids: inout [UInt32]) {
        guard padding else { return }
        var target = padLength ?? ids.count
        if let multiple = padToMultipleOf, multiple > 0, target % multiple > 0 { target += multiple - target % multiple }
        guard ids.count < target else { return }
        let fill = [UInt32](repeating: padId, count: target - ids.count)
        ids = padLeft ? fill + ids : ids + fill
    }
}
