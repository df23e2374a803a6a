import JSON

/// The decoder of a tokenizer.json: a chain of steps over the token strings (HF's
/// `decode_chain`), whose results are concatenated. Byte-level tokenizers use `ByteLevel`;
/// SentencePiece-style ones `Replace("▁", " ")`, `ByteFallback`, `Fuse`, `Strip` or `Metaspace`.
/// With no decoder HF joins the token strings with spaces.
struct TokenDecoder: Sendable {
    enum Step: Sendable {
        /// Maps the byte alphabet back to bytes and fuses everything into one string.
        case byteLevel
        case replace(Replacement)
        /// Runs of `<0xNN>` tokens become the UTF-8 text they spell.
        case byteFallback
        /// Concatenates all tokens into one.
        case fuse
        /// Removes up to `start` leading and `stop` trailing `content` characters of each token.
        case strip(Unicode.Scalar, start: Int, stop: Int)
        case metaspace(Metaspace)
    }

    /// nil when the file has no decoder.
    let steps: [Step]?

    static let supportedTypes = ["ByteLevel", "Replace", "ByteFallback", "Fuse", "Strip", "Metaspace", "Sequence", "null"]

    init(steps: [Step]?) {
        self.steps = steps
    }

    init(json: JSONValue?, path: String = "decoder") throws(TokenizerError) {
        guard let json, !json.isNull else { steps = nil; return }
        var steps: [Step] = []
        try Self.compile(json, path: path, into: &steps)
        self.steps = steps
    }

    /// Whether decoding is a byte-table lookup per id (the decoder is ByteLevel alone).
    var isByteLevel: Bool {
        guard let steps, steps.count == 1, case .byteLevel = steps[0] else { return false }
        return true
    }

    private static func compile(_ json: JSONValue, path: String, into steps: inout [Step]) throws(TokenizerError) {
        guard let type = json["type"]?.stringValue else { throw .invalid(path, "expected an object with a \"type\"") }
        switch type {
        case "ByteLevel": steps.append(.byteLevel)
        case "ByteFallback": steps.append(.byteFallback)
        case "Fuse": steps.append(.fuse)
        case "Metaspace": steps.append(.metaspace(try Metaspace(json: json, path: path)))
        case "Replace": steps.append(.replace(try Replacement(json: json, path: path)))
        case "Strip":
            let scalars = Array((json["content"]?.stringValue ?? "").unicodeScalars)
            guard scalars.count == 1 else { throw .invalid("\(path).content", "expected one character") }
            guard let start = json["start"]?.intValue, let stop = json["stop"]?.intValue, start >= 0, stop >= 0 else {
                throw .invalid(path, "Strip needs non-negative \"start\" and \"stop\" counts")
            }
            steps.append(.strip(scalars[0], start: start, stop: stop))
        case "Sequence":
            for member in try sequenceMembers(json, key: "decoders", path: path) {
                try compile(member.json, path: member.path, into: &steps)
            }
        default:
            throw .unsupported(path, "decoder type \"\(type)\"", supported: supportedTypes)
        }
    }

    /// HF's `Decoder::decode`: the chain, then the pieces concatenated.
    func decode(_ tokens: [String]) -> String {
        guard let steps else { return tokens.joined(separator: " ") }
        var tokens = tokens
        for step in steps { tokens = step.decodeChain(tokens) }
        return tokens.joined()
    }
}
