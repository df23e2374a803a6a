import JSON

/// SentencePiece's meta symbol (HF's `Metaspace`, both the pre-tokenizer and the decoder): spaces
/// become the replacement character (`▁`), and a piece may get one prepended so that the first
/// word looks like every other word.
struct Metaspace: Sendable, Equatable {
    enum PrependScheme: String, Sendable {
        /// Every piece the pre-tokenizer sees.
        case always
        /// Only the piece at the start of the original text (not text after an added token).
        case first
        case never
    }

    let replacement: Unicode.Scalar
    let replacementBytes: [UInt8]
    let prependScheme: PrependScheme
    /// Whether the pre-tokenizer splits before each replacement character (MergedWithNext).
    let split: Bool

    /// `{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false}`, or the
    /// legacy form with `add_prefix_space`, read as HF 0.23 reads it.
    init(json: JSONValue, path: String) throws(TokenizerError) {
        guard let text = json["replacement"]?.stringValue else {
            throw .invalid("\(path).replacement", "expected a string")
        }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 1 else {
            throw .invalid("\(path).replacement", "expected one character, got \(text.debugDescription)")
        }
        replacement = scalars[0]
        replacementBytes = Array(text.utf8)
        if let name = json["prepend_scheme"]?.stringValue {
            guard let scheme = PrependScheme(rawValue: name) else {
                throw .invalid("\(path).prepend_scheme", "expected \"first\", \"always\" or \"never\", got \(name.debugDescription)")
            }
            prependScheme = scheme
        } else {
            prependScheme = .always
        }
        // HF refuses add_prefix_space false unless prepend_scheme says never (its default is always).
        if json["add_prefix_space"]?.boolValue == false && prependScheme != .never {
            throw .invalid("\(path).add_prefix_space", "false does not match prepend_scheme \"\(prependScheme.rawValue)\" (HF refuses this file; set \"prepend_scheme\": \"never\")")
        }
        split = json["split"]?.boolValue ?? true
    }

    /// The piece with spaces replaced and, where the scheme asks for it, the replacement
    /// prepended. `atStart`: the piece begins at offset 0 of the original text.
    func apply(_ piece: UnsafeBufferPointer<UInt8>, atStart: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(piece.count + replacementBytes.count * 2)
        for b in piece {
            if b == 0x20 { out += replacementBytes } else { out.append(b) }
        }
        let prepend = switch prependScheme {
        case .always: true
        case .first: atStart
        case .never: false
        }
        if prepend && !out.starts(with: replacementBytes) { out.insert(contentsOf: replacementBytes, at: 0) }
        return out
    }
}
