import JSON

/// The decoder's shape, with the field names and meaning of Hugging Face `LlamaConfig` and
/// `Qwen2Config` (transformers 5), so a `config.json` moves between `pref` and `transformers`.
public struct ModelConfig: Sendable, Equatable {
    public enum Architecture: String, Sendable {
        case llama
        case qwen2
        /// Llama's layers without biases, with an optional sliding attention window.
        case mistral

        var hfClassName: String {
            switch self {
            case .llama: "LlamaForCausalLM"
            case .qwen2: "Qwen2ForCausalLM"
            case .mistral: "MistralForCausalLM"
            }
        }
    }

    public var architecture: Architecture
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var maxPositionEmbeddings: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var tieWordEmbeddings: Bool
    /// Bias on q_proj, k_proj, v_proj (Qwen2 always; Llama with `attention_bias`).
    public var qkvBias: Bool
    /// Bias on o_proj (Llama with `attention_bias` only; Qwen2 never).
    public var outputBias: Bool
    public var initializerRange: Double
    public var bosTokenId: Int?
    public var eosTokenId: Int?
    /// Mistral's attention window: sequences up to this length attend fully, exactly as in
    /// transformers; longer ones are refused rather than computed differently.
    public var slidingWindow: Int?

    public init(
        architecture: Architecture = .llama, vocabSize: Int, hiddenSize: Int, intermediateSize: Int,
        numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int? = nil, headDim: Int? = nil,
        maxPositionEmbeddings: Int = 2048, rmsNormEps: Double = 1e-6, ropeTheta: Double = 10_000,
        tieWordEmbeddings: Bool = true, qkvBias: Bool? = nil, outputBias: Bool = false,
        initializerRange: Double = 0.02, bosTokenId: Int? = nil, eosTokenId: Int? = nil
    ) {
        self.architecture = architecture
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.headDim = headDim ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.tieWordEmbeddings = tieWordEmbeddings
        self.qkvBias = qkvBias ?? (architecture == .qwen2)
        self.outputBias = outputBias
        self.initializerRange = initializerRange
        self.bosTokenId = bosTokenId
        self.eosTokenId = eosTokenId
    }

    /// Width of the concatenated query heads.
    public var queryDim: Int { numAttentionHeads * headDim }
    /// Width of the concatenated key (or value) heads.
    public var keyValueDim: Int { numKeyValueHeads * headDim }

    /// Checks the shape is one this implementation computes exactly, and that its sizes
    /// cannot overflow when multiplied out.
    public func validate() throws(TrainError) {
        func positive(_ value: Int, _ name: String, max: Int = 1 << 20) throws(TrainError) {
            guard value > 0, value <= max else { throw .invalidConfig("\(name) must be in 1...\(max), got \(value)") }
        }
        try positive(vocabSize, "vocab_size", max: 1 << 22)
        try positive(hiddenSize, "hidden_size", max: 1 << 16)
        try positive(intermediateSize, "intermediate_size", max: 1 << 18)
        try positive(numHiddenLayers, "num_hidden_layers", max: 1024)
        try positive(numAttentionHeads, "num_attention_heads", max: 1024)
        try positive(numKeyValueHeads, "num_key_value_heads", max: 1024)
        try positive(headDim, "head_dim", max: 1024)
        try positive(maxPositionEmbeddings, "max_position_embeddings", max: 1 << 24)
        guard numAttentionHeads % numKeyValueHeads == 0 else {
            throw .invalidConfig("num_attention_heads (\(numAttentionHeads)) must be a multiple of num_key_value_heads (\(numKeyValueHeads))")
        }
        guard headDim % 2 == 0 else { throw .invalidConfig("head_dim must be even for rotary embeddings, got \(headDim)") }
        guard rmsNormEps > 0, rmsNormEps.isFinite else { throw .invalidConfig("rms_norm_eps must be positive, got \(rmsNormEps)") }
        guard ropeTheta > 1, ropeTheta.isFinite else { throw .invalidConfig("rope_theta must be > 1, got \(ropeTheta)") }
        let perLayer = 2 * hiddenSize + queryDim * hiddenSize * 2 + keyValueDim * hiddenSize * 2 + 3 * hiddenSize * intermediateSize
        let (total, overflow) = perLayer.multipliedReportingOverflow(by: numHiddenLayers)
        guard !overflow, total + 2 * vocabSize * hiddenSize < 1 << 34 else {
            throw .invalidConfig("model has too many parameters for this trainer")
        }
    }
}

// MARK: - config.json

extension ModelConfig {
    /// Reads a Hugging Face `config.json` of a Llama or Qwen2 model.
    public init(json: JSONValue) throws(TrainError) {
        guard let object = json.objectValue else { throw .invalidConfig("config.json must be a JSON object") }
        func int(_ key: String) throws(TrainError) -> Int? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let i = value.intValue else { throw .invalidConfig("\(key) must be an integer, got \(value.typeName)") }
            return i
        }
        func required(_ key: String) throws(TrainError) -> Int {
            guard let i = try int(key) else { throw .invalidConfig("missing required field \(key)") }
            return i
        }
        func bool(_ key: String) throws(TrainError) -> Bool? {
            guard let value = object[key], !value.isNull else { return nil }
            guard let b = value.boolValue else { throw .invalidConfig("\(key) must be true or false, got \(value.typeName)") }
            return b
        }
        func double(_ key: String, in obj: JSONObject) throws(TrainError) -> Double? {
            guard let value = obj[key], !value.isNull else { return nil }
            guard let d = value.doubleValue else { throw .invalidConfig("\(key) must be a number, got \(value.typeName)") }
            return d
        }
        /// HF allows a list of ids for bos/eos; the first is the one we use.
        func tokenId(_ key: String) throws(TrainError) -> Int? {
            guard let value = object[key], !value.isNull else { return nil }
            if let list = value.arrayValue {
                guard let first = list.first?.intValue else { throw .invalidConfig("\(key) must hold integers") }
                return first
            }
            guard let i = value.intValue else { throw .invalidConfig("\(key) must be an integer") }
            return i
        }

