import Foundation
import JSON

/// What `Tokenizer.save` writes: the sections pref does not rebuild are kept as loaded (so
/// HF reads them back identically), the model is written from the vocabulary and merges.
struct TokenizerSerialization: Sendable {
    static let sectionKeys = ["truncation", "padding", "normalizer", "pre_tokenizer", "post_processor", "decoder"]
    static let modelOptionKeys = ["dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix",
                                  "fuse_unk", "byte_fallback", "ignore_merges"]

    var sections: [String: JSONValue]
    /// The BPE options in HF's order, with HF's defaults where the file had none.
    var modelOptions: [(String, JSONValue)]
    /// (token, id) in id order.
    var vocab: [(String, UInt32)]
    /// (left, right) in rank order.
    var merges: [(String, String)]
    /// A model section written back as loaded (Unigram), instead of the BPE model rebuilt from
    /// `vocab` and `merges`.
    var modelJSON: JSONValue? = nil

    static func modelOptions(of model: JSONValue) -> [(String, JSONValue)] {
        let defaults: [String: JSONValue] = ["fuse_unk": .bool(false), "byte_fallback": .bool(false),
                                             "ignore_merges": .bool(false)]
        return modelOptionKeys.map { key in (key, model[key] ?? defaults[key] ?? .null) }
    }

    /// tokenizer.json bytes in HF's layout: `version`, `truncation`, `padding`, `added_tokens`,
    /// `normalizer`, `pre_tokenizer`, `post_processor`, `decoder`, `model` (merges in pair form).
    func write(addedTokens: [AddedToken]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(vocab.count * 24 + merges.count * 20 + 4096)
        func key(_ name: String) {
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        raw("{")
        key("version"); raw("\"1.0\",")
        key("truncation"); JSONWriter.write(sections["truncation"] ?? .null, into: &out); raw(",")
        key("padding"); JSONWriter.write(sections["padding"] ?? .null, into: &out); raw(",")
        key("added_tokens"); raw("[")
        for (i, token) in addedTokens.sorted(by: { $0.id < $1.id }).enumerated() {
            if i > 0 { raw(",") }
            raw("{"); key("id"); raw(String(token.id)); raw(",")
            key("content"); JSONWriter.writeString(token.content, into: &out); raw(",")
            key("single_word"); raw(token.singleWord ? "true," : "false,")
            key("lstrip"); raw(token.lstrip ? "true," : "false,")
            key("rstrip"); raw(token.rstrip ? "true," : "false,")
            key("normalized"); raw(token.normalized ? "true," : "false,")
            key("special"); raw(token.special ? "true}" : "false}")
        }
        raw("],")
        for name in ["normalizer", "pre_tokenizer", "post_processor", "decoder"] {
            key(name); JSONWriter.write(sections[name] ?? .null, into: &out); raw(",")
        }
        key("model")
        if let modelJSON {
            JSONWriter.write(modelJSON, into: &out)
            raw("}")
            return out
        }
        raw("{"); key("type"); raw("\"BPE\"")
        for (name, value) in modelOptions {
            raw(","); key(name); JSONWriter.write(value, into: &out)
        }
        raw(","); key("vocab"); raw("{")
        for (i, (token, id)) in vocab.enumerated() {
            if i > 0 { raw(",") }
            JSONWriter.writeString(token, into: &out)
            raw(":" + String(id))
        }
        raw("},"); key("merges"); raw("[")
        for (i, (a, b)) in merges.enumerated() {
            if i > 0 { raw(",") }
            raw("[")
            JSONWriter.writeString(a, into: &out)
            raw(",")
            JSONWriter.writeString(b, into: &out)
            raw("]")
        }
        raw("]}}")
        return out
    }
}

extension Tokenizer {
    /// The tokenizer.json HF `tokenizers` loads into the same tokenizer.
    public func serialized() -> [UInt8] {
        serialization.write(addedTokens: addedTokens)
    }

    /// Writes `serialized()` to `url` (through a temporary file, so a crash leaves no half file).
    public func save(to url: URL) throws {
        do {
            try Data(serialized()).write(to: url, options: .atomic)
        } catch {
            throw TokenizerError("\(url.path): cannot write: \(error.localizedDescription)")
        }
    }
}
