import Foundation
import JSON

extension Tokenizer {
    /// Ids index dense tables, so a crafted file must not ask for billions of rows; real
    /// vocabularies stay far below this (the largest common ones have ~256k tokens).
    static let maxId = 1 << 24

    /// Loads a tokenizer.json. When a `tokenizer_config.json` sits next to it, its
    /// `bos_token` / `eos_token` / `pad_token` name the special tokens (else they are inferred).
    public convenience init(contentsOf url: URL) throws {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw TokenizerError("\(url.path): cannot read: \(error.localizedDescription)")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw TokenizerError("\(url.path): not valid JSON: \(error)")
        }
        let configURL = url.deletingLastPathComponent().appendingPathComponent("tokenizer_config.json")
        var config: JSONValue?
        if let data = try? Data(contentsOf: configURL) { config = try? JSONParser.parse(Array(data)) }
        do {
            try self.init(json: json, tokenizerConfig: config)
        } catch {
            throw TokenizerError("\(url.path): \(error.message)")
        }
    }

    /// Builds a tokenizer from a parsed tokenizer.json (and optionally the model's
    /// tokenizer_config.json, for the special token roles).
    public convenience init(json: JSONValue, tokenizerConfig: JSONValue? = nil) throws(TokenizerError) {
        try self.init(json: json, tokenizerConfig: tokenizerConfig, linearMergeLimit: 64)
    }

    convenience init(json: JSONValue, tokenizerConfig: JSONValue?, linearMergeLimit: Int) throws(TokenizerError) {
        guard json.objectValue != nil else { throw .invalid("tokenizer.json", "expected a JSON object") }
        guard let modelJSON = json["model"], modelJSON.objectValue != nil else {
            throw .invalid("model", "missing")
        }
        let modelType = modelJSON["type"]?.stringValue ?? "BPE"
        guard modelType == "BPE" || modelType == "Unigram" else {
            throw .unsupported("model.type", "model \"\(modelType)\"", supported: ["BPE", "Unigram"])
        }
        let normalizer = try Normalizer(json: json["normalizer"])
        let preTokenizer = try PreTokenizer(json: json["pre_tokenizer"])
        let postProcessor = try PostProcessor(json: json["post_processor"])
        let decoder = try TokenDecoder(json: json["decoder"])
        let lengthLimits = try LengthLimits(truncation: json["truncation"], padding: json["padding"])
        let addedTokens = try Self.parseAddedTokens(json["added_tokens"])
        var sections: [String: JSONValue] = [:]
        for key in TokenizerSerialization.sectionKeys { sections[key] = json[key] ?? .null }

        let model: TokenModel
        let tokens: [String?]
        let idOf: (String) -> UInt32?
        let serialization: TokenizerSerialization
        if modelType == "Unigram" {
            // ByteLevel would hand the model raw bytes where its pieces are in the byte alphabet.
            guard !preTokenizer.byteLevel else {
                throw .invalid("model.type", "a Unigram model with a ByteLevel pre-tokenizer is not supported")
            }
            let unigram = try UnigramModel(json: modelJSON)
            model = .unigram(unigram)
            tokens = unigram.pieces
            let ids = Dictionary(unigram.pieces.enumerated().map { ($1, UInt32($0)) }, uniquingKeysWith: { $1 })
            idOf = { ids[$0] }
            serialization = TokenizerSerialization(sections: sections, modelOptions: [], vocab: [], merges: [],
                                                   modelJSON: modelJSON)
        } else {
            let vocab = try VocabularyFile(model: modelJSON, byteLevel: preTokenizer.byteLevel)
            model = .bpe(try Self.bpeModel(modelJSON, vocab, byteLevel: preTokenizer.byteLevel, linearMergeLimit: linearMergeLimit))
            tokens = vocab.tokens
            idOf = vocab.id
            serialization = TokenizerSerialization(
                sections: sections, modelOptions: TokenizerSerialization.modelOptions(of: modelJSON),
                vocab: vocab.ordered, merges: vocab.orderedMerges)
        }
        let roles = try tokenizerConfig.map { config throws(TokenizerError) in
            try Self.specialTokens(fromConfig: config, idOf: idOf, addedTokens: addedTokens)
        }
        self.init(model: model, normalizer: normalizer, preTokenizer: preTokenizer, postProcessor: postProcessor,
                  decoder: decoder, lengthLimits: lengthLimits, addedTokens: addedTokens, tokens: tokens, specialTokens: roles,
                  serialization: serialization)
    }

    private static func bpeModel(_ modelJSON: JSONValue, _ vocab: VocabularyFile, byteLevel: Bool,
                                 linearMergeLimit: Int) throws(TokenizerError) -> BPEModel {
        if let dropout = modelJSON["dropout"], !dropout.isNull, dropout.doubleValue != 0 {
            throw .invalid("model.dropout", "BPE dropout makes encoding random; set it to null to use this tokenizer")
        }
        return BPEModel(
            vocab: ByteStringMap(vocab.unitEntries), merges: MergeTable(vocab.merges),
            unitsAreBytes: byteLevel, unkId: vocab.unkToken.flatMap(vocab.id),
            fuseUnk: modelJSON["fuse_unk"]?.boolValue ?? false,
            byteFallback: modelJSON["byte_fallback"]?.boolValue ?? false,
            ignoreMerges: modelJSON["ignore_merges"]?.boolValue ?? false,
            continuingSubwordPrefix: try vocab.unitBytes(modelJSON["continuing_subword_prefix"]?.stringValue,
                                                        path: "model.continuing_subword_prefix"),
            endOfWordSuffix: try vocab.unitBytes(modelJSON["end_of_word_suffix"]?.stringValue,
                                                path: "model.end_of_word_suffix"),
            linearMergeLimit: linearMergeLimit)
    }

    static func parseAddedTokens(_ json: JSONValue?) throws(TokenizerError) -> [AddedToken] {
        guard let json, !json.isNull else { return [] }
        guard let items = json.arrayValue else { throw .invalid("added_tokens", "expected an array") }
        var out: [AddedToken] = []
        for (i, item) in items.enumerated() {
            let path = "added_tokens[\(i)]"
            guard let id = item["id"]?.intValue, let id32 = UInt32(exactly: id) else {
                throw .invalid("\(path).id", "expected a token id")
            }
            guard id < Tokenizer.maxId else {
                throw .invalid("\(path).id", "\(id) is too large (ids must be below \(Tokenizer.maxId))")
            }
            guard let content = item["content"]?.stringValue else { throw .invalid("\(path).content", "expected a string") }
            let special = item["special"]?.boolValue ?? false
            out.append(AddedToken(id: id32, content: content,
                                  singleWord: item["single_word"]?.boolValue ?? false,
                                  lstrip: item["lstrip"]?.boolValue ?? false,
                                  rstrip: item["rstrip"]?.boolValue ?? false,
                                  normalized: item["normalized"]?.boolValue ?? !special,
                                  special: special))
        }
        return out
    }

    /// Roles from tokenizer_config.json: `"eos_token": "</s>"` or `{"content": "</s>", ...}`.
    static func specialTokens(fromConfig config: JSONValue, idOf: (String) -> UInt32?,
                              addedTokens: [AddedToken]) throws(TokenizerError) -> SpecialTokenIds {
        // An added token shadows a vocabulary token of the same content; the last one wins.
        func id(_ name: String) -> UInt32? { addedTokens.last { $0.content == name }?.id ?? idOf(name) }
        func role(_ key: String) throws(TokenizerError) -> UInt32? {
            guard let value = config[key], !value.isNull else { return nil }
            guard let name = value.stringValue ?? value["content"]?.stringValue else {
                throw .invalid("tokenizer_config.json: \(key)", "expected a string or {\"content\": ...}")
            }
            guard let id = id(name) else {
                throw .invalid("tokenizer_config.json: \(key)", "\"\(name)\" is not in the vocabulary")
            }
            return id
        }
        return SpecialTokenIds(bos: try role("bos_token"), eos: try role("eos_token"), pad: try role("pad_token"))
    }
}

