import Foundation
import JSON
import Testing
@testable import Train

/// The model against PyTorch (scripts/model-golden.py): logits, log-probs, loss, every
/// gradient, and the parameters after AdamW steps with clipping and warmup.
@Suite struct ModelGoldenTests {
    static let variants = ["llama_gqa_tied", "llama_untied_mha", "qwen2_bias", "llama_packed", "llama_attention_bias", "llama_long_packed", "mistral_window"]

    struct Golden {
        let meta: JSONValue
        let tensors: SafetensorsFile
        let config: ModelConfig
        let batch: TokenBatch

        init(_ variant: String) throws {
            meta = try Fixtures.json("fixtures/model/\(variant).json")
            tensors = try Fixtures.safetensors("fixtures/model/\(variant).safetensors")
            config = try ModelConfig(json: meta["config"]!)
            batch = try TokenBatch(
                rows: meta["rows"]!.intValue!, length: meta["length"]!.intValue!,
                inputs: meta["inputs"]!.int32s, targets: meta["targets"]!.int32s,
                lossWeights: meta["weights"]!.doubles.map(Float.init), documentIds: meta["document_ids"]!.int32s)
        }

        /// A model holding the golden initial weights.
        func model(threads: Int = 2) throws -> LlamaModel {
            let model = try LlamaModel(config: config, threads: threads)
            for t in model.layout.tensors {
                let values = try tensors.floats("params." + t.name)
                #expect(values.count == t.count, "\(t.name) size")
                (model.parameters.pointer + t.offset).update(from: values, count: t.count)
            }
            return model
        }

        func expectTensors(_ buffer: FloatBuffer, layout: ParameterLayout, prefix: String, tolerance: Double) throws {
            for t in layout.tensors {
                expectClose(buffer.slice(offset: t.offset, count: t.count), try tensors.floats(prefix + t.name),
                            relative: tolerance, "\(prefix)\(t.name)")
            }
        }
    }

    @Test(arguments: variants)
    func logitsAndLogProbs(variant: String) throws {
        let golden = try Golden(variant)
        let model = try golden.model()
        expectClose(try model.logits(golden.batch), try golden.tensors.floats("logits"), relative: 1e-4, "\(variant) logits")
        let all = try model.logits(golden.batch), v = golden.config.vocabSize, t = golden.batch.length
        let last = try model.lastPositionLogits(golden.batch)
        for r in 0..<golden.batch.rows {
            // Same numbers up to the sgemm kernel's rounding for a different row count.
            expectClose(Array(last[(r * v)..<((r + 1) * v)]), Array(all[((r * t + t - 1) * v)..<((r * t + t) * v)]),
                        relative: 1e-5, "row \(r) last-position logits")
        }
        let tokenLogProbs = try model.forward(golden.batch)
        expectClose(tokenLogProbs, try golden.tensors.floats("token_logps"), relative: 1e-4, "\(variant) token log-probs")
        let sums = SequenceLogProbs.sum(tokenLogProbs, weights: golden.batch.lossWeights, rows: golden.batch.rows)
        expectClose(sums.map(Float.init), try golden.tensors.floats("seq_logps"), relative: 1e-4, "\(variant) sequence log-probs")
    }

    @Test(arguments: variants)
    func lossAndGradients(variant: String) throws {
        let golden = try Golden(variant)
        let model = try golden.model()
        let loss = try model.forwardBackwardCrossEntropy(golden.batch, normalizer: golden.batch.weightSum)
        let expected = golden.meta["loss"]!.doubleValue!
        #expect(abs(loss - expected) <= 1e-4 * abs(expected), "\(variant) loss \(loss) vs \(expected)")
        try golden.expectTensors(model.gradients, layout: model.layout, prefix: "grads.", tolerance: 1e-3)
    }

    /// The split forward/backward path (used by DPO) gives the same gradients as the fused one,
    /// with the logits kept from the forward pass for all, some (a budget below the batch's
    /// size) or none of the positions, the rest recomputed.
    @Test(arguments: variants, [1.0, 0.4, 0])
    func separateBackwardMatchesFused(variant: String, cachedShare: Double) throws {
        let golden = try Golden(variant)
        let model = try golden.model()
        let cachedRows = Int(Double(golden.batch.tokenCount) * cachedShare)
        model.logitCacheLimitBytes = cachedRows * golden.config.vocabSize * MemoryLayout<Float>.stride
        _ = try model.forward(golden.batch)
        let n = golden.batch.weightSum
        try model.backward(tokenGradients: golden.batch.lossWeights.map { -$0 / Float(n) })
        try golden.expectTensors(model.gradients, layout: model.layout, prefix: "grads.", tolerance: 1e-3)
    }

