import Foundation
import Testing
@testable import Train

/// Flags over the recipe file over defaults; the dump reads back to the same run; the
/// tokenize-time keys are checked against the workspace; every shipped recipe loads.
@Suite struct RecipeResolutionTests {
    static let shards = WorkspaceLimits(maxLength: 128, maxPromptLength: 64, truncationMode: "keep_end")
    static let runs = URL(fileURLWithPath: "/tmp/ws/runs")

    static func resolve(_ text: String?, _ flags: TrainFlags = TrainFlags(), shards: WorkspaceLimits? = shards) throws -> ResolvedRecipe {
        try TrainingRecipe.resolve(file: text.map { try RecipeFile(text: $0, path: "r.yaml") }, flags: try flags.settings(), workspace: shards)
    }

    @Test func flagsOverrideTheFileWhichOverridesTheDefaults() throws {
        var flags = TrainFlags()
        flags.beta = 0.2
        flags.shift = "linear-increase:0.8"
        flags.from = "sft-run"
        let r = try Self.resolve("stage: dpo\nbeta: 0.05\nlearning_rate: 3.0e-7\nlambda_schedule: fixed\ndpo_lambda: 0.9\n", flags)
        #expect(r[.beta] == .double(0.2) && r.values[.beta]?.origin == .flag("--beta"))
        #expect(r[.learningRate] == .double(3e-7) && r.values[.learningRate]?.origin == .file(path: "r.yaml", line: 3))
        #expect(r[.lambdaSchedule] == .string("linear_increase") && r[.dpoLambdaMin] == .double(0.8))
        #expect(r[.modelNameOrPath] == .string("sft-run"))
        let s = try r.settings(runs: Self.runs)
        #expect(s.loss.beta == 0.2 && s.training.learningRate == 3e-7 && s.lambda == .linearIncrease(min: 0.8, max: 1))
        #expect(s.model == "sft-run" && s.stage == .dpo && s.shift == "linear-increase:0.8")
        #expect(s.run.url.path == "/tmp/ws/runs/dpo-linear-increase-0.8")
        #expect(s.recipe == r)
    }

    @Test func aRecipeGetsTRLDefaultsAndFlagsAloneKeepPrefs() throws {
        let recipe = try Self.resolve("stage: dpo\nmodel_name_or_path: sft\n").settings(runs: Self.runs)
        #expect(recipe.training.learningRate == 1e-6 && recipe.training.epochs == 3 && recipe.training.decay == .linear)
        #expect(recipe.training.warmupRatio == 0 && recipe.training.loggingSteps == 10 && recipe.training.evalEvery == nil)
        #expect(recipe.training.saveEvery == 500 && recipe.training.saveTotalLimit == Int.max && recipe.pairsPerBatch == 8)
        var flags = TrainFlags()
        flags.stage = .dpo
        flags.from = "sft"
        let plain = try Self.resolve(nil, flags).settings(runs: Self.runs)
        #expect(plain.training.learningRate == 5e-6 && plain.training.epochs == 1 && plain.training.decay == .cosine)
        #expect(plain.training.warmupRatio == 0.1 && plain.training.loggingSteps == 1 && plain.training.evalEvery == 50)
        #expect(plain.training.saveEvery == 200 && plain.training.saveTotalLimit == 2 && plain.run.url.lastPathComponent == "dpo-none")
        // HF: eval_steps defaults to logging_steps once evaluation is on.
        let eval = try Self.resolve("stage: dpo\nmodel_name_or_path: sft\neval_strategy: steps\nlogging_steps: 5\n").settings(runs: Self.runs)
        #expect(eval.training.evalEvery == 5)
    }

    @Test func trlBatchKeysMapToPairsOrSequences() throws {
        let dpo = try Self.resolve("stage: dpo\nmodel_name_or_path: m\nper_device_train_batch_size: 4\ngradient_accumulation_steps: 32\n").settings(runs: Self.runs)
        #expect(dpo.pairsPerBatch == 4 && dpo.training.gradientAccumulation == 32)
        let sft = try Self.resolve("per_device_train_batch_size: 3\n").settings(runs: Self.runs)
        #expect(sft.sequencesPerBatch == 3)
        #expect(try Self.resolve("batch_tokens: 2048\n").settings(runs: Self.runs).sequencesPerBatch == nil)
        #expect(throws: RecipeError.self) { try Self.resolve("per_device_train_batch_size: 3\nbatch_tokens: 2048\n") }
        #expect(try Self.resolve("max_steps: -1\nmax_grad_norm: 0.0\n").settings(runs: Self.runs).training.maxSteps == nil)
        #expect(try Self.resolve("max_grad_norm: 0.0\n").settings(runs: Self.runs).training.maxGradNorm == nil)
        #expect(try Self.resolve("output_dir: out/run-1\n").settings(runs: Self.runs).run.url.path.hasSuffix("out/run-1"))
    }

