import Foundation
import JSON
import Testing
@testable import Train

/// DPO-Shift against PyTorch (scripts/dpo-golden.py): λ, loss, TRL metrics and every
/// parameter gradient through one concatenated forward pass of chosen and rejected.
@Suite struct DPOShiftTests {
    struct Golden {
        let meta: JSONValue
        let tensors: SafetensorsFile
        let batch: PreferenceBatch
        let config: ModelConfig

        init() throws {
            let meta = try Fixtures.json("fixtures/dpo/pairs.json")
            self.meta = meta
            tensors = try Fixtures.safetensors("fixtures/dpo/pairs.safetensors")
            config = try ModelConfig(json: meta["config"]!)
            let pairs = meta["pairs"]!.intValue!, length = meta["length"]!.intValue!
            func half(_ name: String) throws -> TokenBatch {
                let h = meta[name]!
                return try TokenBatch(rows: pairs, length: length, inputs: h["inputs"]!.int32s, targets: h["targets"]!.int32s,
                                      lossWeights: h["weights"]!.doubles.map(Float.init), documentIds: h["document_ids"]!.int32s)
            }
            batch = try PreferenceBatch(chosen: try half("chosen"), rejected: try half("rejected"),
                                        referenceChosen: meta["reference_chosen"]!.doubles,
                                        referenceRejected: meta["reference_rejected"]!.doubles)
        }

        func model() throws -> LlamaModel {
            let model = try LlamaModel(config: config, threads: 2)
            for t in model.layout.tensors {
                (model.parameters.pointer + t.offset).update(from: try tensors.floats("params." + t.name), count: t.count)
            }
            return model
        }

        var caseNames: [String] { meta["cases"]!.objectValue!.keys }
    }

    static let cases = ["dpo", "fixed_0.75", "fixed_0.95", "cdpo_0.75", "rpo_dpo", "increase_t0", "increase_t4", "increase_t9",
                        "decrease_t0", "decrease_t5", "decrease_t9", "decrease_0.5_0.9_t3"]

    @Test func everyGoldenCaseIsTested() throws {
        let golden = try Golden()
        #expect(Set(golden.caseNames) == Set(Self.cases))
        // The gradient comparison below is conditional: these cases must carry gradients.
        let withGradients = Self.cases.filter { golden.meta["cases"]?[$0]?["gradients"]?.boolValue == true }
        #expect(withGradients == ["dpo", "fixed_0.75", "cdpo_0.75", "rpo_dpo", "increase_t4", "decrease_t5"])
    }

