import Foundation
import JSON
import Testing
@testable import Train

/// The cached inference path (prefill, then one token at a time) against the full-sequence
/// forward pass on the committed pref checkpoints: llama (GQA 4/2 heads, tied embeddings) and
/// qwen2 (GQA, q/k/v biases, untied head, θ = 1e6). Both compute the same sums in nearly the same
/// order, so the logits agree to Float32 rounding; 1e-4 relative (each value against its own
/// magnitude, floored at 1% of the row's largest) leaves room for sgemm's blocking and nothing
/// for a wrong position or a dropped cache row, which move logits by 1e-2 and more.
@Suite struct KVCacheTests {
    static let tolerance = 1e-4

    /// A sequence of `length` real token ids from the checkpoints' batch (its rows laid end to end, repeated).
    static func sequence(_ length: Int) throws -> [Int32] {
        let ids = try Fixtures.json("fixtures/model/pref-checkpoints/batch.json")["inputs"]!.int32s
        return (0..<length).map { ids[$0 % ids.count] }
    }

    static func model(_ name: String) throws -> LlamaModel {
        try Checkpoint.loadModel(from: Fixtures.url("fixtures/model/pref-checkpoints/\(name)"), threads: 2)
    }

    /// Logits of every position from one full forward pass, [length][vocab].
    static func fullLogits(_ model: LlamaModel, _ ids: [Int32]) throws -> [[Float]] {
        let batch = try TokenBatch(rows: 1, length: ids.count, inputs: ids, targets: ids,
                                   lossWeights: [Float](repeating: 0, count: ids.count))
        let all = try model.logits(batch), v = model.config.vocabSize
        return (0..<ids.count).map { Array(all[($0 * v)..<(($0 + 1) * v)]) }
    }

    /// Prefill 37 tokens, a second chunk of 33 (past > 0 with many rows, crossing the
    /// attention's 64-row block), then 30 single tokens: every step's logits against the full pass.
    @Test(arguments: ["llama", "qwen2"])
    func everyDecodeStepMatchesTheFullForward(_ name: String) throws {
        let model = try Self.model(name)
        let ids = try Self.sequence(100)
        let expected = try Self.fullLogits(model, ids)
        let cache = try model.makeKVCache(capacity: ids.count)
        expectClose(try model.extend(cache, with: Array(ids[0..<37])), expected[36], relative: Self.tolerance, "\(name) prefill, position 36")
        expectClose(try model.extend(cache, with: Array(ids[37..<70])), expected[69], relative: Self.tolerance, "\(name) chunk, position 69")
        var worst = 0.0
        for t in 70..<ids.count {
            worst = max(worst, expectClose(try model.extend(cache, with: [ids[t]]), expected[t], relative: Self.tolerance,
                                           "\(name) decode, position \(t)"))
        }
        #expect(cache.count == ids.count)
        print("KV cache \(name): worst relative logit error over 30 decode steps \(worst)")
    }

    /// A prompt longer than one prefill chunk runs in pieces; the cache then decodes on.
    @Test func longPromptIsPrefilledInChunks() throws {
        let model = try Self.model("qwen2")
        let ids = try Self.sequence(LlamaModel.prefillChunk + 44)
        let expected = try Self.fullLogits(model, ids)
        let cache = try model.makeKVCache(capacity: ids.count)
        let prompt = ids.count - 3
        expectClose(try model.extend(cache, with: Array(ids[..<prompt])), expected[prompt - 1], relative: Self.tolerance, "prefill")
        for t in prompt..<ids.count {
            expectClose(try model.extend(cache, with: [ids[t]]), expected[t], relative: Self.tolerance, "decode, position \(t)")
        }
    }

    /// The cache holds what it was sized for and no more; reset starts a new sequence over the same memory.
    @Test func capacityIsEnforcedAndResetReuses() throws {
        let model = try Self.model("llama")
        let ids = try Self.sequence(12)
        let cache = try model.makeKVCache(capacity: 10)
        _ = try model.extend(cache, with: Array(ids[0..<8]))
        #expect(throws: TrainError.self) { try model.extend(cache, with: Array(ids[8..<11])) }
        #expect(throws: TrainError.self) { try model.extend(cache, with: [Int32(model.config.vocabSize)]) }
        cache.reset()
        let expected = try Self.fullLogits(model, Array(ids[0..<10]))
        expectClose(try model.extend(cache, with: Array(ids[0..<10])), expected[9], relative: Self.tolerance, "after reset")
        #expect(throws: TrainError.self) { try model.makeKVCache(capacity: 0) }
    }
}
