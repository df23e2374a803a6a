/// Why a record cannot be used. `reason` is a short stable code for counting;
/// `detail` says exactly what was wrong, for the quarantine row.
struct RecordProblem: Error, Equatable {
    var reason: Reason
    var field: String?
    var detail: String

    enum Reason: String {
        case malformedJSON = "malformed_json"
        case invalidUTF8 = "invalid_utf8"
        case recordTooLarge = "record_too_large"
        case notAnObject = "not_an_object"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case emptyPrompt = "empty_prompt"
        case noCompletions = "no_completions"
        case nullScore = "null_score"
        case nanScore = "nan_score"
        case unknownRole = "unknown_role"
        case promptMismatch = "prompt_mismatch"
        case promptIdMismatch = "prompt_id_mismatch"
        case prefixMismatch = "prefix_mismatch"
        case noAssistantTurn = "no_assistant_turn"
    }

    init(_ reason: Reason, _ field: String?, _ detail: String) {
        self.reason = reason
        self.field = field
        self.detail = detail
    }
}
