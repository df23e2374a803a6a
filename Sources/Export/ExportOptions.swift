import Foundation

/// The file format of an export's data files.
public enum ExportFormat: String, Sendable, CaseIterable {
    case parquet, jsonl

    var fileExtension: String { rawValue }
}

/// Where and how an export is written.
public struct ExportOptions: Sendable {
    /// HF's push_to_hub cuts shards at about 500 MB; 50,000 preference rows are about that much text.
    public static let defaultRowsPerFile = 50_000

    public var directory: URL
    public var format: ExportFormat
    public var rowsPerFile: Int
    /// Replace a non-empty `directory`; without it such a folder is refused.
    public var overwrite: Bool

    public init(directory: URL, format: ExportFormat = .parquet, rowsPerFile: Int = defaultRowsPerFile, overwrite: Bool = false) {
        self.directory = directory
        self.format = format
        self.rowsPerFile = rowsPerFile
        self.overwrite = overwrite
    }
}
