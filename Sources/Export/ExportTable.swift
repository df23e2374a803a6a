import Core
import Parquet
import Store

/// One kind of export: its columns, the rows of a split in export order, and the settings
/// that produced them. `Exporter` writes any table in the Hub layout.
protocol ExportTable {
    /// "pairs", "sft", "tokenized pairs", …: the card's title and the files' metadata.
    var name: String { get }
    var unit: ProgressEvent.Unit { get }
    var columns: [ParquetColumn] { get }
    /// The catalog settings that decided these rows, recorded in every file.
    var settingKeys: [SettingKey] { get }
    /// The ids of a split's rows, in the order they are written.
    func ids(split: String) throws -> [Int64]
    /// The rows of `ids` (a run of `ids(split:)`), in the same order.
    func rows(_ ids: [Int64], split: String) throws -> [ParquetRecord]
}

/// Row building shared by the tables.
enum Columns {
    /// A chat message as `datasets` stores one: struct<content: string, role: string>, in that order.
    static let message = ParquetDataType.structure([ParquetColumn("content", .string), ParquetColumn("role", .string)])
    static let messages = ParquetDataType.list(message)
    static let tokenIds = ParquetDataType.list(.int32)

    static func messages(_ list: [Message]) -> ParquetValue {
        .list(list.map { .record(ParquetRecord([ParquetField(name: "content", value: .string($0.content)),
                                                ParquetField(name: "role", value: .string($0.role))])) })
    }

    static func double(_ value: Double?) -> ParquetValue { value.map(ParquetValue.double) ?? .null }

    static func ids(_ ids: [Int32]) -> ParquetValue { .list(ids.map { .int(Int64($0)) }) }

    /// The dataset's prompt id, or what ultrafeedback_binarized and ultrachat_200k compute:
    /// sha256 of the first user message's text (the `prompt` string column).
    static func promptId(_ stored: String?, _ messages: [Message]) -> String {
        stored ?? SHA256.hex(of: promptText(messages))
    }

    /// The `prompt` string of the Hub's SFT layout: the first user message.
    static func promptText(_ messages: [Message]) -> String {
        (messages.first { $0.role == "user" } ?? messages.first)?.content ?? ""
    }

    /// Puts `rows` in the order of `ids` (queries return them sorted their own way).
    static func ordered<T>(_ rows: [T], by ids: [Int64], id: (T) -> Int64) throws -> [T] {
        let byId = Dictionary(rows.map { (id($0), $0) }, uniquingKeysWith: { first, _ in first })
        return try ids.map { i in
            guard let row = byId[i] else { throw ExportError("row \(i) vanished from the catalog during the export; run it again") }
            return row
        }
    }
}
