import GRDB
import Store

/// 128 bits of a record's `prompt_hash`: enough to group equal prompts without keeping
/// 64-character strings for every record.
struct PromptKey: Hashable, Sendable {
    var high: UInt64
    var low: UInt64
}

/// The columns of `records` that the split needs, one array per column, in id order.
struct RecordPrompts {
    var ids: [Int64] = []
    var sourceIds: [Int64] = []
    var prompts: [PromptKey] = []
    /// The record's own split name mapped to train/test; nil when its source had none.
    var sourceSplits: [SplitName?] = []

    static func load(_ db: Database, progress: PairsProgressHandler?) throws -> RecordPrompts {
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM records") ?? 0
        var out = RecordPrompts()
        out.ids.reserveCapacity(total)
        out.sourceIds.reserveCapacity(total)
        out.prompts.reserveCapacity(total)
        out.sourceSplits.reserveCapacity(total)
        let ticker = ProgressTicker(phase: "reading records", total: total, handler: progress)
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, source_id, prompt_hash, source_split FROM records ORDER BY id")
        while let row = try cursor.next() {
            let id: Int64 = row[0]
            let key = try row.withUnsafeData(atIndex: 2) { data -> PromptKey? in
                data?.withUnsafeBytes { bytes -> PromptKey? in
                    guard bytes.count >= 32, let high = Mix64.hexPrefix(bytes),
                          let low = Mix64.hexPrefix(UnsafeRawBufferPointer(rebasing: bytes[16..<32])) else { return nil }
                    return PromptKey(high: high, low: low)
                }
            }
            guard let key else {
                throw PairsError("record \(id): prompt_hash is not a sha256 hex digest; the catalog is damaged, re-ingest its source")
            }
            out.ids.append(id)
            out.sourceIds.append(row[1])
            out.prompts.append(key)
            out.sourceSplits.append((row[3] as String?).map(SplitName.init(sourceSplit:)))
            ticker.tick(out.ids.count)
        }
        return out
    }
}
