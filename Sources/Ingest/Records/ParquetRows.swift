import Foundation
import JSON
import Parquet

/// Parquet rows as JSON values for the dataset adapters, so Parquet and JSONL go through
/// the same conversion and quarantine rules.
enum ParquetRows {
    /// Columns an adapter may read; only these are decoded (column projection).
    static func columns(for format: DatasetFormat) -> [String] {
        switch format {
        case .ultrafeedback: ["source", "instruction", "completions"]
        case .ultrafeedbackBinarized: ["source", "prompt", "prompt_id", "chosen", "rejected", "score_chosen", "score_rejected"]
        case .capybaraPreferences:
            ["source", "prompt", "prompt_id", "chosen", "rejected"]
                + ChosenRejectedAdapter.capybaraRatingKeys.chosen + ChosenRejectedAdapter.capybaraRatingKeys.rejected
                + ChosenRejectedAdapter.capybaraModelKeys.chosen + ChosenRejectedAdapter.capybaraModelKeys.rejected
        case .capybara: ["source", "conversation"]
        case .ultrachat: ["id", "data"]
        case .ultrachat200k: ["prompt", "prompt_id", "messages"]
        case .sharegpt: ["conversations", "chosen", "rejected", "system"]
        }
    }

    /// Binary that is not UTF-8 where text belongs: the row is quarantined like a JSONL line
    /// with invalid UTF-8.
    struct NotText: Error { var field: String }

    static func json(_ record: ParquetRecord) throws(NotText) -> JSONObject {
        var keys: [String] = []
        var values: [JSONValue] = []
        for field in record.fields {
            keys.append(field.name)
            values.append(try json(field.value, path: field.name))
        }
        return JSONObject(zip(keys, values).map { ($0, $1) })
    }

    static func json(_ value: ParquetValue, path: String) throws(NotText) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .uint(let u): return Int64(exactly: u).map(JSONValue.int) ?? .double(Double(u))
        case .float(let f): return .double(Double(f))
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .bytes(let b):
            guard let s = String(validating: b, as: UTF8.self) else { throw NotText(field: path) }
            return .string(s)
        case .decimal(let d): return Double(d.description).map(JSONValue.double) ?? .string(d.description)
        case .date(let days): return .int(Int64(days))
        case .time(let t, _): return .int(t)
        case .timestamp(let t, _, _): return .int(t)
        case .list(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() { out.append(try json(item, path: "\(path)[\(i)]")) }
            return .array(out)
        case .record(let r):
            var pairs: [(String, JSONValue)] = []
            for field in r.fields { pairs.append((field.name, try json(field.value, path: "\(path).\(field.name)"))) }
            return .object(JSONObject(pairs))
        case .map(let entries):
            var out: [JSONValue] = []
            for (i, e) in entries.enumerated() {
                out.append(.object(JSONObject([("key", try json(e.key, path: "\(path)[\(i)].key")),
                                               ("value", try json(e.value, path: "\(path)[\(i)].value"))])))
            }
            return .array(out)
        }
    }
}
