import Foundation
import GRDB
import JSON

/// The `settings` table: one JSON document per key ('split', 'pairs'), so a later run can
/// tell what the current split and pair set were built with.
enum SettingsRow {
    static func read(_ db: Database, key: String) throws -> JSONValue? {
        guard let text = try String.fetchOne(db, sql: "SELECT value_json FROM settings WHERE key = ?", arguments: [key]) else {
            return nil
        }
        do {
            return try JSONParser.parse(text)
        } catch {
            throw PairsError("catalog settings '\(key)' are not valid JSON (\(error)); run the command that writes them again")
        }
    }

    static func write(_ db: Database, key: String, value: JSONValue) throws {
        try db.execute(
            sql: """
                INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
                ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at
                """,
            arguments: [key, JSONWriter.string(value), ISO8601DateFormatter().string(from: Date())])
    }
}
