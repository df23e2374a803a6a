import Core
import Foundation
import JSON

/// Turns a GGUF file into a Hugging Face model folder that `Checkpoint.loadModel` (and
/// `transformers`) load: config.json, model.safetensors (Float32, HF names, no lm_head when
/// tied), tokenizer.json, tokenizer_config.json, chat_template.jinja, generation_config.json.
public enum GGUFImport {
    public struct Summary: Sendable {
        public let source: String
        public let destination: String
        public let architecture: String
        public let config: ModelConfig
        public let parameterCount: Int
        /// Number of imported tensors per ggml type, e.g. ["Q4_1": 210, "Q8_0": 1, "F32": 61].
        public let tensorTypes: [String: Int]
        public let vocabularySize: Int
        public let seconds: Double

        public var text: String {
            let types = tensorTypes.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            return """
            imported \(source)
              → \(destination)
              architecture  \(architecture), \(config.numHiddenLayers) layers, hidden \(config.hiddenSize), \
            \(config.numAttentionHeads) heads / \(config.numKeyValueHeads) kv heads\(config.tieWordEmbeddings ? ", tied embeddings" : "")
              parameters    \(parameterCount.formatted()) (Float32)
              tensor types  \(types)
              vocabulary    \(vocabularySize) tokens
              time          \(String(format: "%.1f", seconds)) s
            """
        }

        public var json: JSONValue {
            .object(JSONObject([
                ("source", .string(source)), ("destination", .string(destination)),
                ("architecture", .string(architecture)), ("layers", .int(Int64(config.numHiddenLayers))),
                ("parameters", .int(Int64(parameterCount))),
                ("tensor_types", .object(JSONObject(tensorTypes.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))),
                ("vocab_size", .int(Int64(vocabularySize))), ("seconds", .double(seconds)),
            ]))
        }
    }

    /// Reads `file` and writes the model folder `folder` atomically (a temporary sibling folder
    /// renamed into place; an existing folder is replaced only once the new one is complete).
    /// Progress: phase "dequantize" counts tensors; "write" notes each file.
    public static func importModel(from file: URL, to folder: URL,
                                   progress: ProgressHandler? = nil) throws(TrainError) -> Summary {
        let started = Date()
        let gguf: GGUFFile
        let config: ModelConfig
        let tokenizer: GGUFTokenizer
        let data: Data
        do { data = try Data(contentsOf: file, options: .alwaysMapped) } catch {
            throw .io("\(file.path): cannot read: \(error.localizedDescription)")
        }
        do {
            gguf = try GGUFFile(data: data, path: file.path)
            config = try GGUFModelConfig.make(from: gguf)
            tokenizer = try GGUFTokenizer(file: gguf)
        } catch { throw .invalidCheckpoint(error.description) }

        let layout = ParameterLayout(config: config)
        // Every tensor is matched to the layout before anything is allocated, so the buffer's
        // size is what the file's own tensors hold, not what its metadata claims.
        let plan = try GGUFTensorPlan(gguf, config: config, layout: layout)
        let parameters = FloatBuffer(count: layout.totalCount)
        try plan.load(into: parameters, progress: progress)

        try Checkpoint.writeAtomically(folder) { (temporary) throws(TrainError) in
            func write(_ name: String, _ bytes: [UInt8]) throws(TrainError) {
                progress?(.note("write", name))
                try Checkpoint.write(bytes, to: temporary.appendingPathComponent(name))
            }
            try write(Checkpoint.configFile, Array(config.jsonText.utf8))
            progress?(.note("write", Checkpoint.weightsFile))
            let tensors = layout.tensors.map { t in
                SafetensorsWriter.Tensor(name: t.name, shape: t.shape,
                                         data: UnsafeBufferPointer(start: parameters.pointer + t.offset, count: t.count))
            }
            try SafetensorsWriter.write(tensors, to: temporary.appendingPathComponent(Checkpoint.weightsFile))
            try write(Checkpoint.tokenizerFile, tokenizer.tokenizerJSON())
            try write("tokenizer_config.json", tokenizer.tokenizerConfigJSON())
            if let template = tokenizer.chatTemplate { try write("chat_template.jinja", Array(template.utf8)) }
            try write("generation_config.json", generationConfig(config, tokenizer: tokenizer))
        }
        return Summary(source: file.path, destination: folder.path, architecture: config.architecture.rawValue, config: config,
                       parameterCount: layout.totalCount, tensorTypes: plan.typeCounts, vocabularySize: tokenizer.tokens.count,
                       seconds: Date().timeIntervalSince(started))
    }

    /// What `transformers` derives from the model config for generation.
    static func generationConfig(_ config: ModelConfig, tokenizer: GGUFTokenizer) -> [UInt8] {
        var o = JSONObject()
        o["_from_model_config"] = .bool(true)
        if let bos = config.bosTokenId { o["bos_token_id"] = .int(Int64(bos)) }
        if let eos = config.eosTokenId { o["eos_token_id"] = .int(Int64(eos)) }
        if let pad = tokenizer.padId { o["pad_token_id"] = .int(Int64(pad)) }
        return Array((JSONWriter.string(.object(o)) + "\n").utf8)
    }
}