        let typeName = object["model_type"]?.stringValue ?? "llama"
        guard let architecture = Architecture(rawValue: typeName) else {
            throw .invalidConfig("model_type \"\(typeName)\" is not supported (llama, qwen2, mistral)")
        }
        if let act = object["hidden_act"], let name = act.stringValue, name != "silu" {
            throw .invalidConfig("hidden_act \"\(name)\" is not supported (silu)")
        }
        if try bool("mlp_bias") == true { throw .invalidConfig("mlp_bias true is not supported") }
        if architecture == .qwen2, try bool("use_sliding_window") == true {
            throw .invalidConfig("use_sliding_window true is not supported")
        }
        var theta = try double("rope_theta", in: object)
        for key in ["rope_parameters", "rope_scaling"] {
            guard let value = object[key], !value.isNull else { continue }
            guard let rope = value.objectValue else { throw .invalidConfig("\(key) must be an object") }
            let kind = rope["rope_type"]?.stringValue ?? rope["type"]?.stringValue ?? "default"
            guard kind == "default" else { throw .invalidConfig("\(key).rope_type \"\(kind)\" is not supported (default)") }
            if let t = try double("rope_theta", in: rope) { theta = t }
        }
        let heads = try required("num_attention_heads")
        let hidden = try required("hidden_size")
        let attentionBias = try bool("attention_bias") ?? false
        self.init(
            architecture: architecture,
            vocabSize: try required("vocab_size"),
            hiddenSize: hidden,
            intermediateSize: try required("intermediate_size"),
            numHiddenLayers: try required("num_hidden_layers"),
            numAttentionHeads: heads,
            numKeyValueHeads: try int("num_key_value_heads") ?? heads,
            headDim: try int("head_dim") ?? (heads > 0 ? hidden / heads : 0),
            maxPositionEmbeddings: try int("max_position_embeddings") ?? 2048,
            rmsNormEps: try double("rms_norm_eps", in: object) ?? 1e-6,
            ropeTheta: theta ?? 10_000,
            tieWordEmbeddings: try bool("tie_word_embeddings") ?? false,
            qkvBias: architecture == .qwen2 ? true : attentionBias,
            outputBias: architecture == .qwen2 ? false : attentionBias,
            initializerRange: try double("initializer_range", in: object) ?? 0.02,
            bosTokenId: try tokenId("bos_token_id"),
            eosTokenId: try tokenId("eos_token_id")
        )
        if architecture == .mistral { slidingWindow = try int("sliding_window") }
        if architecture == .llama, qkvBias != outputBias {
            throw .invalidConfig("Llama attention_bias covers q, k, v and o together")
        }
        try validate()
    }

    public init(jsonBytes: [UInt8]) throws(TrainError) {
        let value: JSONValue
        do { value = try JSONParser.parse(jsonBytes) } catch { throw .invalidConfig("config.json is not valid JSON: \(error)") }
        try self.init(json: value)
    }

    /// The config as `transformers` writes it, loadable by `AutoModelForCausalLM`.
    public var json: JSONValue {
        var o = JSONObject()
        o["architectures"] = .array([.string(architecture.hfClassName)])
        o["model_type"] = .string(architecture.rawValue)
        if architecture == .llama {
            o["attention_bias"] = .bool(qkvBias)
            o["mlp_bias"] = .bool(false)
        }
        o["attention_dropout"] = .double(0)
        o["bos_token_id"] = bosTokenId.map { .int(Int64($0)) } ?? .null
        o["eos_token_id"] = eosTokenId.map { .int(Int64($0)) } ?? .null
        o["head_dim"] = .int(Int64(headDim))
        o["hidden_act"] = .string("silu")
        o["hidden_size"] = .int(Int64(hiddenSize))
        o["initializer_range"] = .double(initializerRange)
        o["intermediate_size"] = .int(Int64(intermediateSize))
        o["max_position_embeddings"] = .int(Int64(maxPositionEmbeddings))
        o["num_attention_heads"] = .int(Int64(numAttentionHeads))
        o["num_hidden_layers"] = .int(Int64(numHiddenLayers))
        o["num_key_value_heads"] = .int(Int64(numKeyValueHeads))
        o["rms_norm_eps"] = .double(rmsNormEps)
        o["rope_parameters"] = .object(JSONObject([("rope_theta", .double(ropeTheta)), ("rope_type", .string("default"))]))
        o["rope_theta"] = .double(ropeTheta)
        if architecture == .qwen2 { o["use_sliding_window"] = .bool(false) }
        if architecture == .mistral { o["sliding_window"] = slidingWindow.map { .int(Int64($0)) } ?? .null }
        o["tie_word_embeddings"] = .bool(tieWordEmbeddings)
        o["torch_dtype"] = .string("float32")
        o["use_cache"] = .bool(true)
        o["vocab_size"] = .int(Int64(vocabSize))
        return .object(o)
    }

    /// `json` with one key per line, the way `config.json` files usually look.
    public var jsonText: String {
        guard case .object(let o) = json else { return "" }
        var lines: [String] = []
        for (key, value) in o.pairs {
            var out: [UInt8] = []
            JSONWriter.writeString(key, into: &out)
            lines.append("  " + String(decoding: out, as: UTF8.self) + ": " + JSONWriter.string(value))
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }
}
