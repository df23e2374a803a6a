/// The Hugging Face Hub file layout `datasets` reads without a loading script:
/// `data/{split}-{index:05d}-of-{count:05d}.{ext}`, the names `push_to_hub` writes.
enum HubLayout {
    static let dataFolder = "data"
    static let splits = ["train", "test"]

    /// How many files `rows` rows take at `rowsPerFile` each (at least one).
    static func fileCount(rows: Int, rowsPerFile: Int) -> Int {
        max(1, (rows + rowsPerFile - 1) / rowsPerFile)
    }

    static func fileName(split: String, index: Int, count: Int, format: ExportFormat) -> String {
        "\(split)-\(digits(index))-of-\(digits(count)).\(format.fileExtension)"
    }

    /// The path of a split's files relative to the export folder, as a glob for the card.
    static func glob(split: String) -> String { "\(dataFolder)/\(split)-*" }

    private static func digits(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 5 - s.count)) + s
    }
}
