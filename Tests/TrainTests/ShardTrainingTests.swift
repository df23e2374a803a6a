import Core
import Foundation
import GRDB
import JSON
@testable import Store
import Testing
import Tokenize
import Tokenizer
@testable import Train

/// DPO and SFT on real shards: a small catalog tokenized by `TokenizeJob`, a tiny model.
@Suite struct ShardTrainingTests {
    final class Workspace {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pref-train-\(UUID().uuidString)")
        let catalog: Catalog
        let tokenizer: Tokenizer

        init() throws {
            catalog = try Catalog(workspace: root)
            let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            tokenizer = try Tokenizer(contentsOf: packageRoot.appendingPathComponent("fixtures/tokenizer/llama3.tokenizer.json"))
            let source = SourceFile(path: "t.jsonl", sha256: UUID().uuidString, format: "test", sizeBytes: 0, sourceSplit: nil)
            try catalog.ingestTransaction(source) { w in
                for i in 0..<20 {
                    try w.add(CanonicalRecord(kind: .preference, prompt: [.user("What is \(i) + \(i)?")],
                                              completions: [Completion(text: "\(i) + \(i) = \(2 * i).", score: 9, label: .chosen),
                                                            Completion(text: "It is \(2 * i + 3), probably.", score: 2, label: .rejected)]),
                              position: i, sourceSplit: i % 5 == 0 ? "test" : "train")
                    try w.add(CanonicalRecord(kind: .conversation, prompt: [.user("Say \(i).")], completions: [Completion(text: "\(i).")]),
                              position: 100 + i, sourceSplit: i % 5 == 0 ? "test" : "train")
                }
                try w.finish(recordsRead: 40)
            }
            try catalog.db.write { db in
                try db.execute(sql: "INSERT INTO splits SELECT id, CASE WHEN source_split = 'test' THEN 'test' ELSE 'train' END FROM records")
                try db.execute(sql: """
                    INSERT INTO pairs (record_id, chosen_id, rejected_id, strategy, score_gap, stage, curriculum_rank, split)
                    SELECT r.id, c.id, x.id, 'binarized', 7, (r.id / 2) % 2, r.id, s.split FROM records r
                    JOIN completions c ON c.record_id = r.id AND c.label = 'chosen' JOIN completions x ON x.record_id = r.id AND x.label = 'rejected'
                    JOIN splits s ON s.record_id = r.id
                    """)
            }
            let settings = TokenizeSettings(template: ChatTemplate(family: .llama3), limits: try PreferenceLimits(maxLength: 128), pack: false)
            _ = try TokenizeJob(catalog: catalog, tokenizer: tokenizer, tokenizerSHA256: "t", settings: settings, threads: 1).run()
        }
        deinit { try? FileManager.default.removeItem(at: root) }

        func model(seed: UInt64 = 3) throws -> LlamaModel {
            let config = try #require(ModelConfig.preset("tiny", vocabSize: tokenizer.vocabSize))
            let m = try LlamaModel(config: config, threads: 1)
            m.initializeParameters(seed: seed)
            return m
        }
    }

