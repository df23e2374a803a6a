import JSON
import Parquet
import Store

/// What every export file records about its origin: pref's version and the catalog
/// settings that produced its rows, as Parquet key-value metadata (and in the card).
struct ExportMetadata {
    static let versionKey = "pref.version"
    static let settingsKey = "pref.settings"
    static let exportKey = "pref.export"

    /// The table's settings, parsed: {"split": {...}, "pairs": {...}, ...}; absent keys left out.
    let settings: JSONValue

    init(catalog: Catalog, keys: [SettingKey]) throws {
        var object = JSONObject()
        for key in keys {
            guard let stored = try catalog.setting(key) else { continue }
            // `reference` holds the reference model's hash as bare text, not JSON: keep it as a string.
            object[key.rawValue] = (try? stored.value()) ?? .string(stored.text)
        }
        settings = .object(object)
    }

    /// The key-value pairs of one file: which table, split and file of how many.
    func keyValues(table: String, split: String, file: Int, files: Int) -> [KeyValue] {
        let export = JSONValue.object(JSONObject([
            ("table", .string(table)), ("split", .string(split)), ("file", .int(Int64(file))), ("files", .int(Int64(files))),
        ]))
        return [
            KeyValue(Self.versionKey, PrefVersion.current),
            KeyValue(Self.settingsKey, JSONWriter.string(settings)),
            KeyValue(Self.exportKey, JSONWriter.string(export)),
        ]
    }
}