    @Test(arguments: variants)
    func adamWStepsWithClippingAndWarmup(variant: String) throws {
        let golden = try Golden(variant)
        let model = try golden.model()
        let o = golden.meta["optimizer"]!
        let betas = o["betas"]!.doubles
        let optimizer = AdamW(layout: model.layout, settings: AdamWSettings(
            beta1: betas[0], beta2: betas[1], epsilon: o["eps"]!.doubleValue!, weightDecay: o["weight_decay"]!.doubleValue!))
        let schedule = LearningRateSchedule(
            peak: o["lr"]!.doubleValue!, warmupSteps: o["warmup_steps"]!.intValue!, totalSteps: o["total_steps"]!.intValue!,
            decay: LearningRateSchedule.Decay(rawValue: o["schedule"]!.stringValue!)!)
        let steps = golden.meta["steps"]!.arrayValue!
        for (t, expected) in steps.enumerated() {
            model.zeroGradients()
            let loss = try model.forwardBackwardCrossEntropy(golden.batch, normalizer: golden.batch.weightSum)
            let norm = GradientClipping.clip(model.gradients, maxNorm: o["max_grad_norm"]!.doubleValue!, pool: model.pool)
            let lr = schedule.rate(at: t)
            #expect(abs(lr - expected["lr"]!.doubleValue!) <= 1e-12, "step \(t) lr")
            #expect(abs(loss - expected["loss"]!.doubleValue!) <= 1e-4 * abs(loss), "step \(t) loss")
            #expect(abs(norm - expected["grad_norm"]!.doubleValue!) <= 1e-4 * norm, "step \(t) grad norm \(norm)")
            optimizer.update(parameters: model.parameters, gradients: model.gradients, learningRate: lr, pool: model.pool)
        }
        // Parameters after the steps are held to the gradient tolerance: Adam's m/√v turns a
        // rounding-level gradient difference on a near-zero gradient into a visible update one.
        try golden.expectTensors(model.parameters, layout: model.layout, prefix: "after.", tolerance: 1e-3)
    }

    /// A model that has already run a larger batch reuses its memory for a smaller batch of
    /// another shape and still matches the golden values.
    @Test func batchesOfDifferentShapesReuseActivationMemory() throws {
        let long = try Golden("llama_long_packed"), short = try Golden("llama_gqa_tied")
        let model = try short.model()
        _ = try model.forwardBackwardCrossEntropy(long.batch, normalizer: long.batch.weightSum)
        model.zeroGradients()
        expectClose(try model.logits(short.batch), try short.tensors.floats("logits"), relative: 1e-4, "logits after a larger batch")
        _ = try model.forwardBackwardCrossEntropy(short.batch, normalizer: short.batch.weightSum)
        try short.expectTensors(model.gradients, layout: model.layout, prefix: "grads.", tolerance: 1e-3)
    }

    /// A forward-only pass (evaluation, reference log-probs) keeps one layer's activations, not
    /// every layer's, gives the golden log-probs, and a training pass after it still gives the
    /// golden gradients.
    @Test func forwardOnlyPassesKeepOneLayer() throws {
        let golden = try Golden("llama_packed")
        let model = try golden.model()
        let logProbs = try model.forward(golden.batch, keepForBackward: false)
        expectClose(logProbs, try golden.tensors.floats("token_logps"), relative: 1e-4, "forward-only token log-probs")
        #expect(model.keptLayerActivations == 1)
        _ = try model.forwardBackwardCrossEntropy(golden.batch, normalizer: golden.batch.weightSum)
        #expect(model.keptLayerActivations == golden.config.numHiddenLayers)
        try golden.expectTensors(model.gradients, layout: model.layout, prefix: "grads.", tolerance: 1e-3)
        expectClose(try model.forward(golden.batch, keepForBackward: false), logProbs, relative: 1e-5, "forward-only after training")
    }

    /// One thread and two threads split the work differently but compute the same thing.
    @Test func threadCountDoesNotChangeResults() throws {
        let golden = try Golden("llama_packed")
        let one = try golden.model(threads: 1), two = try golden.model(threads: 2)
        let a = try one.forwardBackwardCrossEntropy(golden.batch, normalizer: golden.batch.weightSum)
        let b = try two.forwardBackwardCrossEntropy(golden.batch, normalizer: golden.batch.weightSum)
        #expect(abs(a - b) <= 1e-6 * abs(a))
        expectClose(two.gradients.array, one.gradients.array, relative: 1e-5, "gradients 1 vs 2 threads")
    }
}
