import GRDB
import JSON

/// The keys of the `settings` table: one JSON document each, recording what the current
/// state of a stage was built with, so a later run can tell whether it is still valid.
public enum SettingKey: String, Sendable, CaseIterable {
    case split, pairs, tokenize
    /// The identity of the model whose log-probs are stored in the shard index.
    case reference
    /// The date chat templates see through `strftime_now`: the first tokenize's, so the same
    /// inputs give the same shards on any later day.
    case templateDate = "template_date"
}

/// A stored setting: its JSON text (compared byte for byte as a fingerprint), when it was
/// written, and the parsed value.
public struct StoredSetting: Sendable {
    public var text: String
    public var updatedAt: String

    public func value() throws -> JSONValue {
        do { return try JSONParser.parse(text) } catch {
            throw StoreError("catalog setting is not valid JSON (\(error)); run the command that writes it again")
        }
    }
}

extension CatalogTransaction {
    public func setting(_ key: SettingKey) throws -> StoredSetting? {
        try Row.fetchOne(db, sql: "SELECT value_json, updated_at FROM settings WHERE key = ?", arguments: [key.rawValue])
            .map { StoredSetting(text: $0[0], updatedAt: $0[1]) }
    }

    /// The setting parsed, nil when absent.
    public func settingValue(_ key: SettingKey) throws -> JSONValue? {
        do { return try setting(key)?.value() } catch let error as StoreError {
            throw StoreError("settings '\(key.rawValue)': \(error.description)")
        }
    }

    public func setSetting(_ key: SettingKey, _ value: JSONValue) throws {
        try setSetting(key, text: JSONWriter.string(value))
    }

    public func setSetting(_ key: SettingKey, text: String) throws {
        try db.execute(sql: """
            INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)
            ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at
            """, arguments: [key.rawValue, text, Catalog.timestamp()])
    }

    public func removeSetting(_ key: SettingKey) throws {
        try db.execute(sql: "DELETE FROM settings WHERE key = ?", arguments: [key.rawValue])
    }
}

extension Catalog {
    public func setting(_ key: SettingKey) throws -> StoredSetting? { try read { try $0.setting(key) } }
    public func settingValue(_ key: SettingKey) throws -> JSONValue? { try read { try $0.settingValue(key) } }
    public func setSetting(_ key: SettingKey, text: String) throws { try write { try $0.setSetting(key, text: text) } }
    public func setSetting(_ key: SettingKey, _ value: JSONValue) throws { try write { try $0.setSetting(key, value) } }
}

extension Catalog {
    /// The settings of `keys` with when each was written ("-" for an absent one), in the form
    /// `pref tokenize` records as its `upstream`: equal strings mean the same stage outputs.
    public func settingsFingerprint(_ keys: [SettingKey]) throws -> String {
        try read { tx in
            try keys.map { try tx.setting($0).map { "\($0.text)@\($0.updatedAt)" } ?? "-" }.joined(separator: " | ")
        }
    }
}
