import JSON

/// The tokenizer a GGUF file describes in its `tokenizer.ggml.*` keys, rebuilt as the
/// Hugging Face files `transformers` makes from it (`integrations/gguf/gguf_tokenizer_mapping.py`):
/// a byte-level BPE `tokenizer.json`, a `tokenizer_config.json` naming the special tokens, and
/// the chat template. Only `tokenizer.ggml.model = "gpt2"` (byte-level BPE) is supported.
struct GGUFTokenizer {
    /// llama.cpp's `llama_token_type`.
    enum TokenType: Int {
        case normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// Token strings in the byte-level alphabet, by id.
    let tokens: [String]
    let types: [Int]
    /// Merges as (left, right), in rank order.
    let merges: [(String, String)]
    let bosId: Int?, eosId: Int?, padId: Int?, unkId: Int?
    let addBos: Bool, addEos: Bool
    let chatTemplate: String?
    /// Text split applied before the byte-level mapping, from `tokenizer.ggml.pre` (nil: GPT-2's).
    let splitPattern: String?
    let maxLength: Int?
    /// Ids whose file spelling was outside the byte alphabet and was re-spelled from its UTF-8.
    let respelled: Set<Int>

    init(file: GGUFFile) throws(GGUFError) {
        func fail(_ message: String) -> GGUFError { GGUFError(path: file.path, offset: 0, message: message) }
        let model = file["tokenizer.ggml.model"]?.stringValue
        guard model == "gpt2" else {
            throw fail("tokenizer.ggml.model \(model.map { "\"\($0)\"" } ?? "missing") is not supported (gpt2: byte-level BPE)")
        }
        guard let rawTokens = file["tokenizer.ggml.tokens"]?.arrayValue, !rawTokens.isEmpty else {
            throw fail("tokenizer.ggml.tokens is missing or not an array")
        }
        let spelling = ByteAlphabet()
        var tokens: [String] = []
        var respelled: Set<Int> = []
        tokens.reserveCapacity(rawTokens.count)
        for (i, value) in rawTokens.enumerated() {
            guard let text = value.stringValue else { throw fail("tokenizer.ggml.tokens[\(i)] is not a string") }
            if spelling.isSpelled(text) {
                tokens.append(text)
            } else {
                tokens.append(spelling.spell(text))
                respelled.insert(i)
            }
        }
        self.tokens = tokens
        self.respelled = respelled
        let rawTypes = file["tokenizer.ggml.token_type"]?.arrayValue ?? []
        guard rawTypes.isEmpty || rawTypes.count == tokens.count else {
            throw fail("tokenizer.ggml.token_type has \(rawTypes.count) entries for \(tokens.count) tokens")
        }
        var types: [Int] = []
        for (i, value) in rawTypes.enumerated() {
            guard let t = value.intValue else { throw fail("tokenizer.ggml.token_type[\(i)] is not an integer") }
            types.append(t)
        }
        self.types = types
        var merges: [(String, String)] = []
        for (i, value) in (file["tokenizer.ggml.merges"]?.arrayValue ?? []).enumerated() {
            // transformers splits on " " and keeps the first two parts.
            guard let text = value.stringValue, let space = text.firstIndex(of: " ") else {
                throw fail("tokenizer.ggml.merges[\(i)] is not two tokens separated by a space")
            }
            let right = text[text.index(after: space)...]
            merges.append((String(text[..<space]), String(right.prefix { $0 != " " })))
        }
        self.merges = merges
        func id(_ key: String) throws(GGUFError) -> Int? {
            guard let value = file["tokenizer.ggml.\(key)"] else { return nil }
            guard let i = value.intValue, i >= 0, i < tokens.count else {
                throw fail("tokenizer.ggml.\(key) is not a token id below \(tokens.count)")
            }
            return i
        }
        bosId = try id("bos_token_id")
        eosId = try id("eos_token_id")
        padId = try id("padding_token_id")
        unkId = try id("unknown_token_id")
        addBos = file["tokenizer.ggml.add_bos_token"]?.boolValue ?? false
        addEos = file["tokenizer.ggml.add_eos_token"]?.boolValue ?? false
        chatTemplate = file["tokenizer.chat_template"]?.stringValue
        let pre = file["tokenizer.ggml.pre"]?.stringValue ?? "default"
        if GGUFPreTokenizers.unsupported.contains(pre) {
            throw fail("tokenizer.ggml.pre \"\(pre)\" needs a text split this importer does not write")
        }
        splitPattern = GGUFPreTokenizers.splitPattern(pre)
        if let arch = file["general.architecture"]?.stringValue {
            maxLength = file["\(arch).context_length"]?.intValue
        } else {
            maxLength = nil
        }
    }

    /// Tokens marked control become special added tokens, user-defined ones plain added tokens
    /// (so both stay whole). A control token the file spells outside the byte alphabet is a
    /// llama.cpp mislabel transformers skips, and so do we.
    var addedTokens: [(id: Int, content: String, special: Bool)] {
        var out: [(Int, String, Bool)] = []
        for (i, type) in types.enumerated() where !respelled.contains(i) {
            if type == TokenType.control.rawValue { out.append((i, tokens[i], true)) }
            if type == TokenType.userDefined.rawValue { out.append((i, tokens[i], false)) }
        }
        return out
    }

    func token(_ id: Int?) -> String? { id.map { tokens[$0] } }
}
