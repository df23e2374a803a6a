import JSON
import Store

/// The dataset layouts `pref ingest` understands (see ../shared/docs/DATASETS.md).
public enum DatasetFormat: String, CaseIterable, Sendable {
    /// openbmb/UltraFeedback: `instruction` and 4 rated `completions`.
    case ultrafeedback
    /// HuggingFaceH4/ultrafeedback_binarized: chosen/rejected chats with `score_chosen`/`score_rejected`.
    case ultrafeedbackBinarized = "ultrafeedback-binarized"
    /// argilla/Capybara-Preferences: chosen/rejected chats with integer ratings and models.
    case capybaraPreferences = "capybara-preferences"
    /// LDJnr/Capybara: `conversation: [{input, output}]`.
    case capybara
    /// Raw UltraChat: `{id, data: [turns]}` with roles by position.
    case ultrachat
    /// HuggingFaceH4/ultrachat_200k: `prompt`, `prompt_id`, `messages`.
    case ultrachat200k = "ultrachat-200k"
    /// ShareGPT-style `conversations: [{from, value}]`, optionally with `chosen`/`rejected` turns.
    case sharegpt

    /// Recognises the format from one record's keys; nil when nothing fits.
    static func detect(_ object: JSONObject) -> DatasetFormat? {
        func has(_ k: String) -> Bool { object[k] != nil }
        if has("instruction"), has("completions") { return .ultrafeedback }
        if has("conversations") { return .sharegpt }
        if has("chosen"), has("rejected") {
            if has("score_chosen") || has("score_rejected") { return .ultrafeedbackBinarized }
            if ChosenRejectedAdapter.capybaraRatingKeys.chosen.contains(where: has) { return .capybaraPreferences }
            return has("prompt") ? .ultrafeedbackBinarized : .capybaraPreferences
        }
        if has("conversation") { return .capybara }
        if has("data"), has("id") { return .ultrachat }
        if has("messages") { return .ultrachat200k }
        return nil
    }

    /// Detects from the first records: the first format any of them matches.
    static func detect(_ samples: [JSONValue]) -> DatasetFormat? {
        for case .object(let o) in samples {
            if let f = detect(o) { return f }
        }
        return nil
    }

    func makeAdapter() -> RecordAdapter {
        switch self {
        case .ultrafeedback: UltraFeedbackAdapter()
        case .ultrafeedbackBinarized: ChosenRejectedAdapter(variant: .binarized)
        case .capybaraPreferences: ChosenRejectedAdapter(variant: .capybara)
        case .capybara: CapybaraAdapter()
        case .ultrachat: UltraChatAdapter()
        case .ultrachat200k: UltraChat200kAdapter()
        case .sharegpt: ShareGPTAdapter()
        }
    }
}

/// Turns one parsed record into the canonical shape, or says why it cannot.
protocol RecordAdapter: Sendable {
    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord
}
