extension ResolvedRecipe {
    /// The resolved config as a recipe (TRL key names, every key), each line commented with
    /// where its value came from. `pref train --config` reads it back to the same settings.
    public var yaml: String {
        var lines = ["# pref train recipe, resolved (flags over the recipe file over defaults).",
                     "# Train with it: pref train --config config.yaml"]
        let width = RecipeKey.allCases.map { $0.rawValue.count + self[$0].yaml.count }.max() ?? 0
        for key in RecipeKey.allCases {
            let line = "\(key.rawValue): \(self[key].yaml)"
            lines.append(line + String(repeating: " ", count: max(1, width + 3 - line.count)) + "# \(origin(key))")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
