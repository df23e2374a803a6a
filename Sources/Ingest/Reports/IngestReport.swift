import Foundation
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

extension FileIngestReport {
    /// One line per file, as `pref ingest` prints it.
    public var text: String {
        if let previous = alreadyIngestedAs {
            return "\(path): already ingested (same sha256 as \(previous)); nothing to do"
        }
        var s = "\(path): format \(format)\(sourceSplit.map { ", split \($0)" } ?? "") — read \(read), kept \(kept), duplicates \(duplicates), quarantined \(quarantined)"
        if !quarantinedByReason.isEmpty {
            s += " (" + quarantinedByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        }
        s += String(format: " in %.2fs, %.1f MB/s", seconds, megabytesPerSecond)
        return s
    }
}

/// What one `pref ingest` did over all its files.
public struct IngestRunReport: Sendable {
    public var files: [FileIngestReport] = []
    /// Files that could not be read as a whole, each with its error.
    public var failures: [String] = []
    public var seconds: Double = 0

    public init() {}

    var bytes: Int64 { files.reduce(0) { $0 + $1.bytes } }
    var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0 }

    /// Exit status 1 when a file failed as a whole or nothing usable was read.
    public var succeeded: Bool {
        failures.isEmpty && files.contains { $0.kept + $0.duplicates > 0 || $0.alreadyIngestedAs != nil }
    }

    public var text: String {
        let sum = { (f: (FileIngestReport) -> Int) in files.reduce(0) { $0 + f($1) } }
        return String(format: "total: %d files, read %d, kept %d, duplicates %d, quarantined %d — %.2fs, %.1f MB/s",
                      files.count, sum(\.read), sum(\.kept), sum(\.duplicates), sum(\.quarantined), seconds, megabytesPerSecond)
    }

    public var json: JSONValue {
        var o = JSONObject()
        o["files"] = .array(files.map(\.json))
        o["errors"] = .array(failures.map(JSONValue.string))
        o["elapsed_s"] = .double((seconds * 1000).rounded() / 1000)
        o["mb_per_s"] = .double((megabytesPerSecond * 10).rounded() / 10)
        return .object(o)
    }
}
