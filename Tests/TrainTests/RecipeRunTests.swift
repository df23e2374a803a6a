import Foundation
import JSON
import Testing
@testable import Train

/// A recipe trains exactly the run its equivalent flags train, and logging_steps windows
/// metrics.jsonl as the HF Trainer does.
@Suite struct RecipeRunTests {
    /// The tokenized tiny workspace of ShardTrainingTests, its tokenizer saved, and a start model.
    final class Setup {
        let ws: ShardTrainingTests.Workspace
        let tokenizer: URL
        let start: URL

        init() throws {
            ws = try ShardTrainingTests.Workspace()
            tokenizer = ws.root.appendingPathComponent("tokenizer.json")
            try ws.tokenizer.save(to: tokenizer)
            start = ws.root.appendingPathComponent("start")
            try Checkpoint.saveModelFiles(model: try ws.model(), tokenizer: tokenizer, into: start)
        }

        var limits: WorkspaceLimits? { get throws { try WorkspaceLimits.read(from: ws.catalog) } }

        func train(_ recipe: ResolvedRecipe) throws -> RunFolder {
            let settings = try recipe.settings(runs: ws.catalog.layout.runs)
            try TrainingRun.run(settings, catalog: ws.catalog, tokenizer: tokenizer)
            return settings.run
        }

        /// The DPO-Shift run as `pref train` flags: a linear-decrease λ, accumulation, eval.
        func flags(run: String) -> TrainFlags {
            var f = TrainFlags()
            f.stage = .dpo
            f.from = start.path
            f.run = run
            f.lr = 1e-3
            f.maxSteps = 3
            f.pairsPerBatch = 2  // 16 train pairs: 8 micro-batches, 4 steps of 2
            f.gradAccum = 2
            f.beta = 0.1
            f.shift = "linear-decrease:0.75"
            f.evalEvery = 2
            f.saveEvery = 100
            f.threads = 1
            return f
        }
    }

    /// metrics.jsonl without its wall-clock fields.
    static func metrics(_ run: RunFolder) throws -> [JSONValue] {
        let text = try String(contentsOf: run.url.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard var object = try JSONParser.parse(String(line)).objectValue else { throw TrainError.io("metrics line is not an object") }
            object["tokens_per_second"] = nil
            object["elapsed"] = nil
            return .object(object)
        }
    }

    @Test func aRecipeReproducesTheRunOfItsEquivalentFlags() throws {
        let setup = try Setup()
        let fromFlags = try setup.train(try TrainingRecipe.resolve(file: nil, flags: try setup.flags(run: "flags").settings(), workspace: setup.limits))
        // The same run written as a recipe: TRL's names, and TRL's defaults spelled out where pref's differ.
        let text = """
            stage: dpo
            model_name_or_path: \(setup.start.path)
            output_dir: recipe
            learning_rate: 1.0e-3
            max_steps: 3
            per_device_train_batch_size: 2
            gradient_accumulation_steps: 2
            beta: 0.1
            loss_type: sigmoid
            lambda_schedule: linear_decrease
            precompute_ref_log_probs: true
            dpo_lambda_min: 0.75
            dpo_lambda_max: 1.0
            num_train_epochs: 1
            lr_scheduler_type: cosine
            warmup_ratio: 0.1
            logging_steps: 1
            eval_strategy: steps
            eval_steps: 2
            save_steps: 100
            save_total_limit: 2
            max_length: 128
            threads: 1
            """
        let recipe = try TrainingRecipe.resolve(file: try RecipeFile(text: text, path: "dpo-shift.yaml"), flags: [:], workspace: setup.limits)
        let fromRecipe = try setup.train(recipe)

        let a = try Self.metrics(fromFlags), b = try Self.metrics(fromRecipe)
        #expect(a.count == 5)  // 3 train lines, eval at steps 2 and 3
        #expect(a == b)
        // The λ schedule is in effect: 1.0 at step 0, falling.
        let lambdas = a.filter { $0["split"]?.stringValue == "train" }.compactMap { $0["dpo_lambda"]?.doubleValue }
        #expect(lambdas.count == 3 && lambdas.first == 1.0 && lambdas.last! < lambdas.first!)
        // Each run keeps its resolved config, and the two differ only in the run folder.
        let saved = try [fromFlags, fromRecipe].map { run in
            try TrainingRecipe.resolve(file: try RecipeFile(contentsOf: run.recipeURL), flags: [:], workspace: setup.limits).values.mapValues(\.value)
        }
        #expect(saved[0].filter { $0.key != .outputDir } == saved[1].filter { $0.key != .outputDir })
        #expect(saved[1] == recipe.values.mapValues(\.value))
    }

    @Test func loggingStepsAveragesTheTrainMetricsOverEachWindow() throws {
        let setup = try Setup()
        var every = setup.flags(run: "every-step")
        every.evalEvery = 0
        let perStep = try Self.metrics(try setup.train(try TrainingRecipe.resolve(file: nil, flags: try every.settings(), workspace: setup.limits)))
        var windowed = every
        windowed.run = "every-2"
        windowed.loggingSteps = 2
        let lines = try Self.metrics(try setup.train(try TrainingRecipe.resolve(file: nil, flags: try windowed.settings(), workspace: setup.limits)))
        try #require(perStep.map { $0["step"]?.intValue } == [1, 2, 3])
        try #require(lines.map { $0["step"]?.intValue } == [2, 3])  // every 2 steps, and the last
        for name in ["loss", "rewards/margins", "dpo_lambda"] {
            let steps = perStep.map { $0[name]?.doubleValue ?? .nan }
            let mean = lines[0][name]?.doubleValue ?? .nan
            #expect(abs(mean - (steps[0] + steps[1]) / 2) <= 1e-12, "\(name): \(mean) vs steps \(steps)")
            #expect(lines[1][name]?.doubleValue == steps[2], "\(name)")
        }
        #expect(lines[0]["learning_rate"] == perStep[1]["learning_rate"] && lines[0]["grad_norm"] == perStep[1]["grad_norm"])
    }
}
