import GRDB

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
