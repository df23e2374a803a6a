import Core
import Store

/// The preference records with their split and their completions' facts, as flat arrays:
/// record r's completions are `completionStart[r] ..< completionStart[r + 1]`.
struct PairInput {
    var recordIds: [Int64] = []
    /// 64 bits of each record's content hash: the record's identity for seeded choices.
    var recordKeys: [UInt64] = []
    var recordSplits: [SplitName] = []
    var completionStart: [Int] = [0]
    var completionIds: [Int64] = []
    var facts: [CompletionFacts] = []

    static func load(_ tx: CatalogTransaction, progress: ProgressHandler?) throws -> PairInput {
        var input = PairInput()
        try tx.forEachPreferenceRecord { row in
            guard let key = Mix64.hexPrefix(row.contentHash) else {
                throw PairsError("record \(row.id): content_hash is not a sha256 hex digest; the catalog is damaged, re-ingest its source")
            }
            input.recordIds.append(row.id)
            input.recordKeys.append(key)
            input.recordSplits.append(row.split == "test" ? .test : .train)
        }
        // All completions in record order (the UNIQUE (record_id, idx) index gives that order
        // without a sort); those of conversation records are skipped by the merge below.
        let total = try tx.completionCount()
        input.completionIds.reserveCapacity(total)
        input.facts.reserveCapacity(total)
        let ticker = ProgressTicker(phase: "reading completions", total: total, unit: .completions, handler: progress)
        var seen = 0
        var r = 0  // the record the current completions belong to
        try tx.forEachCompletion { row in
            let recordId = row.recordId
            seen += 1
            ticker.tick(seen)
            while r < input.recordIds.count, input.recordIds[r] < recordId {
                r += 1
                input.completionStart.append(input.completionIds.count)
            }
            guard r < input.recordIds.count, input.recordIds[r] == recordId else { return }
            let label: Completion.Label? = switch row.label {
            case "chosen"?: .chosen
            case "rejected"?: .rejected
            default: nil
            }
            input.completionIds.append(row.id)
            input.facts.append(CompletionFacts(score: row.score, label: label, text: TextFingerprint(row.text)))
        }
        while input.completionStart.count < input.recordIds.count + 1 {
            input.completionStart.append(input.completionIds.count)
        }
        return input
    }
}
