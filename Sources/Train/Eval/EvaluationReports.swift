import Foundation
import JSON

extension EvaluationResult {
    /// The summary figures as `pref eval` prints them.
    public var text: String {
        var lines = ["eval of \(run) on \(pairs) \(split) pairs (\(hasReference ? "β \(beta)" : "no reference")):"]
        for (k, v) in summary { lines.append("  " + k.padding(toLength: 42, withPad: " ", startingAt: 0) + String(format: "%.4f", v)) }
        return lines.joined(separator: "\n")
    }

    /// The summary figures alone (non-finite values as null).
    public var summaryJSON: JSONValue {
        .object(JSONObject(summary.map { ($0.0, $0.1.isFinite ? .double($0.1) : .null) }))
    }
}

/// `pref compare`: several runs' eval summaries side by side.
public struct EvaluationComparison: Sendable {
    public var results: [EvaluationResult]

    public init(_ results: [EvaluationResult]) { self.results = results }

    static let columns = [("perplexity_chosen_token_weighted", "ppl(tok)"), ("perplexity_chosen_mean_per_response", "ppl(resp)"),
                          ("rewards/accuracies", "acc"), ("rewards/margins_mean", "margin"), ("logps/chosen_mean", "logp_w"),
                          ("logps/rejected_mean", "logp_l"), ("logps/chosen_change_vs_reference_mean", "Δlogp_w")]

    public var text: String {
        let width = max(8, results.map(\.run.count).max() ?? 8)
        var lines = ["run".padding(toLength: width, withPad: " ", startingAt: 0)
            + Self.columns.map { "  " + $0.1.padding(toLength: 10, withPad: " ", startingAt: 0) }.joined()]
        for r in results {
            let values = Dictionary(r.summary, uniquingKeysWith: { a, _ in a })
            lines.append(r.run.padding(toLength: width, withPad: " ", startingAt: 0)
                + Self.columns.map { "  " + String(format: "%-10.4f", values[$0.0] ?? .nan) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue { .object(JSONObject(results.map { ($0.run, $0.summaryJSON) })) }
}
