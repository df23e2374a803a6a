import Core

/// Which GGUF tensor fills which parameter: every file tensor must map to a Hugging Face name
/// of the layout, with the same shape and a type we can convert, and every parameter must be
/// covered. Checked in full before any parameter memory is allocated.
struct GGUFTensorPlan {
    let gguf: GGUFFile
    let config: ModelConfig
    let pairs: [(source: GGUFFile.TensorInfo, target: ParameterTensor)]

    init(_ gguf: GGUFFile, config: ModelConfig, layout: ParameterLayout) throws(TrainError) {
        self.gguf = gguf
        self.config = config
        var wanted = Dictionary(uniqueKeysWithValues: layout.tensors.map { ($0.name, $0) })
        var pairs: [(GGUFFile.TensorInfo, ParameterTensor)] = []
        for info in gguf.tensors {
            func fail(_ message: String) -> TrainError {
                .invalidCheckpoint(GGUFError(path: gguf.path, offset: info.infoOffset, message: message).description)
            }
            guard let name = GGUFTensorNames.huggingFaceName(info.name) else {
                throw fail("tensor \(info.name) has no Hugging Face \(config.architecture.rawValue) counterpart")
            }
            guard let target = wanted.removeValue(forKey: name) else {
                throw fail("tensor \(info.name) (\(name)) is not part of this \(config.architecture.rawValue) config")
            }
            guard info.shape == target.shape else {
                throw fail("tensor \(info.name) has shape \(info.shape), the config implies \(target.shape)")
            }
            guard GGMLType.dequantizable.contains(info.type) else {
                throw fail("tensor \(info.name) has type \(info.type), which cannot be converted to Float32")
            }
            pairs.append((info, target))
        }
        if let missing = wanted.keys.sorted().first {
            throw .invalidCheckpoint("\(gguf.path): missing tensor for \(missing)\(wanted.count > 1 ? " and \(wanted.count - 1) more" : "")")
        }
        self.pairs = pairs
    }

    /// Number of tensors per ggml type name.
    var typeCounts: [String: Int] { pairs.reduce(into: [:]) { $0[$1.source.type.name, default: 0] += 1 } }

    /// Dequantizes each tensor into its place in `parameters` (laid out by the same layout),
    /// undoing llama.cpp's rotary row order where it applies.
    func load(into parameters: FloatBuffer, progress: ProgressHandler?) throws(TrainError) {
        for (index, (info, target)) in pairs.enumerated() {
            progress?(ProgressEvent(phase: "dequantize", done: index, total: pairs.count, unit: .items))
            let destination = parameters.pointer + target.offset
            do { try gguf.dequantize(info, into: destination) } catch { throw .invalidCheckpoint(error.description) }
            if GGUFTensorNames.isRotaryPermuted(target.name, architecture: config.architecture) {
                let heads = target.name.contains(".q_proj.") ? config.numAttentionHeads : config.numKeyValueHeads
                let columns = target.shape.count == 2 ? target.shape[1] : 1
                GGUFTensorNames.unpermuteRotaryRows(destination, rows: target.shape[0], columns: columns, heads: heads)
            }
        }
        progress?(ProgressEvent(phase: "dequantize", done: pairs.count, total: pairs.count, unit: .items))
    }
}
