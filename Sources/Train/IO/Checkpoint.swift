import Foundation
import JSON

/// Hugging Face-style model folders: `config.json`, `model.safetensors` (HF tensor names, no
/// `lm_head.weight` when tied), optionally `tokenizer.json`, and for training checkpoints
/// `optimizer.safetensors` (`<name>.exp_avg`, `<name>.exp_avg_sq`) plus `trainer_state.json`.
public enum Checkpoint {
    public static let configFile = "config.json"
    public static let weightsFile = "model.safetensors"
    public static let weightsIndexFile = "model.safetensors.index.json"
    public static let optimizerFile = "optimizer.safetensors"
    public static let stateFile = "trainer_state.json"
    public static let tokenizerFile = "tokenizer.json"
    /// Copied with the tokenizer when they sit beside it, so the folder carries its chat template.
    public static let tokenizerCompanions = ["tokenizer_config.json", "chat_template.jinja"]

    /// Writes the folder atomically: everything goes into a sibling temporary folder, which is
    /// fsynced and renamed into place, so a killed run leaves either the old folder or the new
    /// one, never a half-written one.
    public static func save(model: LlamaModel, optimizer: AdamW? = nil, state: TrainerState? = nil,
                            tokenizer: URL? = nil, to folder: URL) throws(TrainError) {
        try writeAtomically(folder) { (temporary) throws(TrainError) in
            try write(Array(model.config.jsonText.utf8), to: temporary.appendingPathComponent(configFile))
            try writeWeights(model, to: temporary.appendingPathComponent(weightsFile))
            if let optimizer { try writeOptimizer(optimizer, to: temporary.appendingPathComponent(optimizerFile)) }
            if let state { try write(Array(state.jsonText.utf8), to: temporary.appendingPathComponent(stateFile)) }
            if let tokenizer {
                let companions = tokenizerCompanions.map { tokenizer.deletingLastPathComponent().appendingPathComponent($0) }
                for (source, name) in zip([tokenizer] + companions, [tokenizerFile] + tokenizerCompanions)
                where source == tokenizer || FileManager.default.fileExists(atPath: source.path) {
                    do { try FileManager.default.copyItem(at: source, to: temporary.appendingPathComponent(name)) } catch {
                        throw TrainError.io("\(source.path): cannot copy: \(error.localizedDescription)")
                    }
                }
            }
        }
    }

