import JSON

/// The members of a `Sequence` component (`{"type": "Sequence", "<key>": [...]}`), each with its
/// JSON path for error messages.
func sequenceMembers(_ json: JSONValue, key: String, path: String) throws(TokenizerError) -> [(json: JSONValue, path: String)] {
    guard let members = json[key]?.arrayValue else { throw .invalid(path, "Sequence needs a \"\(key)\" array") }
    return members.enumerated().map { ($1, "\(path).\(key)[\($0)]") }
}
