import JSON
import Store

/// The length limits the workspace's shards were tokenized with (the catalog's 'tokenize'
/// setting): in pref, max_length, max_prompt_length and truncation_mode are decided by
/// `pref tokenize`, so a recipe's values are checked against these, never applied.
public struct WorkspaceLimits: Sendable, Equatable {
    public var maxLength: Int
    public var maxPromptLength: Int
    public var truncationMode: String

    public init(maxLength: Int, maxPromptLength: Int, truncationMode: String) {
        self.maxLength = maxLength
        self.maxPromptLength = maxPromptLength
        self.truncationMode = truncationMode
    }

    /// nil when the workspace has not been tokenized.
    public static func read(from catalog: Catalog) throws(TrainError) -> WorkspaceLimits? {
        let value: JSONValue?
        do { value = try catalog.settingValue(.tokenize) } catch { throw .io("catalog: \(error)") }
        guard let value else { return nil }
        guard let length = value["max_length"]?.intValue, let prompt = value["max_prompt_length"]?.intValue,
              let mode = value["truncation"]?.stringValue else {
            throw .io("catalog: the tokenize setting has no max_length / max_prompt_length / truncation; run pref tokenize again")
        }
        return WorkspaceLimits(maxLength: length, maxPromptLength: prompt, truncationMode: mode)
    }

    func value(of key: RecipeKey) -> RecipeValue? {
        switch key {
        case .maxLength: .int(maxLength)
        case .maxPromptLength: .int(maxPromptLength)
        case .truncationMode: .string(truncationMode)
        default: nil
        }
    }

    /// What to pass to pref tokenize to get shards with this key's value.
    static func tokenizeFlag(_ key: RecipeKey) -> String {
        switch key {
        case .maxLength: "--max-length"
        case .maxPromptLength: "--max-prompt-length"
        default: "--truncation"
        }
    }
}
