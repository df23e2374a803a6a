import GRDB
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

    static func load(_ db: Database, progress: PairsProgressHandler?) throws -> PairInput {
        var input = PairInput()
        let records = try Row.fetchCursor(db, sql: """
            SELECT r.id, r.content_hash, s.split FROM records r JOIN splits s ON s.record_id = r.id
            WHERE r.kind = 'preference' ORDER BY r.id
            """)
        while let row = try records.next() {
            let id: Int64 = row[0]
            guard let key = try row.withUnsafeData(atIndex: 1, { $0?.withUnsafeBytes(Mix64.hexPrefix) ?? nil }) else {
                throw PairsError("record \(id): content_hash is not a sha256 hex digest; the catalog is damaged, re-ingest its source")
            }
            input.recordIds.append(id)
            input.recordKeys.append(key)
            input.recordSplits.append((row[2] as String) == "test" ? .test : .train)
        }
        // All completions in record order (the UNIQUE (record_id, idx) index gives that order
        // without a sort); those of conversation records are skipped by the merge below.
        let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM completions") ?? 0
        input.completionIds.reserveCapacity(total)
        input.facts.reserveCapacity(total)
        let ticker = ProgressTicker(phase: "reading completions", total: total, handler: progress)
        let completions = try Row.fetchCursor(db, sql: "SELECT record_id, id, score, label, text FROM completions ORDER BY record_id, idx")
        var seen = 0
        var r = 0  // the record the current completions belong to
        while let row = try completions.next() {
            let recordId: Int64 = row[0]
            seen += 1
            ticker.tick(seen)
            while r < input.recordIds.count, input.recordIds[r] < recordId {
                r += 1
                input.completionStart.append(input.completionIds.count)
            }
            guard r < input.recordIds.count, input.recordIds[r] == recordId else { continue }
            let label: Completion.Label? = switch row[3] as String? {
            case "chosen"?: .chosen
            case "rejected"?: .rejected
            default: nil
            }
            let text = try row.withUnsafeData(atIndex: 4) { data in
                data.map { $0.withUnsafeBytes(TextFingerprint.init) } ?? TextFingerprint(UnsafeRawBufferPointer(start: nil, count: 0))
            }
            input.completionIds.append(row[1])
            input.facts.append(CompletionFacts(score: row[2], label: label, text: text))
        }
        while input.completionStart.count < input.recordIds.count + 1 {
            input.completionStart.append(input.completionIds.count)
        }
        return input
    }
}
