import Foundation
import Store

/// Resolves `pref train`'s settings: flags over the recipe file over defaults, every key
/// given a value, then checked. The result is what the run uses and what `pref config dump`
/// prints and the run folder keeps as config.yaml.
public enum TrainingRecipe {
    /// - Parameters:
    ///   - file: the `--config` recipe, if any; its presence selects TRL's defaults.
    ///   - workspace: the limits the shards were tokenized with (nil: not tokenized yet).
    public static func resolve(file: RecipeFile?, flags: [RecipeKey: RecipeSetting],
                               workspace: WorkspaceLimits?) throws(RecipeError) -> ResolvedRecipe {
        let profile: RecipeProfile = file == nil ? .pref : .trl
        var values = file?.entries ?? [:]
        for (key, setting) in flags { values[key] = setting }

        let stage = TrainingRunSettings.Stage(rawValue: values[.stage]?.value.stringValue ?? "sft") ?? .sft
        for key in RecipeKey.allCases where values[key] == nil {
            if let value = RecipeDefaults.value(key, profile: profile, stage: stage) {
                values[key] = RecipeSetting(value, .defaulted)
            }
        }
        try checkTokenizeLimits(&values, workspace: workspace)
        // HF: eval_steps defaults to logging_steps; pref's own default is every 50 steps.
        if values[.evalSteps] == nil || values[.evalSteps]?.value == .null, values[.evalStrategy]?.value.stringValue == "steps" {
            values[.evalSteps] = profile == .trl ? RecipeSetting(values[.loggingSteps]!.value, .defaulted)
                : RecipeSetting(.int(RecipeDefaults.prefEvalSteps), .defaulted)
        }
        if values[.evalSteps] == nil { values[.evalSteps] = RecipeSetting(.null, .defaulted) }
        let resolved = ResolvedRecipe(values: values)
        if values[.outputDir] == nil {
            values[.outputDir] = RecipeSetting(.string(stage == .sft ? "sft" : "dpo-" + (try resolved.lambda().shiftText)
                .replacingOccurrences(of: ":", with: "-")), .defaulted)
        }
        let complete = ResolvedRecipe(values: values)
        try complete.validate()
        return complete
    }

    /// max_length, max_prompt_length and truncation_mode are tokenize-time settings in pref:
    /// a value that differs from the shards' is an error; a missing one takes the shards'.
    static func checkTokenizeLimits(_ values: inout [RecipeKey: RecipeSetting], workspace: WorkspaceLimits?) throws(RecipeError) {
        for key in [RecipeKey.maxLength, .maxPromptLength, .truncationMode] {
            let given = values[key].flatMap { $0.value == .null ? nil : $0 }
            guard let workspace else {
                if let given {
                    throw .invalid(origin: given.origin, key: key,
                                   reason: "the workspace has no tokenized shards to check it against: run pref tokenize \(WorkspaceLimits.tokenizeFlag(key)) \(given.value) first")
                }
                values[key] = RecipeSetting(.null, .workspace)
                continue
            }
            let shards = workspace.value(of: key)!
            if let given, given.value != shards {
                throw .invalid(origin: given.origin, key: key,
                               reason: "\(given.value), but the workspace's shards were tokenized with \(key.rawValue) \(shards); "
                                   + "pref applies it when tokenizing: run pref tokenize \(WorkspaceLimits.tokenizeFlag(key)) \(given.value), or set \(key.rawValue): \(shards)")
            }
            values[key] = given ?? RecipeSetting(shards, .workspace)
        }
    }
}

extension TrainingRecipe {
    /// `pref train` / `pref config dump --config`: the recipe file (if any) and the flags,
    /// resolved against the workspace's tokenize limits.
    public static func resolve(config: URL?, flags: TrainFlags, catalog: Catalog) throws -> ResolvedRecipe {
        let file = try config.map { url throws(RecipeError) in try RecipeFile(contentsOf: url) }
        return try resolve(file: file, flags: try flags.settings(), workspace: try WorkspaceLimits.read(from: catalog))
    }

    /// pref's default for a key without `--config` (the benchmark's flags use these too).
    public static func prefDefault(_ key: RecipeKey, stage: TrainingRunSettings.Stage = .sft) -> RecipeValue {
        RecipeDefaults.value(key, profile: .pref, stage: stage) ?? .null
    }
}
