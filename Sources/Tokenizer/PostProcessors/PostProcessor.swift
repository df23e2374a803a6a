import JSON

/// The post-processor of a tokenizer.json, reduced to what it does to one sequence's ids when
/// `add_special_tokens` is on: ids before and ids after.
struct PostProcessor: Sendable, Equatable {
    var prefix: [UInt32] = []
    var suffix: [UInt32] = []

    static let supportedTypes = ["TemplateProcessing", "ByteLevel", "RobertaProcessing", "BertProcessing", "Sequence"]

    init(prefix: [UInt32] = [], suffix: [UInt32] = []) {
        self.prefix = prefix
        self.suffix = suffix
    }

    init(json: JSONValue?, path: String = "post_processor") throws(TokenizerError) {
        guard let json, !json.isNull else { return }
        try apply(json, path: path)
    }

    /// Wraps the current prefix/suffix in the processor's own (a Sequence applies its members in order).
    private mutating func apply(_ json: JSONValue, path: String) throws(TokenizerError) {
        guard let type = json["type"]?.stringValue else { throw .invalid(path, "expected an object with a \"type\"") }
        switch type {
        case "ByteLevel":
            break  // trims offsets only
        case "Sequence":
            for member in try sequenceMembers(json, key: "processors", path: path) { try apply(member.json, path: member.path) }
        case "RobertaProcessing", "BertProcessing":
            let cls = try Self.tokenId(json["cls"], path: "\(path).cls")
            let sep = try Self.tokenId(json["sep"], path: "\(path).sep")
            prefix = [cls] + prefix
            suffix = suffix + [sep]
        case "TemplateProcessing":
            try applyTemplate(json, path: path)
        default:
            throw .unsupported(path, "post-processor type \"\(type)\"", supported: Self.supportedTypes)
        }
    }

    /// `["</s>", 2]` → 2.
    private static func tokenId(_ json: JSONValue?, path: String) throws(TokenizerError) -> UInt32 {
        guard let pair = json?.arrayValue, pair.count == 2, let id = pair[1].intValue, let id32 = UInt32(exactly: id) else {
            throw .invalid(path, "expected [token, id]")
        }
        return id32
    }

    private mutating func applyTemplate(_ json: JSONValue, path: String) throws(TokenizerError) {
        guard let single = json["single"]?.arrayValue else { throw .invalid("\(path).single", "expected an array") }
        let specials = json["special_tokens"]?.objectValue ?? JSONObject()
        var before: [UInt32] = []
        var after: [UInt32] = []
        var seenSequence = false
        for (i, piece) in single.enumerated() {
            let piecePath = "\(path).single[\(i)]"
            if let sequence = piece["Sequence"] {
                guard sequence["id"]?.stringValue == "A", !seenSequence else {
                    throw .invalid(piecePath, "a single-sequence template holds sequence A exactly once")
                }
                seenSequence = true
            } else if let special = piece["SpecialToken"] {
                guard let name = special["id"]?.stringValue, let entry = specials[name],
                      let ids = entry["ids"]?.arrayValue else {
                    throw .invalid(piecePath, "special token not listed in \(path).special_tokens")
                }
                for (k, idValue) in ids.enumerated() {
                    guard let id = idValue.intValue, let id32 = UInt32(exactly: id) else {
                        throw .invalid("\(path).special_tokens.\(name).ids[\(k)]", "expected a token id")
                    }
                    if seenSequence { after.append(id32) } else { before.append(id32) }
                }
            } else {
                throw .invalid(piecePath, "expected {\"Sequence\": ...} or {\"SpecialToken\": ...}")
            }
        }
        guard seenSequence else { throw .invalid("\(path).single", "the template never places sequence A") }
        prefix = before + prefix
        suffix = suffix + after
    }
}
