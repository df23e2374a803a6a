import JSON

/// What `pref tokenize` produced.
public struct TokenizeReport: Sendable {
    public struct Part: Sendable {
        public var kind: String
        public var split: String
        public var examples = 0
        public var documents = 0
        public var tokens = 0
        public var trainableTokens = 0
        public var truncated = 0
        public var skipped: [String: Int] = [:]
        public var shards = 0
        public var shardsResumed = 0
        public var bytes: Int64 = 0
        public var uncompressedBytes: Int64 = 0
    }

    public var parts: [Part] = []
    public var startedOver = false
    public var seconds = 0.0
    /// Where the time went: BPE (wall time of the tokenizing phases), compression and file
    /// writes, SQLite index inserts.
    public var bpeSeconds = 0.0
    public var compressSeconds = 0.0
    public var sqliteSeconds = 0.0

    public var text: String {
        var lines: [String] = []
        if startedOver { lines.append("settings differ from the existing shards: rebuilt from scratch") }
        lines.append("  kind        split  examples  documents     tokens  trainable  truncated  shards      MB  ratio")
        for p in parts {
            let ratio = p.bytes > 0 ? Double(p.uncompressedBytes) / Double(p.bytes) : 0
            lines.append(String(format: "  %-10@  %-5@  %8d  %9d  %9d  %9d  %9d  %6d  %6.2f  %4.1fx",
                                p.kind, p.split, p.examples, p.documents, p.tokens, p.trainableTokens, p.truncated, p.shards,
                                Double(p.bytes) / 1_000_000, ratio))
            if !p.skipped.isEmpty {
                lines.append("    skipped: " + p.skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if p.shardsResumed > 0 { lines.append("    \(p.shardsResumed) shards were already complete (resumed)") }
        }
        let tokens = parts.reduce(0) { $0 + $1.tokens }
        lines.append(String(format: "%d tokens in %.2fs (%.0f tokens/s): BPE %.2fs, compression %.2fs, SQLite %.2fs",
                            tokens, seconds, seconds > 0 ? Double(tokens) / seconds : 0, bpeSeconds, compressSeconds, sqliteSeconds))
        return lines.joined(separator: "\n")
    }

    public var json: JSONValue {
        func n(_ v: Int) -> JSONValue { .int(Int64(v)) }
        return .object(JSONObject([
            ("parts", .array(parts.map { p in
                .object(JSONObject([
                    ("kind", .string(p.kind)), ("split", .string(p.split)), ("examples", n(p.examples)), ("documents", n(p.documents)),
                    ("tokens", n(p.tokens)), ("trainable_tokens", n(p.trainableTokens)), ("truncated", n(p.truncated)),
                    ("skipped", .object(JSONObject(p.skipped.sorted { $0.key < $1.key }.map { ($0.key, n($0.value)) }))),
                    ("shards", n(p.shards)), ("shards_resumed", n(p.shardsResumed)), ("bytes", .int(p.bytes)),
                    ("uncompressed_bytes", .int(p.uncompressedBytes)),
                ]))
            })),
            ("started_over", .bool(startedOver)), ("seconds", .double(seconds)), ("bpe_seconds", .double(bpeSeconds)),
            ("compress_seconds", .double(compressSeconds)), ("sqlite_seconds", .double(sqliteSeconds)),
        ]))
    }
}
