import Core
import Parquet
import Store

/// `pref export sft`: ultrachat_200k's layout, `prompt` (the first user message),
/// `prompt_id` and `messages` (the whole conversation, ending on the answer).
struct SFTExportTable: ExportTable {
    let catalog: Catalog
    let source: SFTExampleSource

    init(catalog: Catalog, source: SFTExampleSource) throws {
        try catalog.requireSplit()
        let available = try HubLayout.splits.reduce(0) { $0 + (try catalog.sftExampleIds(split: $1, from: source).count) }
        guard available > 0 else {
            throw ExportError(source == .conversations
                ? "the workspace has no conversation records: ingest an SFT dataset (ultrachat_200k, …) and run `pref split`, or export the chosen side of the pairs with `pref export sft --from chosen`"
                : "the workspace has no preference pairs yet: run `pref pairs --strategy binarized` (or another strategy) first")
        }
        self.catalog = catalog
        self.source = source
    }

    var name: String { "sft" }
    var unit: ProgressEvent.Unit { .records }

    var columns: [ParquetColumn] {
        [ParquetColumn("prompt", .string), ParquetColumn("prompt_id", .string), ParquetColumn("messages", Columns.messages)]
    }

    var settingKeys: [SettingKey] { source == .chosen ? [.split, .pairs] : [.split] }

    func ids(split: String) throws -> [Int64] { try catalog.sftExampleIds(split: split, from: source) }

    func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord] {
        // Rows come back keyed by record; for `.chosen` the ids are pair ids, in the same order.
        let rows = try catalog.sftRows(ids, from: source)
        guard rows.count == ids.count else { throw ExportError("\(ids.count - rows.count) SFT rows vanished from the catalog during the export; run it again") }
        return rows.map { row in
            let prompt = row.messages.dropLast()
            return ParquetRecord([
                ParquetField(name: "prompt", value: .string(Columns.promptText(Array(prompt)))),
                ParquetField(name: "prompt_id", value: .string(Columns.promptId(row.promptId, Array(prompt)))),
                ParquetField(name: "messages", value: Columns.messages(row.messages)),
            ])
        }
    }
}
