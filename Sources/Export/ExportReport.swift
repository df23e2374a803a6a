import JSON

/// What an export wrote.
public struct ExportReport: Sendable {
    public struct Split: Sendable, Equatable {
        public var name: String
        public var rows: Int
        public var files: Int
    }

    public var directory: String
    public var table: String
    public var format: ExportFormat
    public var columns: [String]
    public var splits: [Split]
    public var seconds: Double

    public var text: String {
        var lines = ["exported \(table) to \(directory) (\(format.rawValue)): "
            + splits.map { "\($0.name) \($0.rows) rows in \($0.files) file\($0.files == 1 ? "" : "s")" }.joined(separator: ", ")]
        lines.append("columns: " + columns.joined(separator: ", "))
        lines.append("card: \(directory)/README.md; load with datasets.load_dataset(\"\(format == .parquet ? "parquet" : "json")\", data_dir=\"\(directory)\")")
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        .object(JSONObject([
            ("directory", .string(directory)), ("table", .string(table)), ("format", .string(format.rawValue)),
            ("columns", .array(columns.map(JSONValue.string))),
            ("splits", .array(splits.map {
                .object(JSONObject([("split", .string($0.name)), ("rows", .int(Int64($0.rows))), ("files", .int(Int64($0.files)))]))
            })),
            ("seconds", .double(seconds)),
        ]))
    }
}