    @Test(arguments: cases)
    func lossMetricsAndGradientsMatchPyTorch(name: String) throws {
        let golden = try Golden()
        let c = golden.meta["cases"]![name]!
        let schedule = try LambdaSchedule(parsing: c["shift"]!.stringValue!)
        let lambda = schedule.value(step: c["step"]!.intValue!, totalSteps: c["total_steps"]!.intValue!)
        #expect(abs(lambda - c["lambda_"]!.doubleValue!) <= 1e-12, "\(name) λ \(lambda)")
        let loss = DPOShiftLoss(beta: golden.meta["beta"]!.doubleValue!, labelSmoothing: c["label_smoothing"]!.doubleValue!,
                                rpoAlpha: c["rpo_alpha"]!.doubleValue)
        let model = try golden.model()
        let result = try DPOStep.accumulate(model: model, batch: golden.batch, loss: loss, lambda: lambda)
        let metrics = result.output.metrics
        expectClose(metrics.logpsChosen.map(Float.init), c["policy_chosen"]!.doubles.map(Float.init), relative: 1e-4, "\(name) logps chosen")
        expectClose(metrics.logpsRejected.map(Float.init), c["policy_rejected"]!.doubles.map(Float.init), relative: 1e-4, "\(name) logps rejected")
        let expected = c["metrics"]!.objectValue!
        for (key, value) in expected.pairs where key != "standard_dpo_loss" {
            let actual = try #require(metrics.value(key), "\(name): metric \(key) missing")
            let target = value.doubleValue!
            #expect(abs(actual - target) <= 1e-4 * max(abs(target), 1e-2), "\(name) \(key): \(actual) vs \(target)")
        }
        #expect(metrics.named.map(\.0).filter { $0 != "nll_loss" } ==
                ["loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "logps/chosen", "logps/rejected", "dpo_lambda"])
        if c["gradients"]!.boolValue! {
            for t in model.layout.tensors {
                expectClose(model.gradients.slice(offset: t.offset, count: t.count), try golden.tensors.floats("grads.\(name).\(t.name)"),
                            relative: 1e-3, "\(name) grad \(t.name)")
            }
        }
    }

    /// λ = 1 is standard DPO exactly (the golden file also holds DPO written independently).
    @Test func lambdaOneIsStandardDPO() throws {
        let golden = try Golden()
        let c = golden.meta["cases"]!["dpo"]!
        let standard = c["metrics"]!["standard_dpo_loss"]!.doubleValue!
        let inputs = DPOShiftLoss.Inputs(policyChosen: c["policy_chosen"]!.doubles, policyRejected: c["policy_rejected"]!.doubles,
                                         referenceChosen: golden.batch.referenceChosen, referenceRejected: golden.batch.referenceRejected,
                                         chosenTokenCount: 1)
        let beta = golden.meta["beta"]!.doubleValue!
        let shifted = try DPOShiftLoss(beta: beta).evaluate(inputs, lambda: LambdaSchedule.fixed(1).value(step: 3, totalSteps: 9))
        // PyTorch computed its DPO loss in Float32; ours runs in Double.
        #expect(abs(shifted.loss - standard) <= 1e-6 * standard)
        var dpo = 0.0
        for i in 0..<inputs.policyChosen.count {
            let z = beta * ((inputs.policyChosen[i] - inputs.referenceChosen[i]) - (inputs.policyRejected[i] - inputs.referenceRejected[i]))
            dpo += Foundation.log1p(Foundation.exp(-z))
        }
        #expect(abs(shifted.loss - dpo / Double(inputs.policyChosen.count)) <= 1e-12)
    }

    /// Gradient accumulation: two micro-batches weighted by their share of the pairs give the
    /// gradient of the whole batch.
    @Test func accumulatedMicroBatchesEqualTheWholeBatch() throws {
        let golden = try Golden()
        let loss = DPOShiftLoss(beta: 0.1)
        let whole = try golden.model()
        _ = try DPOStep.accumulate(model: whole, batch: golden.batch, loss: loss, lambda: 0.75)
        func part(_ rows: Range<Int>) throws -> PreferenceBatch {
            func slice(_ b: TokenBatch) throws -> TokenBatch {
                let r = (rows.lowerBound * b.length)..<(rows.upperBound * b.length)
                return try TokenBatch(rows: rows.count, length: b.length, inputs: Array(b.inputs[r]), targets: Array(b.targets[r]),
                                      lossWeights: Array(b.lossWeights[r]), documentIds: Array(b.documentIds[r]))
            }
            return try PreferenceBatch(chosen: slice(golden.batch.chosen), rejected: slice(golden.batch.rejected),
                                       referenceChosen: Array(golden.batch.referenceChosen[rows]),
                                       referenceRejected: Array(golden.batch.referenceRejected[rows]))
        }
        let split = try golden.model()
        _ = try DPOStep.accumulate(model: split, batch: try part(0..<1), loss: loss, lambda: 0.75, weight: 1.0 / 3)
        _ = try DPOStep.accumulate(model: split, batch: try part(1..<3), loss: loss, lambda: 0.75, weight: 2.0 / 3)
        expectClose(split.gradients.array, whole.gradients.array, relative: 1e-4, "accumulated DPO gradients")
    }

    /// TRL's logits/chosen and logits/rejected: the mean logit over the response tokens and the
    /// vocabulary of each half, here against the full logits tensor averaged directly.
    @Test func logitMeansAreTheMaskedMeanOfTheFullLogits() throws {
        let golden = try Golden()
        let model = try golden.model()
        let b = golden.batch
        let sums = try DPOStep.sequenceLogProbs(model: model, chosen: b.chosen, rejected: b.rejected)
        let length = max(b.chosen.length, b.rejected.length)
        let combined = try b.chosen.padded(to: length).stacked(with: b.rejected.padded(to: length))
        let logits = try model.logits(combined)
        let vocab = model.config.vocabSize
        var total = [0.0, 0.0], count = [0.0, 0.0]
        for r in 0..<combined.rows {
            for t in 0..<length where combined.lossWeights[r * length + t] != 0 {
                let side = r < b.chosen.rows ? 0 : 1
                total[side] += logits[((r * length + t) * vocab)..<((r * length + t + 1) * vocab)].reduce(0.0) { $0 + Double($1) } / Double(vocab)
                count[side] += 1
            }
        }
        let named = Dictionary(uniqueKeysWithValues: sums.logits.named)
        #expect(count[0] > 0 && count[1] > 0)
        #expect(abs(named["logits/chosen"]! - total[0] / count[0]) <= 1e-5 * max(1, abs(total[0] / count[0])))
        #expect(abs(named["logits/rejected"]! - total[1] / count[1]) <= 1e-5 * max(1, abs(total[1] / count[1])))
        #expect(named["logits/chosen"] != named["logits/rejected"])
    }

    @Test func referenceLogProbsAreTheSummedResponseLogProbs() throws {
        let golden = try Golden()
        let c = golden.meta["cases"]!["dpo"]!
        let (chosen, rejected, _) = try DPOStep.sequenceLogProbs(model: try golden.model(), chosen: golden.batch.chosen,
                                                                  rejected: golden.batch.rejected)
        expectClose(chosen.map(Float.init), c["policy_chosen"]!.doubles.map(Float.init), relative: 1e-4, "chosen")
        expectClose(rejected.map(Float.init), c["policy_rejected"]!.doubles.map(Float.init), relative: 1e-4, "rejected")
    }

    @Test func lambdaSchedulesParseAndFollowThePaper() throws {
        #expect(try LambdaSchedule(parsing: "none") == .fixed(1))
        #expect(try LambdaSchedule(parsing: "fixed:0.95") == .fixed(0.95))
        #expect(try LambdaSchedule(parsing: "linear-decrease:0.75") == .linearDecrease(min: 0.75, max: 1))
        #expect(try LambdaSchedule(parsing: "linear-increase:0.5:0.9") == .linearIncrease(min: 0.5, max: 0.9))
        // The decrease card's final eval λ (docs/DPO_SHIFT.md §1.3): 1 − 0.05·450/477.
        #expect(abs(LambdaSchedule.linearDecrease(min: 0.95, max: 1).value(step: 450, totalSteps: 477) - 0.95283) < 1e-5)
        for bad in ["", "fixed", "fixed:x", "linear-increase", "linear-decrease:0.9:0.5", "shift:1", "none:1"] {
            #expect(throws: TrainError.self, "\(bad)") { try LambdaSchedule(parsing: bad) }
        }
    }

    @Test func lossIsStableForExtremeLogits() throws {
        let x = DPOShiftLoss.Inputs(policyChosen: [-1e4, 1e4], policyRejected: [1e4, -1e4], referenceChosen: [0, 0],
                                    referenceRejected: [0, 0], chosenTokenCount: 10)
        let out = try DPOShiftLoss(beta: 1).evaluate(x, lambda: 1)
        #expect(out.loss.isFinite && abs(out.loss - 1e4) < 1)
        #expect(out.chosenGradients.allSatisfy { $0.isFinite })
    }
}