    @Test func referenceLogProbsAreStoredOnceAndTiedToTheirModel() throws {
        let ws = try Workspace()
        let model = try ws.model()
        #expect(try ReferenceLogProbs.compute(model: model, reference: "a", catalog: ws.catalog, pairsPerBatch: 4) == 20)
        #expect(try ReferenceLogProbs.compute(model: model, reference: "a", catalog: ws.catalog, pairsPerBatch: 4) == 0)
        // Batch composition does not change a pair's value (padding never leaks into the sums).
        let stored = try ShardPreferenceBatches(catalog: ws.catalog, split: "train", pairs: 16).batch(at: 0).reference
        _ = try ReferenceLogProbs.compute(model: model, reference: "b", catalog: ws.catalog, pairsPerBatch: 1)
        let single = try ShardPreferenceBatches(catalog: ws.catalog, split: "train", pairs: 16).batch(at: 0).reference
        let a = try #require(stored), b = try #require(single)
        #expect(a.chosen.count == 16 && b.chosen.count == 16 && a.rejected.count == 16 && b.rejected.count == 16)
        for (x, y) in zip(a.chosen + a.rejected, b.chosen + b.rejected) { #expect(abs(x - y) < 1e-3 * max(1, abs(x))) }
    }

    @Test func dpoStartsAtLn2AndLogsTheLambdaSchedule() throws {
        let ws = try Workspace()
        let reference = try ws.model()
        _ = try ReferenceLogProbs.compute(model: reference, reference: "ref", catalog: ws.catalog, pairsPerBatch: 4)
        let train = try ShardPreferenceBatches(catalog: ws.catalog, split: "train", pairs: 4, shuffleWithinStages: 1)
        // Curriculum order: stage by stage.
        let stages = try train.exampleIds.map { try ShardReader(catalog: ws.catalog).info($0).stage }
        #expect(stages == stages.sorted())
        var options = DPOOptions()
        options.training.learningRate = 1e-3
        options.training.maxSteps = 3
        options.training.saveEvery = 100
        options.lambda = try LambdaSchedule(parsing: "linear-decrease:0.5")
        let run = ws.root.appendingPathComponent("runs/dpo")
        let trainer = try DPOTrainer(model: try ws.model(), options: options, train: train, eval: nil, runDirectory: run, tokenizer: nil)
        var losses: [Double] = []
        try trainer.run { event in if case .step(let m) = event { losses.append(m.loss) } }
        // Policy = reference at the first step: every margin is 0, so the loss is ln 2.
        #expect(abs(losses[0] - log(2)) < 1e-4)
        let lines = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8).split(separator: "\n")
        let lambdas = try lines.map { try JSONParser.parse(String($0)) }.compactMap { $0["dpo_lambda"]?.doubleValue }
        #expect(lambdas.count == 3)
        for (t, value) in lambdas.enumerated() { #expect(abs(value - options.lambda.value(step: t, totalSteps: 3)) < 1e-12) }
        #expect(lambdas[0] > lambdas[2])
    }

    @Test func sftBatchesPredictWithinDocumentsOnMaskedTokens() throws {
        let ws = try Workspace()
        let batches = try ShardSFTBatches(catalog: ws.catalog, split: "train", rows: 4)
        #expect(batches.exampleCount == 16)
        let reader = ShardReader(catalog: ws.catalog)
        let first = try #require(try reader.exampleIds(kind: .sft, split: "train").first)
        guard case .sft(let ids, let mask, _) = try reader.example(first) else { Issue.record("kind"); return }
        let batch = try batches.batch(at: 0)
        for i in 0..<(ids.count - 1) {
            #expect(batch.inputs[i] == ids[i])
            #expect(batch.targets[i] == ids[i + 1])
            #expect(batch.lossWeights[i] == (mask[i + 1] ? 1 : 0))
        }
        #expect(batch.lossWeights[ids.count - 1] == 0)
        // The first train conversation is record 1 ("Say 1." → "1."). Trained tokens are exactly
        // the answer and its end-of-turn marker: every position after the rendered prompt with
        // its assistant header, none before (an all-true mask would fail here).
        let prompt = try ChatTemplate(family: .llama3).render([.user("Say 1.")], addGenerationPrompt: true)
        let promptCount = ws.tokenizer.encode(prompt, addSpecialTokens: false).count
        #expect(ids.count == ws.tokenizer.encode(prompt + "1.<|eot_id|>", addSpecialTokens: false).count)
        #expect(mask == (0..<ids.count).map { $0 >= promptCount })
        let trained = (0..<(ids.count - 1)).filter { batch.lossWeights[$0] != 0 }.map { UInt32(batch.targets[$0]) }
        #expect(ws.tokenizer.decode(trained) == "1.<|eot_id|>")
    }
}
