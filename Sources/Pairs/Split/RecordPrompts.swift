import Core
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

    static func load(_ tx: CatalogTransaction, progress: ProgressHandler?) throws -> RecordPrompts {
        let total = try tx.recordCount()
        var out = RecordPrompts()
        out.ids.reserveCapacity(total)
        out.sourceIds.reserveCapacity(total)
        out.prompts.reserveCapacity(total)
        out.sourceSplits.reserveCapacity(total)
        let ticker = ProgressTicker(phase: "reading records", total: total, unit: .records, handler: progress)
        try tx.forEachRecordPrompt { row in
            let bytes = row.promptHash
            guard bytes.count >= 32, let high = Mix64.hexPrefix(bytes),
                  let low = Mix64.hexPrefix(UnsafeRawBufferPointer(rebasing: bytes[16..<32])) else {
                throw PairsError("record \(row.id): prompt_hash is not a sha256 hex digest; the catalog is damaged, re-ingest its source")
            }
            out.ids.append(row.id)
            out.sourceIds.append(row.sourceId)
            out.prompts.append(PromptKey(high: high, low: low))
            out.sourceSplits.append(row.sourceSplit.map(SplitName.init(sourceSplit:)))
            ticker.tick(out.ids.count)
        }
        return out
    }
}