    /// Writes the model files (config, weights, tokenizer) into an existing folder that holds
    /// other things too (a run folder with metrics and checkpoints). Each file appears
    /// atomically: all are written to a temporary sibling folder first, then renamed in.
    public static func saveModelFiles(model: LlamaModel, tokenizer: URL? = nil, into folder: URL) throws(TrainError) {
        let staging = folder.appendingPathComponent(".model-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        try save(model: model, tokenizer: tokenizer, to: staging)
        // The config goes last: a folder with a config.json always has its weights.
        for name in [weightsFile, tokenizerFile] + tokenizerCompanions + [configFile] {
            let source = staging.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            guard rename(source.path, folder.appendingPathComponent(name).path) == 0 else {
                throw .io("\(folder.path): cannot move \(name) into place")
            }
        }
        try syncDirectory(folder)
    }

    static func writeWeights(_ model: LlamaModel, to url: URL) throws(TrainError) {
        let tensors = model.layout.tensors.map { t in
            SafetensorsWriter.Tensor(name: t.name, shape: t.shape,
                                     data: UnsafeBufferPointer(start: model.parameters.pointer + t.offset, count: t.count))
        }
        try SafetensorsWriter.write(tensors, to: url)
    }

    static func writeOptimizer(_ optimizer: AdamW, to url: URL) throws(TrainError) {
        var tensors: [SafetensorsWriter.Tensor] = []
        for t in optimizer.layout.tensors {
            tensors.append(.init(name: t.name + ".exp_avg", shape: t.shape,
                                 data: UnsafeBufferPointer(start: optimizer.firstMoment.pointer + t.offset, count: t.count)))
            tensors.append(.init(name: t.name + ".exp_avg_sq", shape: t.shape,
                                 data: UnsafeBufferPointer(start: optimizer.secondMoment.pointer + t.offset, count: t.count)))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt", "step": String(optimizer.step)], to: url)
    }

    // MARK: Loading

    /// Reads `config.json` of an HF model folder.
    public static func loadConfig(from folder: URL) throws(TrainError) -> ModelConfig {
        let url = folder.appendingPathComponent(configFile)
        let bytes: [UInt8]
        do { bytes = try [UInt8](Data(contentsOf: url)) } catch { throw .io("\(url.path): cannot read: \(error.localizedDescription)") }
        do { return try ModelConfig(jsonBytes: bytes) } catch { throw .invalidConfig("\(url.path): \(error)") }
    }

    /// Loads an HF model folder of the Llama/Qwen2 architecture (single or sharded
    /// safetensors; F32, BF16 or F16 weights converted to F32).
    public static func loadModel(from folder: URL, threads: Int) throws(TrainError) -> LlamaModel {
        let model = try LlamaModel(config: try loadConfig(from: folder), threads: threads)
        try loadWeights(into: model, from: folder)
        return model
    }

    public static func loadWeights(into model: LlamaModel, from folder: URL) throws(TrainError) {
        var remaining = Dictionary(uniqueKeysWithValues: model.layout.tensors.map { ($0.name, $0) })
        for url in try weightFiles(in: folder) {
            let file = try SafetensorsFile(contentsOf: url)
            for entry in file.entries {
                guard let tensor = remaining.removeValue(forKey: entry.name) else {
                    if isIgnorable(entry.name, config: model.config) { continue }
                    if model.layout.tensor(named: entry.name) != nil {
                        throw .invalidCheckpoint("\(url.path): tensor \(entry.name) appears twice")
                    }
                    throw .invalidCheckpoint("\(url.path): unexpected tensor \(entry.name) for this \(model.config.architecture.rawValue) config")
                }
                guard entry.shape == tensor.shape else {
                    throw .invalidCheckpoint("\(url.path): tensor \(entry.name) has shape \(entry.shape), config implies \(tensor.shape)")
                }
                try file.copyFloats(entry, into: model.parameters.pointer + tensor.offset)
            }
        }
        if let missing = remaining.keys.sorted().first {
            throw .invalidCheckpoint("\(folder.path): missing tensor \(missing)\(remaining.count > 1 ? " and \(remaining.count - 1) more" : "")")
        }
    }

    /// A tied model's folder may still carry `lm_head.weight`; old checkpoints carry RoPE buffers.
    private static func isIgnorable(_ name: String, config: ModelConfig) -> Bool {
        (config.tieWordEmbeddings && name == "lm_head.weight") || name.hasSuffix("rotary_emb.inv_freq")
    }

    static func weightFiles(in folder: URL) throws(TrainError) -> [URL] {
        let single = folder.appendingPathComponent(weightsFile)
        if FileManager.default.fileExists(atPath: single.path) { return [single] }
        let indexURL = folder.appendingPathComponent(weightsIndexFile)
        guard let bytes = try? [UInt8](Data(contentsOf: indexURL)) else {
            throw .invalidCheckpoint("\(folder.path): neither \(weightsFile) nor \(weightsIndexFile) found")
        }
        guard let index = try? JSONParser.parse(bytes), let map = index["weight_map"]?.objectValue else {
            throw .invalidCheckpoint("\(indexURL.path): no weight_map object")
        }
        var files: [String] = []
        for (_, value) in map.pairs {
            guard let name = value.stringValue, !name.contains("/"), !name.hasPrefix(".") else {
                throw .invalidCheckpoint("\(indexURL.path): weight_map holds an invalid file name")
            }
            if !files.contains(name) { files.append(name) }
        }
        return files.map { folder.appendingPathComponent($0) }
    }

    /// Restores AdamW moments and step from a training checkpoint.
    public static func loadOptimizer(_ optimizer: AdamW, from folder: URL) throws(TrainError) {
        let url = folder.appendingPathComponent(optimizerFile)
        let file = try SafetensorsFile(contentsOf: url)
        for t in optimizer.layout.tensors {
            for (suffix, buffer) in [(".exp_avg", optimizer.firstMoment), (".exp_avg_sq", optimizer.secondMoment)] {
                guard let entry = file.entry(t.name + suffix), entry.shape == t.shape, entry.dtype == .f32 else {
                    throw .invalidCheckpoint("\(url.path): missing or misshapen \(t.name + suffix)")
                }
                try file.copyFloats(entry, into: buffer.pointer + t.offset)
            }
        }
        guard let stepText = file.metadata["step"], let step = Int(stepText), step >= 0 else {
            throw .invalidCheckpoint("\(url.path): __metadata__.step missing")
        }
        optimizer.restore(step: step)
    }

    public static func loadState(from folder: URL) throws(TrainError) -> TrainerState {
        let url = folder.appendingPathComponent(stateFile)
        guard let bytes = try? [UInt8](Data(contentsOf: url)) else { throw .io("\(url.path): cannot read") }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw .invalidCheckpoint("\(url.path): \(error)") }
        return try TrainerState(json: value, path: url.path)
    }

    // MARK: File system

    /// Has `fill` write the folder's files into a sibling temporary folder, which is then
    /// fsynced and renamed into place (replacing `folder`); on failure it is removed.
    static func writeAtomically(_ folder: URL, _ fill: (URL) throws(TrainError) -> Void) throws(TrainError) {
        let fm = FileManager.default
        let parent = folder.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(folder.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch { throw .io("\(temporary.path): cannot create folder: \(error.localizedDescription)") }
        do throws(TrainError) {
            try fill(temporary)
            try syncDirectory(temporary)
            try replace(folder, with: temporary)
            try syncDirectory(parent)
        } catch {
            try? fm.removeItem(at: temporary)
            throw error
        }
    }

    static func write(_ bytes: [UInt8], to url: URL) throws(TrainError) {
        do { try Data(bytes).write(to: url) } catch { throw .io("\(url.path): write failed: \(error.localizedDescription)") }
    }

    private static func syncDirectory(_ url: URL) throws(TrainError) {
        let fd = open(url.path, O_RDONLY)
        guard fd >= 0 else { throw .io("\(url.path): cannot open folder to sync") }
        defer { close(fd) }
        _ = fsync(fd)
    }

    private static func replace(_ folder: URL, with temporary: URL) throws(TrainError) {
        let fm = FileManager.default
        var old: URL?
        if fm.fileExists(atPath: folder.path) {
            let aside = folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).old-\(UUID().uuidString)")
            guard rename(folder.path, aside.path) == 0 else { throw .io("\(folder.path): cannot move the old checkpoint aside") }
            old = aside
        }
        guard rename(temporary.path, folder.path) == 0 else {
            if let old { _ = rename(old.path, folder.path) }
            throw .io("\(folder.path): cannot rename the new checkpoint into place")
        }
        if let old { try? fm.removeItem(at: old) }
    }
}
