import Core
import Foundation
import Parquet
import Store

/// `pref export`: writes a table of the workspace, split by split, in the Hugging Face Hub
/// layout (`data/{split}-NNNNN-of-NNNNN.{parquet,jsonl}` and a README.md card with
/// `configs:`), into a staging folder that replaces the destination only when complete.
public enum Exporter {
    /// Rows fetched from the catalog at a time.
    static let chunkRows = 1000

    /// Preference pairs in TRL's conversational format.
    public static func pairs(_ catalog: Catalog, options: ExportOptions, progress: ProgressHandler? = nil) throws -> ExportReport {
        try run(PairsExportTable(catalog: catalog), catalog: catalog, options: options, progress: progress)
    }

    /// SFT conversations in ultrachat_200k's layout.
    public static func sft(_ catalog: Catalog, from source: SFTExampleSource = .conversations, options: ExportOptions,
                           progress: ProgressHandler? = nil) throws -> ExportReport {
        try run(SFTExportTable(catalog: catalog, source: source), catalog: catalog, options: options, progress: progress)
    }

    /// The token ids, masks and document lengths of the shards.
    public static func tokenized(_ catalog: Catalog, kind: TokenizedKind, options: ExportOptions,
                                 progress: ProgressHandler? = nil) throws -> ExportReport {
        let table: ExportTable = switch kind {
        case .pairs: try TokenizedPairsTable(catalog: catalog)
        case .sft: try TokenizedSFTTable(catalog: catalog)
        }
        return try run(table, catalog: catalog, options: options, progress: progress)
    }

    static func run(_ table: ExportTable, catalog: Catalog, options: ExportOptions, progress: ProgressHandler?) throws -> ExportReport {
        guard options.rowsPerFile > 0 else { throw ExportError("rows per file must be at least 1, got \(options.rowsPerFile)") }
        let started = Date()
        try refuseToReplaceWorkspace(catalog, options)
        let metadata = try ExportMetadata(catalog: catalog, keys: table.settingKeys)
        let staging = try StagingDirectory(destination: options.directory, overwrite: options.overwrite)
        let data = staging.url.appendingPathComponent(HubLayout.dataFolder, isDirectory: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: false)

        var splits: [ExportReport.Split] = []
        for split in HubLayout.splits {
            let ids = try table.ids(split: split)
            if ids.isEmpty { continue }  // a split with no rows gets no files and no card entry
            let files = HubLayout.fileCount(rows: ids.count, rowsPerFile: options.rowsPerFile)
            for file in 0..<files {
                let slice = Array(ids[(file * options.rowsPerFile)..<min(ids.count, (file + 1) * options.rowsPerFile)])
                let path = data.appendingPathComponent(HubLayout.fileName(split: split, index: file, count: files, format: options.format)).path
                try write(table, split: split, ids: slice, to: path, format: options.format,
                          metadata: metadata.keyValues(table: table.name, split: split, file: file, files: files)) { done in
                    progress?(ProgressEvent(phase: "export \(table.name) \(split)", done: file * options.rowsPerFile + done,
                                            total: ids.count, unit: table.unit))
                }
            }
            splits.append(ExportReport.Split(name: split, rows: ids.count, files: files))
        }
        guard !splits.isEmpty else { throw ExportError("the workspace has no \(table.name) rows in any split; nothing to export") }

        let card = DatasetCard(table: table.name, format: options.format, columns: table.columns, splits: splits, settings: metadata.settings)
        try Data(card.text.utf8).write(to: staging.url.appendingPathComponent("README.md"))
        try staging.commit()
        return ExportReport(directory: staging.destination.path, table: table.name, format: options.format,
                            columns: table.columns.map(\.name), splits: splits, seconds: Date().timeIntervalSince(started))
    }

    /// --overwrite replaces the destination folder whole: never one that holds the workspace.
    private static func refuseToReplaceWorkspace(_ catalog: Catalog, _ options: ExportOptions) throws {
        let destination = options.directory.standardizedFileURL.resolvingSymlinksInPath().path
        let workspace = catalog.layout.root.standardizedFileURL.resolvingSymlinksInPath().path
        if workspace == destination || workspace.hasPrefix(destination.hasSuffix("/") ? destination : destination + "/") {
            throw ExportError("--to \(options.directory.path) holds the workspace \(catalog.layout.root.path): choose a folder outside it")
        }
    }

    private static func write(_ table: ExportTable, split: String, ids: [Int64], to path: String, format: ExportFormat,
                              metadata: [KeyValue], progress: (Int) -> Void) throws {
        let file: RowFile = switch format {
        case .parquet: try ParquetRowFile(path: path, columns: table.columns, metadata: metadata)
        case .jsonl: try JSONLRowFile(path: path)
        }
        for start in stride(from: 0, to: ids.count, by: chunkRows) {
            let chunk = Array(ids[start..<min(ids.count, start + chunkRows)])
            try file.write(table.rows(chunk, split: split))
            progress(start + chunk.count)
        }
        try file.close()
    }
}