    @Test func theDumpLoadsBackToTheSameSettings() throws {
        var flags = TrainFlags()
        flags.shift = "linear-decrease:0.75:0.98"
        flags.rpoAlpha = 0.5
        flags.run = "my run: \"quoted\""
        let sources: [ResolvedRecipe] = [
            try Self.resolve("stage: dpo\nmodel_name_or_path: sft\nbeta: 0.01\nlearning_rate: 5.0e-7\nsave_total_limit: null\n", flags),
            try Self.resolve(nil, flags),  // pref's defaults only: the dump must spell every one out
        ]
        for original in sources {
            let reread = try Self.resolve(original.yaml)
            #expect(reread.values.mapValues(\.value) == original.values.mapValues(\.value), "\(original.yaml)")
            let a = try original.settings(runs: Self.runs), b = try reread.settings(runs: Self.runs)
            #expect(a.training.resumeFingerprint == b.training.resumeFingerprint && a.lambda == b.lambda && a.loss == b.loss)
            #expect(a.run.url == b.run.url && a.model == b.model && a.training.loggingSteps == b.training.loggingSteps)
            #expect(RecipeKey.allCases.allSatisfy { original.yaml.contains("\n\($0.rawValue): ") })
        }
    }

    @Test func tokenizeLimitsMustMatchTheWorkspacesShards() throws {
        let error = #expect(throws: RecipeError.self) { try Self.resolve("beta: 0.1\nmax_length: 2048\n") }
        #expect(error == .invalid(origin: .file(path: "r.yaml", line: 2), key: .maxLength,
                                  reason: "2048, but the workspace's shards were tokenized with max_length 128; pref applies it when tokenizing: "
                                      + "run pref tokenize --max-length 2048, or set max_length: 128"))
        #expect(throws: RecipeError.self) { try Self.resolve("max_prompt_length: 100\n") }
        #expect(throws: RecipeError.self) { try Self.resolve("truncation_mode: keep_start\n") }
        #expect(throws: RecipeError.self) { try Self.resolve("max_length: 128\n", shards: nil) }
        // Equal, or absent (then the workspace's, recorded in the dump), is fine.
        let same = try Self.resolve("max_length: 128\nmax_prompt_length: 64\ntruncation_mode: keep_end\n")
        #expect(same[.maxLength] == .int(128))
        #expect(try Self.resolve(nil).values[.maxPromptLength] == RecipeSetting(.int(64), .workspace))
    }

    @Test func rangeAndScheduleErrorsNameTheKey() throws {
        #expect(throws: RecipeError.invalid(origin: .file(path: "r.yaml", line: 1), key: .dpoLambdaMin,
                                            reason: "linear_increase needs dpo_lambda_min (and dpo_lambda_max, default 1.0)")) {
            try Self.resolve("lambda_schedule: linear_increase\n")
        }
        #expect(throws: RecipeError.self) { try Self.resolve("warmup_ratio: 1.5\n") }
        #expect(throws: RecipeError.self) { try Self.resolve("gradient_accumulation_steps: 0\n") }
        #expect(throws: RecipeError.self) { try Self.resolve("stage: dpo\n") }  // no starting model
    }

    static let recipes = Fixtures.url("recipes/dpo-shift")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: recipes.path), "recipes/dpo-shift is not in this checkout"))
    func everyShippedRecipeLoadsWithThePapersSettings() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.recipes, includingPropertiesForKeys: nil).filter { $0.pathExtension == "yaml" }
        #expect(files.count == 9)
        let paper = WorkspaceLimits(maxLength: 2048, maxPromptLength: 1792, truncationMode: "keep_end")
        var lambdas: [LambdaSchedule] = []
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains("pref train --config recipes/dpo-shift/\(url.lastPathComponent)"), "\(url.lastPathComponent): launch command")
            let s = try TrainingRecipe.resolve(file: try RecipeFile(contentsOf: url), flags: [:], workspace: paper).settings(runs: Self.runs)
            #expect(s.stage == .dpo && s.loss.beta == 0.01 && s.training.learningRate == 5e-7, "\(url.lastPathComponent)")
            #expect(s.pairsPerBatch * s.training.gradientAccumulation == 128, "\(url.lastPathComponent)")
            lambdas.append(s.lambda)
        }
        // The paper's grid: λ (or λ_min, with λ_max 1) ∈ {0.75, 0.85, 0.95}, fixed and both linear schedules.
        for l in [0.75, 0.85, 0.95] {
            #expect(lambdas.contains(.fixed(l)) && lambdas.contains(.linearIncrease(min: l, max: 1)) && lambdas.contains(.linearDecrease(min: l, max: 1)), "λ \(l)")
        }
    }
}
