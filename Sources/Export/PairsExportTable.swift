import Core
import Parquet
import Store

/// `pref export pairs`: TRL's conversational preference format (prompt = the turns up to the
/// answer; chosen / rejected = the assistant answer as a one-message list), with the scores,
/// the curriculum stage in row order, and TRL's precomputed reference columns when stored.
struct PairsExportTable: ExportTable {
    let catalog: Catalog
    /// Reference log-probs by split and pair id; nil when the catalog stores none.
    let references: [String: [Int64: (chosen: Double, rejected: Double)]]?

    init(catalog: Catalog) throws {
        try catalog.requireSplit()
        guard try catalog.read({ try $0.pairCount() }) > 0 else {
            throw ExportError("the workspace has no preference pairs yet: run `pref pairs --strategy binarized` (or another strategy) first")
        }
        self.catalog = catalog
        if try catalog.referenceLogpCount() > 0 {
            try TokenizedFreshness.require(catalog, what: "the stored reference log-probs")
            references = try Dictionary(uniqueKeysWithValues: HubLayout.splits.map { ($0, try catalog.referenceLogps(split: $0)) })
        } else {
            references = nil
        }
    }

    var name: String { "pairs" }
    var unit: ProgressEvent.Unit { .pairs }

    var columns: [ParquetColumn] {
        [
            ParquetColumn("prompt_id", .string), ParquetColumn("prompt", Columns.messages),
            ParquetColumn("chosen", Columns.messages), ParquetColumn("rejected", Columns.messages),
            ParquetColumn("score_chosen", .double), ParquetColumn("score_rejected", .double),
            ParquetColumn("score_gap", .double), ParquetColumn("strategy", .string), ParquetColumn("stage", .int64),
        ] + (references == nil ? [] : [ParquetColumn("ref_chosen_logps", .double), ParquetColumn("ref_rejected_logps", .double)])
    }

    var settingKeys: [SettingKey] { references == nil ? [.split, .pairs] : [.split, .pairs, .tokenize, .reference] }

    func ids(split: String) throws -> [Int64] { try catalog.pairIds(split: split) }

    func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord] {
        try Columns.ordered(catalog.pairExportRows(ids), by: ids, id: \.pairId).map { pair in
            var fields = [
                ParquetField(name: "prompt_id", value: .string(Columns.promptId(pair.promptId, pair.prompt))),
                ParquetField(name: "prompt", value: Columns.messages(pair.prompt)),
                ParquetField(name: "chosen", value: Columns.messages([.assistant(pair.chosen)])),
                ParquetField(name: "rejected", value: Columns.messages([.assistant(pair.rejected)])),
                ParquetField(name: "score_chosen", value: Columns.double(pair.scoreChosen)),
                ParquetField(name: "score_rejected", value: Columns.double(pair.scoreRejected)),
                ParquetField(name: "score_gap", value: Columns.double(pair.scoreGap)),
                ParquetField(name: "strategy", value: .string(pair.strategy)),
                ParquetField(name: "stage", value: .int(Int64(pair.stage))),
            ]
            if let references {
                // A pair the tokenizer skipped (template raised, empty response) has none: null.
                let logps = references[split]?[pair.pairId]
                fields.append(ParquetField(name: "ref_chosen_logps", value: Columns.double(logps?.chosen)))
                fields.append(ParquetField(name: "ref_rejected_logps", value: Columns.double(logps?.rejected)))
            }
            return ParquetRecord(fields)
        }
    }
}
