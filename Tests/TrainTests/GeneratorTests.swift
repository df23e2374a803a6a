import Foundation
import Testing
@testable import Train

/// Generation on a model built by hand so that greedy decoding is a known function of the last
/// token: attention and MLP outputs are zeroed (o_proj = down_proj = 0), so the residual stream
/// is the one-hot embedding of the current token, and lm_head maps token t to `successor[t]`.
@Suite struct GeneratorTests {
    /// 0→1→2→3→1 cycles forever; 4→5→6→7 reaches the stop token 7; 7→0.
    static let successor: [Int] = [1, 2, 3, 1, 5, 6, 7, 0]

    static func chainModel(context: Int = 2048) throws -> LlamaModel {
        let v = successor.count
        let config = ModelConfig(vocabSize: v, hiddenSize: v, intermediateSize: 4, numHiddenLayers: 1, numAttentionHeads: 2,
                                 numKeyValueHeads: 2, headDim: 4, maxPositionEmbeddings: context, tieWordEmbeddings: false)
        let model = try LlamaModel(config: config, threads: 1)
        model.parameters.zero()
        func set(_ name: String, _ body: ([Int], UnsafeMutablePointer<Float>) -> Void) throws {
            let t = try #require(model.layout.tensor(named: name), "\(name)")
            body(t.shape, model.parameters.pointer + t.offset)
        }
        for norm in ["model.norm.weight", "model.layers.0.input_layernorm.weight", "model.layers.0.post_attention_layernorm.weight"] {
            try set(norm) { shape, p in p.update(repeating: 1, count: shape[0]) }
        }
        try set("model.embed_tokens.weight") { _, p in for t in 0..<v { p[t * v + t] = 1 } }          // [vocab, hidden]
        try set("lm_head.weight") { _, p in for t in 0..<v { p[successor[t] * v + t] = 1 } }          // [vocab, hidden]
        // The other projections stay 0; q/k/v/gate/up are irrelevant once o_proj and down_proj are 0,
        // but give them values so the test does not rely on all-zero attention.
        for name in ["q_proj", "k_proj", "v_proj"] {
            try set("model.layers.0.self_attn.\(name).weight") { shape, p in for i in 0..<(shape[0] * shape[1]) { p[i] = Float(i % 7) * 0.1 - 0.3 } }
        }
        return model
    }

    static func greedy(_ prompt: [Int32], max: Int, stop: Set<Int32> = [7]) -> GenerationOptions {
        var o = GenerationOptions()
        o.maxNewTokens = max
        o.stopIds = stop
        return o
    }

    @Test func greedyFollowsTheChainAndStopsAfterTheStopToken() throws {
        let model = try Self.chainModel()
        #expect(try Generator.generate(model: model, prompt: [4], options: Self.greedy([4], max: 10)) == [5, 6, 7])
        // Only the last token matters; the stop id is included in the output.
        #expect(try Generator.generate(model: model, prompt: [2, 0, 5], options: Self.greedy([], max: 10)) == [6, 7])
    }

    @Test func maxNewTokensBoundsAChainThatNeverStops() throws {
        let model = try Self.chainModel()
        #expect(try Generator.generate(model: model, prompt: [1], options: Self.greedy([], max: 5)) == [2, 3, 1, 2, 3])
        #expect(try Generator.generate(model: model, prompt: [4], options: Self.greedy([], max: 2)) == [5, 6])
        #expect(try Generator.generate(model: model, prompt: [4], options: Self.greedy([], max: 0)) == [])
        // Without a stop id the chain runs through 7 and on into the cycle.
        #expect(try Generator.generate(model: model, prompt: [4], options: Self.greedy([], max: 6, stop: [])) == [5, 6, 7, 0, 1, 2])
    }

    /// A stop id in the prompt does not end generation; any of several stop ids does.
    @Test func onlyGeneratedStopIdsStop() throws {
        let model = try Self.chainModel()
        #expect(try Generator.generate(model: model, prompt: [7], options: Self.greedy([], max: 3)) == [0, 1, 2])
        #expect(try Generator.generate(model: model, prompt: [7], options: Self.greedy([], max: 9, stop: [7, 3])) == [0, 1, 2, 3])
    }

    /// `run` says whether a stop id ended the answer or the token budget did.
    @Test func resultSaysWhyGenerationEnded() throws {
        let model = try Self.chainModel()
        let stopped = try Generator.run(model: model, prompt: [4], options: Self.greedy([], max: 10))
        #expect(stopped.tokens == [5, 6, 7] && stopped.stopped && stopped.promptTokens == 1)
        let ranOut = try Generator.run(model: model, prompt: [4], options: Self.greedy([], max: 2))
        #expect(ranOut.tokens == [5, 6] && !ranOut.stopped)
    }

    /// The sequence never outgrows max_position_embeddings (the KV cache is sized within it).
    @Test func theModelsContextBoundsGeneration() throws {
        let model = try Self.chainModel(context: 6)
        #expect(try Generator.generate(model: model, prompt: [0, 1], options: Self.greedy([], max: 10)) == [2, 3, 1, 2])
        #expect(throws: TrainError.self) { try Generator.generate(model: model, prompt: [0, 1, 2, 3, 1, 2], options: Self.greedy([], max: 1)) }
    }

    @Test func emptyPromptIsAnError() throws {
        #expect(throws: TrainError.self) { try Generator.generate(model: try Self.chainModel(), prompt: [], options: GenerationOptions()) }
    }

    /// Sampling with a nucleus so small it holds only the top token is greedy, for any seed.
    @Test func tinyTopPSamplingIsGreedy() throws {
        let model = try Self.chainModel()
        for seed: UInt64 in [0, 1, 99] {
            var o = Self.greedy([], max: 6)
            o.temperature = 1
            o.topP = 1e-6
            o.seed = seed
            #expect(try Generator.generate(model: model, prompt: [1], options: o) == [2, 3, 1, 2, 3, 1])
        }
    }

    /// `choose` on hand-made logits: greedy takes the first maximum (as torch.argmax does);
    /// sampling is reproducible from its seed and keeps to the nucleus.
    @Test func chooseOnHandMadeLogits() {
        var random = SeededRandom(seed: 1)
        #expect(Generator.choose([0, 3, 3, -1], options: GenerationOptions(), random: &random) == 1)
        var o = GenerationOptions()
        o.temperature = 1
        o.topP = 0.9
        // Probabilities ∝ e², e², e, e⁻⁹ = 0.422, 0.422, 0.155, 7e-6: the top two hold 0.845 of the
        // mass, so the nucleus for 0.9 adds token 2 and then holds 0.99999; token 3 is never drawn.
        let logits: [Float] = [2, 2, 1, -9]
        func draws(_ seed: UInt64) -> [Int] {
            var r = SeededRandom(seed: seed)
            return (0..<400).map { _ in Generator.choose(logits, options: o, random: &r) }
        }
        let a = draws(5)
        #expect(a == draws(5))
        #expect(Set(a) == [0, 1, 2])
        o.topP = 0.8  // now the top two suffice
        #expect(Set(draws(6)) == [0, 1])
    }
}