/// `model.vocab` and `model.merges` of a BPE tokenizer.json, read once.
struct VocabularyFile {
    /// id → token string (nil for ids the file skips).
    var tokens: [String?] = []
    /// Token → id by the token's bytes, as HF compares tokens (a String dictionary would
    /// normalize every non-ASCII key when hashing, and equate canonically equivalent tokens).
    private(set) var byBytes = ByteStringMap([])
    /// (unit bytes, id) for every token the model can produce.
    var unitEntries: [([UInt8], UInt32)] = []
    /// (token, id) in id order, for saving.
    var ordered: [(String, UInt32)] = []
    /// (left, right, merged) ids in rank order, as given (duplicates included: the later wins).
    var merges: [(UInt32, UInt32, UInt32)] = []
    /// (left, right) token strings in rank order without superseded duplicates, for saving.
    var orderedMerges: [(String, String)] = []
    var unkToken: String?
    let byteLevel: Bool

    init(model: JSONValue, byteLevel: Bool) throws(TokenizerError) {
        self.byteLevel = byteLevel
        guard let vocab = model["vocab"]?.objectValue else { throw .invalid("model.vocab", "expected an object") }
        var maxId = -1
        ordered.reserveCapacity(vocab.count)
        var byteEntries: [([UInt8], UInt32)] = []
        byteEntries.reserveCapacity(vocab.count)
        for (token, value) in vocab.pairs {
            guard let id = value.intValue, let id32 = UInt32(exactly: id) else {
                throw .invalid("model.vocab[\(token.debugDescription)]", "expected a token id, got \(value.typeName)")
            }
            guard id < Tokenizer.maxId else {
                throw .invalid("model.vocab[\(token.debugDescription)]", "\(id) is too large (ids must be below \(Tokenizer.maxId))")
            }
            byteEntries.append((Array(token.utf8), id32))
            ordered.append((token, id32))
            maxId = max(maxId, id)
        }
        ordered.sort { $0.1 < $1.1 }
        tokens = [String?](repeating: nil, count: maxId + 1)
        unitEntries.reserveCapacity(ordered.count)
        for (token, id) in ordered {
            tokens[Int(id)] = token
            if let unit = byteLevel ? ByteLevel.bytes(ofToken: token) : Array(token.utf8) {
                unitEntries.append((unit, id))
            }
        }
        unkToken = model["unk_token"]?.stringValue
        byBytes = ByteStringMap(byteEntries)
        try readMerges(model["merges"], prefix: model["continuing_subword_prefix"]?.stringValue, byBytes)
    }

