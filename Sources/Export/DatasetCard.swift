import JSON
import Parquet

/// The README.md beside the data: YAML front matter with `configs:` (one `default` config,
/// a `data_files` glob per split), which `datasets.load_dataset(DIR)` and the Hub read, and
/// a body that says what the rows are and what produced them.
struct DatasetCard {
    var table: String
    var format: ExportFormat
    var columns: [ParquetColumn]
    /// Split, rows and files, in the order written.
    var splits: [ExportReport.Split]
    var settings: JSONValue

    var text: String {
        var lines = ["---", "configs:", "- config_name: default", "  data_files:"]
        for split in splits {
            lines += ["  - split: \(split.name)", "    path: \(HubLayout.glob(split: split.name))"]
        }
        lines += ["---", "", "# pref export: \(table)", ""]
        lines.append("Written by pref \(PrefVersion.current) (`pref export`) as \(format.rawValue) files in the Hugging Face Hub layout.")
        if columns.contains(where: { $0.name == "stage" }) {
            lines.append("Rows are in curriculum order: the order `pref pairs` ranked them, stage by stage (column `stage`).")
        }
        lines += ["", "| split | rows | files |", "|---|---|---|"]
        lines += splits.map { "| \($0.name) | \($0.rows) | \($0.files) |" }
        lines += ["", "Columns: " + columns.map { "`\($0.name)`" }.joined(separator: ", ") + ".", ""]
        lines += ["```python", "from datasets import load_dataset", "dataset = load_dataset(\"\(format == .parquet ? "parquet" : "json")\", data_dir=\"PATH/TO/THIS/FOLDER\")", "```", ""]
        lines += ["The pref settings that produced these rows (also in each Parquet file's key-value metadata `\(ExportMetadata.settingsKey)`):", ""]
        lines += ["```json", JSONWriter.string(settings), "```", ""]
        return lines.joined(separator: "\n")
    }
}
