import JSON

/// The decoder of a tokenizer.json. Byte-level tokenizers use `ByteLevel` (maps the byte
/// alphabet back to bytes); with no decoder HF joins the token strings with spaces.
enum TokenDecoder: Sendable, Equatable {
    case byteLevel
    case joinWithSpaces

    static let supportedTypes = ["ByteLevel", "a Sequence holding one ByteLevel", "null"]

    init(json: JSONValue?, path: String = "decoder") throws(TokenizerError) {
        guard let json, !json.isNull else { self = .joinWithSpaces; return }
        switch json["type"]?.stringValue {
        case "ByteLevel":
            self = .byteLevel
        case "Sequence":
            let members = json["decoders"]?.arrayValue ?? []
            guard members.count == 1, members[0]["type"]?.stringValue == "ByteLevel" else {
                throw .unsupported(path, "a decoder Sequence with other members than ByteLevel",
                                   supported: Self.supportedTypes)
            }
            self = .byteLevel
        case let type:
            throw .unsupported(path, "decoder type \"\(type ?? "?")\"", supported: Self.supportedTypes)
        }
    }
}
