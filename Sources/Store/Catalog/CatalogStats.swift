import GRDB
import JSON

/// What a workspace holds, per source and in total.
public struct CatalogStats: Sendable {
    public struct Source: Sendable {
        public var path: String
        public var format: String
        public var sourceSplit: String?
        public var read: Int
        public var kept: Int
        public var duplicates: Int
        public var quarantined: Int
    }

    public var sources: [Source] = []
    public var recordsByKind: [String: Int] = [:]
    public var completions = 0
    public var quarantineByReason: [String: Int] = [:]
    /// Records per split after `pref split`; empty before.
    public var recordsBySplit: [String: Int] = [:]
    /// Tokenized examples per kind and split ("sft/train" → (examples, tokens, shards)).
    public var shards: [String: (examples: Int, tokens: Int, shards: Int)] = [:]
}

extension Catalog {
    public func stats() throws -> CatalogStats {
        try db.read { db in
            var s = CatalogStats()
            s.sources = try Row.fetchAll(db, sql: """
                SELECT path, format, source_split, records_read, records_kept, duplicates, quarantined FROM sources ORDER BY id
                """).map {
                CatalogStats.Source(path: $0["path"], format: $0["format"], sourceSplit: $0["source_split"], read: $0["records_read"],
                                    kept: $0["records_kept"], duplicates: $0["duplicates"], quarantined: $0["quarantined"])
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM records GROUP BY kind") {
                s.recordsByKind[row["kind"]] = row["n"]
            }
            s.completions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM completions") ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT reason, COUNT(*) AS n FROM quarantine GROUP BY reason") {
                s.quarantineByReason[row["reason"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT split, COUNT(*) AS n FROM splits GROUP BY split") {
                s.recordsBySplit[row["split"]] = row["n"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT kind, split, SUM(examples) AS e, SUM(tokens) AS t, COUNT(*) AS n FROM shards GROUP BY kind, split") {
                s.shards["\(row["kind"] as String)/\(row["split"] as String)"] = (row["e"], row["t"], row["n"])
            }
            return s
        }
    }
}

extension CatalogStats {
    /// What `pref stats` prints for the catalog (the pairs' statistics come from Pairs).
    public var text: String {
        var lines: [String] = ["sources: \(sources.count)"]
        for src in sources {
            lines.append("  \(src.path)\n    format \(src.format)\(src.sourceSplit.map { ", split \($0)" } ?? ""): read \(src.read), kept \(src.kept), duplicates \(src.duplicates), quarantined \(src.quarantined)")
        }
        let kinds = recordsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("records: \(recordsByKind.values.reduce(0, +))\(kinds.isEmpty ? "" : " (\(kinds))"), completions: \(completions)")
        if !quarantineByReason.isEmpty {
            lines.append("quarantine: " + quarantineByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !recordsBySplit.isEmpty {
            lines.append("split: " + recordsBySplit.sorted { $0.key > $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if !shards.isEmpty {
            lines.append("shards: " + shards.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.examples) examples, \($0.value.tokens) tokens in \($0.value.shards) shards" }.joined(separator: "; "))
        }
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        let s = self
        func counts(_ d: [String: Int]) -> JSONValue {
            .object(JSONObject(d.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))
        }
        var o = JSONObject()
        o["sources"] = .array(s.sources.map { src in
            .object(JSONObject([
                ("path", .string(src.path)), ("format", .string(src.format)), ("source_split", src.sourceSplit.map(JSONValue.string) ?? .null),
                ("read", .int(Int64(src.read))), ("kept", .int(Int64(src.kept))), ("duplicates", .int(Int64(src.duplicates))),
                ("quarantined", .int(Int64(src.quarantined))),
            ]))
        })
        o["records_by_kind"] = counts(s.recordsByKind)
        o["completions"] = .int(Int64(s.completions))
        o["quarantine_by_reason"] = counts(s.quarantineByReason)
        o["records_by_split"] = counts(s.recordsBySplit)
        o["shards"] = .object(JSONObject(s.shards.sorted { $0.key < $1.key }.map {
            ($0.key, .object(JSONObject([("examples", .int(Int64($0.value.examples))), ("tokens", .int(Int64($0.value.tokens))), ("shards", .int(Int64($0.value.shards)))])))
        }))
        return .object(o)
    }
}
