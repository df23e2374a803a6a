import Core
import Parquet
import Store

/// Which tokenized examples `pref export tokenized` writes.
public enum TokenizedKind: String, Sendable, CaseIterable {
    case pairs, sft

    var shardKind: ShardExample.Kind { self == .pairs ? .preference : .sft }
}

/// `pref export tokenized --kind pairs`: the ids exactly as the shards hold them, under the
/// names TRL's `DataCollatorForPreference` reads (`prompt_ids`, `chosen_ids`,
/// `rejected_ids`), the curriculum stage, and the reference log-probs when stored.
struct TokenizedPairsTable: ExportTable {
    let reader: ShardReader
    let hasReferences: Bool

    init(catalog: Catalog) throws {
        try TokenizedExamples.require(catalog, .pairs)
        reader = ShardReader(catalog: catalog)
        hasReferences = try catalog.referenceLogpCount() > 0
    }

    var name: String { "tokenized pairs" }
    var unit: ProgressEvent.Unit { .pairs }

    var columns: [ParquetColumn] {
        [
            ParquetColumn("prompt_ids", Columns.tokenIds), ParquetColumn("chosen_ids", Columns.tokenIds),
            ParquetColumn("rejected_ids", Columns.tokenIds), ParquetColumn("stage", .int64), ParquetColumn("truncated", .boolean),
        ] + (hasReferences ? [ParquetColumn("ref_chosen_logps", .double), ParquetColumn("ref_rejected_logps", .double)] : [])
    }

    var settingKeys: [SettingKey] { hasReferences ? [.split, .pairs, .tokenize, .reference] : [.split, .pairs, .tokenize] }

    func ids(split: String) throws -> [Int64] { try reader.exampleIds(kind: .preference, split: split, order: .curriculum) }

    func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord] {
        try ids.map { id in
            let info = try reader.info(id)
            guard case .preference(let prompt, let chosen, let rejected) = try reader.example(id) else {
                throw ExportError("example \(id) is indexed as a pair but holds an SFT sequence; run `pref verify`")
            }
            var fields = [
                ParquetField(name: "prompt_ids", value: Columns.ids(prompt)), ParquetField(name: "chosen_ids", value: Columns.ids(chosen)),
                ParquetField(name: "rejected_ids", value: Columns.ids(rejected)), ParquetField(name: "stage", value: .int(Int64(info.stage))),
                ParquetField(name: "truncated", value: .bool(info.truncated)),
            ]
            if hasReferences {
                fields.append(ParquetField(name: "ref_chosen_logps", value: Columns.double(info.refChosenLogp)))
                fields.append(ParquetField(name: "ref_rejected_logps", value: Columns.double(info.refRejectedLogp)))
            }
            return ParquetRecord(fields)
        }
    }
}

/// `pref export tokenized --kind sft`: `input_ids`, `assistant_masks` (1 where the loss
/// counts the token; TRL applies this mask whatever its completion-only setting) and
/// `seq_lengths` (the documents packed into the row, which TRL turns into position_ids).
struct TokenizedSFTTable: ExportTable {
    let reader: ShardReader

    init(catalog: Catalog) throws {
        try TokenizedExamples.require(catalog, .sft)
        reader = ShardReader(catalog: catalog)
    }

    var name: String { "tokenized sft" }
    var unit: ProgressEvent.Unit { .sequences }

    var columns: [ParquetColumn] {
        [ParquetColumn("input_ids", Columns.tokenIds), ParquetColumn("assistant_masks", .list(.int8)), ParquetColumn("seq_lengths", .list(.int32))]
    }

    var settingKeys: [SettingKey] { [.split, .pairs, .tokenize] }

    func ids(split: String) throws -> [Int64] { try reader.exampleIds(kind: .sft, split: split, order: .curriculum) }

    func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord] {
        try ids.map { id in
            guard case .sft(let tokens, let mask, let documents) = try reader.example(id) else {
                throw ExportError("example \(id) is indexed as an SFT sequence but holds a pair; run `pref verify`")
            }
            return ParquetRecord([
                ParquetField(name: "input_ids", value: Columns.ids(tokens)),
                ParquetField(name: "assistant_masks", value: .list(mask.map { .int($0 ? 1 : 0) })),
                ParquetField(name: "seq_lengths", value: .list(documents.map { .int(Int64($0)) })),
            ])
        }
    }
}

/// The checks before a tokenized export: a split, fresh shards, examples of the kind.
enum TokenizedExamples {
    static func require(_ catalog: Catalog, _ kind: TokenizedKind) throws {
        try catalog.requireSplit()
        try TokenizedFreshness.require(catalog, what: "the shards")
        guard try catalog.exampleCount(kind: kind.shardKind) > 0 else {
            throw ExportError(kind == .pairs
                ? "the shards hold no tokenized pairs: run `pref pairs --strategy binarized`, then `pref tokenize` again"
                : "the shards hold no SFT sequences: ingest conversations, or run `pref tokenize --sft-from chosen`")
        }
    }
}
