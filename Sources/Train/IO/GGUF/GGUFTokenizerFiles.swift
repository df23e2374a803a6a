import JSON

/// The Hugging Face files for a `GGUFTokenizer`, laid out as `tokenizers` serializes them.
extension GGUFTokenizer {
    /// `tokenizer.json`. The vocabulary and merges are streamed out directly: they are large,
    /// and a vocabulary listing a token twice keeps its last id, as a Python dict does.
    func tokenizerJSON() -> [UInt8] {
        var lastId: [String: Int] = [:]
        lastId.reserveCapacity(tokens.count)
        for (i, t) in tokens.enumerated() { lastId[t] = i }

        var out: [UInt8] = []
        out.reserveCapacity(tokens.count * 40 + merges.count * 30)
        func raw(_ text: String) { out.append(contentsOf: text.utf8) }
        func value(_ v: JSONValue) { JSONWriter.write(v, into: &out) }
        raw(#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":"#)
        value(.array(addedTokens.sorted { $0.id < $1.id }.map { t in
            .object(JSONObject([
                ("id", .int(Int64(t.id))), ("content", .string(t.content)), ("single_word", .bool(false)),
                ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)), ("special", .bool(t.special)),
            ]))
        }))
        raw(#","normalizer":null,"pre_tokenizer":"#)
        value(preTokenizer)
        raw(#","post_processor":"#)
        value(postProcessor)
        raw(#","decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true}"#)
        raw(#","model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":"","end_of_word_suffix":"","#)
        raw(#""fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{"#)
        var first = true
        for (i, t) in tokens.enumerated() where lastId[t] == i {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(t, into: &out)
            raw(":\(i)")
        }
        raw(#"},"merges":["#)
        for (i, (left, right)) in merges.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            JSONWriter.writeString(left, into: &out)
            out.append(UInt8(ascii: ","))
            JSONWriter.writeString(right, into: &out)
            out.append(UInt8(ascii: "]"))
        }
        raw("]}}\n")
        return out
    }

    private var byteLevel: JSONValue {
        .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
                            ("trim_offsets", .bool(true)), ("use_regex", .bool(splitPattern == nil))]))
    }

    private var preTokenizer: JSONValue {
        guard let splitPattern else { return byteLevel }
        let split = JSONValue.object(JSONObject([
            ("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(splitPattern))]))),
            ("behavior", .string("Isolated")), ("invert", .bool(false)),
        ]))
        return .object(JSONObject([("type", .string("Sequence")), ("pretokenizers", .array([split, byteLevel]))]))
    }

    /// A TemplateProcessing that adds BOS / EOS when the file asks for them.
    private var postProcessor: JSONValue {
        let bos = addBos ? token(bosId) : nil, eos = addEos ? token(eosId) : nil
        func special(_ token: String?, _ typeId: Int) -> [JSONValue] {
            guard let token else { return [] }
            return [.object(JSONObject([("SpecialToken", .object(JSONObject([("id", .string(token)), ("type_id", .int(Int64(typeId)))])))]))]
        }
        func sequence(_ name: String, _ typeId: Int) -> JSONValue {
            .object(JSONObject([("Sequence", .object(JSONObject([("id", .string(name)), ("type_id", .int(Int64(typeId)))])))]))
        }
        let single = special(bos, 0) + [sequence("A", 0)] + special(eos, 0)
        let pair = single + special(bos, 1) + [sequence("B", 1)] + special(eos, 1)
        var specials: [(String, JSONValue)] = []
        for (name, id) in [(bos, bosId), (eos, eosId)] {
            guard let name, let id, !specials.contains(where: { $0.0 == name }) else { continue }
            specials.append((name, .object(JSONObject([("id", .string(name)), ("ids", .array([.int(Int64(id))])),
                                                        ("tokens", .array([.string(name)]))]))))
        }
        return .object(JSONObject([
            ("type", .string("TemplateProcessing")), ("single", .array(single)), ("pair", .array(pair)),
            ("special_tokens", .object(JSONObject(specials.sorted { $0.0 < $1.0 }))),
        ]))
    }

    /// `tokenizer_config.json`: the special tokens by name, the BOS/EOS flags and the length.
    func tokenizerConfigJSON() -> [UInt8] {
        var o = JSONObject()
        o["add_bos_token"] = .bool(addBos)
        o["add_eos_token"] = .bool(addEos)
        for (key, id) in [("bos_token", bosId), ("eos_token", eosId), ("pad_token", padId), ("unk_token", unkId)] {
            if let name = token(id) { o[key] = .string(name) }
        }
        if let maxLength { o["model_max_length"] = .int(Int64(maxLength)) }
        o["tokenizer_class"] = .string("PreTrainedTokenizerFast")
        var lines: [String] = []
        for (key, value) in o.pairs {
            var k: [UInt8] = []
            JSONWriter.writeString(key, into: &k)
            lines.append("  " + String(decoding: k, as: UTF8.self) + ": " + JSONWriter.string(value))
        }
        return Array(("{\n" + lines.joined(separator: ",\n") + "\n}\n").utf8)
    }
}
