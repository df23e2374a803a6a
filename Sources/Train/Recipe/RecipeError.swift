/// Where a setting came from, for errors and for `pref config dump`'s comments.
public enum RecipeOrigin: Sendable, Equatable, CustomStringConvertible {
    case file(path: String, line: Int)
    case flag(String)
    case defaulted
    /// Read from the workspace (max_length and friends: what `pref tokenize` used).
    case workspace

    public var description: String {
        switch self {
        case .file(let path, let line): "\(path):\(line)"
        case .flag(let flag): flag
        case .defaulted: "default"
        case .workspace: "workspace"
        }
    }
}

/// A recipe that cannot be used: every case names the file and line, or the flag, to fix.
public enum RecipeError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, reason: String)
    case notAMapping(path: String)
    case unknownKey(path: String, line: Int, key: String, suggestion: RecipeKey?)
    case duplicateKey(path: String, key: String, lines: [Int])
    case wrongType(origin: RecipeOrigin, key: RecipeKey, expected: String, found: String)
    /// A value of the right type that pref cannot honour, or settings that contradict each other.
    case invalid(origin: RecipeOrigin, key: RecipeKey, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): cannot read the recipe: \(reason)"
        case .syntax(let path, let line, let reason): "\(path):\(line): not valid YAML: \(reason)"
        case .notAMapping(let path): "\(path): a recipe is a YAML mapping of key: value lines"
        case .unknownKey(let path, let line, let key, let suggestion):
            "\(path):\(line): unknown key '\(key)'" + (suggestion.map { " (did you mean '\($0.rawValue)'?)" } ?? "")
                + "; pref config dump lists every key"
        case .duplicateKey(let path, let key, let lines):
            "\(path):\(lines.last ?? 1): '\(key)' is set more than once (lines \(lines.map(String.init).joined(separator: ", ")))"
        case .wrongType(let origin, let key, let expected, let found): "\(origin): \(key.rawValue) must be \(expected), found \(found)"
        case .invalid(let origin, let key, let reason): "\(origin): \(key.rawValue): \(reason)"
        }
    }
}
