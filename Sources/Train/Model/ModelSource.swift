import Foundation

/// Resolves `--model`: a preset name (`tiny`, `small`), a `config.json` file (fresh weights),
/// or a Hugging Face model folder (its weights).
public enum ModelSource {
    public static func load(_ spec: String, vocabSize: Int, threads: Int, seed: UInt64) throws(TrainError) -> LlamaModel {
        if let config = ModelConfig.preset(spec, vocabSize: vocabSize) {
            let model = try LlamaModel(config: config, threads: threads)
            model.initializeParameters(seed: seed)
            return model
        }
        let url = URL(fileURLWithPath: spec)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw .invalidOption("--model \(spec): not a preset (\(ModelConfig.presetNames.joined(separator: ", "))), file or folder")
        }
        if isDirectory.boolValue { return try Checkpoint.loadModel(from: url, threads: threads) }
        let bytes: [UInt8]
        do { bytes = try [UInt8](Data(contentsOf: url)) } catch { throw .io("\(url.path): cannot read: \(error.localizedDescription)") }
        let config: ModelConfig
        do { config = try ModelConfig(jsonBytes: bytes) } catch { throw .invalidConfig("\(url.path): \(error)") }
        let model = try LlamaModel(config: config, threads: threads)
        model.initializeParameters(seed: seed)
        return model
    }
}
