import Foundation
import JSON
import Testing
@testable import Train

@Suite struct CheckpointTests {
    static func temporaryFolder() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("pref-train-\(UUID().uuidString)")
    }

    static func tinyConfig(tied: Bool = true, architecture: ModelConfig.Architecture = .llama) -> ModelConfig {
        ModelConfig(architecture: architecture, vocabSize: 40, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 2,
                    numAttentionHeads: 4, numKeyValueHeads: 2, headDim: 8, tieWordEmbeddings: tied)
    }

    @Test(arguments: [(true, ModelConfig.Architecture.llama), (false, .llama), (false, .qwen2)])
    func saveAndLoadRoundTripsEveryParameter(tied: Bool, architecture: ModelConfig.Architecture) throws {
        let root = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let model = try LlamaModel(config: Self.tinyConfig(tied: tied, architecture: architecture), threads: 2)
        model.initializeParameters(seed: 7)
        let folder = root.appendingPathComponent("model")
        try Checkpoint.save(model: model, to: folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["config.json", "model.safetensors"])
        let file = try SafetensorsFile(contentsOf: folder.appendingPathComponent("model.safetensors"))
        #expect((file.entry("lm_head.weight") != nil) == !tied)
        let loaded = try Checkpoint.loadModel(from: folder, threads: 1)
        #expect(loaded.config == model.config)
        #expect(loaded.parameters.array.map(\.bitPattern) == model.parameters.array.map(\.bitPattern))
        // Nothing temporary is left beside the folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["model"])
    }

    @Test func savingOverAnExistingFolderReplacesIt() throws {
        let root = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("ckpt")
        let model = try LlamaModel(config: Self.tinyConfig(), threads: 1)
        model.initializeParameters(seed: 1)
        try Checkpoint.save(model: model, to: folder)
        try Data("stale".utf8).write(to: folder.appendingPathComponent("stale.txt"))
        model.initializeParameters(seed: 2)
        try Checkpoint.save(model: model, to: folder)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("stale.txt").path))
        let loaded = try Checkpoint.loadModel(from: folder, threads: 1)
        #expect(loaded.parameters.array == model.parameters.array)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == ["ckpt"])
    }

    /// HF's sharded layout: model.safetensors.index.json maps each tensor to its file.
    @Test func loadsShardedWeightsThroughTheIndex() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try LlamaModel(config: Self.tinyConfig(tied: false), threads: 1)
        model.initializeParameters(seed: 5)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data(model.config.jsonText.utf8).write(to: folder.appendingPathComponent("config.json"))
        let tensors = model.layout.tensors
        var weightMap: [String] = []
        for (shard, part) in [tensors.prefix(tensors.count / 2), tensors.suffix(from: tensors.count / 2)].enumerated() {
            let name = "model-0000\(shard + 1)-of-00002.safetensors"
            try SafetensorsWriter.write(part.map {
                .init(name: $0.name, shape: $0.shape, data: UnsafeBufferPointer(start: model.parameters.pointer + $0.offset, count: $0.count))
            }, to: folder.appendingPathComponent(name))
            weightMap += part.map { "\"\($0.name)\": \"\(name)\"" }
        }
        try Data(("{\"metadata\": {}, \"weight_map\": {" + weightMap.joined(separator: ", ") + "}}").utf8)
            .write(to: folder.appendingPathComponent("model.safetensors.index.json"))
        let loaded = try Checkpoint.loadModel(from: folder, threads: 1)
        #expect(loaded.parameters.array == model.parameters.array)
        // The identity DPO ties its reference log-probs to covers the shards that were loaded:
        // it exists for a sharded folder and changes when a shard's bytes change.
        let identity = try RunLocator.identity(of: folder)
        let shard = folder.appendingPathComponent("model-00002-of-00002.safetensors")
        var bytes = try Data(contentsOf: shard)
        bytes[bytes.count - 1] ^= 0x01
        try bytes.write(to: shard)
        #expect(try RunLocator.identity(of: folder) != identity)
    }

    @Test func missingOrMisshapenTensorsAreNamed() throws {
        let root = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let model = try LlamaModel(config: Self.tinyConfig(tied: false), threads: 1)
        let folder = root.appendingPathComponent("m")
        try Checkpoint.save(model: model, to: folder)
        // The same weights under a config that expects a wider MLP.
        var wider = Self.tinyConfig(tied: false)
        wider.intermediateSize = 32
        try Data(wider.jsonText.utf8).write(to: folder.appendingPathComponent("config.json"))
        #expect { try Checkpoint.loadModel(from: folder, threads: 1) } throws: { error in
            "\(error)".contains("mlp.gate_proj.weight") && "\(error)".contains("shape")
        }
        // A tied config reading an untied file is fine (lm_head is ignored); the reverse is not.
        let tiedFolder = root.appendingPathComponent("t")
        try Checkpoint.save(model: try LlamaModel(config: Self.tinyConfig(tied: true), threads: 1), to: tiedFolder)
        try Data(Self.tinyConfig(tied: false).jsonText.utf8).write(to: tiedFolder.appendingPathComponent("config.json"))
        #expect { try Checkpoint.loadModel(from: tiedFolder, threads: 1) } throws: { "\($0)".contains("lm_head.weight") }
    }

    /// Our config.json reads back to the same config, and HF's own output (from the golden
    /// script, written by transformers) reads as expected.
    @Test func configJSONRoundTripsAndReadsTransformersOutput() throws {
        for config in [Self.tinyConfig(tied: true), Self.tinyConfig(tied: false, architecture: .qwen2)] {
            #expect(try ModelConfig(jsonBytes: Array(config.jsonText.utf8)) == config)
        }
        let qwen = try ModelConfig(json: try Fixtures.json("fixtures/model/qwen2_bias.json")["config"]!)
        #expect(qwen.architecture == .qwen2 && qwen.qkvBias && !qwen.outputBias && qwen.ropeTheta == 1_000_000)
        #expect(qwen.headDim == 4 && qwen.numKeyValueHeads == 2 && !qwen.tieWordEmbeddings)
        #expect(throws: TrainError.self) { try ModelConfig(jsonBytes: Array(#"{"model_type":"gpt2"}"#.utf8)) }
        #expect(throws: TrainError.self) {
            try ModelConfig(jsonBytes: Array(#"{"vocab_size":8,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":3,"num_key_value_heads":2}"#.utf8))
        }
        #expect(throws: TrainError.self) {
            try ModelConfig(jsonBytes: Array(#"{"vocab_size":8,"hidden_size":8,"intermediate_size":8,"num_hidden_layers":1,"num_attention_heads":2,"rope_scaling":{"rope_type":"yarn","factor":4}}"#.utf8))
        }
    }
}

/// Checkpoints written by `pref train` (fixtures/model/pref-checkpoints/<name>) were loaded by
/// transformers' AutoModelForCausalLM in scripts/model-golden.py --pref-checkpoint, which
/// reported no missing or unexpected weights and saved its logits. Our logits must match
/// them, and today's writer must still produce those exact bytes.
@Suite struct TransformersInteropTests {
    @Test(arguments: ["llama", "qwen2"])
    func checkpointWrittenByPrefGivesTransformersLogits(name: String) throws {
        let folder = Fixtures.url("fixtures/model/pref-checkpoints/\(name)")
        let model = try Checkpoint.loadModel(from: folder, threads: 2)
        let batchJSON = try Fixtures.json("fixtures/model/pref-checkpoints/batch.json")
        let rows = batchJSON["rows"]!.intValue!, length = batchJSON["length"]!.intValue!
        let inputs = batchJSON["inputs"]!.int32s
        let batch = try TokenBatch(rows: rows, length: length, inputs: inputs, targets: inputs,
                                   lossWeights: [Float](repeating: 0, count: inputs.count))
        let hf = try Fixtures.safetensors("fixtures/model/pref-checkpoints/\(name)-hf-logits.safetensors")
        #expect(hf.entry("logits")?.shape == [rows, length, model.config.vocabSize])
        expectClose(try model.logits(batch), try hf.floats("logits"), relative: 1e-4, "\(name) logits vs transformers")

        let resaved = CheckpointTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: resaved) }
        try Checkpoint.save(model: model, to: resaved)
        for file in ["config.json", "model.safetensors"] {
            let committed = try Data(contentsOf: folder.appendingPathComponent(file))
            #expect(try Data(contentsOf: resaved.appendingPathComponent(file)) == committed, "\(file) bytes changed")
        }
    }
}
