import Core
import JSON
import Store

/// openbmb/UltraFeedback raw records: an instruction and up to 4 completions, each with an
/// `overall_score`, a `fine-grained_score` and per-aspect annotations whose `Rating` is a
/// string ("1".."5", "N/A"). Completions are taken in their own order with their own
/// `model` field: the top-level `models` list is sorted differently and is not zipped in.
struct UltraFeedbackAdapter: RecordAdapter {
    static let aspects = ["helpfulness", "honesty", "instruction_following", "truthfulness"]

    func convert(_ record: JSONObject) throws(RecordProblem) -> CanonicalRecord {
        let fields = FieldReader(record)
        let prompt = [Message.user(try fields.string("instruction"))]
        try PromptRules.requireUsable(prompt, field: "instruction")
        let items = try fields.array("completions")
        guard !items.isEmpty else { throw RecordProblem(.noCompletions, "completions", "completions is empty") }
        var completions: [Completion] = []
        completions.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let c = try FieldReader(item, path: "completions[\(i)]")
            completions.append(Completion(
                text: try c.string("response"),
                model: try c.optionalString("model"),
                // A missing or null overall_score leaves the completion unscored (pairs skip it);
                // NaN or a non-number is a quarantine reason.
                score: try c.optionalScore(["overall_score"]),
                ratingsJSON: try ratings(c)))
        }
        return CanonicalRecord(kind: .preference, prompt: prompt, completions: completions,
                               promptId: SHA256.hex(of: prompt[0].content), origin: try fields.optionalString("source"))
    }

    /// `{"helpfulness": 4, ..., "fine_grained_score": 3.75, "principle": "..."}`; "N/A" → null.
    private func ratings(_ c: FieldReader) throws(RecordProblem) -> String? {
        var out = JSONObject()
        var numeric: [Double] = []
        if let annotations = c.object["annotations"], !annotations.isNull {
            let a = try FieldReader(annotations, path: c.fieldPath("annotations"))
            for aspect in Self.aspects {
                // Absent in JSONL, null in Parquet (a struct column has every aspect).
                guard let raw = a.object[aspect], !raw.isNull else { continue }
                let rating = try rating(raw, field: a.fieldPath(aspect))
                if let r = rating.doubleValue { numeric.append(r) }
                out[aspect] = rating
            }
        }
        if let given = try c.optionalScore(["fine-grained_score", "fine_grained_score"]) {
            out["fine_grained_score"] = .double(given)
        } else if !numeric.isEmpty {
            // Same definition as the dataset: the mean of the numeric aspect ratings.
            out["fine_grained_score"] = .double(numeric.reduce(0, +) / Double(numeric.count))
        }
        if let principle = try c.optionalString("principle") { out["principle"] = .string(principle) }
        return out.isEmpty ? nil : JSONWriter.string(.object(out))
    }

    /// An aspect is `{Rating: "4", ...}` or, in older copies, `[{Rating: "4", ...}]`.
    private func rating(_ raw: JSONValue, field: String) throws(RecordProblem) -> JSONValue {
        var node = raw
        var path = field
        if case .array(let list) = raw {
            guard let first = list.first else { return .null }
            node = first
            path += "[0]"
        }
        let aspect = try FieldReader(node, path: path)
        switch aspect.object["Rating"] {
        case nil, .null: return .null
        case .string(let s):
            if s.uppercased() == "N/A" { return .null }
            if let i = Int(s) { return .int(Int64(i)) }
            return .string(s)
        case .int(let i): return .int(i)
        case .double(let d): return d.isFinite ? .double(d) : .null
        case let other?:
            throw RecordProblem(.wrongType, aspect.fieldPath("Rating"), "\(aspect.fieldPath("Rating")) is a \(other.typeName)")
        }
    }
}
