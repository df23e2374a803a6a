import JSON

/// What ingesting one file did.
public struct FileIngestReport: Sendable {
    public var path: String
    public var format: String
    public var sourceSplit: String?
    /// Records seen in the file (kept + duplicates + quarantined).
    public var read = 0
    public var kept = 0
    public var duplicates = 0
    public var quarantined = 0
    public var quarantinedByReason: [String: Int] = [:]
    /// Set when these exact bytes were ingested before: nothing was written.
    public var alreadyIngestedAs: String?
    public var bytes: Int64 = 0
    public var seconds: Double = 0

    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }

    public var json: JSONValue {
        var o = JSONObject()
        o["path"] = .string(path)
        o["format"] = .string(format)
        o["source_split"] = sourceSplit.map(JSONValue.string) ?? .null
        o["read"] = .int(Int64(read))
        o["kept"] = .int(Int64(kept))
        o["duplicates"] = .int(Int64(duplicates))
        o["quarantined"] = .int(Int64(quarantined))
        o["quarantined_by_reason"] = .object(JSONObject(quarantinedByReason.sorted { $0.key < $1.key }.map { ($0.key, .int(Int64($0.value))) }))
        o["already_ingested"] = .bool(alreadyIngestedAs != nil)
        o["bytes"] = .int(bytes)
        o["seconds"] = .double((seconds * 1000).rounded() / 1000)
        o["mb_per_s"] = .double((megabytesPerSecond * 10).rounded() / 10)
        return .object(o)
    }
}

/// Progress of the file being ingested, for a progress bar.
public struct IngestProgress: Sendable {
    public var path: String
    public var bytesDone: Int64
    public var bytesTotal: Int64
    public var records: Int
}