    /// The id of `token`, compared by bytes.
    func id(_ token: String) -> UInt32? {
        byBytes.get(Array(token.utf8))
    }

    /// The string a unit decoration (prefix/suffix) stands for, in the model's unit bytes.
    func unitBytes(_ text: String?, path: String) throws(TokenizerError) -> [UInt8]? {
        guard let text else { return nil }
        guard byteLevel else { return Array(text.utf8) }
        guard let bytes = ByteLevel.bytes(ofToken: text) else {
            throw .invalid(path, "\(text.debugDescription) has characters outside the byte-level alphabet")
        }
        return bytes
    }

    private mutating func readMerges(_ json: JSONValue?, prefix: String?, _ byBytes: ByteStringMap) throws(TokenizerError) {
        var key: [UInt8] = []
        func id(_ parts: Substring...) -> UInt32? {
            key.removeAll(keepingCapacity: true)
            for part in parts { key.append(contentsOf: part.utf8) }
            return byBytes.get(key)
        }
        guard let items = json?.arrayValue else { throw .invalid("model.merges", "expected an array") }
        var pairs: [(String, String)] = []
        pairs.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            if let line = item.stringValue {
                // Legacy "left right" form; HF skips "#version" lines and needs exactly one space.
                if line.hasPrefix("#version") { continue }
                // Split on the byte: as Characters, a space before a combining mark would not split.
                let parts = line.utf8.split(separator: 0x20, omittingEmptySubsequences: false)
                guard parts.count == 2 else {
                    throw .invalid("model.merges[\(i)]", "expected \"left right\" with one space, got \(line.debugDescription)")
                }
                pairs.append((String(Substring(parts[0])), String(Substring(parts[1]))))
            } else if let pair = item.arrayValue, pair.count == 2, let a = pair[0].stringValue, let b = pair[1].stringValue {
                pairs.append((a, b))
            } else {
                throw .invalid("model.merges[\(i)]", "expected [\"left\", \"right\"] or \"left right\"")
            }
        }
        if pairs.isEmpty && byBytes.count > 256 {
            // A large vocabulary with no merges is a reader bug waiting to happen (issue B3 in
            // STYLE_AND_ECOSYSTEM: pair-form merges silently skipped); say so.
            throw .invalid("model.merges", "no merges for a vocabulary of \(byBytes.count) tokens")
        }
        merges.reserveCapacity(pairs.count)
        var keys: [UInt64] = []
        keys.reserveCapacity(pairs.count)
        var lastRank: [UInt64: Int] = [:]
        for (rank, (a, b)) in pairs.enumerated() {
            guard let left = id(Substring(a)) else { throw .invalid("model.merges[\(rank)]", "\(a.debugDescription) is not in the vocabulary") }
            guard let right = id(Substring(b)) else { throw .invalid("model.merges[\(rank)]", "\(b.debugDescription) is not in the vocabulary") }
            var rightPart = Substring(b)
            if let prefix {
                guard rightPart.hasPrefix(prefix) else {
                    throw .invalid("model.merges[\(rank)]", "\(b.debugDescription) lacks the continuing_subword_prefix")
                }
                rightPart = rightPart.dropFirst(prefix.count)
            }
            guard let merged = id(Substring(a), rightPart) else {
                throw .invalid("model.merges[\(rank)]", "the merged token \((a + rightPart).debugDescription) is not in the vocabulary")
            }
            merges.append((left, right, merged))
            let key = UInt64(left) << 32 | UInt64(right)
            keys.append(key)
            lastRank[key] = rank
        }
        for (rank, pair) in pairs.enumerated() where lastRank[keys[rank]] == rank {
            orderedMerges.append(pair)
        }
    }
}
