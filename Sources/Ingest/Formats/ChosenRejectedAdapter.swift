import Core
import JSON
import Store

/// Datasets that give a chosen and a rejected conversation sharing one prompt:
/// HuggingFaceH4/ultrafeedback_binarized (float `score_*`) and argilla/Capybara-Preferences
/// (int `*_rating` under three spellings, plus `*_model`). The prompt is the common prefix;
/// the completions are the two final assistant turns. A `chosen`/`rejected` given as a plain
/// string with a separate `prompt` (TRL's standard layout) is accepted too.
struct ChosenRejectedAdapter: RecordAdapter {
    enum Variant: Sendable { case binarized, capybara }
    let variant: Variant

    static let binarizedScoreKeys = (chosen: ["score_chosen"], rejected: ["score_rejected"])
    static let capybaraRatingKeys = (chosen: ["chosen_rating", "chosen-rating", "rating_chosen"],
                                     rejected: ["rejected_rating", "rejected-rating", "rating_rejected"])
    static let capybaraModelKeys = (chosen: ["chosen_model", "chosen-model", "model_chosen"],
                                    rejected: ["rejected_model", "rejected-model", "model_rejected"])

    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        let (prompt, chosenText, rejectedText) = try conversation(fields)
        let promptId = try PromptRules.promptId(for: prompt, in: fields)
        var chosen = Completion(text: chosenText, label: .chosen)
        var rejected = Completion(text: rejectedText, label: .rejected)
        switch variant {
        case .binarized:
            chosen.score = try fields.score(Self.binarizedScoreKeys.chosen)
            rejected.score = try fields.score(Self.binarizedScoreKeys.rejected)
        case .capybara:
            chosen.score = try fields.score(Self.capybaraRatingKeys.chosen)
            rejected.score = try fields.score(Self.capybaraRatingKeys.rejected)
            chosen.model = try fields.firstKey(Self.capybaraModelKeys.chosen).flatMap { key throws(RecordProblem) in try fields.optionalString(key) }
            rejected.model = try fields.firstKey(Self.capybaraModelKeys.rejected).flatMap { key throws(RecordProblem) in try fields.optionalString(key) }
        }
        return CanonicalRecord(kind: .preference, prompt: prompt, completions: [chosen, rejected],
                               promptId: promptId, origin: try fields.optionalString("source"))
    }

    private func conversation(_ fields: FieldReader) throws(RecordProblem) -> ([Message], String, String) {
        let chosenValue = try fields.value("chosen")
        if case .string(let chosenText) = chosenValue {
            let rejectedText = try fields.string("rejected")
            let prompt: [Message]
            if case .array = fields.object["prompt"] {
                prompt = try fields.messages("prompt")
            } else {
                prompt = [.user(try fields.string("prompt"))]
            }
            try PromptRules.requireUsable(prompt, field: "prompt")
            return (prompt, chosenText, rejectedText)
        }
        let chosen = try fields.messages("chosen")
        let rejected = try fields.messages("rejected")
        guard let c = chosen.last, c.role == "assistant" else {
            throw RecordProblem(.noAssistantTurn, "chosen", "chosen does not end with an assistant turn")
        }
        guard let r = rejected.last, r.role == "assistant" else {
            throw RecordProblem(.noAssistantTurn, "rejected", "rejected does not end with an assistant turn")
        }
        let prompt = Array(chosen.dropLast())
        guard prompt == Array(rejected.dropLast()) else {
            throw RecordProblem(.prefixMismatch, "rejected", "chosen and rejected do not share the same prompt turns")
        }
        try PromptRules.requireUsable(prompt, field: "chosen")
        return (prompt, c.content, r.content)
    }
}
