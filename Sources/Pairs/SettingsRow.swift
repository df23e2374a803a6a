import GRDB
import JSON
import Store

/// The `settings` table: one JSON document per key ('split', 'pairs'), so a later run can
/// tell what the current split and pair set were built with.
enum SettingsRow {
    static func read(_ db: Database, key: String) throws -> JSONValue? {
        guard let text = try Catalog.setting(db, key)?.json else { return nil }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw PairsError("catalog settings '\(key)' are not valid JSON (\(error)); run the command that writes them again")
        }
    }

    static func write(_ db: Database, key: String, value: JSONValue) throws {
        try Catalog.setSetting(db, key, json: JSONWriter.string(value))
    }
}
