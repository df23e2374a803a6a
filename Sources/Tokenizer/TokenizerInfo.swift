import JSON

/// What `pref tokenizer info` shows about a loaded tokenizer.
public struct TokenizerInfo: Sendable {
    public var vocabSize: Int
    public var modelTokens: Int
    public var merges: Int
    public var addedTokens: [AddedToken]
    public var byteLevel: Bool
    public var normalizer: String
    public var preTokenizer: String
    public var specialTokens: SpecialTokenIds
    public var prefix: [UInt32]
    public var suffix: [UInt32]
    public var ignoreMerges: Bool

    public var json: JSONValue {
        func id(_ v: UInt32?) -> JSONValue { v.map { .int(Int64($0)) } ?? .null }
        return .object(JSONObject([
            ("vocab_size", .int(Int64(vocabSize))), ("model_tokens", .int(Int64(modelTokens))),
            ("merges", .int(Int64(merges))), ("byte_level", .bool(byteLevel)), ("ignore_merges", .bool(ignoreMerges)),
            ("normalizer", .string(normalizer)), ("pre_tokenizer", .string(preTokenizer)),
            ("bos_id", id(specialTokens.bos)), ("eos_id", id(specialTokens.eos)), ("pad_id", id(specialTokens.pad)),
            ("prefix_ids", .array(prefix.map { .int(Int64($0)) })), ("suffix_ids", .array(suffix.map { .int(Int64($0)) })),
            ("added_tokens", .array(addedTokens.map { token in
                .object(JSONObject([("id", .int(Int64(token.id))), ("content", .string(token.content)),
                                    ("special", .bool(token.special))]))
            })),
        ]))
    }

    public var text: String {
        func id(_ v: UInt32?) -> String { v.map(String.init) ?? "-" }
        var lines = [
            "vocabulary     \(vocabSize) ids (\(modelTokens) model tokens, \(addedTokens.count) added)",
            "merges         \(merges)\(ignoreMerges ? " (ignore_merges: whole words in the vocabulary skip merging)" : "")",
            "byte-level     \(byteLevel ? "yes" : "no")",
            "normalizer     \(normalizer)",
            "pre-tokenizer  \(preTokenizer)",
            "bos / eos / pad  \(id(specialTokens.bos)) / \(id(specialTokens.eos)) / \(id(specialTokens.pad))",
            "with special tokens: \(prefix.isEmpty ? "" : "\(prefix) + ")text\(suffix.isEmpty ? "" : " + \(suffix)")",
        ]
        let special = addedTokens.filter(\.special)
        if !special.isEmpty {
            let shown = special.prefix(12).map { "\($0.id) \($0.content)" }.joined(separator: ", ")
            lines.append("special tokens \(shown)\(special.count > 12 ? ", … (\(special.count) in all)" : "")")
        }
        return lines.joined(separator: "\n")
    }
}

extension Tokenizer {
    public var info: TokenizerInfo {
        let pre = serialization.sections["pre_tokenizer"].map { JSONWriter.string($0) } ?? "null"
        let norm = serialization.sections["normalizer"].map { JSONWriter.string($0) } ?? "null"
        return TokenizerInfo(vocabSize: vocabSize, modelTokens: serialization.vocab.count,
                             merges: serialization.merges.count, addedTokens: addedTokens,
                             byteLevel: preTokenizer.byteLevel, normalizer: norm,
                             preTokenizer: pre.count > 200 ? String(pre.prefix(200)) + "…" : pre,
                             specialTokens: specialTokens, prefix: postProcessor.prefix, suffix: postProcessor.suffix,
                             ignoreMerges: model.ignoreMerges)
    }
}
